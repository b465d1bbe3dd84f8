"""Telegram I/O: one router per journey, composed in a fixed order by `root_router`."""

from aiogram import F, Router

from handlers import phk, tickets
from handlers.common import errors
from handlers.common.blueprint import Blueprint
from handlers.coordinators import (
    batch_creator,
    batch_editor,
    check_in_desk,
    completion,
    desk,
    participant_card,
    participant_search,
    statistics,
)
from handlers.coordinators import roles as coordinators
from handlers.coordinators import staff_menu as staff_help
from handlers.coordinators import uploads as coordinator_upload
from handlers.coordinators.broadcast.router import broadcast_router
from handlers.directory import nearest_blk
from handlers.faq import answers as faq
from handlers.faq import gaps as faq_gaps
from handlers.faq import reload as faq_reload
from handlers.faq import taught as faq_taught
from handlers.faq import teaching as faq_teaching
from handlers.home import fallback, language, my_id, resume, start
from handlers.privacy import my_data
from handlers.registration import registration_router
from handlers.training import attendance, batches, certificates, check_in, referrals, schedule
from handlers.training import eligibility as eligibility_check
from handlers.training import surveys as follow_up_surveys


def root_router() -> Router:
    """A fresh handler tree for one Dispatcher: cancel/help first so they work in any
    state, the catch-all fallback last."""
    private = Blueprint(name="private")
    # The bot talks to people one-to-one; groups and channels get no answers.
    private.message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    private.include_routers(
        staff_help.router,  # staff's own /bantuan, before everyone's
        check_in.link_router,  # the class's QR code opens /start with its payload
        certificates.router,  # so does a certificate's
        referrals.router,  # read-only: answers in any conversation, before the menu's guard
        start.router,
        my_id.router,
        language.router,
        resume.router,  # help in a flow, and the way back, before the flows' catch-alls
        my_data.router,
        registration_router(),
        eligibility_check.router,
        nearest_blk.router,
        batches.router,
        schedule.router,
        attendance.router,
        follow_up_surveys.router,
        check_in.router,
        coordinator_upload.router,
        coordinators.router,
        broadcast_router(),
        phk.router,
        tickets.router,
        statistics.router,
        desk.router,
        check_in_desk.router,
        completion.router,
        participant_search.router,
        participant_card.router,
        batch_creator.router,
        batch_editor.router,
        batch_creator.retry_router,
        batch_editor.retry_router,
        faq_gaps.router,
        faq_teaching.router,
        faq_taught.router,
        faq_reload.router,
        faq.router,
        fallback.router,
    )
    root = Blueprint(name="root")
    root.callback_query.middleware(errors.RefusalOnButton())
    root.include_routers(errors.router, private)
    return root.build()
