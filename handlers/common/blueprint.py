"""A journey's handlers, recorded at import and built into a fresh Router per Dispatcher.

aiogram lets a Router have only one parent, so a module-level Router can serve only the
first Dispatcher of a process; the console and the tests build several. A `Blueprint`
offers the same decorators as a Router (`@router.message(...)`, `.callback_query`,
`.errors`, `.message.filter(...)`, middlewares, `include_routers`) and replays them all
into a new Router on every `build()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import MiddlewareType
from aiogram.dispatcher.event.handler import CallbackType
from aiogram.dispatcher.event.telegram import TelegramEventObserver

Step = Callable[[Router], None]


class EventRecorder:
    """Records what a module does with one event type of its router (`message`, ...)."""

    def __init__(self, event: str, steps: list[Step]) -> None:
        self._event = event
        self._steps = steps

    def __call__(
        self, *filters: CallbackType, flags: dict[str, Any] | None = None
    ) -> Callable[[CallbackType], CallbackType]:
        def decorator(callback: CallbackType) -> CallbackType:
            return self.register(callback, *filters, flags=flags)

        return decorator

    def register(
        self, callback: CallbackType, *filters: CallbackType, flags: dict[str, Any] | None = None
    ) -> CallbackType:
        self._steps.append(
            lambda router: self._observer(router).register(
                callback, *filters, flags=dict(flags or {})
            )
        )
        return callback

    def filter(self, *filters: CallbackType) -> None:
        self._steps.append(lambda router: self._observer(router).filter(*filters))

    def middleware(self, middleware: MiddlewareType[Any]) -> None:
        self._steps.append(lambda router: self._observer(router).middleware(middleware))

    def outer_middleware(self, middleware: MiddlewareType[Any]) -> None:
        self._steps.append(lambda router: self._observer(router).outer_middleware(middleware))

    def _observer(self, router: Router) -> TelegramEventObserver:
        return router.observers[self._event]


class Blueprint:
    """Stands where a module-level `Router` would; `build()` makes the Router."""

    def __init__(self, *, name: str) -> None:
        self.name = name
        self._steps: list[Step] = []
        self.message = EventRecorder("message", self._steps)
        self.callback_query = EventRecorder("callback_query", self._steps)
        self.errors = EventRecorder("error", self._steps)

    def include_routers(self, *blueprints: Blueprint) -> None:
        """Children are built with their parent, in this order."""
        self._steps.append(
            lambda router: router.include_routers(*(child.build() for child in blueprints))
        )

    def build(self) -> Router:
        router = Router(name=self.name)
        for step in self._steps:
            step(router)
        return router
