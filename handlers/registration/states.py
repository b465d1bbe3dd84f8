"""The registration conversation's questions, in the order they are asked."""

from aiogram.fsm.state import State, StatesGroup


class Registration(StatesGroup):
    consent = State()
    full_name = State()
    nik = State()
    nik_confirm = State()
    phone = State()
    province = State()
    regency = State()
    business = State()
    sector = State()
    phk = State()
    phk_month = State()
    review = State()
