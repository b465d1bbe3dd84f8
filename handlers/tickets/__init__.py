""" "Tanya petugas": people ask coordinators; answers and follow-ups go through the outbox.

Coordinators' handlers come first (a coordinator's /tiket lists their scope, a reply to a
ticket message is an answer); whatever they do not take goes on to the asker's side,
then to the routers after this one (FAQ, fallback).
"""

from handlers.common.blueprint import Blueprint
from handlers.tickets import asker, staff

router = Blueprint(name=__name__)
router.include_routers(staff.router, asker.router)
