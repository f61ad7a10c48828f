"""Background work of the portal: the sign-in e-mail."""

from django.tasks import task


@task
def signin_link_mail(link_id: int, next_path: str = "") -> bool:
    """A customer asked to sign in: their link goes out (the token is derived again here, never queued)."""
    from .mail import signin_link_send
    from .models import SignInLink

    link = SignInLink.objects.select_related("customer__network").filter(pk=link_id, used_at__isnull=True).first()
    return signin_link_send(link=link, next_path=next_path) if link is not None else False
