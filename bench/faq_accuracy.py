"""Measure: how often a typed question finds the right FAQ answer.

Run: ``.venv/bin/python bench/faq_accuracy.py`` (the hold-out set, tests/faq_holdout.toml),
``--cases tests/faq_dev.toml`` for the tuning set, ``--faq FILE`` for another FAQ file,
``-v`` to list every miss. Only the project and its dependencies are needed.

- direct: the answer shown at once (a strong match) is the right one, of the answerable;
- top-1: the right entry is the one the bot answers with (strong) or lists first (weak);
- top-3: the right entry is among the answer or the (at most three) buttons offered;
- wrong direct answers: an answer shown at once that is not the right one (for an
  answerable question, or for one the FAQ cannot answer), of all questions — the costliest
  error, since the person reads a wrong answer with no choice offered;
- no-match recall: questions the FAQ does not cover that get no entry (staff, not a guess);
- no-match precision: of the questions that got no entry, the share the FAQ cannot answer.

The time is the mean over the run, which includes stemming every word the first time it
is seen (Sastrawi, the slow part; words seen before come from a cache).

Messages are read as the bot reads them (``bot.faq.understanding``): small talk gets no
entry, and a scam report gets the free-of-charge warning, counted as the "pungli" entry
answered at once.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.faq.content import Faq, load_faq
from bot.faq.ranking import Strength
from bot.faq.small_talk import Chat
from bot.faq.understanding import read

ROOT = Path(__file__).resolve().parents[1]
HOLDOUT = ROOT / "tests" / "faq_holdout.toml"
# The entry whose advice the scam warning gives (never pay; report it).
SCAM_WARNING = "pungli"


@dataclass(frozen=True)
class Case:
    question: str
    expected: str  # an entry id, or "" when nothing should match


@dataclass
class Accuracy:
    answerable: int = 0
    direct: int = 0
    top1: int = 0
    top3: int = 0
    strong: int = 0
    wrong_strong: int = 0
    unanswerable: int = 0
    no_match: int = 0
    missed_answerable: int = 0  # answerable, yet nothing offered
    misses: list[str] = field(default_factory=list)

    @property
    def direct_rate(self) -> float:
        return self.direct / self.answerable

    @property
    def wrong_direct_rate(self) -> float:
        return self.wrong_strong / (self.answerable + self.unanswerable)

    @property
    def no_match_precision(self) -> float:
        nothing_offered = self.no_match + self.missed_answerable
        return self.no_match / nothing_offered if nothing_offered else 1.0

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.answerable

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.answerable

    @property
    def no_match_rate(self) -> float:
        return self.no_match / self.unanswerable


def read_cases(path: Path) -> list[Case]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Case(item["q"], item["expect"]) for item in data["case"]]


def evaluate(faq: Faq, cases: list[Case]) -> Accuracy:
    result = Accuracy()
    for case in cases:
        reading = read(faq, case.question)
        ranking = reading.ranking
        shown = [] if ranking.strength is Strength.NONE else [m.id for m in ranking.matches]
        strong = ranking.strength is Strength.STRONG
        if reading.chat is Chat.SCAM:
            shown, strong = [SCAM_WARNING], True
        got = f"{reading.chat or ranking.strength}: {', '.join(shown) or '-'}"
        if not case.expected:
            result.unanswerable += 1
            result.wrong_strong += strong
            if not shown:
                result.no_match += 1
            else:
                result.misses.append(f"{case.question!r}: expected no match, got {got}")
            continue
        result.answerable += 1
        result.missed_answerable += not shown
        result.top1 += shown[:1] == [case.expected]
        result.top3 += case.expected in shown
        if strong:
            result.strong += 1
            result.direct += shown[0] == case.expected
            result.wrong_strong += shown[0] != case.expected
        if shown[:1] != [case.expected]:
            result.misses.append(f"{case.question!r}: expected {case.expected}, got {got}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=HOLDOUT)
    parser.add_argument("--faq", type=Path, default=None)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    faq, cases = load_faq(args.faq), read_cases(args.cases)
    started = time.perf_counter()
    result = evaluate(faq, cases)
    per_question_ms = (time.perf_counter() - started) * 1000 / len(cases)
    print(
        f"cases: {args.cases.relative_to(ROOT) if args.cases.is_relative_to(ROOT) else args.cases}"
    )
    print(
        f"direct answers right: {result.direct}/{result.answerable} = {result.direct_rate:.3f}\n"
        f"top-1: {result.top1}/{result.answerable} = {result.top1_rate:.3f}\n"
        f"top-3: {result.top3}/{result.answerable} = {result.top3_rate:.3f}\n"
        f"wrong direct answers: {result.wrong_strong}/{len(cases)} = "
        f"{result.wrong_direct_rate:.3f}\n"
        f"no-match recall: {result.no_match}/{result.unanswerable} = {result.no_match_rate:.3f}\n"
        f"no-match precision: {result.no_match}/{result.no_match + result.missed_answerable} = "
        f"{result.no_match_precision:.3f}\n"
        f"time: {per_question_ms:.1f} ms per question (mean, one core)"
    )
    if args.verbose:
        print("\n".join(result.misses))


if __name__ == "__main__":
    main()
