"""Domain: pure rules and models of Contactbook; no I/O, no web framework, no SQL."""
