"""The services handlers may call, handed to them as one dispatcher dependency."""

from __future__ import annotations

from dataclasses import dataclass

from bot.audiences import AudienceService
from bot.batch_import import BatchImporter
from bot.broadcasts import BroadcastService
from bot.directory import DirectoryService
from bot.enrollment import EnrollmentService
from bot.faq import Faq
from bot.phk_service import PhkService
from bot.preferences import PreferenceService
from bot.regions import RegionDirectory
from bot.registration import RegistrationService
from bot.roles import RoleService
from bot.statistics import StatisticsService
from bot.tickets import TicketService


@dataclass(frozen=True)
class Services:
    regions: RegionDirectory
    registrations: RegistrationService
    preferences: PreferenceService
    directory: DirectoryService
    enrollment: EnrollmentService
    batch_importer: BatchImporter
    roles: RoleService
    audiences: AudienceService
    broadcasts: BroadcastService
    phk: PhkService
    statistics: StatisticsService
    tickets: TicketService
    faq: Faq
