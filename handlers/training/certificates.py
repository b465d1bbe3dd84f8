"""Certificates: /sertifikat (or "📄 Sertifikat" under /jadwal) sends the participant's
PDFs again; anyone checks a number with /cek or the QR code on the PDF (which opens
/start cek-<number>); administrators revoke one with /cabutsertifikat <number>."""

from __future__ import annotations

from aiogram import Bot, F, html
from aiogram.enums import ChatAction
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.services import Services
from bot.training.certificate_pdf import CertificateText, certificate_pdf
from bot.training.certificates import LINK_PREFIX, Certificate, CertificateNotFound, read_number
from bot.training.check_in_codes import deep_link
from handlers.common.blueprint import Blueprint
from handlers.common.callbacks import ScheduleAction, ScheduleCb
from handlers.common.filters import HasRole
from handlers.common.render import long_date
from handlers.training.render import programme_name

# Before /start's own handler and the flows: checking a number changes nothing.
router = Blueprint(name=__name__)


def _dates(cert: Certificate) -> str:
    return _("certificate-dates").format(
        first_day=long_date(cert.first_day), last_day=long_date(cert.last_day), hours=cert.hours
    )


def certificate_text(cert: Certificate, bot_username: str) -> CertificateText:
    return CertificateText(
        heading=_("certificate-pdf-heading"),
        programme=programme_name(cert.programme),
        given_to=_("certificate-pdf-given-to"),
        holder=cert.holder,
        details=[cert.batch, cert.blk, _dates(cert)],
        number=_("certificate-pdf-number").format(number=cert.number),
        verify=_("certificate-pdf-verify").format(
            number=cert.number, bot=f"https://t.me/{bot_username}"
        ),
    )


@router.message(Command("sertifikat"))
async def cmd_sertifikat(message: Message, bot: Bot, services: Services) -> None:
    await send_certificates(bot, message.from_user.id, services)


@router.callback_query(ScheduleCb.filter(F.action == ScheduleAction.CERTIFICATE))
async def certificate_chosen(callback: CallbackQuery, bot: Bot, services: Services) -> None:
    """ "📄 Sertifikat" under /jadwal; the schedule message stays."""
    await send_certificates(bot, callback.from_user.id, services)


async def send_certificates(bot: Bot, chat_id: int, services: Services) -> None:
    """Every valid certificate of the person, as a PDF each."""
    certificates = await services.certificates.valid_of(chat_id)
    if not certificates:
        await bot.send_message(chat_id, _("certificate-none"))
        return
    await bot.send_chat_action(chat_id, ChatAction.UPLOAD_DOCUMENT)
    username = (await bot.me()).username or ""
    for cert in certificates:
        link = deep_link(username, LINK_PREFIX + cert.number)
        pdf = certificate_pdf(certificate_text(cert, username), link)
        await bot.send_document(
            chat_id,
            BufferedInputFile(pdf, filename=f"sertifikat-{cert.number}.pdf"),
            caption=_("certificate-caption").format(
                batch=html.quote(cert.batch), number=cert.number
            ),
        )


def check_text(number: str, cert: Certificate | None) -> str:
    if cert is None:
        return _("certificate-check-unknown").format(number=html.quote(number))
    key = (
        _("certificate-check-valid")
        if cert.valid
        else _("certificate-check-revoked")
        if cert.revoked
        else _("certificate-check-invalid")
    )
    return key.format(
        number=cert.number,
        holder=html.quote(cert.masked_holder),
        programme=html.quote(programme_name(cert.programme)),
        batch=html.quote(cert.batch),
        blk=html.quote(cert.blk),
        dates=_dates(cert),
    )


async def _check(message: Message, typed: str, services: Services) -> None:
    number = read_number(typed)
    if number is None:
        await message.answer(_("certificate-check-ask"))
        return
    await message.answer(check_text(number, await services.certificates.check(number)))


@router.message(CommandStart(deep_link=True, magic=F.args.startswith(LINK_PREFIX)))
async def check_link(message: Message, command: CommandObject, services: Services) -> None:
    """The QR code on a certificate."""
    await _check(message, (command.args or "").removeprefix(LINK_PREFIX), services)


@router.message(Command("cek"))
async def cmd_cek(message: Message, command: CommandObject, services: Services) -> None:
    await _check(message, command.args or "", services)


@router.message(Command("cabutsertifikat"), HasRole(admin_only=True))
async def cmd_cabut(message: Message, command: CommandObject, services: Services) -> None:
    """Revokes a certificate at once; the check then says it was revoked."""
    number = read_number(command.args or "")
    if number is None:
        await message.answer(_("certificate-revoke-ask"))
        return
    try:
        cert = await services.certificates.revoke(message.from_user.id, number)
    except CertificateNotFound:
        await message.answer(_("certificate-check-unknown").format(number=number))
        return
    await message.answer(_("certificate-revoked").format(number=cert.number))
