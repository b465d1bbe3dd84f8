"""Outcomes the user is told about, raised by services as a catalog key and its values.

Services raise a `DomainError`; `handlers.common.errors` puts it into the user's
language, and the errors router answers any that no handler caught. A handler catches
one only where the conversation goes on differently (ask again, offer the waitlist).
`ConfigError` is the operator's counterpart: a setting or content file the process
refuses to start with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


def N_(key: str) -> str:
    """Marks a catalog key for extraction; it is translated later, per locale."""
    return key


class DomainError(Exception):
    """A refusal or outcome with its text as a catalog key (`key`) and placeholders (`params`).

    Subclasses set `key`; one whose text depends on a reason passes the key in and lists
    every key it may use in `keys`, so the catalog test sees them all. The exception's
    own message is the key only: no personal data reaches a log.
    """

    key: str = ""
    keys: ClassVar[Mapping[object, str]] = {}

    def __init__(self, key: str | None = None, /, **params: object) -> None:
        self.key = key or type(self).key
        self.params: dict[str, object] = params
        super().__init__(self.key)

    @classmethod
    def catalog_keys(cls) -> frozenset[str]:
        """Every key an instance of this class may carry."""
        return frozenset(cls.keys.values()) or frozenset({cls.key})


class NotPermitted(DomainError):
    """The actor lacks the role, or the thing is not theirs (re-checked in the service).

    Answered like a stale button: nobody learns what exists beyond their reach.
    """

    key = N_("error-stale-button")


class ConfigError(RuntimeError):
    """A setting or content file is missing or malformed; the message is one line for the
    operator, and the process does not start."""
