"""/statistik: coordinators' numbers for their own scope (country, province or BLK).

Everyone else falls through to the fallback and gets the same answer as for an unknown
command, like every other coordinator tool.
"""

from __future__ import annotations

from aiogram.filters import Command, StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.coordinators.roles import Scope
from bot.coordinators.statistics import Statistics
from bot.phk.pathway import PhkBusiness
from bot.services import Services
from handlers.common.blueprint import Blueprint
from handlers.common.filters import HasRole
from handlers.coordinators.broadcast.render import number
from handlers.coordinators.roles import scope_label

router = Blueprint(name=__name__)


def statistics_text(stats: Statistics) -> str:
    by_business = stats.pathway_by_business
    return _("stat-report").format(
        scope=scope_label(stats.scope, stats.place),
        registrations=number(stats.registrations),
        phk=number(stats.phk_registrations),
        completions=number(stats.pathway_completions),
        counselling=number(stats.pathway_counselling),
        capital=number(stats.pathway_capital_info),
        idea=number(by_business[PhkBusiness.IDEA]),
        running=number(by_business[PhkBusiness.RUNNING]),
        no_business=number(by_business[PhkBusiness.NONE]),
        active=number(stats.enrollments_active),
        waitlisted=number(stats.enrollments_waitlisted),
    )


@router.message(Command("statistik"), StateFilter(None), HasRole())
async def cmd_statistik(message: Message, scope: Scope, services: Services) -> None:
    """Counts in the coordinator's scope, from one consistent read."""
    await message.answer(statistics_text(await services.statistics.collect(scope)))
