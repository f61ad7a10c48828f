"""The sidebar as a network administrator sees it: each group once, with all its entries."""

import re

import pytest

from vicino.conftest import client_of

pytestmark = pytest.mark.django_db


def test_each_sidebar_group_appears_once_with_its_entries_under_it(dario):
    html = client_of(dario).get("/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    sidebar = html[html.index('class="nav-group"') - 200 :]
    assert html.count('<div class="nav-group">Amministrazione</div>') == 1
    after_group = sidebar[sidebar.index("Amministrazione") :]
    for label in ("Registro delle modifiche", "Richieste privacy", "Impostazioni privacy"):
        assert label in after_group
    before_group = html[: html.index('<div class="nav-group">')]
    for label in ("Clienti", "Lead", "Report vendite"):
        assert re.search(rf">\s*{label}\s*<", before_group), label
