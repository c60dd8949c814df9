"""The command line: operators use the same services as the APIs."""
