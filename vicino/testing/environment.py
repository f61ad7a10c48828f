"""Pytest plugin: the environment the test run's settings are read with.

Loaded with `-p` so it runs before pytest-django imports the settings (a conftest.py
would be too late). Only defaults are set: a developer's own variables win.
"""

import os
import tempfile

# Tasks run at once, in the test's own transaction, so a test sees their effects.
os.environ.setdefault("VICINO_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
# Keep the developer's var/ (database, secret key, uploads) out of the test run.
os.environ.setdefault("VICINO_VAR_DIR", tempfile.mkdtemp(prefix="vicino-test-var-"))
os.environ.setdefault("VICINO_LANGUAGE", "it")
