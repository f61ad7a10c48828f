"""Background work of the workshop: the e-mails to owners and to the on-call advisor."""

from django.tasks import task


def _order(order_id: int):
    from .models import RepairOrder

    return RepairOrder.objects.select_related("site", "customer", "vehicle", "advisor").filter(pk=order_id).first()


@task
def order_approval_mail(order_id: int) -> bool:
    """Work was proposed: the owner is asked to approve or decline it in the portal."""
    from .mail import order_approval_send

    order = _order(order_id)
    return order_approval_send(order=order) if order is not None else False


@task
def order_ready_mail(order_id: int) -> bool:
    """The car is ready: the owner is told when and where to collect it."""
    from .mail import order_ready_send

    order = _order(order_id)
    return order_ready_send(order=order) if order is not None else False


@task
def emergency_alert_mail(order_id: int) -> bool:
    """An emergency request came in: the advisor on call gets it at once."""
    from .mail import emergency_alert_send

    order = _order(order_id)
    return emergency_alert_send(order=order) if order is not None else False
