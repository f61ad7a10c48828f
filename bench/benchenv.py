"""What every benchmark starts with: Django on a fresh database of its own, and percentiles.

SQLite under a temporary folder, or with `--postgres` on the command line a throwaway
PostgreSQL 15 like the tests' (fsync off: write figures are optimistic) with the shared
buffers a server of this machine's size would be given.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_start(*, prefix: str, shared_buffers: str) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vicino.config.settings")
    os.environ.setdefault("VICINO_VAR_DIR", tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("VICINO_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    os.environ.setdefault("VICINO_ALLOWED_HOSTS", "localhost,testserver")
    if "--postgres" in sys.argv:
        from vicino.testing.postgres import start_server

        server = start_server({"shared_buffers": shared_buffers})
        os.environ["DATABASE_URL"] = server.url
        print(server.banner())
    import django

    django.setup()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
