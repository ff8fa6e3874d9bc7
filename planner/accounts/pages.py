"""Pages both the accounts and the admin blueprints show (neither imports the other's views)."""

from __future__ import annotations

from flask import render_template

from planner.accounts.mail import invitation_message, send_invitation
from planner.accounts.models import Invitation
from planner.urls import absolute_url


def invitation_sent_page(invitation: Invitation, token: str, back_url: str) -> str:
    """Show the inviter the link to pass on (shown only this once), to copy or e-mail."""
    link = absolute_url("accounts.accept_invitation", token=token)  # SITE_URL, not Host
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
