"""One email attempt through the configured SMTP relay (STARTTLS and login when configured).

Retried: the relay down or unreachable, a timeout, a temporary (4xx) refusal. Failed at once: a
permanent (5xx) refusal of the sender, the recipient or the message, no recipient at all, or
a recipient that is not an email address.

The recipient and the subject are rendered from records: a line break or a control character
in them becomes a space (templates.header_text), so the email is sent, on one line, and a
record's value never writes a header of its own (a `Bcc:`); a display name is plain text.
"""

from __future__ import annotations

import json
import smtplib
import ssl
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import make_msgid

from kafinea_tui.sync.config.model import Smtp
from kafinea_tui.sync.delivery.outcome import Outcome
from kafinea_tui.sync.templates import addresses, header_text


def send_mail(smtp: Smtp | None, webhook_id: str, payload: str) -> Outcome:
    if smtp is None:
        return Outcome.fail("config.toml has no [smtp] table to send email through")
    data = json.loads(payload)
    to = header_text(str(data.get("to") or ""))
    if not to:
        return Outcome.fail("the email has no recipient (the template's field is empty)")
    recipients = addresses(to)
    if recipients is None:
        return Outcome.fail(f"the recipient {to!r} is not a list of email addresses")
    senders = addresses(smtp.sender)  # one address: the config's check says so
    domain = senders[0].domain if senders else "localhost"
    message = EmailMessage()
    try:
        message["From"] = senders or smtp.sender
        message["To"] = recipients
        message["Subject"] = header_text(str(data.get("subject") or ""))
        message["Message-ID"] = make_msgid(idstring=webhook_id, domain=domain)
        message["Idempotency-Key"] = webhook_id
        message.set_content(str(data.get("body") or ""))
    except (ValueError, TypeError, MessageError) as error:  # never retried: it would not change
        return Outcome.fail(f"the email cannot be written: {error}")
    where = f"the SMTP server {smtp.host}:{smtp.port}"
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                client.login(smtp.username, smtp.password or "")
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        reason = "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
        if all(400 <= c < 500 for c in codes):
            return Outcome.retry(f"{where} refused {to} for now: {reason}")
        return Outcome.fail(f"{where} refused the recipient {to}: {reason}")
    except smtplib.SMTPResponseException as error:
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        if 400 <= error.smtp_code < 500:
            return Outcome.retry(f"{where} answered {error.smtp_code} {text}")
        return Outcome.fail(f"{where} refused the message: {error.smtp_code} {text}")
    except (OSError, smtplib.SMTPException) as error:
        return Outcome.retry(
            f"cannot send through {where}: {error.strerror or error if isinstance(error, OSError) else error}"
        )
    return Outcome.ok(f"accepted by {where} for {to}")
