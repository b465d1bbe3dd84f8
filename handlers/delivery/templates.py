"""Every outbox template with its builder: the sender's render hook.

A template added to `bot.delivery.templates.Template` without a builder here stops the
bot at start-up (and `tests/test_templates.py`), instead of failing rows in production.
"""

from __future__ import annotations

from aiogram.utils.i18n import I18n

from bot.delivery.recipient_language import RecipientLanguage
from bot.delivery.templates import Template, TemplateRenderer
from bot.services import Services
from handlers.coordinators.broadcast.progress import BroadcastNotices
from handlers.coordinators.import_notices import ImportNotices
from handlers.coordinators.participant_notices import StaffSeatNotices
from handlers.delivery.notices import TrainingNotices
from handlers.tickets.notices import TicketNotices
from handlers.training.result_notice import ResultNotices
from handlers.training.surveys import SurveyNotices


def notice_renderer(services: Services, i18n: I18n) -> TemplateRenderer:
    training, broadcasts = TrainingNotices(services), BroadcastNotices(services)
    staff_seats, imports = StaffSeatNotices(services), ImportNotices(services)
    return TemplateRenderer(
        {
            Template.REMINDER: training.reminder,
            Template.PROMOTION: training.promotion,
            Template.ABANDONED: training.abandoned,
            Template.BATCH_CANCELLED: training.batch_cancelled,
            Template.BATCH_OVER: training.batch_over,
            Template.BATCH_OPENED: training.batch_opened,
            Template.TRAINING_RESULT: ResultNotices(services).result,
            Template.SURVEY: SurveyNotices(services).survey,
            Template.STAFF_MOVED_SEAT: staff_seats.moved,
            Template.STAFF_CANCELLED_SEAT: staff_seats.cancelled,
            Template.TICKET: TicketNotices(services),
            Template.BROADCAST_PROGRESS: broadcasts.progress,
            Template.BROADCAST_REPORT: broadcasts.report,
            Template.BROADCAST_FAILURES: broadcasts.failures,
            Template.IMPORT_PROGRESS: imports.progress,
            Template.IMPORT_REPORT: imports.report,
        },
        RecipientLanguage(i18n, services.preferences),
    )
