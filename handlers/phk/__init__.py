"""Terdampak PHK: the guided pathway for laid-off workers, its summary and JKP facts."""

from handlers.phk.flow import router

__all__ = ["router"]
