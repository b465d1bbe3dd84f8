"""Persistence: SQLAlchemy models, repositories, FSM storage and migrations."""
