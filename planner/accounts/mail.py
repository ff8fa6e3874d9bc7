"""Sending an invitation by e-mail, when a mail server is configured (smtplib, nothing more)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import gettext


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message through the configured SMTP server."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_DEFAULT_SENDER") or f"no-reply@{config['MAIL_SERVER']}"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def invitation_message(invitation, link: str) -> tuple[str, str]:
    """The invitation e-mail's subject and body, in the inviter's language."""
    site = current_app.config["SITE_NAME"]
    subject = gettext("Your invitation to %(site)s", site=site)
    body = render_template("accounts/invitation_mail.txt", invitation=invitation, link=link)
    return subject, body


def send_invitation(invitation, link: str) -> bool:
    """E-mail the invitation's link when a mail server is configured; True when sent."""
    if not mail_configured():
        return False
    subject, body = invitation_message(invitation, link)
    try:
        send_mail(invitation.email, subject, body)
    except OSError:
        current_app.logger.exception("could not send the invitation e-mail")
        return False
    return True
