"""Asking each registration question, and which question comes next.

The flow (see docs in README): consent → name → NIK → NIK check → phone → province →
regency → business → sector → PHK → PHK month (only if yes) → review. While editing from
the review, only the questions of the chosen field are asked, then the review again.
Answers another journey already gave (the PHK pathway) are not asked again.
"""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.registration.months import recent_months
from bot.registration.participants import form_from_answers
from bot.services import Services
from handlers.common import keyboards
from handlers.common.callbacks import RegStep
from handlers.common.render import SEX_LABELS, card_fields, long_date
from handlers.registration.states import Registration as R

ORDER: list[State] = [
    R.consent, R.full_name, R.nik, R.nik_confirm, R.phone, R.province, R.regency,
    R.business, R.sector, R.phk, R.phk_month, R.review,
]  # fmt: skip

# Questions edited together from the review (the keys are the edit buttons' values).
FIELD_GROUPS: dict[str, list[State]] = {
    "name": [R.full_name],
    "nik": [R.nik, R.nik_confirm],
    "phone": [R.phone],
    "domicile": [R.province, R.regency],
    "business": [R.business, R.sector],
    "phk": [R.phk, R.phk_month],
}
_GROUP_OF = {s: field for field, states in FIELD_GROUPS.items() for s in states}
# Where each question that another journey may answer beforehand keeps its answer.
_ANSWER_KEYS = {R.business: "business_status", R.phk: "phk_affected", R.phk_month: "phk_month"}


def prefilled(known: dict[str, Any]) -> dict[str, Any]:
    """Starting answers with the questions they answer marked, so those are skipped."""
    skipped = [question.state for question, key in _ANSWER_KEYS.items() if key in known]
    return {**known, "prefilled": skipped}


def next_question(current: State, answers: dict[str, Any]) -> State:
    """The question after `current`, skipping what the answers make irrelevant."""
    following = ORDER[ORDER.index(current) + 1]
    if following == R.phk_month and not answers.get("phk_affected"):
        following = R.review
    if answers.get("editing") and _GROUP_OF.get(following) != _GROUP_OF.get(current):
        following = R.review
    if following.state in answers.get("prefilled", ()) and not answers.get("editing"):
        following = next_question(following, answers)
    return following


async def ask(
    question: State, event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    """Enter `question` and send it; also used to repeat it after a wrong answer."""
    await state.set_state(question)
    answers = await state.get_data()
    text, markup = _build(question, answers, services)
    await event.bot.send_message(event.from_user.id, text, reply_markup=markup)


async def advance(
    current: State, event: Message | CallbackQuery, state: FSMContext, services: Services
) -> None:
    """Ask whatever comes after `current` given the answers so far."""
    await ask(next_question(current, await state.get_data()), event, state, services)


def _build(question: State, answers: dict[str, Any], services: Services) -> tuple[str, Any]:
    if question == R.consent:
        months = services.privacy.retention_months
        return _("reg-consent").format(months=months), keyboards.consent()
    if question == R.full_name:
        return _("reg-ask-name"), keyboards.REMOVE
    if question == R.nik:
        return _("reg-ask-nik"), keyboards.REMOVE
    if question == R.nik_confirm:
        nik = services.registrations.parse_nik(answers["nik"])
        text = _("reg-nik-confirm").format(
            birth_date=long_date(nik.birth_date), sex=SEX_LABELS[nik.sex]
        )
        return text, keyboards.yes_no(
            RegStep.NIK_CONFIRM, _("btn-nik-correct"), _("btn-nik-retype")
        )
    if question == R.phone:
        return _("reg-ask-phone"), keyboards.share_contact()
    if question == R.province:
        # Most people live in the province of their KTP: offered first, one tap away.
        likely = services.regions.province(answers.get("nik", "")[:2])
        return _("reg-ask-province"), keyboards.provinces(services.regions.provinces(), likely)
    if question == R.regency:
        province = services.regions.province(answers["province_code"])
        text = _("reg-ask-regency").format(province=province.name if province else "")
        return text, keyboards.regencies(services.regions.regencies(answers["province_code"]))
    if question == R.business:
        return _("reg-ask-business"), keyboards.business()
    if question == R.sector:
        return _("reg-ask-sector"), keyboards.sectors()
    if question == R.phk:
        return _("reg-ask-phk"), keyboards.yes_no(RegStep.PHK, _("btn-yes"), _("btn-no"))
    if question == R.phk_month:
        today = services.registrations.clock.today()
        return _("reg-ask-phk-month"), keyboards.months(recent_months(today))
    update = answers.get("mode") == "update"
    return review_text(answers, services), keyboards.review(update=update)


def review_text(answers: dict[str, Any], services: Services) -> str:
    form = form_from_answers(answers)
    nik = services.registrations.parse_nik(form.nik)
    fields = card_fields(
        services.regions,
        name=form.full_name,
        nik=nik.value,
        phone=form.phone,
        birth_date=nik.birth_date,
        sex=nik.sex,
        regency_code=form.regency_code,
        province_code=form.province_code,
        business=form.business_status,
        sector=form.business_sector,
        phk_affected=form.phk_affected,
        phk_month=form.phk_month,
    )
    # A saved registration's review speaks of changes, saved only by its button.
    review = _("reg-review-update") if answers.get("mode") == "update" else _("reg-review")
    return review.format(**fields)
