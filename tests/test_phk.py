"""The PHK pathway's domain: skills, the summary chosen from answers, the content file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import ConfigError
from bot.phk.content import Condition, PhkContent, PhkContentError, html_problem
from bot.phk.pathway import (
    SKILLS_MAX_LENGTH,
    PhkAnswers,
    PhkBusiness,
    SkillsError,
    SkillsProblem,
    Wish,
    add_months,
    clean_skills,
    compose_summary,
    jkp_window,
)
from bot.registration.participants import BusinessStatus, Sector
from bot.runtime.config import Settings

TODAY = date(2026, 11, 24)
CONTENT = PhkContent.from_toml()


def answers(
    business: PhkBusiness = PhkBusiness.NONE,
    wish: Wish = Wish.NEITHER,
    month: date = date(2026, 5, 1),
) -> PhkAnswers:
    data = {
        "phk_month": month.isoformat(),
        "previous_sector": "food",
        "skills": "menjahit",
        "business": business.value,
    }
    return PhkAnswers.from_conversation(data, wish)


def offer_keys(found: PhkAnswers, *, phk_priority: bool = True) -> list[str]:
    summary = compose_summary(found, CONTENT, phk_priority=phk_priority, today=TODAY)
    return [item.key for item in summary.offers]


# -- skills ---------------------------------------------------------------------------


def test_skills_are_tidied_and_length_limited() -> None:
    assert clean_skills("  menjahit,\n  memasak ") == "menjahit, memasak"
    with pytest.raises(SkillsError) as short:
        clean_skills(" a ")
    assert short.value.problem is SkillsProblem.TOO_SHORT
    with pytest.raises(SkillsError) as long:
        clean_skills("x" * (SKILLS_MAX_LENGTH + 1))
    assert long.value.problem is SkillsProblem.TOO_LONG
    assert clean_skills("x" * SKILLS_MAX_LENGTH) == "x" * SKILLS_MAX_LENGTH


@given(st.text(max_size=200))
def test_skills_are_accepted_exactly_when_their_tidy_form_fits(text: str) -> None:
    tidy = " ".join(text.split())
    try:
        cleaned = clean_skills(text)
    except SkillsError as exc:
        too_short = exc.problem is SkillsProblem.TOO_SHORT
        assert len(tidy) < 2 if too_short else len(tidy) > SKILLS_MAX_LENGTH
    else:
        assert cleaned == tidy and 2 <= len(cleaned) <= SKILLS_MAX_LENGTH


# -- summary --------------------------------------------------------------------------


def test_everyone_gets_training_and_the_phk_service() -> None:
    assert offer_keys(answers()) == ["training", "priority", "sejahtera"]


def test_priority_is_shown_only_when_the_rules_give_it() -> None:
    assert offer_keys(answers(), phk_priority=False) == ["training", "sejahtera"]


@pytest.mark.parametrize(
    ("wish", "extra"),
    [
        (Wish.COUNSELLING, ["counselling"]),
        (Wish.CAPITAL, ["capital"]),
        (Wish.BOTH, ["counselling", "capital"]),
        (Wish.NEITHER, []),
    ],
)
def test_wishes_add_their_offers(wish: Wish, extra: list[str]) -> None:
    assert offer_keys(answers(wish=wish)) == ["training", "priority", "sejahtera", *extra]


@pytest.mark.parametrize("business", [PhkBusiness.IDEA, PhkBusiness.RUNNING])
def test_a_business_plan_adds_market_access(business: PhkBusiness) -> None:
    keys = offer_keys(answers(business=business, wish=Wish.BOTH))
    assert keys == ["training", "priority", "sejahtera", "counselling", "market", "capital"]


def test_jkp_claim_window_is_six_months_after_the_phk_month() -> None:
    assert add_months(date(2026, 8, 1), 6) == date(2027, 2, 1)
    assert jkp_window(date(2026, 5, 1), TODAY).last_month == date(2026, 11, 1)
    assert jkp_window(date(2026, 5, 1), TODAY).open
    assert not jkp_window(date(2026, 4, 1), TODAY).open
    summary = compose_summary(
        answers(month=date(2025, 1, 1)), CONTENT, phk_priority=True, today=TODAY
    )
    assert not summary.jkp.open


def test_registration_gets_phk_and_the_business_status_when_it_maps() -> None:
    idea = answers(business=PhkBusiness.IDEA).registration_answers()
    assert idea == {
        "phk_affected": True,
        "phk_month": "2026-05-01",
        "business_status": BusinessStatus.NONE.value,
    }
    # Running could be micro, small or medium: the registration still asks.
    running = answers(business=PhkBusiness.RUNNING).registration_answers()
    assert running == {"phk_affected": True, "phk_month": "2026-05-01"}


def test_answers_export_is_plain_json() -> None:
    exported = answers(PhkBusiness.RUNNING, Wish.CAPITAL).as_export()
    assert exported == {
        "phk_month": "2026-05-01",
        "previous_sector": Sector.FOOD.value,
        "skills": "menjahit",
        "business": "running",
        "wants_counselling": False,
        "wants_capital_info": True,
    }


# -- content file ---------------------------------------------------------------------


def test_packaged_content_has_both_languages_sources_and_dates() -> None:
    items = CONTENT.offers + CONTENT.jkp
    assert {item.when for item in CONTENT.offers} == set(Condition)
    for item in items:
        assert item.text["id"] and item.text["en"] and item.source
        assert item.last_checked <= date.today()
    jkp = " ".join(item.text["id"] for item in CONTENT.jkp)
    for fact in ("60%", "Rp5.000.000", "Rp3.000.000", "12 bulan", "24 bulan", "SIAPkerja"):
        assert fact in jkp
    assert {item.source for item in CONTENT.jkp} == {"PP 6/2025; tirto.id, okezone.com (Feb 2025)"}


GOOD_ITEM = """
key = "{key}"
id = "Teks <b>tebal</b>"
en = "Bold <b>text</b>"
source = "PP 6/2025"
last_checked = 2026-11-25
"""


def write(tmp_path: Path, offer: str = GOOD_ITEM, jkp: str = GOOD_ITEM) -> Path:
    path = tmp_path / "phk.toml"
    body = "[[offer]]" + offer.format(key="a") + "\n[[jkp]]" + jkp.format(key="b")
    path.write_text(body, encoding="utf-8")
    return path


def test_a_coordinators_file_is_used(tmp_path: Path) -> None:
    content = PhkContent.from_toml(write(tmp_path))
    assert [item.key for item in content.offers] == ["a"]
    assert content.jkp[0].text_in("en") == "Bold <b>text</b>"


@pytest.mark.parametrize(
    ("jkp", "reason"),
    [
        (GOOD_ITEM.replace('en = "Bold <b>text</b>"\n', ""), "'en' must be a non-empty text"),
        (GOOD_ITEM.replace('source = "PP 6/2025"', 'source = " "'), "'source' must be"),
        (GOOD_ITEM.replace("<b>text</b>", "<b>text"), "<b> is not closed"),
        (GOOD_ITEM.replace("<b>text</b>", "text & more"), "bare &"),
        (GOOD_ITEM.replace("<b>text</b>", "<br>"), "unsupported tag <br>"),
        (GOOD_ITEM.replace("2026-11-25", '"kemarin"'), "'last_checked' must be a date"),
        (GOOD_ITEM + 'when = "sometimes"\n', "'when' must be one of"),
        (GOOD_ITEM + 'url = "x"\n', "unknown keys url"),
    ],
)
def test_bad_items_are_refused_with_file_and_item(tmp_path: Path, jkp: str, reason: str) -> None:
    path = write(tmp_path, jkp=jkp)
    with pytest.raises(PhkContentError) as error:
        PhkContent.from_toml(path)
    assert str(error.value).startswith(f"{path}: [[jkp]] #1: ")
    assert reason in str(error.value)


def test_missing_sections_and_broken_toml_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "phk.toml"
    path.write_text("[[offer]]" + GOOD_ITEM.format(key="a"), encoding="utf-8")
    with pytest.raises(PhkContentError, match=r"\[\[jkp\]\]: at least one item"):
        PhkContent.from_toml(path)
    path.write_text("key = ", encoding="utf-8")
    with pytest.raises(PhkContentError, match="not valid TOML"):
        PhkContent.from_toml(path)
    with pytest.raises(PhkContentError, match="cannot read"):
        PhkContent.from_toml(tmp_path / "missing.toml")


def test_the_bot_does_not_start_with_a_bad_content_file(tmp_path: Path, data_key: str) -> None:
    from bot.runtime.app import create_app

    path = write(tmp_path, offer=GOOD_ITEM.replace("<b>tebal</b>", "<i>tebal"))
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3",
        phk_content_file=path,
    )
    with pytest.raises(ConfigError, match=r"\[\[offer\]\] #1: 'id' is not valid Telegram HTML"):
        create_app(settings, data_key=data_key)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<b>ok</b> &amp; <a href='https://x.id'>x</a>", None),
        ("<i><b>x</i></b>", "unexpected </i>"),
        ("</b>", "unexpected </b>"),
        ("1 < 2", "a bare < (write &lt;)"),
        ("<a>x</a>", "<a> needs an href"),
        ("&#169; &lt;", None),
    ],
)
def test_html_check(text: str, problem: str | None) -> None:
    assert html_problem(text) == problem
