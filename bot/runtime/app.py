"""The process's long-lived objects, built once from settings and closed on exit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.clock import Clock
from bot.clock_sanity import ClockSanity
from bot.coordinators.audiences import AudienceService
from bot.coordinators.broadcasts import BroadcastService
from bot.coordinators.exports import ExportService
from bot.coordinators.import_jobs import ImportJobs
from bot.coordinators.participant_actions import ParticipantActions
from bot.coordinators.participant_search import ParticipantSearch
from bot.coordinators.place_finder import PlaceFinder
from bot.coordinators.roles import RoleService
from bot.coordinators.rosters import RosterService
from bot.coordinators.statistics import StatisticsService
from bot.directory.service import DirectoryService
from bot.faq.content import load_faq
from bot.faq.gaps import FaqGapService
from bot.faq.teaching import FaqTeaching
from bot.phk.content import PhkContent
from bot.phk.service import PhkService
from bot.places.regions import default_directory
from bot.preferences import PreferenceService
from bot.privacy import PrivacyService
from bot.registration.nik_checks import NikCheckLimits
from bot.registration.personal_data import PersonalDataCipher
from bot.registration.service import RegistrationService
from bot.runtime.config import Settings
from bot.runtime.flood import FloodGuard
from bot.runtime.i18n import CatalogI18n, create_i18n
from bot.runtime.keys import resolve_data_key
from bot.runtime.metrics import Metrics
from bot.services import Services
from bot.tickets.service import TicketService
from bot.training.batch_admin import BatchAdmin
from bot.training.batch_import import BatchImporter
from bot.training.blk_watch import BlkWatchService
from bot.training.certificates import CertificateService
from bot.training.check_in import CheckInService
from bot.training.check_in_codes import CheckInKeys
from bot.training.completion import CompletionService
from bot.training.eligibility import EligibilityRules
from bot.training.enrollment import EnrollmentService
from bot.training.reminders import ReminderPlan, ReminderService
from bot.training.surveys import SurveyPlan, SurveyService
from bot.training.training_rules import TrainingRules
from bot.training.waitlist import waitlist_order
from storage.database import Database
from storage.fsm import SqlStorage, TrackedStorage, redis_storage

REDIS_LOCK_SECONDS = 5


@dataclass
class App:
    settings: Settings
    db: Database
    clock: Clock
    services: Services
    i18n: CatalogI18n
    storage: BaseStorage
    isolation: BaseEventIsolation
    flood: FloodGuard
    metrics: Metrics = field(default_factory=Metrics)  # this bot's own registry

    async def close(self) -> None:
        await self.storage.close()
        await self.isolation.close()
        await self.db.close()


def reminder_plan(settings: Settings) -> ReminderPlan:
    """When reminders go out, from the settings (the domain does not know `Settings`)."""
    return ReminderPlan(
        days_before=settings.reminder_days_before,
        day_time=settings.reminder_time,
        hours_before=settings.reminder_hours_before,
        fallback_zone=settings.timezone,
        abandoned_after=timedelta(hours=settings.abandoned_registration_hours),
    )


def create_app(
    settings: Settings, *, data_key: str | None = None, clock: Clock | None = None
) -> App:
    """Wire services to one database and one clock (tests pass a fixed one); Redis holds
    conversations only when configured."""
    clock = clock or Clock(settings.timezone)
    cipher = PersonalDataCipher(data_key or resolve_data_key(settings))
    db = Database(settings.database_url, sealer=cipher)
    storage: BaseStorage
    isolation: BaseEventIsolation
    if settings.redis_url:
        storage = redis_storage(settings.redis_url, cipher.encrypt, cipher.decrypt)
        # A process killed mid-update leaves its per-user lock in Redis until it expires;
        # handlers take well under a second, so a short expiry lets the user go on soon.
        isolation = storage.create_isolation(lock_kwargs={"timeout": REDIS_LOCK_SECONDS})  # type: ignore[attr-defined]
    else:
        storage = SqlStorage(db, cipher.encrypt, cipher.decrypt)
        isolation = SimpleEventIsolation()
    conversations = TrackedStorage(storage, db, clock)
    regions = default_directory()
    roles = RoleService(db, settings.admin_ids, clock)
    places = PlaceFinder(db, regions)
    audiences = AudienceService(db, places, clock)
    plan = reminder_plan(settings)
    rules = EligibilityRules.from_toml(settings.eligibility_rules)
    order = waitlist_order(rules)
    rosters = RosterService(db, roles, cipher, settings.timezone, clock, waitlist_order=order)
    preferences = PreferenceService(db)
    privacy = PrivacyService(
        db,
        cipher,
        conversations,
        plan=plan,
        waitlist_order=order,
        retention_months=settings.data_retention_months,
        max_per_run=settings.retention_max_per_run,
        clock=clock,
        clock_sanity=ClockSanity(db, clock, timedelta(hours=settings.clock_tolerance_hours)),
        preferences=preferences,
    )
    enrollment = EnrollmentService(db, cipher, rules, settings.timezone, clock, reminders=plan)
    directory = DirectoryService(db, regions)
    batch_importer = BatchImporter(db, clock, reminders=plan, waitlist_order=order)
    check_ins = CheckInService(
        db,
        rosters,
        CheckInKeys(cipher.fingerprint),
        TrainingRules.from_toml(settings.training_rules),
        account_of=lambda telegram_id: cipher.fingerprint(f"telegram:{telegram_id}"),
        clock=clock,
    )
    faq = load_faq(settings.faq_file, settings.faq_examples_file)
    faq_gaps = FaqGapService(db, roles, clock)
    return App(
        settings=settings,
        db=db,
        clock=clock,
        services=Services(
            regions=regions,
            registrations=RegistrationService(
                db,
                cipher,
                settings.registration_code_prefix,
                clock,
                NikCheckLimits(settings.nik_checks_per_day, settings.nik_taken_per_hour),
            ),
            preferences=preferences,
            privacy=privacy,
            directory=directory,
            enrollment=enrollment,
            batch_importer=batch_importer,
            imports=ImportJobs(
                db, directory, batch_importer, clock, max_bytes=settings.import_max_bytes
            ),
            batch_admin=BatchAdmin(db, roles, places, clock, plan, order),
            roles=roles,
            places=places,
            audiences=audiences,
            broadcasts=BroadcastService(
                db, roles, audiences, clock, expiry=timedelta(hours=settings.broadcast_expiry_hours)
            ),
            rosters=rosters,
            exports=ExportService(db, rosters),
            participants=ParticipantSearch(
                db, roles, rosters, cipher, settings.registration_code_prefix
            ),
            participant_actions=ParticipantActions(db, roles, rosters, enrollment, privacy, clock),
            reminders=ReminderService(db, plan, clock),
            phk=PhkService(
                db,
                PhkContent.from_toml(settings.phk_content_file),
                phk_priority=rules.phk_priority,
                clock=clock,
            ),
            statistics=StatisticsService(db, rules, settings.timezone, clock),
            tickets=TicketService(
                db,
                cipher,
                roles,
                settings.admin_ids,
                escalate_after_hours=settings.ticket_escalation_hours,
                open_limit=settings.ticket_open_limit,
                timezone=settings.timezone,
                clock=clock,
            ),
            faq=faq,
            blk_watches=BlkWatchService(db, clock),
            faq_gaps=faq_gaps,
            faq_teaching=FaqTeaching(db, faq_gaps, faq, roles, clock),
            check_ins=check_ins,
            completion=CompletionService(db, check_ins, clock),
            certificates=CertificateService(db, clock),
            surveys=SurveyService(
                db, SurveyPlan(settings.survey_after_days, settings.survey_reminder_days), clock
            ),
        ),
        i18n=create_i18n(settings.default_locale),
        storage=conversations,
        isolation=isolation,
        flood=FloodGuard(
            settings.flood_max_updates,
            settings.flood_window_seconds,
            settings.flood_cooldown_seconds,
        ),
    )
