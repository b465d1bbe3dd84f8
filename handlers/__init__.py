"""Telegram I/O: one router per journey, composed in a fixed order by `root_router`."""

from functools import cache

from aiogram import F, Router

from handlers import phk, tickets
from handlers.common import errors
from handlers.coordinators import roles as coordinators
from handlers.coordinators import statistics
from handlers.coordinators import uploads as coordinator_upload
from handlers.coordinators.broadcast.router import broadcast_router
from handlers.directory import nearest_blk
from handlers.faq import answers as faq
from handlers.home import fallback, language, start
from handlers.privacy import my_data
from handlers.registration import registration_router
from handlers.training import attendance, batches, schedule
from handlers.training import eligibility as eligibility_check


@cache
def _build_tree() -> Router:
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
        eligibility_check.router,
        nearest_blk.router,
        batches.router,
        schedule.router,
        attendance.router,
        coordinator_upload.router,
        coordinators.router,
        broadcast_router(),
        phk.router,
        tickets.router,
        statistics.router,
        faq.router,
        fallback.router,
    )
    root = Router(name="root")
    root.callback_query.middleware(errors.RefusalOnButton())
    root.include_routers(errors.router, private)
    return root


def root_router() -> Router:
    """The handler tree, taken over by the newest Dispatcher of this process.

    Journey routers are module-level objects, and aiogram lets a router have one
    parent; a restart inside one process (console, tests) builds a new Dispatcher.
    """
    root = _build_tree()
    previous = root.parent_router
    if previous is not None:
        previous.sub_routers.remove(root)
        root._parent_router = None  # aiogram has no public way to detach a router
    return root
