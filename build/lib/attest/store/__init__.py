"""Persistence shell: SQLAlchemy models and repositories, the content-addressed blob store."""
