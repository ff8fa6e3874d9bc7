"""Pages both the accounts and the admin blueprints show (neither imports the other's views)."""

from __future__ import annotations

from flask import render_template, url_for

from planner.accounts.mail import invitation_message, send_invitation
from planner.accounts.models import Invitation


def invitation_sent_page(invitation: Invitation, token: str, back_url: str) -> str:
    """Show the inviter the link to pass on (shown only this once), to copy or e-mail."""
    link = url_for("accounts.accept_invitation", token=token, _external=True)
    subject, body = invitation_message(invitation, link)
    return render_template(
        "accounts/invitation_sent.html",
        invitation=invitation,
        link=link,
        mailed=send_invitation(invitation, link),
        mail_subject=subject,
        mail_body=body,
        back_url=back_url,
    )
