"""Tenant-bound repositories: every statement they build filters on the account they hold."""
