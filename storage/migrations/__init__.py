"""Alembic environment and revisions (numbered 001, 002, ...)."""
