"""The sender's circuit breaker on a clock the tests move: when it stops claiming, when it
probes, how the backoff grows and what ends an outage."""

from __future__ import annotations

import pytest

from bot.delivery.circuit_breaker import BreakerState, CircuitBreaker


class Ticks:
    """A monotonic clock that only moves when told."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def breaker(ticks: Ticks) -> CircuitBreaker:
    return CircuitBreaker(threshold=3, first_backoff=1.0, max_backoff=8.0, clock=ticks)


def open_it(breaker: CircuitBreaker) -> None:
    for _ in range(breaker.threshold):
        breaker.failed()
    assert breaker.state is BreakerState.OPEN


def probe_fails(breaker: CircuitBreaker, ticks: Ticks) -> float:
    """Wait for the probe, send it, see it fail; returns the wait."""
    wait = breaker.probe_in()
    assert wait is not None
    ticks.t += wait
    assert breaker.admits(8, 0) == 1
    breaker.claimed(1)
    assert breaker.failed() is True
    return wait


def test_isolated_failures_leave_it_closed(breaker: CircuitBreaker) -> None:
    """A 5xx now and then (successes in between) is not an outage."""
    for _ in range(10):
        assert breaker.failed() is False
        assert breaker.failed() is False
        breaker.succeeded()
    assert breaker.state is BreakerState.CLOSED and breaker.admits(8, 3) == 8
    assert breaker.probe_in() is None and breaker.may_send()


def test_failures_in_a_row_open_it_and_stop_claims(breaker: CircuitBreaker) -> None:
    assert breaker.failed() is False
    assert breaker.failed() is False
    assert breaker.failed() is True
    assert breaker.is_open and not breaker.may_send()
    assert breaker.admits(8, 0) == 0 and breaker.probe_in() == 1.0


def test_one_probe_after_the_backoff_and_only_with_nothing_in_flight(
    breaker: CircuitBreaker, ticks: Ticks
) -> None:
    open_it(breaker)
    ticks.t += 0.99
    assert breaker.admits(8, 0) == 0
    ticks.t += 0.01
    assert breaker.admits(8, 2) == 0  # rows still on their way back
    assert breaker.admits(8, 0) == 1
    breaker.claimed(0)  # nothing was due: still open, the probe still due
    assert breaker.state is BreakerState.OPEN and breaker.admits(8, 0) == 1
    breaker.claimed(1)
    assert breaker.state is BreakerState.PROBING and breaker.may_send()
    assert breaker.admits(8, 1) == 0  # one probe at a time


def test_failed_probes_double_the_backoff_up_to_the_cap(
    breaker: CircuitBreaker, ticks: Ticks
) -> None:
    open_it(breaker)
    waits = [probe_fails(breaker, ticks) for _ in range(6)]
    assert waits == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_late_failures_of_rows_sent_before_the_outage_do_not_move_the_probe(
    breaker: CircuitBreaker, ticks: Ticks
) -> None:
    open_it(breaker)
    ticks.t += 0.5
    assert breaker.failed() is True
    assert breaker.probe_in() == 0.5


def test_a_successful_probe_closes_it_at_full_rate_and_resets_the_backoff(
    breaker: CircuitBreaker, ticks: Ticks
) -> None:
    open_it(breaker)
    probe_fails(breaker, ticks)
    probe_fails(breaker, ticks)
    ticks.t += breaker.probe_in() or 0
    breaker.claimed(breaker.admits(8, 0))
    breaker.succeeded()
    assert breaker.state is BreakerState.CLOSED and breaker.admits(8, 0) == 8
    open_it(breaker)  # the next outage starts from the first backoff again
    assert breaker.probe_in() == 1.0


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(threshold=0)
    with pytest.raises(ValueError):
        CircuitBreaker(first_backoff=10, max_backoff=5)
