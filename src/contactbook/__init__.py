"""Contactbook: one contact store behind four HTTP APIs."""

__version__ = "0.1.0"
