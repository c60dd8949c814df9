"""HelpCrunch dialect tests."""
