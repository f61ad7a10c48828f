"""Background work of the core: sending e-mail outside the request."""

from django.core.mail import EmailMessage
from django.tasks import task


@task
def mail_send(*, subject: str, body: str, to: list[str], reply_to: list[str] | None = None) -> int:
    """Send one plain-text e-mail through the configured SMTP server; returns messages sent."""
    return EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to).send()


@task
def database_statistics_refresh() -> None:
    """Daily: put back any index a killed bulk load left out, and let the query planner see the tables as they are now."""
    from django.apps import apps

    from .bulk import indexes_restore, statistics_refresh

    indexes_restore(*apps.get_models())
    statistics_refresh()
