"""Everything stored about a person, across features (UU PDP, Law 27/2022).

One place answers the right of access (/datasaya), the right to erasure (/hapusdata)
and the retention period the consent text promises (`DATA_RETENTION_MONTHS`): the
registration and its seat or waitlist place, the PHK pathway answers, the questions to
coordinators, the language choice, any open conversation wherever the FSM storage keeps
it, and the copies of the answers the bot sent them. A feature that starts storing
personal data adds it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.clock_sanity import ClockSanity
from bot.phk.service import answers_of
from bot.preferences import PreferenceService
from bot.registration.months import months_before
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import participant_of
from bot.training.reminders import ReminderPlan
from bot.training.surveys import Question
from bot.training.waitlist import DEFAULT_ORDER, release
from storage.blk_watch_repository import BlkWatchRepository
from storage.check_in_repository import CheckInRepository
from storage.completion_repository import CompletionRepository
from storage.database import Database
from storage.enrollment_repository import BatchRepository, EnrollmentRepository, WaitlistOrder
from storage.fsm import TrackedStorage
from storage.models import (
    Attendance,
    Batch,
    CheckIn,
    ConversationActivity,
    Enrollment,
    PhkProfile,
    SurveyResponse,
    Ticket,
    TicketMessage,
    TrainingResult,
)
from storage.outbox_repository import OutboxRepository
from storage.phk_repository import PhkRepository
from storage.repositories import Repositories
from storage.survey_repository import SurveyRepository
from storage.ticket_repository import TicketRepository


@dataclass(frozen=True)
class Erasure:
    erased: bool
    promoted_telegram_id: int | None


@dataclass(frozen=True)
class Retention:
    """What one retention round erased; `promoted` people got a freed seat. `refused`: the
    clock was not trusted (`bot.clock_sanity`), nothing was erased; `capped`: the round
    erased its maximum and the rest waits for the next one."""

    registrations: int
    phk_answers: int
    conversations: int
    promoted: int
    refused: bool = False
    capped: bool = False

    @property
    def erased(self) -> int:
        return self.registrations + self.phk_answers + self.conversations


class PrivacyService:
    def __init__(
        self,
        db: Database,
        cipher: PersonalDataCipher,
        conversations: TrackedStorage,
        *,
        plan: ReminderPlan,
        waitlist_order: WaitlistOrder = DEFAULT_ORDER,
        retention_months: int = 24,
        max_per_run: int = 500,
        clock: Clock | None = None,
        clock_sanity: ClockSanity | None = None,
        preferences: PreferenceService | None = None,
    ) -> None:
        self._db = db
        # An erased account's language must not outlive it in the cache either.
        self._preferences = preferences
        self._cipher = cipher
        self._conversations = conversations
        self._plan = plan
        self._waitlist_order = waitlist_order
        self.retention_months = retention_months
        self.max_per_run = max_per_run
        self.clock = clock or Clock()
        self.clock_sanity = clock_sanity or ClockSanity(db, self.clock)

    async def export(self, telegram_id: int) -> dict[str, object] | None:
        """Everything stored about the account, unmasked (right of access)."""
        async with self._db.transaction() as session:
            repos = Repositories(session)
            row = await repos.registrations.by_telegram_id(telegram_id)
            user = await repos.users.get(telegram_id)
            phk = await PhkRepository(session).get(telegram_id)
            history = await EnrollmentRepository(session).history_of(row.id) if row else []
            seat_ids = [seat.id for seat, *_ in history]
            days = await CheckInRepository(session).of_seats(seat_ids)
            results = {
                result.enrollment_id: result
                for result in await CompletionRepository(session).of_seats(seat_ids)
            }
            seats = [
                await _seat_export(
                    BatchRepository(session),
                    *seat,
                    [day for day in days if day.enrollment_id == seat[0].id],
                    results.get(seat[0].id),
                )
                for seat in history
            ]
            tickets = TicketRepository(session)
            questions = [
                self._ticket_export(ticket, await tickets.messages(ticket.id))
                for ticket in await tickets.all_of_user(telegram_id)
            ]
            conversations = await repos.conversations.of_user(telegram_id)
            watched = await BlkWatchRepository(session).blks_of(telegram_id)
            surveys = SurveyRepository(session)
            waves = [seat.response for seat in await surveys.of_person(telegram_id)]
            surveys_stopped = await surveys.opted_out_at(telegram_id)
        for seat in seats:
            seat["surveys"] = [_survey_export(w) for w in waves if w.enrollment_id == seat["id"]]
        if not (row or user or phk or questions or conversations or watched or surveys_stopped):
            return None
        # After the transaction: the database storage opens its own.
        open_conversations = [
            {**_conversation_export(c), "answers": await self._conversations.answers_of(c)}
            for c in conversations
        ]
        return {
            "telegram_id": telegram_id,
            "language": user.locale if user else None,
            "registration": participant_of(row, self._cipher).as_export() if row else None,
            "training": seats,
            "phk_pathway": _phk_export(phk) if phk else None,
            "questions_to_coordinators": questions,
            "open_conversations": open_conversations,
            "waiting_for_a_batch_at": watched,
            "surveys_stopped_at": _moment(surveys_stopped),
        }

    async def erase(self, telegram_id: int) -> Erasure:
        """Delete everything held about the account (right to erasure).

        A seat the person held goes to the first waitlisted person, whose notice and
        reminders are queued in the same transaction. `erased` says whether there was a
        registration, PHK answers, a question to coordinators or an unfinished conversation
        (a half-done registration holds a NIK).
        """
        deleted = await self._conversations.forget_user(telegram_id)
        async with self._db.transaction() as session:
            repos = Repositories(session)
            promoted = None
            row = await repos.registrations.by_telegram_id(telegram_id, lock=True)
            if row is not None and (live := await EnrollmentRepository(session).live_for(row.id)):
                promoted = await release(
                    session,
                    live,
                    order=self._waitlist_order,
                    plan=self._plan,
                    now=self.clock.now(),
                )
            deleted += await repos.registrations.delete(telegram_id)
            deleted += await PhkRepository(session).delete(telegram_id)
            deleted += await TicketRepository(session).delete_for_user(telegram_id)
            deleted += await BlkWatchRepository(session).forget_person(telegram_id)
            deleted += await SurveyRepository(session).forget_person(telegram_id)
            await repos.users.delete(telegram_id)
            await OutboxRepository(session).forget_person(telegram_id)
        if self._preferences is not None:
            self._preferences.forget(telegram_id)
        return Erasure(erased=deleted > 0, promoted_telegram_id=promoted)

    async def erase_expired(self) -> Retention:
        """Erase what is kept longer than the consent text promises (`retention_months`).

        Registrations go one account per transaction, as /hapusdata would, so seats pass
        to the waitlist. PHK answers not renewed within the period go too, also of people
        who never registered, and so do conversations idle that long (a half-finished
        registration holds a NIK). Nothing goes while the clock is not trusted, and at
        most `max_per_run` in all, oldest first: a clock wrong in a way the check cannot
        see still erases no more than that before someone looks.
        """
        if not await self.clock_sanity.allows("retention"):
            return Retention(0, 0, 0, 0, refused=True)
        cutoff = months_before(self.clock.now(), self.retention_months)
        budget = self.max_per_run
        async with self._db.transaction() as session:
            registrations = Repositories(session).registrations
            expired = await registrations.consented_before(cutoff, limit=budget)
        promoted = [(await self.erase(telegram_id)).promoted_telegram_id for telegram_id in expired]
        budget -= len(expired)
        phk_answers = conversations = 0
        if budget:
            async with self._db.transaction() as session:
                phk_answers = await PhkRepository(session).delete_updated_before(
                    cutoff, limit=budget
                )
            budget -= phk_answers
        if budget:
            conversations = await self._conversations.forget_idle(cutoff, limit=budget)
            budget -= conversations
        return Retention(
            registrations=len(expired),
            phk_answers=phk_answers,
            conversations=conversations,
            promoted=sum(p is not None for p in promoted),
            capped=budget == 0,
        )

    def _ticket_export(self, ticket: Ticket, messages: list[TicketMessage]) -> dict[str, object]:
        return {
            "id": ticket.id,
            "status": ticket.status,
            "origin": ticket.origin,
            "sent_to_blk": ticket.blk_id,
            "sent_to_province": ticket.province_code,
            "asked_at": ticket.created_at.isoformat(),
            "waiting_since": ticket.waiting_since.isoformat(),
            "escalated_at": _moment(ticket.escalated_at),
            "closed_at": _moment(ticket.closed_at),
            "messages": [
                {
                    "from": message.author_kind,
                    "text": self._cipher.decrypt(message.text_cipher),
                    "at": message.created_at.isoformat(),
                }
                for message in messages
            ],
        }


async def _seat_export(
    batches: BatchRepository,
    enrollment: Enrollment,
    batch: Batch,
    attendance: Attendance | None,
    check_ins: list[CheckIn],
    result: TrainingResult | None,
) -> dict[str, object]:
    """A seat or waitlist place with what the summary shows: the BLK by name and the
    batch's dates, which are shown in the BLK's zone (`blk_timezone`)."""
    blk_name, zone = await batches.blk_name_and_zone(batch.blk_id) or (batch.blk_id, None)
    return {
        "id": enrollment.id,
        "batch_id": batch.id,
        "batch": batch.title,
        "blk_id": batch.blk_id,
        "blk": blk_name,
        "blk_timezone": zone,
        "starts_at": batch.starts_at.isoformat(),
        "ends_at": batch.ends_at.isoformat(),
        "status": enrollment.status,
        "since": enrollment.created_at.isoformat(),
        "updated_at": enrollment.updated_at.isoformat(),
        "attendance": attendance.answer if attendance else None,
        "attendance_answered_at": _moment(attendance.answered_at if attendance else None),
        "check_ins": [
            {
                "day": day.day.isoformat(),
                "present": day.present,
                "method": day.method,
                "at": day.at.isoformat(),
            }
            for day in check_ins
        ],
        "result": _result_export(result) if result else None,
    }


def _result_export(result: TrainingResult) -> dict[str, object]:
    """The result of a completed batch; `changed_by_coordinator` when it was overridden."""
    return {
        "days_present": result.days_present,
        "training_days": result.training_days,
        "by_rule": result.by_rule,
        "passed": result.passed,
        "changed_by_coordinator": result.overridden_by is not None,
        "decided_at": result.decided_at.isoformat(),
        "certificate_number": result.certificate_number,
        "certificate_revoked_at": _moment(result.certificate_revoked_at),
    }


def _survey_export(wave: SurveyResponse) -> dict[str, object]:
    """A follow-up survey wave (`wave_days` after completion) and the answers given."""
    return {
        "wave_days": wave.wave,
        "sent_at": wave.sent_at.isoformat(),
        "reminded_at": _moment(wave.reminded_at),
        "answered_at": _moment(wave.answered_at),
        **{question.value: getattr(wave, question.value) for question in Question},
    }


def _phk_export(profile: PhkProfile) -> dict[str, object]:
    return {
        **answers_of(profile).as_export(),
        "saved_at": profile.created_at.isoformat(),
        "updated_at": profile.updated_at.isoformat(),
    }


def _moment(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _conversation_export(conversation: ConversationActivity) -> dict[str, object]:
    return {
        "state": conversation.state,
        "started_at": conversation.started_at.isoformat(),
        "last_activity_at": conversation.last_activity_at.isoformat(),
    }
