"""How likely each entry is to answer a typed question, learnt from labelled questions.

BM25 (``bot.faq.matching``) counts the words a question shares with an entry's wording;
it cannot know that "free ga?" and "harus bayar berapa" ask the same thing. A naive Bayes
classifier (scikit-learn) over word stems and character 3–5-grams (for typos and words
run together), trained on each entry's questions and keywords and on labelled examples
(``bot.faq.examples``), gives every entry a chance, and a chance that the FAQ has no
answer at all. Chosen over logistic regression and nearest neighbours because, in 5-fold
cross-validation on the examples, it did as well and trains in about 50 ms, so the FAQ
can be reloaded without a pause.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import FeatureUnion, make_union

from bot.faq.examples import UNANSWERED
from bot.faq.words import normalise, terms

__all__ = ["Likelihood"]

# Additive smoothing; 0.1 did best of 0.03–1 in cross-validation on the examples.
_SMOOTHING = 0.1


class Likelihood:
    """Trained once from (question, label) pairs, then read-only; a label is an entry id
    or ``UNANSWERED``."""

    def __init__(self, labelled: Iterable[tuple[str, str]]) -> None:
        pairs = list(labelled)
        self._features: FeatureUnion = make_union(
            TfidfVectorizer(analyzer=terms, sublinear_tf=True),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), preprocessor=normalise, sublinear_tf=True
            ),
        )
        matrix = self._features.fit_transform([text for text, _ in pairs])
        self._model = MultinomialNB(alpha=_SMOOTHING).fit(matrix, [label for _, label in pairs])

    def chances(self, text: str) -> Mapping[str, float]:
        """Each label's chance for the text; they add up to 1."""
        row = self._model.predict_proba(self._features.transform([text]))[0]
        return dict(zip(self._model.classes_, (float(p) for p in row), strict=True))

    @staticmethod
    def unanswered(chances: Mapping[str, float]) -> float:
        return chances.get(UNANSWERED, 0.0)
