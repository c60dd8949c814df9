"""Storage: the only package that speaks SQL (SQLAlchemy Core over SQLite and PostgreSQL)."""
