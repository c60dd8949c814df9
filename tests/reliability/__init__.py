"""Reliability: behaviour of real server process trees under revocation, upgrades and failing
dependencies."""
