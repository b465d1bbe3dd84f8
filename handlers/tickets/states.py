"""Conversation states of "Tanya petugas"; each keeps the ticket id in the FSM data."""

from aiogram.fsm.state import State, StatesGroup


class Asking(StatesGroup):
    question = State()  # a new question (data: origin)
    follow_up = State()  # the asker writes again (data: ticket)


class Answering(StatesGroup):
    answer = State()  # a coordinator's answer (data: ticket)
