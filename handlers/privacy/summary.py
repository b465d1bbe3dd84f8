"""/datasaya in words: everything `bot.privacy` exports, as messages a person can read.

NIK and phone are masked here (a chat is seen over a shoulder); the attached file holds
them in full. Dates of a batch are in its BLK's zone, every other moment in the
programme's zone, as the bot shows them elsewhere. The file's codes are explained in
its `codes` section, in the person's language.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __

from bot.phk.pathway import PhkAnswers, PhkBusiness
from bot.places.regions import RegionDirectory
from bot.registration.participants import Participant
from bot.telegram_text import MESSAGE_LIMIT, blocks_that_fit
from bot.tickets.rules import Author, Origin, TicketStatus
from bot.training.check_in import Method
from bot.training.placements import Placement
from bot.training.reminders import AttendanceAnswer
from bot.training.surveys import QUESTIONS
from handlers.common.render import (
    BUSINESS_LABELS,
    SECTOR_LABELS,
    SEX_LABELS,
    long_date,
    month_label,
    participant_card,
    short_date,
)
from handlers.phk.keyboards import PHK_BUSINESS_LABELS
from handlers.tickets.render import STATUS_LABELS as TICKET_STATUS_LABELS
from handlers.tickets.render import when

# Each language by its own name, as the language buttons show it.
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}

SEAT_STATUS_LABELS = {
    "active": __("mydata-seat-active"),
    "waitlisted": __("mydata-seat-waitlisted"),
    "completed": __("mydata-seat-completed"),
    "cancelled": __("mydata-seat-cancelled"),
}
ATTENDANCE_LABELS = {
    AttendanceAnswer.YES: __("mydata-attendance-yes"),
    AttendanceAnswer.NO: __("mydata-attendance-no"),
}
CHECK_IN_METHOD_LABELS = {
    Method.CODE: __("mydata-check-in-code"),
    Method.LINK: __("mydata-check-in-link"),
    Method.STAFF: __("mydata-check-in-staff"),
}
ORIGIN_LABELS = {
    Origin.MENU: __("mydata-origin-menu"),
    Origin.COMMAND: __("mydata-origin-command"),
    Origin.FAQ: __("mydata-origin-faq"),
    Origin.PHK: __("mydata-origin-phk"),
}
AUTHOR_LABELS = {Author.USER: __("mydata-author-user"), Author.STAFF: __("mydata-author-staff")}


def code_legend() -> dict[str, dict[str, str]]:
    """What each code in the file means, in the person's language (the `codes` section)."""
    sections: dict[str, dict[Any, Any]] = {
        "registration.sex": SEX_LABELS,
        "registration.business_status": BUSINESS_LABELS,
        "registration.business_sector": SECTOR_LABELS,
        "training.status": SEAT_STATUS_LABELS,
        "training.attendance": ATTENDANCE_LABELS,
        "training.check_ins.method": CHECK_IN_METHOD_LABELS,
        "phk_pathway.previous_sector": SECTOR_LABELS,
        "phk_pathway.business": PHK_BUSINESS_LABELS,
        "questions_to_coordinators.status": TICKET_STATUS_LABELS,
        "questions_to_coordinators.origin": ORIGIN_LABELS,
        "questions_to_coordinators.messages.from": AUTHOR_LABELS,
        "language": LANGUAGE_NAMES,
    }
    return {
        name: {str(code): str(label) for code, label in labels.items()}
        for name, labels in sections.items()
    }


def summary_messages(
    export: dict[str, Any],
    participant: Participant | None,
    placement: Placement | None,
    phk: PhkAnswers | None,
    regions: RegionDirectory,
    zone: str,
) -> list[str]:
    """The summary, cut between sections so each message fits Telegram's limit."""
    blocks = [_("mydata-title")]
    if participant is not None:
        blocks.append(_registration(participant, regions, zone))
    else:
        blocks.append(_("mydata-not-registered"))
    blocks.extend(_seats(export["training"], placement, zone))
    if phk is not None:
        blocks.append(_phk(phk, export["phk_pathway"], zone))
    blocks.extend(_questions(export["questions_to_coordinators"], zone))
    blocks.extend(_others(export, zone))
    return _pack(blocks)


def _registration(participant: Participant, regions: RegionDirectory, zone: str) -> str:
    consent = _("mydata-consent").format(
        version=html.quote(participant.consent_version),
        at=when(participant.consent_at, zone),
        created=when(participant.created_at, zone),
        updated=when(participant.updated_at, zone),
    )
    return f"{participant_card(participant, regions)}\n{consent}"


def _seats(seats: list[dict[str, Any]], placement: Placement | None, zone: str) -> list[str]:
    if not seats:
        return [_("mydata-seats-none")]
    blocks = [_("mydata-seats-title").format(count=len(seats))]
    for number, seat in enumerate(seats, start=1):
        blk_zone = seat["blk_timezone"] or zone
        status = str(SEAT_STATUS_LABELS.get(seat["status"], seat["status"]))
        lines = [
            _("mydata-seat").format(
                number=number,
                title=html.quote(seat["batch"]),
                blk=html.quote(seat["blk"]),
                first_day=long_date(_local_day(seat["starts_at"], blk_zone)),
                last_day=long_date(_local_day(seat["ends_at"], blk_zone)),
                status=status,
                since=when(datetime.fromisoformat(seat["since"]), zone),
            )
        ]
        if (
            placement is not None
            and placement.position is not None
            and (placement.batch.id == seat["batch_id"] and seat["status"] == "waitlisted")
        ):
            lines.append(_("mydata-seat-position").format(position=placement.position))
        if seat["attendance"] is not None:
            lines.append(
                _("mydata-seat-attendance").format(
                    answer=ATTENDANCE_LABELS.get(seat["attendance"], seat["attendance"]),
                    at=when(datetime.fromisoformat(seat["attendance_answered_at"]), zone),
                )
            )
        if seat["check_ins"]:
            lines.append(_("mydata-seat-check-ins").format(days=_check_in_days(seat["check_ins"])))
        if result := seat["result"]:
            lines.append(
                _("mydata-seat-result").format(
                    result=_("completion-passed")
                    if result["passed"]
                    else _("completion-not-passed"),
                    present=result["days_present"],
                    days=result["training_days"],
                )
            )
            if result["certificate_number"]:
                revoked = (
                    _("mydata-certificate-revoked") if result["certificate_revoked_at"] else ""
                )
                lines.append(
                    _("mydata-seat-certificate").format(
                        number=result["certificate_number"], revoked=revoked
                    )
                )
        for survey in seat["surveys"]:
            answered = sum(survey[q.value] is not None for q in QUESTIONS)
            lines.append(
                _("mydata-seat-survey").format(
                    days=survey["wave_days"],
                    at=when(datetime.fromisoformat(survey["sent_at"]), zone),
                    answered=answered,
                    count=len(QUESTIONS),
                )
            )
        blocks.append("\n".join(lines))
    return blocks


def _check_in_days(days: list[dict[str, Any]]) -> str:
    """ "26 Nov 2026 ✅ (kode QR), 27 Nov 2026 ❌ (dicatat koordinator)" """
    return ", ".join(
        "{day} {mark} ({method})".format(
            day=short_date(date.fromisoformat(day["day"])),
            mark="✅" if day["present"] else "❌",
            method=CHECK_IN_METHOD_LABELS.get(day["method"], day["method"]),
        )
        for day in days
    )


def _phk(answers: PhkAnswers, stored: dict[str, Any], zone: str) -> str:
    def yes_no(value: bool) -> str:
        return _("mydata-yes") if value else _("mydata-no")

    return _("mydata-phk").format(
        month=month_label(answers.phk_month),
        sector=SECTOR_LABELS[answers.previous_sector],
        skills=html.quote(answers.skills),
        business=PHK_BUSINESS_LABELS[PhkBusiness(answers.business)],
        counselling=yes_no(answers.wants_counselling),
        capital=yes_no(answers.wants_capital_info),
        updated=when(datetime.fromisoformat(stored["updated_at"]), zone),
    )


def _questions(questions: list[dict[str, Any]], zone: str) -> list[str]:
    if not questions:
        return [_("mydata-questions-none")]
    blocks = [_("mydata-questions-title").format(count=len(questions))]
    for question in questions:
        line = _("mydata-question").format(
            id=question["id"],
            origin=ORIGIN_LABELS.get(question["origin"], question["origin"]),
            status=TICKET_STATUS_LABELS[TicketStatus(question["status"])],
            asked=when(datetime.fromisoformat(question["asked_at"]), zone),
            messages=len(question["messages"]),
        )
        if question["closed_at"]:
            closed = when(datetime.fromisoformat(question["closed_at"]), zone)
            line += "\n" + _("mydata-question-closed").format(at=closed)
        blocks.append(line)
    return blocks


def _others(export: dict[str, Any], zone: str) -> list[str]:
    """Language, BLKs watched for a new batch and unfinished conversations."""
    language = export["language"]
    lines = [
        _("mydata-language").format(
            language=LANGUAGE_NAMES.get(language, language) if language else _("mydata-default")
        )
    ]
    if watched := export.get("waiting_for_a_batch_at"):
        lines.append(_("mydata-watches").format(blks=html.quote(", ".join(watched))))
    if stopped := export.get("surveys_stopped_at"):
        lines.append(
            _("mydata-surveys-stopped").format(at=when(datetime.fromisoformat(stopped), zone))
        )
    for conversation in export["open_conversations"]:
        at = when(datetime.fromisoformat(conversation["last_activity_at"]), zone)
        lines.append(_("mydata-conversation").format(at=at))
    return ["\n".join(lines)]


def _local_day(moment: str, zone: str) -> date:
    return datetime.fromisoformat(moment).astimezone(ZoneInfo(zone)).date()


def _pack(blocks: list[str]) -> list[str]:
    """Sections joined into as few messages as fit; a section is never split."""
    messages: list[str] = []
    while blocks:
        count = max(blocks_that_fit(blocks[0], blocks[1:], MESSAGE_LIMIT) + 1, 1)
        messages.append("\n\n".join(blocks[:count]))
        blocks = blocks[count:]
    return messages
