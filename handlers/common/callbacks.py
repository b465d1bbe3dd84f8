"""Every callback_data shape in one place: short versioned prefixes, ids only, ≤ 64 bytes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.coordinators.audiences import AudienceKind
from bot.coordinators.sheets import SheetFormat

# Ids in button data are bounded as the columns they name, so forged data out of range does
# not match its factory and is answered as a stale button (handlers/home/fallback.py)
# instead of reaching a query that overflows.
RowId = Annotated[int, Field(ge=0, le=2**31 - 1)]  # our rows (INTEGER); 0 = none; pages
TelegramId = Annotated[int, Field(gt=0, le=2**63 - 1)]  # BIGINT, as Telegram's user ids


class MenuAction(StrEnum):
    REGISTER = "reg"
    ELIGIBILITY = "elig"
    NEAREST_BLK = "near"
    MY_SCHEDULE = "sched"
    HELP = "help"
    PHK = "phk"
    STATUS = "stat"
    HOME = "home"  # the main menu again: the way back from a view such as /jadwal
    NEXT_STEPS = "next"  # "Langkah berikutnya": capital, licences, support, markets


class MenuCb(CallbackData, prefix="m1"):
    action: MenuAction


class ReferralCb(CallbackData, prefix="rf1"):
    """A topic of "Langkah berikutnya" (a bot.referrals.content.Topic value); "" is the
    list of topics."""

    topic: str = ""


class RegStep(StrEnum):
    """Registration questions answered with a button; also the fields of the edit menu."""

    CONSENT = "cs"
    NIK_CONFIRM = "nc"
    PROVINCE = "pv"
    REGENCY = "rc"
    BUSINESS = "bs"
    SECTOR = "sc"
    PHK = "pk"
    PHK_MONTH = "pm"
    EDIT = "ed"
    SUBMIT = "ok"


class RegCb(CallbackData, prefix="r1"):
    step: RegStep
    value: str


class EraseCb(CallbackData, prefix="e1"):
    confirm: bool


class LangCb(CallbackData, prefix="l1"):
    locale: str


class ResumeAction(StrEnum):
    GO_ON = "go"
    RESTART = "new"


class ResumeCb(CallbackData, prefix="rs1"):
    """Continue a flow, or start it over (handlers/common/paused.py); `flow` is its state
    group's name, so an old button cannot act on a different flow."""

    action: ResumeAction
    flow: str


class EligCb(CallbackData, prefix="k1"):
    """An answer in the eligibility check: `field` is "bs" (business) or "pk" (PHK)."""

    field: str
    value: str


class BlkAction(StrEnum):
    MAP = "map"
    BATCHES = "bat"
    NEAR = "near"  # the BLKs around this one: the way back from its page
    NOTIFY = "ntf"  # "Beri tahu saya" when a batch opens there
    UNWATCH = "unw"  # "Berhenti memberi tahu": ends that watch


class BlkCb(CallbackData, prefix="b1"):
    """BLK ids are at most 48 characters (checked on import), so this fits in 64 bytes."""

    action: BlkAction
    blk: str


class PlaceCb(CallbackData, prefix="p1"):
    regency: str


class BatchAction(StrEnum):
    PICK = "pick"
    ENROLL = "go"
    WAITLIST = "wait"
    MOVE = "move"


class BatchCb(CallbackData, prefix="g1"):
    action: BatchAction
    batch: RowId


class ScheduleAction(StrEnum):
    CANCEL = "cancel"
    CANCEL_CONFIRMED = "cancel_ok"
    KEEP = "keep"
    MOVE = "move"
    MAP = "map"
    CERTIFICATE = "cert"  # the person's valid certificates, as /sertifikat sends them


class ScheduleCb(CallbackData, prefix="s1"):
    action: ScheduleAction


class AttendAction(StrEnum):
    YES = "yes"
    NO = "no"


class AttendCb(CallbackData, prefix="at1"):
    """An answer to a reminder; `enrollment` is re-checked against the presser's seat."""

    action: AttendAction
    enrollment: RowId


class CoordinatorCb(CallbackData, prefix="co1"):
    """Revoke the coordinator role of `telegram_id` (admins only, re-checked)."""

    revoke: TelegramId


class CoordinatorPlaceCb(CallbackData, prefix="co2"):
    """A province ("p", code) or BLK ("b", id ≤ 48) chosen for `/koordinator tambah`; the
    person comes from the command the choices reply to (admins only, re-checked)."""

    kind: str
    code: str


class AudienceCb(CallbackData, prefix="au1"):
    """A broadcast audience; `target` is a province code, BLK id (≤ 48) or batch id, or ""."""

    kind: AudienceKind
    target: str = ""


class DraftAction(StrEnum):
    SEND = "send"
    AUDIENCE = "aud"
    DISCARD = "drop"


class DraftCb(CallbackData, prefix="dr1"):
    action: DraftAction


class BroadcastAction(StrEnum):
    CANCEL = "cancel"
    CANCEL_CONFIRMED = "cancel_ok"
    KEEP = "keep"
    RETRY_FAILED = "retry"  # the final report's "Kirim ulang yang gagal"


class BroadcastCb(CallbackData, prefix="bc1"):
    action: BroadcastAction
    broadcast: RowId


class AskCb(CallbackData, prefix="t0"):
    """Opens "Tanya petugas" (a ticket to a coordinator); `origin` is faq, phk or menu."""

    origin: str = "menu"


class PhkStep(StrEnum):
    """PHK pathway answers given with its own buttons (month and sector reuse `RegCb`)."""

    BUSINESS = "bs"
    WISH = "wi"
    BACK = "bk"


class PhkCb(CallbackData, prefix="ph1"):
    step: PhkStep
    value: str = ""


class PhkAction(StrEnum):
    REGISTER = "reg"
    JKP = "jkp"
    UPDATE = "upd"  # a registered person copies the answers into the registration
    KEEP = "keep"  # ... or leaves the registration as it is


class PhkActionCb(CallbackData, prefix="pa1"):
    """Buttons under the PHK summary; "reg" and "upd" are re-checked against the saved
    answers."""

    action: PhkAction


class TicketAction(StrEnum):
    VIEW = "view"  # the asker looks at their ticket
    REPLY = "reply"  # the asker writes again
    CLOSE = "close"  # the asker closes it
    STAFF_VIEW = "sview"  # a coordinator looks at a ticket in scope
    ANSWER = "ans"  # a coordinator answers
    LIST = "list"  # back to the asker's tickets (`ticket` is the one left)
    STAFF_LIST = "slist"  # back to the coordinator's open tickets


class TicketCb(CallbackData, prefix="tk1"):
    """A "Tanya petugas" ticket; ownership or the coordinator's scope is re-checked."""

    action: TicketAction
    ticket: RowId


class FaqAction(StrEnum):
    TOPICS = "tl"  # the list of topics
    TOPIC = "t"  # the questions of topic `key`
    ANSWER = "a"  # entry `key` opened while browsing; "back" returns to its topic
    SUGGESTED = "s"  # entry `key` offered for a typed question; asks "Membantu?"


class FaqCb(CallbackData, prefix="fq1"):
    """Browsing the FAQ; `key` is a topic or entry id (≤ 16 ascii), re-checked on press."""

    action: FaqAction
    key: str = ""


class FaqVoteCb(CallbackData, prefix="fq2"):
    """ "Membantu?" under a suggested answer; `others` are up to two runner-up entry ids,
    comma-separated, offered on "Tidak" (4 + 16 + 2 + 33 + 2 ≤ 64 bytes)."""

    entry: str
    helpful: bool
    others: str = ""


class TeachAction(StrEnum):
    OPEN = "o"  # "🧠 Ajari" under /faqcelah: the topics, in a message of its own
    TOPICS = "tl"  # the topics again
    TOPIC = "t"  # the entries of topic `key`
    CHOSEN = "c"  # confirm entry `key` ("" = a question for staff)
    SAVE = "ok"  # label the question with entry `key`
    CANCEL = "x"


class FaqTeachCb(CallbackData, prefix="ft1"):
    """Teaching the matcher FAQ gap `gap`, an unanswered question of /faqcelah (its text
    never travels here); `key` is a topic or entry id (≤ 16 ascii), "" for a question for
    staff. Gap, scope and entry are re-checked on every press."""

    action: TeachAction
    gap: RowId
    key: str = Field(default="", max_length=16)


class TaughtAction(StrEnum):
    PAGE = "p"  # page `page` of /faqajaran
    DELETE = "d"  # confirm deleting label `label`
    DELETE_CONFIRMED = "dk"


class FaqTaughtCb(CallbackData, prefix="fa1"):
    """/faqajaran, the questions coordinators taught: label `label` (its text never travels
    here), shown from page `page`; administrators only, the label re-checked on press."""

    action: TaughtAction
    label: RowId = 0
    page: RowId = 0


class StatsAction(StrEnum):
    VIEW = "v"  # the figures of one level, with its chart
    SHEET = "x"  # the same as a spreadsheet


class StatsCb(CallbackData, prefix="st1"):
    """A level of /statistik: `level` c/p/b/g with a province code, BLK id (≤ 48) or batch
    id as `code`; re-checked against the presser's scope."""

    action: StatsAction
    level: str
    code: str = ""


class DeskAction(StrEnum):
    BATCHES = "b"  # the coordinator's batches, page `page`
    ROSTER = "r"  # batch `batch`'s participants, page `page`


class DeskCb(CallbackData, prefix="dk1"):
    """The coordinators' desk; the batch is re-checked against the presser's scope."""

    action: DeskAction
    batch: RowId = 0
    page: RowId = 0


class SheetCb(CallbackData, prefix="ds1"):
    """A spreadsheet of batch `batch`'s roster, or (batch 0) of everyone in scope."""

    batch: RowId
    fmt: SheetFormat


class BatchAdminAction(StrEnum):
    NEW = "n"  # create a batch (batch 0)
    VIEW = "v"  # the batch's card with what may be changed
    EDIT = "e"  # ask for a new value of `field`
    CLOSE = "c"  # close registration
    REOPEN = "o"  # open registration again
    CANCEL = "x"  # asks for confirmation
    CANCEL_CONFIRMED = "xok"
    PROGRAMME = "pg"  # the programmes to choose from
    SET_PROGRAMME = "ps"  # move the batch to programme `field` (a Programme code)


class BatchAdminCb(CallbackData, prefix="ba1"):
    """Managing batch `batch` in chat; re-checked against the presser's scope."""

    action: BatchAdminAction
    batch: RowId = 0
    field: str = ""


class BatchFormCb(CallbackData, prefix="bf1"):
    """A button answering the batch conversation's question `field` (a BatchField, "blk",
    "programme" or "save"): `value` is the text it stands for, read like a typed answer
    (an ISO date, "08.00-16.00", "30"), a BLK id (≤ 48) or a programme code."""

    field: str
    value: str = ""


class PersonAction(StrEnum):
    SEARCH = "s"  # ask what to search for
    CARD = "c"  # registration `person`'s card
    MOVE = "m"  # batches seat `seat` may move to
    MOVE_TO = "mt"  # confirm moving seat `seat` to batch `batch`
    MOVE_CONFIRMED = "mk"
    CANCEL = "x"  # confirm cancelling seat `seat`
    CANCEL_CONFIRMED = "xk"
    RELEASE = "r"  # confirm erasing the registration to free its NIK (admins)
    RELEASE_CONFIRMED = "rk"


class PersonCb(CallbackData, prefix="pc1"):
    """A participant found from the desk: registration `person`, its live enrollment
    `seat`, a target `batch`; all re-checked against the presser's scope."""

    action: PersonAction
    person: RowId = 0
    seat: RowId = 0
    batch: RowId = 0


class CheckInAction(StrEnum):
    DAY = "d"  # batch `batch`'s training day `day`: code, who is in, page `page`
    QR = "q"  # today's QR code as a picture
    PRESENT = "p"  # mark seat `seat` present on day `day`, back to page `page`
    ABSENT = "a"  # mark seat `seat` absent


class CheckInCb(CallbackData, prefix="ci1"):
    """The attendance of batch `batch` on training day `day` (its ordinal, 0 = today or the
    latest one before); batch, day and seat re-checked against the presser's scope, the
    batch's training days up to today and its seats."""

    action: CheckInAction
    batch: RowId
    seat: RowId = 0
    page: RowId = 0
    day: Annotated[int, Field(ge=0, le=3_652_059)] = 0  # up to date.max.toordinal()


class CompletionAction(StrEnum):
    VIEW = "v"  # batch `batch`'s results, or the offer to complete it; page `page`
    COMPLETE = "ok"  # complete it now
    PASS = "p"  # set seat `seat`'s result to passed, back to page `page`
    FAIL = "f"  # ... to not passed


class CompletionCb(CallbackData, prefix="cp1"):
    """Completing batch `batch` and its results; batch and seat re-checked against the
    presser's scope and the batch's seats."""

    action: CompletionAction
    batch: RowId
    seat: RowId = 0
    page: RowId = 0


class SurveyCb(CallbackData, prefix="sv1"):
    """A follow-up survey answer: `question` (a bot.training.surveys.Question value) of
    seat `seat`'s wave `wave` answered `value`; question "stop" is "Berhenti menerima
    survei". Re-checked against the presser and the next unanswered question."""

    seat: RowId
    wave: Annotated[int, Field(ge=0, le=3650)]
    question: str = Field(max_length=10)
    value: str = Field(default="", max_length=8)
