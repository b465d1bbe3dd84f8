"""Fit when the FAQ matcher answers at once, on the dev set only.

Run: ``.venv/bin/python bench/faq_calibrate.py`` to print the fit, ``--write`` to store it
in ``bot/data/faq_decision.toml`` (refit after changing the FAQ's keywords or the matcher).

For every dev question that would get buttons and is no near tie (those are offered,
never answered), the two decision inputs
(``bot.faq.matching.decision_inputs``: the best entry's cover and its lead over the
runner-up) are paired with whether the best entry is the right one (a question the FAQ
cannot answer has no right entry). A logistic regression (Newton's method, a little L2
so that a clean split stays finite) turns them into a chance of being right.

The bar ``answer_from`` follows from what each error costs, not from the data: a wrong
answer shown at once (the person reads advice for another question, with nothing else
offered) is counted WRONG_COST times as bad as three buttons where one answer would have
been right (one more tap), so the answer is shown when the chance of being right is at
least WRONG_COST / (WRONG_COST + 1). The table printed shows, on 5-fold cross-validated
chances, what other bars would give on the dev set. The hold-out set is never read here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faq_accuracy import ROOT, read_cases
from bot.faq.content import load_faq
from bot.faq.matching import MIN_LEAD, OFFER_COVER, decision_inputs
from bot.faq.small_talk import classify

DEV = ROOT / "tests" / "faq_dev.toml"
OUTPUT = ROOT / "bot" / "data" / "faq_decision.toml"
WRONG_COST = 4
_L2 = 1e-3
_FOLDS = 5
_BARS = [round(0.5 + 0.025 * step, 3) for step in range(19)]


def examples(cases_path: Path) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Inputs with a leading 1 (intercept), whether #1 is right, and the case counts."""
    faq, cases = load_faq(), read_cases(cases_path)
    rows, right = [], []
    for case in cases:
        if classify(case.question):
            continue  # small talk and scam reports never reach the matcher
        found = faq.candidates(case.question)
        if not found or found[0].cover < OFFER_COVER:
            continue  # nothing offered: never a direct answer
        cover, lead = decision_inputs(found)
        if lead < MIN_LEAD:
            continue  # a near tie: offered, whatever the chance
        rows.append((1.0, cover, lead))
        right.append(float(found[0].id == case.expected))
    answerable = sum(1 for case in cases if case.expected)
    return np.array(rows), np.array(right), len(cases), answerable


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
    x, y, total, answerable = examples(DEV)
    chances = cross_validated(x, y)
    table = []
    for bar in _BARS:
        direct = chances >= bar
        table.append(
            (bar, (direct & (y == 1)).sum() / answerable, (direct & (y == 0)).sum() / total)
        )
    bar = WRONG_COST / (WRONG_COST + 1)
    direct_cases = chances >= bar
    direct = (direct_cases & (y == 1)).sum() / answerable
    wrong = (direct_cases & (y == 0)).sum() / total
    intercept, cover, lead = fit(x, y)
    for row in table:
        print(f"answer from {row[0]:.3f}: direct {row[1]:.3f}, wrong direct {row[2]:.3f}")
    text = (
        "# When the FAQ matcher answers at once (bot/faq/matching.py, Decision). Written by\n"
        "# bench/faq_calibrate.py from tests/faq_dev.toml, never from the hold-out; refit with\n"
        "# `.venv/bin/python bench/faq_calibrate.py --write` after changing keywords or matching.\n"
        f"# {len(y)} dev questions that get buttons and are no near tie, of {total}; at this bar,\n"
        f"# cross-validated: direct answers right {direct:.3f}, wrong direct {wrong:.3f}.\n"
        f"# The bar: a wrong direct answer counts {WRONG_COST} times a missed one.\n"
        f"intercept = {intercept:.4f}\n"
        f"cover = {cover:.4f}\n"
        f"lead = {lead:.4f}\n"
        f"answer_from = {bar:.3f}\n"
    )
    print(text, end="")
    if args.write:
        OUTPUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
