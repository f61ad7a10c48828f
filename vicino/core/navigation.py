"""The app navigation: each app registers its entries once, in its AppConfig.ready().

Core owns the shell but must not import the apps above it; this registry lets a
higher app put its pages in the sidebar or the user menu without that arrow.
"""

from dataclasses import dataclass

from django.urls import reverse

from .actor import Actor
from .roles import Capability


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str
    capability: Capability | None = None
    group: str = ""


_SIDEBAR: list[NavLink] = []
_USER_MENU: list[NavLink] = []


def register(url_name: str, label: str, *, capability: Capability | None = None, group: str = "") -> None:
    if all(link.url_name != url_name for link in _SIDEBAR):
        _SIDEBAR.append(NavLink(url_name, label, capability, group))


def register_user_link(url_name: str, label: str, *, capability: Capability | None = None) -> None:
    if all(link.url_name != url_name for link in _USER_MENU):
        _USER_MENU.append(NavLink(url_name, label, capability))


def sidebar_for(actor: Actor | None, current: str) -> list[dict]:
    """The sidebar: entries without a group first, then each group together, in the order apps registered them."""
    groups = list(dict.fromkeys(str(link.group) for link in _SIDEBAR if link.group))
    ordered = sorted(_SIDEBAR, key=lambda link: groups.index(str(link.group)) + 1 if link.group else 0)
    return _visible(ordered, actor, current)


def user_menu_for(actor: Actor | None, current: str) -> list[dict]:
    return _visible(_USER_MENU, actor, current)


def _visible(links: list[NavLink], actor: Actor | None, current: str) -> list[dict]:
    if actor is None:
        return []
    return [
        {"url": reverse(link.url_name), "label": link.label, "group": link.group, "active": link.url_name == current}
        for link in links
        if link.capability is None or actor.can(link.capability)
    ]
