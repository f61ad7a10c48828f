"""An event's times as its guests read them: in the event's own time zone, whatever the server's."""

import datetime
import zoneinfo

from .models import Event


def zone_of(event: Event) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Europe/Rome")


def local(event: Event, moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(zone_of(event))
