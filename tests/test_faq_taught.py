"""Questions coordinators taught in chat, learnt by the FAQ's matcher with the file's."""

from __future__ import annotations

from bot.faq.content import load_faq
from bot.faq.examples import UNANSWERED, Example
from bot.faq.ranking import Strength

FAQ = load_faq()
UNIFORM = "dapat seragam ga?"


def test_a_question_taught_to_an_entry_is_answered_with_it() -> None:
    assert FAQ.match(UNIFORM).strength is Strength.NONE
    taught = FAQ.taught_as((Example(UNIFORM, "uang-saku"),))
    ranking = taught.match(UNIFORM)
    assert ranking.strength is Strength.STRONG
    assert ranking.matches[0].id == "uang-saku"
    # Its words now count for the entry: asked another way, it is still that entry.
    assert taught.match("apakah peserta dapat seragam").matches[0].id == "uang-saku"
    # The entries and their wording as shown stay the file's.
    assert taught.entry("uang-saku") == FAQ.entry("uang-saku")


def test_taught_questions_change_nothing_else_and_unknown_entries_are_left_out() -> None:
    taught = FAQ.taught_as((Example(UNIFORM, "no-such-entry"),))
    assert taught.match(UNIFORM).strength is Strength.NONE
    assert taught.match("harus bayar ga").matches == FAQ.match("harus bayar ga").matches


def test_a_question_taught_as_one_for_staff_is_not_answered() -> None:
    question = "apakah ada kolam renang di blk?"
    taught = FAQ.taught_as((Example(question, UNANSWERED),))
    assert taught.match(question).strength is Strength.NONE
    assert taught.taught == (Example(question, UNANSWERED),)


def test_use_swaps_the_content_and_reread_keeps_what_was_taught() -> None:
    faq = load_faq()
    faq.use(faq.taught_as((Example(UNIFORM, "uang-saku"),)))
    assert faq.match(UNIFORM).matches[0].id == "uang-saku"
    fresh = faq.reread()
    assert fresh.taught == faq.taught
    assert fresh.match(UNIFORM).matches[0].id == "uang-saku"
