"""Telling the submitter what happened, by e-mail when a mail server is configured.

The texts are templates (templates/submissions/mail/), written in the submitter's language.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from planner.accounts.mail import mail_configured, send_mail
from planner.submissions.models import Submission
from planner.urls import absolute_url


def _subject(kind: str, site: str) -> str:
    messages = {
        "received": gettext("Your proposal to %(site)s was received", site=site),
        "returned": gettext("Your proposal to %(site)s needs a correction", site=site),
        "rejected": gettext("Your proposal to %(site)s was not accepted", site=site),
        "approved": gettext("Your proposal to %(site)s is published", site=site),
    }
    return messages[kind]


def notify_submitter(submission: Submission, kind: str, token: str | None = None) -> bool:
    """Mail the submitter about `kind` (received, returned, rejected, approved); True when sent.

    `token` (only at hand when the submission is made) puts the private link in the message.
    """
    if not mail_configured():
        return False
    site = current_app.config["SITE_NAME"]
    with force_locale(submission.language):
        link = absolute_url("submissions.status", token=token) if token else None
        event_link = (
            absolute_url("events.show", slug=submission.event.slug) if submission.event else None
        )
        body = render_template(
            f"submissions/mail/{kind}.txt",
            submission=submission,
            site=site,
            link=link,
            event_link=event_link,
        )
        subject = _subject(kind, site)
    try:
        send_mail(submission.contact_email, subject, body)
    except OSError:
        current_app.logger.exception("could not send the %s e-mail to a submitter", kind)
        return False
    return True
