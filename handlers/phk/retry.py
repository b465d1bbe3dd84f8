"""Anything a PHK pathway question did not expect (see `handlers.retries`)."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from handlers.common.retries import retry_routers
from handlers.phk.questions import PhkFlow, repeat

commands_router, router = retry_routers(__name__, PhkFlow, repeat, __("error-phk-command-in-flow"))
