"""The registration journey: one router per part, then the catch-all that repeats questions."""

from handlers.common.blueprint import Blueprint
from handlers.registration import business, contact, domicile, identity, retry, review


def registration_router() -> Blueprint:
    router = Blueprint(name=__name__)
    router.include_routers(
        retry.commands_router,
        identity.router,
        contact.router,
        domicile.router,
        business.router,
        review.router,
        retry.router,
    )
    return router
