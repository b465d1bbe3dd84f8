"""The FAQ matcher's accuracy on the hold-out set stays where it was measured.

Measured with ``bench/faq_accuracy.py`` (direct answers right 0.625, top-1 0.853, top-3
0.935, wrong direct answers 7 of 226, no-match recall 0.619 and precision 0.788); the
bounds sit just beyond, so a change that makes matching worse fails here, while the
numbers stay honest because the hold-out is never tuned on.
"""

from __future__ import annotations

import re

from bench.faq_accuracy import HOLDOUT, evaluate, read_cases
from bot.faq.content import load_faq

CASES = read_cases(HOLDOUT)
FAQ = load_faq()


def test_holdout_is_big_enough_and_covers_unanswerable_questions() -> None:
    assert len(CASES) >= 150
    assert sum(1 for case in CASES if not case.expected) >= 30
    known = {entry.id for entry in FAQ.entries()}
    assert {case.expected for case in CASES if case.expected} <= known


def test_holdout_phrasings_are_not_copied_into_the_faq() -> None:
    """Copying a hold-out question into keywords would make the accuracy meaningless."""
    keywords = {" ".join(keyword.lower().split()) for e in FAQ.entries() for keyword in e.keywords}
    typed = [" ".join(re.sub(r"[^\w ]", " ", c.question.lower()).split()) for c in CASES]
    assert [question for question in typed if question in keywords] == []


def test_accuracy_on_the_holdout() -> None:
    result = evaluate(FAQ, CASES)
    assert result.direct_rate >= 0.6, result.misses
    assert result.top1_rate >= 0.83, result.misses
    assert result.top3_rate >= 0.91, result.misses
    assert result.no_match_rate >= 0.6, result.misses
    assert result.no_match_precision >= 0.76, result.misses
    assert result.wrong_direct_rate <= 0.035, result.misses
