"""The FAQ matcher's accuracy on the hold-out set stays where it was measured.

Measured with ``bench/faq_accuracy.py`` (direct answers right 0.924, top-1 0.973, top-3
0.978, wrong direct answers 3 of 226, no-match recall 0.833 and precision 0.946); the
bounds sit just beyond, so a change that makes matching worse fails here, while the
numbers stay honest because the hold-out is never tuned on nor learnt from. The decision
when to answer at once is data (bot/data/faq_decision.toml); it must be what
bench/faq_calibrate.py fits on the labelled examples, so nobody can move it towards the
hold-out by hand.
"""

from __future__ import annotations

import re

import numpy as np

from bench.faq_accuracy import HOLDOUT, evaluate, read_cases
from bench.faq_calibrate import WRONG_COST, examples, fit
from bot.faq.content import load_faq
from bot.faq.decision import fitted_decision
from bot.faq.examples import load_examples

CASES = read_cases(HOLDOUT)
FAQ = load_faq()


def test_holdout_is_big_enough_and_covers_unanswerable_questions() -> None:
    assert len(CASES) >= 150
    assert sum(1 for case in CASES if not case.expected) >= 30
    known = {entry.id for entry in FAQ.entries()}
    assert {case.expected for case in CASES if case.expected} <= known


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", text.lower()).split())


def test_holdout_phrasings_are_not_copied_into_the_faq() -> None:
    """Copying a hold-out question into keywords or the examples the matcher learns from
    would make the accuracy meaningless."""
    keywords = {_plain(keyword) for e in FAQ.entries() for keyword in e.keywords}
    learnt = keywords | {_plain(example.question) for example in load_examples()}
    assert [c.question for c in CASES if _plain(c.question) in learnt] == []


def test_every_example_names_an_entry_of_the_packaged_faq() -> None:
    known = {entry.id for entry in FAQ.entries()} | {""}
    assert [e for e in load_examples() if e.entry not in known] == []


def test_accuracy_on_the_holdout() -> None:
    result = evaluate(FAQ, CASES)
    assert result.direct_rate >= 0.91, result.misses
    assert result.top1_rate >= 0.96, result.misses
    assert result.top3_rate >= 0.97, result.misses
    assert result.no_match_rate >= 0.8, result.misses
    assert result.no_match_precision >= 0.93, result.misses
    assert result.wrong_direct_rate <= 0.02, result.misses


def test_the_stored_decision_is_the_one_fitted_on_the_dev_set() -> None:
    """After changing keywords, examples or matching:
    `.venv/bin/python bench/faq_calibrate.py --write`."""
    stored = fitted_decision()
    x, right, _, _ = examples()
    refit = fit(x, right)
    weights = [stored.intercept, stored.cover, stored.lead, stored.likelihood, stored.unanswered]
    assert np.allclose(weights, refit, atol=0.01)
    assert stored.answer_from == round(WRONG_COST / (WRONG_COST + 1), 3)
