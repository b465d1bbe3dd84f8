"""The domain services, built once: handlers get them as one dispatcher dependency and
the runner's periodic jobs call them too."""

from __future__ import annotations

from dataclasses import dataclass

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
from bot.faq.content import Faq
from bot.faq.gaps import FaqGapService
from bot.faq.teaching import FaqTeaching
from bot.phk.service import PhkService
from bot.places.regions import RegionDirectory
from bot.preferences import PreferenceService
from bot.privacy import PrivacyService
from bot.registration.service import RegistrationService
from bot.tickets.service import TicketService
from bot.training.batch_admin import BatchAdmin
from bot.training.batch_import import BatchImporter
from bot.training.blk_watch import BlkWatchService
from bot.training.certificates import CertificateService
from bot.training.check_in import CheckInService
from bot.training.completion import CompletionService
from bot.training.enrollment import EnrollmentService
from bot.training.reminders import ReminderService
from bot.training.surveys import SurveyService


@dataclass(frozen=True)
class Services:
    regions: RegionDirectory
    registrations: RegistrationService
    preferences: PreferenceService
    privacy: PrivacyService
    directory: DirectoryService
    enrollment: EnrollmentService
    batch_importer: BatchImporter
    imports: ImportJobs
    batch_admin: BatchAdmin
    roles: RoleService
    places: PlaceFinder
    audiences: AudienceService
    broadcasts: BroadcastService
    rosters: RosterService
    exports: ExportService
    participants: ParticipantSearch
    participant_actions: ParticipantActions
    reminders: ReminderService
    phk: PhkService
    statistics: StatisticsService
    tickets: TicketService
    faq: Faq
    blk_watches: BlkWatchService
    faq_gaps: FaqGapService
    faq_teaching: FaqTeaching
    check_ins: CheckInService
    completion: CompletionService
    certificates: CertificateService
    surveys: SurveyService
