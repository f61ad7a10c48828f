"""Build the demo networks (deterministic, idempotent) and print the logins."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from vicino.core.demo import demo_build, demo_builders, demo_password


class Command(BaseCommand):
    help = "Create the two demo networks with their sites and one user per role, and print the logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", help="Demo users' password (default: VICINO_DEMO_PASSWORD or var/demo_password).")

    def handle(self, *args, password: str | None = None, **options) -> None:
        password = password or settings.DEMO_PASSWORD or demo_password()
        with translation.override(settings.LANGUAGE_CODE):
            logins = demo_build(password=password)
            for builder in demo_builders():
                builder()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all: %s):" % password))
        width = max(len(email) for email, _name, _roles in logins)
        for email, name, roles in logins:
            self.stdout.write(f"  {email.ljust(width)}  {name} — {roles}")
