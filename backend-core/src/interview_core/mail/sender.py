"""Sending mail over SMTP once the transaction that decided to send it has committed.

After the commit, so no message announces what a rollback undid; outside the transaction, so a
failed send loses nothing: the invite or registration stays, the failure is logged and
recorded in `mail_deliveries`, and whoever created an invite still has its link.
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from interview_core.broker.after_commit import run_after_commit
from interview_core.config import Settings, get_settings
from interview_core.db.engine import session_scope
from interview_core.mail.messages import OutgoingMail
from interview_core.mail.models import MailDelivery

logger = logging.getLogger(__name__)
PURPOSE_HEADER = "X-Interview-Purpose"


def send_after_commit(session: Session, mail: OutgoingMail) -> None:
    run_after_commit(session, lambda: deliver(mail))


def deliver(mail: OutgoingMail) -> bool:
    """Hand the message to the SMTP server; True when it took it. Never raises."""
    settings = get_settings()
    error: str | None = None
    if not settings.smtp_host:
        error = "no SMTP server is configured (SMTP_HOST is empty)"
    else:
        try:
            _send(settings, _message(settings, mail))
        # Any failure, not only network ones: a message that cannot go out must never turn
        # the request that already committed its invite or registration into an error.
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    context = {"mail_purpose": mail.purpose.value, "reference_id": str(mail.reference_id)}
    if error is None:
        logger.info("mail sent", extra=context)
    else:
        logger.warning("mail not sent: %s", error, extra=context)
    _record(mail, error)
    return error is None


def _sender_domain(settings: Settings) -> str:
    address = parseaddr(settings.smtp_from)[1]
    return address.rpartition("@")[2] or "localhost"


def _message(settings: Settings, mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to
    # Organisation names and job titles are typed by people: no line break may reach a header.
    message["Subject"] = " ".join(mail.subject.split())
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_sender_domain(settings))
    message["Auto-Submitted"] = "auto-generated"
    message[PURPOSE_HEADER] = mail.purpose.value
    # 8bit, not quoted-printable: a link in the stored file reads (and copies) as it was
    # written; every line is far below SMTP's 998-character limit.
    message.set_content(mail.body, cte="8bit")
    return message


def _send(settings: Settings, message: EmailMessage) -> None:
    # An explicit HELO name: smtplib's default asks the resolver for this host's name, which
    # can stall for seconds on a machine without DNS.
    local_hostname = _sender_domain(settings)
    client: smtplib.SMTP
    if settings.smtp_tls == "tls":
        client = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            local_hostname=local_hostname,
            timeout=settings.smtp_timeout_s,
            context=ssl.create_default_context(),
        )
    else:
        client = smtplib.SMTP(
            settings.smtp_host,
            settings.smtp_port,
            local_hostname=local_hostname,
            timeout=settings.smtp_timeout_s,
        )
    with client:
        if settings.smtp_tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password or "")
        client.send_message(message)


def _record(mail: OutgoingMail, error: str | None) -> None:
    try:
        with session_scope() as session:
            session.add(
                MailDelivery(
                    purpose=mail.purpose.value,
                    reference_id=mail.reference_id,
                    sent=error is None,
                    error=error[:1000] if error else None,
                )
            )
    except SQLAlchemyError:
        logger.exception("mail delivery not recorded", extra={"mail_purpose": mail.purpose.value})
