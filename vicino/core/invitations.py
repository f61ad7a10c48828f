"""The welcome e-mail for someone added to a team: who added them, where, and a link to choose a password."""

from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import tasks
from .models import Membership, User


def invitation_send(*, membership: Membership, by: User, base_url: str) -> None:
    """Queue the invitation in the new member's language; the link is a password-reset link."""
    user = membership.user
    link = base_url.rstrip("/") + reverse(
        "core:password-reset-confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    context = {"user": user, "membership": membership, "by": by, "link": link, "login_url": base_url.rstrip("/") + reverse("core:login")}
    with translation.override(user.language):
        subject = "".join(render_to_string("core/email/invitation_subject.txt", context).splitlines())
        body = render_to_string("core/email/invitation.txt", context)
    tasks.mail_send.enqueue(subject=subject, body=body, to=[user.email])
