"""Chatwoot dialect tests."""
