"""Reliability: real server process trees under contention, crashes, revocation, upgrades,
bad input and failing dependencies."""
