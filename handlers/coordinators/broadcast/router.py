"""The broadcast journey (/siaran) for coordinators and admins, in step order.

message (`broadcast_compose`) → audience in scope and preview (`broadcast_audience`) →
queue, progress and cancel (`broadcast_send`) → what no step took (`retry_router`).
Every handler re-checks the role (`HasRole`); the services re-check role and scope
again inside the transaction that queues or cancels.
"""

from handlers.common.blueprint import Blueprint
from handlers.coordinators.broadcast import audience as broadcast_audience
from handlers.coordinators.broadcast import compose as broadcast_compose
from handlers.coordinators.broadcast import send as broadcast_send


def broadcast_router() -> Blueprint:
    router = Blueprint(name=__name__)
    router.include_routers(
        broadcast_compose.router,
        broadcast_audience.router,
        broadcast_send.router,
        broadcast_compose.retry_router,
    )
    return router
