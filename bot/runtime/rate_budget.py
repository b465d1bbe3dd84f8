"""The bot's one rate budget: shared through Redis by all its processes when REDIS_URL is set."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from bot.delivery.rate_limit import RateLimiter
from bot.delivery.shared_rate_limit import SharedRateLimiter
from bot.runtime.config import Settings

# A Redis that does not answer within this many seconds counts as away: sends must not
# wait on it (the limiter paces the process on its own meanwhile).
REDIS_TIMEOUT = 0.5


def rate_limiter(settings: Settings, bot_id: int) -> RateLimiter:
    """OUTBOX_RATE for the bot as a whole, in Redis under the bot's id (Telegram's limits
    are the bot's); this process's own without Redis. `close` it when done."""
    if not settings.redis_url:
        return RateLimiter(settings.outbox_rate)
    client = Redis.from_url(
        settings.redis_url,
        socket_timeout=REDIS_TIMEOUT,
        socket_connect_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 1),  # once more at once: a pooled connection may be stale
    )
    return SharedRateLimiter(
        client, f"blk-bot:{{{bot_id}}}", settings.outbox_rate, instances=settings.instances
    )
