"""Background work of sales: alerting site managers about enquiries left unanswered."""

from django.tasks import task


@task
def lead_response_alerts_send() -> int:
    """Every few minutes: tell each site's managers about new leads waiting past the site's target;
    returns the leads alerted about."""
    from .alerts import lead_response_alerts

    return lead_response_alerts()


@task
def adf_inbox_pickup() -> int:
    """Every few minutes: import the ADF files lead portals dropped in the inbox folder; returns the files read."""
    from .adfimport import adf_inbox_import

    return adf_inbox_import()
