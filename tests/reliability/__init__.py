"""Reliability under contention and crashes, against a live multi-worker server."""
