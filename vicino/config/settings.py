"""Vicino's settings: the one place that reads the environment.

Every value that differs between machines comes from a `VICINO_*` variable (or
`DATABASE_URL`) with a safe local default; `.env.example` lists them all.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "vicino"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("VICINO_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once into var/ and kept."""
    if key := os.environ.get("VICINO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("VICINO_DEBUG")
ALLOWED_HOSTS = env_list("VICINO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("VICINO_CSRF_TRUSTED_ORIGINS")

# Our apps in layer order: an app imports only from apps listed before it.
VICINO_APPS = [
    "vicino.core",
    "vicino.people",
    "vicino.sales",
    "vicino.bookings",
    "vicino.workshop",
    "vicino.events",
    "vicino.portal",
    "vicino.api",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "ninja",
    "django_htmx",
    "django_tasks_db",
    *VICINO_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vicino.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "vicino.config.urls"
WSGI_APPLICATION = "vicino.config.wsgi.application"
ASGI_APPLICATION = "vicino.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vicino.core.context_processors.shell",
            ],
        },
    },
]

# SQLite (WAL) under var/ is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'vicino.sqlite3'}",
        conn_max_age=int(os.environ.get("VICINO_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing on lock upgrade.
        # A 64 MB page cache and memory-mapped reads keep large tables' indexes in memory.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is a file, not memory: the live server's threads then each open their
    # own connection, and concurrency tests (fifty customers racing for one slot) are real.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["vicino.core.auth.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "vicino.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
PASSWORD_RESET_TIMEOUT = int(os.environ.get("VICINO_PASSWORD_RESET_TIMEOUT", str(60 * 60 * 3)))

# Italian first, English second.
LANGUAGE_CODE = os.environ.get("VICINO_LANGUAGE", "it")
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("VICINO_TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("VICINO_STATIC_ROOT") or VAR_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("VICINO_COLLECTED_STATIC")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collected static files WhiteNoise serves straight from the apps' folders.
WHITENOISE_USE_FINDERS = not env_bool("VICINO_COLLECTED_STATIC")
MEDIA_ROOT = VAR_DIR / "media"

# E-mail goes out through SMTP (Django 6.1's MAILERS); the run command prints it instead
# when no SMTP server is configured.
_email_backend = os.environ.get("VICINO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": {
            "host": os.environ.get("VICINO_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("VICINO_EMAIL_PORT", "25")),
            "username": os.environ.get("VICINO_EMAIL_USER", ""),
            "password": os.environ.get("VICINO_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("VICINO_EMAIL_TLS"),
            "timeout": 20,
        }
        if _email_backend.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("VICINO_EMAIL_FROM", "Vicino <noreply@localhost>")
# The address people reach Vicino at, for links in e-mails sent outside a request (alerts).
VICINO_BASE_URL = os.environ.get("VICINO_BASE_URL", "http://localhost:8000")
# Request bodies held in memory: an ADF document may be 10 MB (its idempotency key hashes the body).
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
# A folder where lead portals drop ADF files; the worker imports them (empty: no pickup).
VICINO_ADF_INBOX = os.environ.get("VICINO_ADF_INBOX", "")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's tasks API, stored in our own database by django-tasks-db.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("VICINO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Behind HTTPS in production: secure cookies, HSTS, redirects.
HTTPS = env_bool("VICINO_HTTPS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("VICINO_BEHIND_PROXY") else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VICINO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50

# The demo users' password for the local trial; generated into var/ when unset.
DEMO_PASSWORD = os.environ.get("VICINO_DEMO_PASSWORD", "")
