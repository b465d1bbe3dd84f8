"""Telegram I/O: one router per journey, composed in a fixed order by `get_routers`."""

from aiogram import F, Router

from handlers import errors, fallback, language, my_data, start
from handlers.registration import registration_router


def get_routers() -> list[Router]:
    """Cancel/help first so they work in any state; the catch-all fallback last."""
    private = Router(name="private")
    # The bot talks to people one-to-one; groups and channels get no answers.
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    private.include_routers(
        start.router,
        language.router,
        my_data.router,
        registration_router(),
        fallback.router,
    )
    return [errors.router, private]
