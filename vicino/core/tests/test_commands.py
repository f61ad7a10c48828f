"""The demo data command and the production configuration check."""

import os
import secrets
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command

from vicino.core.models import AuditEntry, Membership, Network, Site, User
from vicino.core.roles import Role
from vicino.people.models import Customer


def test_demo_data_builds_two_networks_with_every_role_and_is_idempotent(db):
    out = StringIO()
    call_command("demo_data", password="demo-password-1", stdout=out)
    counts = (Network.objects.count(), Site.objects.count(), User.objects.count(), Membership.objects.count(), AuditEntry.objects.count(), Customer.objects.count())

    call_command("demo_data", password="demo-password-1", stdout=StringIO())

    assert (Network.objects.count(), Site.objects.count(), User.objects.count(), Membership.objects.count(), AuditEntry.objects.count(), Customer.objects.count()) == counts
    assert Customer.objects.filter(network__slug="aurora", last_name="Paternò").exists()
    assert Site.objects.filter(network__slug="aurora", kind="dealership").count() == 4
    borgo = Site.objects.filter(network__slug="borgo")
    assert borgo.filter(kind="store").count() == 3 and borgo.filter(kind="mall").count() == 1
    for slug in ("aurora", "borgo"):
        assert set(Membership.objects.filter(network__slug=slug).values_list("role", flat=True)) == set(Role)
    assert "admin@aurora.example" in out.getvalue() and "demo-password-1" in out.getvalue()
    assert User.objects.get(email="admin@aurora.example").check_password("demo-password-1")


def test_the_production_configuration_passes_the_deploy_check(tmp_path):
    # A production machine's environment: none of the test run's own switches.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("VICINO_", "DJANGO_", "DATABASE_URL"))}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "vicino.config.settings",
        "VICINO_SECRET_KEY": secrets.token_urlsafe(50),
        "VICINO_DEBUG": "0",
        "VICINO_HTTPS": "1",
        "VICINO_ALLOWED_HOSTS": "crm.example.it",
        "VICINO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
