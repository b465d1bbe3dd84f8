"""The FAQ content file, its validation, the normaliser and the matcher."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.faq import matching, words
from bot.faq.content import MAX_ANSWER_LENGTH, FaqError, load_faq
from bot.faq.matching import Document, Matcher
from bot.faq.ranking import Strength
from bot.faq.words import normalise, stem, terms
from bot.languages import SUPPORTED_LOCALES
from bot.runtime.config import Settings
from handlers.common.callbacks import FaqAction, FaqCb, FaqVoteCb
from tests.fake_bot_api.html_check import html_error

FAQ = load_faq()
ENTRIES = FAQ.entries()

VALID = """
[[topic]]
id = "biaya"
title_id = "Biaya"
title_en = "Cost"

[[entry]]
id = "gratis"
topic = "biaya"
question_id = "Apakah berbayar?"
question_en = "Is it free?"
answer_id = "<b>Gratis</b>."
answer_en = "<b>Free</b>."
keywords = ["bayar"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "faq.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_faq_covers_the_required_topics_in_both_languages() -> None:
    assert len(ENTRIES) >= 32
    ids = {entry.id for entry in ENTRIES}
    # Free (never pay), who may join, documents, batches and waitlist, certificates,
    # cancelling, deleting data, PHK and JKP, KUR: each has its entry.
    required = {"gratis", "pungli", "siapa", "dokumen", "daftar-tunggu", "sertifikat"}
    assert required | {"batal-jadwal", "hapus-data", "jkp", "modal"} <= ids
    for entry in ENTRIES:
        assert set(entry.question) == set(entry.answer) == set(SUPPORTED_LOCALES)
        assert entry.keywords, entry.id
    assert "/hapusdata" in FAQ.entry("hapus-data").answer["id"]
    assert "/batal_jadwal" in FAQ.entry("batal-jadwal").answer["id"]


def test_facts_carry_their_source_and_date() -> None:
    jkp = FAQ.entry("jkp")
    assert "Rp3.000.000" in jkp.answer["id"] and "PP 6/2025" in jkp.source
    assert jkp.checked is not None


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_answer_is_valid_telegram_html_and_short(entry) -> None:
    for locale in SUPPORTED_LOCALES:
        assert html_error(entry.answer[locale]) is None
        assert len(entry.answer[locale]) <= MAX_ANSWER_LENGTH


def test_callback_data_fits_telegram_limit_for_the_longest_ids() -> None:
    longest = max((entry.id for entry in ENTRIES), key=len)
    vote = FaqVoteCb(entry=longest, helpful=False, others=f"{longest},{longest}")
    assert len(vote.pack().encode()) <= 64
    assert len(FaqCb(action=FaqAction.SUGGESTED, key=longest).pack().encode()) <= 64
    sixteen = "a" * 16
    assert len(FaqVoteCb(entry=sixteen, helpful=True, others=f"{sixteen},{sixteen}").pack()) <= 64


def test_a_valid_file_loads(tmp_path: Path) -> None:
    faq = load_faq(write(tmp_path, VALID))
    assert [e.id for e in faq.entries("biaya")] == ["gratis"]
    assert faq.match("brp bayarnya").matches[0].id == "gratis"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t + t[t.index("[[entry]]") :], "entry id used twice: gratis"),
        (lambda t: t.replace('answer_en = "<b>Free</b>."', ""), "gratis: answer_en is missing"),
        (lambda t: t.replace("<b>Free</b>", "<b>Free"), "<b> is not closed"),
        (lambda t: t.replace("<b>Free</b>", "<u>Free</u>"), "tag <u> is not allowed"),
        (lambda t: t.replace("<b>Free</b>", "Free & easy"), "escape & as &amp;"),
        (lambda t: t.replace('topic = "biaya"', 'topic = "x"'), "unknown topic 'x'"),
        (lambda t: t.replace('id = "gratis"', 'id = "Gratis Sekali"'), "id 'Gratis Sekali'"),
        (lambda t: t.replace('keywords = ["bayar"]', 'source = "PP"'), "source and checked"),
        (lambda t: t.replace("<b>Free</b>.", "x" * 701), "longer than 700"),
        (lambda t: t.replace("[[entry]]", "[[entry"), "faq.toml"),
    ],
)
def test_an_invalid_file_is_refused_with_a_one_line_reason(
    tmp_path: Path, change, message: str
) -> None:
    with pytest.raises(FaqError, match=message.replace("(", r"\(")) as caught:
        load_faq(write(tmp_path, change(VALID)))
    assert str(tmp_path) in str(caught.value) and "\n" not in str(caught.value)


def test_faq_file_setting_points_at_an_operators_copy(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    settings = Settings(_env_file=None, faq_file=str(path))  # type: ignore[call-arg]
    assert settings.faq_file == path
    assert Settings(_env_file=None).faq_file is None  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("Gimana DAFTARNYA??", "bagaimana daftarnya"),
        ("brp biayanya 🙏🙏", "berapa biayanya"),
        ("yg gak bs dtg, kpn?", "yang tidak bisa datang kapan"),
        ("daftarnya dmn ya kak", "daftarnya di mana"),
        ("sertifikatnya dpt kah", "sertifikatnya dapat"),
        ("carane daftar piye", "carane daftar bagaimana"),
        ("kumaha, mayar teu?", "bagaimana bayar tidak"),
        ("  Pelatihan   Gratis?! ", "pelatihan gratis"),
        ("Apakah café é", "apakah cafe e"),
        ("punya", "punya"),
    ],
)
def test_normalise_informal_indonesian(typed: str, normal: str) -> None:
    assert normalise(typed) == normal


@given(st.text())
def test_normalise_never_crashes_and_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once
    assert all(char.isascii() and (char.isalnum() or char == " ") for char in once)
    assert once == once.lower()


@pytest.mark.parametrize(
    ("typed", "stems"),
    [
        ("Gimana DAFTARNYA??", ("bagaimana", "daftar")),
        ("pendaftaran dibatalkan", ("daftar", "batal")),
        ("daftarin istri sy", ("daftar", "istri", "saya")),
        ("kumaha cara daftarna", ("bagaimana", "cara", "daftar")),
        ("biayane piro", ("biaya", "berapa")),
        ("nik ketolak", ("nik", "tolak")),
        ("ngelamar kerja", ("lamar", "kerja")),
    ],
)
def test_terms_stem_formal_and_colloquial_affixes(typed: str, stems: tuple[str, ...]) -> None:
    assert terms(typed) == stems


@given(st.text())
def test_terms_never_crash_and_stems_are_stable(text: str) -> None:
    found = terms(text)
    assert all(word and " " not in word for word in found)
    assert terms(normalise(text)) == found
    assert [stem(word) for word in found] == list(found)


@given(st.text(max_size=300))
def test_matching_never_crashes_and_ranks_at_most_three(text: str) -> None:
    ranking = FAQ.match(text)
    assert len(ranking.matches) <= 3
    scores = [match.score for match in ranking.matches]
    assert scores == sorted(scores, reverse=True)
    assert (ranking.strength is Strength.NONE) == (not ranking.matches)


MATCHER = Matcher(
    [
        Document("fee", ("Apakah pelatihan ini berbayar?",), ("biaya", "gratis")),
        Document("cert", ("Apakah ada sertifikat?",), ("sertifikat", "piagam")),
        Document("place", ("Di mana lokasi BLK?",), ("alamat", "lokasi")),
    ]
)


def test_typos_and_affixes_still_match() -> None:
    assert MATCHER.rank("sertifkat").matches[0].id == "cert"
    assert MATCHER.rank("biayanya berapa").matches[0].id == "fee"
    assert MATCHER.rank("lokasinya dimana").matches[0].id == "place"


def test_unknown_words_give_no_match_and_empty_text_too() -> None:
    assert MATCHER.rank("harga bitcoin hari ini").strength is Strength.NONE
    assert MATCHER.rank("🙏🙏 ?!").strength is Strength.NONE
    assert MATCHER.rank("").matches == ()


def test_a_clear_question_is_strong_and_a_vague_one_weak() -> None:
    assert MATCHER.rank("apakah ada sertifikat").strength is Strength.STRONG
    vague = FAQ.match("jkp")  # three JKP entries: offer them rather than guess
    assert vague.strength is Strength.WEAK
    assert {m.id for m in vague.matches} == {"jkp", "jkp-syarat", "jkp-klaim"}


def test_a_pasted_page_is_cut_to_the_first_words() -> None:
    page = "apakah ada sertifikat " + "lorem ipsum " * 2000
    assert MATCHER.rank(page).strength is Strength.NONE  # answered quickly, not guessed


@given(
    st.lists(st.text(alphabet="aiueokmnstrdpl", min_size=1, max_size=4200), min_size=1, max_size=60)
)
@settings(deadline=None)  # a bound on work, counted; time on a loaded machine is noise
@example(["a" * 4200])
@example([f"{n:02d}" + "kamerasendirilapang"[: 10 + n % 9] for n in range(60)])
def test_the_work_per_question_is_bounded(typed: list[str]) -> None:
    """Splitting run-together words and the typo search stem every cut of a word: a long
    "word" or many unknown ones would cost seconds, so both are capped."""
    stemmed: list[str] = []
    real_stem = words.stem

    def counting(word: str) -> str:
        stemmed.append(word)
        return real_stem(word)

    words.stem = counting  # type: ignore[assignment]
    try:
        MATCHER.rank(" ".join(typed))
    finally:
        words.stem = real_stem
    longest = matching._MAX_WORD_LENGTH + 1  # a longer typed word is cut to this
    assert all(len(word) <= longest for word in stemmed)
    per_guess = 4 * longest  # each cut: both pieces, then each checked as a word
    assert len(stemmed) <= matching._MAX_WORDS + matching._MAX_GUESSES * per_guess


def test_examples_teach_the_matcher_a_phrasing_its_entries_do_not_have(tmp_path: Path) -> None:
    """Typed "batalin pendaftaran" shares more words with how to register than with how to
    cancel; the labelled examples say which one people mean."""
    question = "cara batalin pendaftaran"
    empty = tmp_path / "examples.toml"
    empty.write_text("", encoding="utf-8")
    assert load_faq(None, empty).match(question).matches[0].id == "cara-daftar"
    learnt = FAQ.match(question)
    assert (learnt.matches[0].id, learnt.strength) == ("batal-jadwal", Strength.STRONG)


def test_an_invalid_examples_file_is_refused_with_a_one_line_reason(tmp_path: Path) -> None:
    path = tmp_path / "examples.toml"
    path.write_text('[[example]]\nquestion = "brp biayanya"\n', encoding="utf-8")
    with pytest.raises(FaqError, match="needs a question and an entry") as caught:
        load_faq(None, path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    settings = Settings(_env_file=None, faq_examples_file=str(path))  # type: ignore[call-arg]
    assert settings.faq_examples_file == path


def test_examples_of_entries_an_operators_faq_lacks_are_left_out(tmp_path: Path) -> None:
    """The packaged examples name entries a one-entry FAQ does not have."""
    faq = load_faq(write(tmp_path, VALID))
    assert [m.id for m in faq.match("harus bayar ga").matches] == ["gratis"]
