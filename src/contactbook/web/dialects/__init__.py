"""Dialects: one package per API Contactbook speaks; each translates, none decides."""
