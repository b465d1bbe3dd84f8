"""Fit when the FAQ matcher answers at once, on the labelled examples only.

Run: ``.venv/bin/python bench/faq_calibrate.py`` to print the fit, ``--write`` to store it
in ``bot/data/faq_decision.toml`` (refit after changing the FAQ's keywords, the examples
or the matcher).

The matcher learns from the examples (``bot/data/faq_examples.toml``), so they are read
as new questions the way a person's would be: split into five parts, each part is
matched by a matcher that learnt from the other four. For every example that would get
buttons and is no near tie (those are offered, never answered), the decision inputs
(``bot.faq.matching.decision_inputs``: the best entry's cover, its lead over the
runner-up, the classifier's chance for it and the chance that the FAQ has no answer) are
paired with whether the best entry is the right one (a question the FAQ cannot answer
has no right entry). A logistic regression (Newton's method, a little L2 so that a clean
split stays finite) turns them into a chance of being right.

The bar ``answer_from`` follows from what each error costs, not from the data: a wrong
answer shown at once (the person reads advice for another question, with nothing else
offered) is counted WRONG_COST times as bad as three buttons where one answer would have
been right (one more tap), so the answer is shown when the chance of being right is at
least WRONG_COST / (WRONG_COST + 1). The table printed shows, on 5-fold cross-validated
chances, what other bars would give on the examples. The hold-out set is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faq_accuracy import ROOT
from bot.faq.content import load_faq
from bot.faq.decision import MIN_LEAD
from bot.faq.examples import UNANSWERED, Example, load_examples
from bot.faq.matching import Matcher
from bot.faq.ranking import decision_inputs
from bot.faq.small_talk import classify

OUTPUT = ROOT / "bot" / "data" / "faq_decision.toml"
WRONG_COST = 4
_L2 = 1e-3
_FOLDS = 5
_BARS = [round(0.5 + 0.025 * step, 3) for step in range(19)]


def examples() -> tuple[np.ndarray, np.ndarray, int, int]:
    """Inputs with a leading 1 (intercept), whether #1 is right, and the example counts."""
    faq, labelled = load_faq(), load_examples()
    order = np.random.default_rng(0).permutation(len(labelled))
    rows, right = [], []
    for part in np.array_split(order, _FOLDS):
        held = set(part.tolist())
        matcher = Matcher(faq.documents, [e for i, e in enumerate(labelled) if i not in held])
        for index in sorted(held):
            row = _inputs(matcher, labelled[index])
            if row is not None:
                rows.append((1.0, *row[0]))
                right.append(row[1])
    answerable = sum(1 for example in labelled if example.entry != UNANSWERED)
    return np.array(rows), np.array(right), len(labelled), answerable


def _inputs(matcher: Matcher, example: Example) -> tuple[tuple[float, ...], float] | None:
    """The decision inputs for an example and whether #1 is right; None when no decision
    is taken (small talk, nothing offered, a near tie)."""
    if classify(example.question):
        return None  # small talk and scam reports never reach the matcher
    shortlist = matcher.candidates(example.question)
    if not shortlist.offers:
        return None  # nothing offered: never a direct answer
    inputs = decision_inputs(shortlist)
    if inputs[1] < MIN_LEAD:
        return None  # a near tie: offered, whatever the chance
    return inputs, float(shortlist.found[0].id == example.entry)


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    weights = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ weights))
        gradient = x.T @ (p - y) + _L2 * weights
        hessian = (x.T * (p * (1 - p))) @ x + _L2 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-10:
            break
    return weights


def cross_validated(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    order = np.random.default_rng(0).permutation(len(y))
    chances = np.zeros(len(y))
    for fold in np.array_split(order, _FOLDS):
        train = np.setdiff1d(order, fold)
        chances[fold] = 1 / (1 + np.exp(-x[fold] @ fit(x[train], y[train])))
    return chances


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"store the fit in {OUTPUT.name}")
    args = parser.parse_args()
    x, y, total, answerable = examples()
    chances = cross_validated(x, y)
    for bar in _BARS:
        direct = chances >= bar
        print(
            f"answer from {bar:.3f}: direct {(direct & (y == 1)).sum() / answerable:.3f}, "
            f"wrong direct {(direct & (y == 0)).sum() / total:.3f}"
        )
    bar = WRONG_COST / (WRONG_COST + 1)
    direct_cases = chances >= bar
    direct = (direct_cases & (y == 1)).sum() / answerable
    wrong = (direct_cases & (y == 0)).sum() / total
    intercept, cover, lead, likelihood, unanswered = fit(x, y)
    text = (
        "# When the FAQ matcher answers at once (bot/faq/decision.py). Written by\n"
        "# bench/faq_calibrate.py from bot/data/faq_examples.toml, never from the hold-out;\n"
        "# refit with `.venv/bin/python bench/faq_calibrate.py --write` after changing\n"
        "# keywords, examples or matching.\n"
        f"# {len(y)} examples that get buttons and are no near tie, of {total}; at this bar,\n"
        f"# cross-validated: direct answers right {direct:.3f}, wrong direct {wrong:.3f}.\n"
        f"# The bar: a wrong direct answer counts {WRONG_COST} times a missed one.\n"
        f"intercept = {intercept:.4f}\n"
        f"cover = {cover:.4f}\n"
        f"lead = {lead:.4f}\n"
        f"likelihood = {likelihood:.4f}\n"
        f"unanswered = {unanswered:.4f}\n"
        f"answer_from = {bar:.3f}\n"
    )
    print(text, end="")
    if args.write:
        OUTPUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
