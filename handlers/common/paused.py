"""A conversation put aside: /start and "Tanya petugas" lead home in the middle of a flow,
and the flow waits, answers and all, until the person continues or starts over.

The flow moves to a second FSM slot of the same chat (the "paused" destiny), so the
menu and every command work as they do outside a conversation. Both slots go through
the same storage, so a paused flow survives a restart, is found by the abandoned-
registration nudge and is erased with everything else (`storage.fsm.TrackedStorage`).
"""

from __future__ import annotations

from dataclasses import replace

from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n.lazy_proxy import LazyProxy
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.common.callbacks import ResumeAction, ResumeCb

PAUSED = "paused"

# The person's flows that can be put aside, by aiogram's state group name, with the
# label of their "continue" button. Staff conversations are not among them: /start
# ends those, as /batal does.
RESUMABLE: dict[str, LazyProxy] = {
    "Registration": __("btn-resume-registration"),
    "PhkFlow": __("btn-resume-phk"),
    "EligibilityCheck": __("btn-resume-eligibility"),
    "NearestBlk": __("btn-resume-nearest"),
}


def group_of(state_name: str | None) -> str | None:
    """ "Registration:phone" → "Registration"."""
    return state_name.split(":", 1)[0] if state_name else None


def _aside(state: FSMContext) -> FSMContext:
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=PAUSED))


async def open_flow(state: FSMContext) -> str | None:
    """The resumable flow the person is in right now, if any."""
    group = group_of(await state.get_state())
    return group if group in RESUMABLE else None


async def paused_flow(state: FSMContext) -> str | None:
    return group_of(await _aside(state).get_state())


async def pause(state: FSMContext) -> None:
    """Put the open conversation aside (replacing one put aside earlier)."""
    current = await state.get_state()
    if current is None:
        return
    aside = _aside(state)
    await aside.set_state(current)
    await aside.set_data(await state.get_data())
    await state.clear()


async def resume(state: FSMContext) -> str | None:
    """Bring the conversation put aside back; returns its state, None if there was none."""
    aside = _aside(state)
    paused = await aside.get_state()
    if paused is None:
        return None
    await state.set_state(paused)
    await state.set_data(await aside.get_data())
    await aside.clear()
    return paused


async def discard(state: FSMContext) -> bool:
    """Forget the conversation put aside; True if there was one."""
    aside = _aside(state)
    had = await aside.get_state() is not None
    await aside.clear()
    return had


async def offer(state: FSMContext, group: str) -> tuple[str, InlineKeyboardMarkup]:
    """The offer to continue the flow put aside, or start over. /ubah's draft (changes to a
    saved registration, "mode" update) says its changes are not saved yet."""
    editing = (await _aside(state).get_data()).get("mode") == "update"
    text = _("resume-offer-edit") if editing else _("resume-offer")
    label = _("btn-resume-edit") if editing else None
    return text, resume_buttons(group, restart=True, label=label)


def resume_buttons(
    group: str, *, restart: bool = False, label: str | None = None
) -> InlineKeyboardMarkup:
    """ "Lanjutkan …" (or `label`) and, when asked for, "Mulai dari awal"."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=label or str(RESUMABLE[group]),
        callback_data=ResumeCb(action=ResumeAction.GO_ON, flow=group),
    )
    if restart:
        builder.button(
            text=_("btn-resume-restart"),
            callback_data=ResumeCb(action=ResumeAction.RESTART, flow=group),
        )
    builder.adjust(1)
    return builder.as_markup()
