"""Settings for the Data Lifeboat Portal: one file, driven by environment variables.

Every variable is listed in README.md ("Settings"). Local development reads `.env`
(written by `make install`); production sets real environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from `path` without overriding the real environment."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


if os.environ.get("PORTAL_READ_DOTENV", "1") == "1":
    _read_dotenv(BASE_DIR / ".env")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- Core and production safety -------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ",".join(LOCAL_HOSTS) if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def check_production_safety(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """Refuse configurations that would be unsafe on a server others can reach."""
    if not debug and not secret_key:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    if debug:
        public = [host for host in allowed_hosts if host not in LOCAL_HOSTS]
        if public:
            raise ImproperlyConfigured(
                f"DEBUG is on while ALLOWED_HOSTS names public hosts {public!r}. "
                "Turn DEBUG off for any host other people can reach."
            )


check_production_safety(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)
if DEBUG and not SECRET_KEY:
    SECRET_KEY = "insecure-local-development-key"

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_q",
    "axes",
    "ninja",
    "portal",
    "legal",
    "lifeboats",
    "commons",
    "flickr",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "legal.context_processors.inbox",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------


def database_from_url(url: str) -> dict[str, Any]:
    """Parse DATABASE_URL; a relative SQLite path is taken from the project folder."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{BASE_DIR / url.removeprefix('sqlite:///')}"
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    return config


DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# The dashboard is made of panels that each app contributes; portal imports no other app.
# Each entry is a callable taking the request and returning a `portal.panels.Panel` or None.
DASHBOARD_PANELS = [
    "portal.panels.pending_organisations",
    "legal.panels.pending_signatures",
    "portal.panels.my_organisation",
    "legal.panels.agreement_status",
    "lifeboats.panels.review_queue",
    "lifeboats.panels.my_lifeboats",
    "legal.panels.my_photos",
]

# --- Email ------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Data Lifeboat Portal <lifeboats@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files and storage -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

LIFEBOAT_STORAGE = env_str("LIFEBOAT_STORAGE", "filesystem")
if LIFEBOAT_STORAGE not in {"filesystem", "s3"}:
    raise ImproperlyConfigured(
        f"LIFEBOAT_STORAGE must be 'filesystem' or 's3', got {LIFEBOAT_STORAGE!r}"
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "lifeboats": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
                "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
                "region_name": env_str("AWS_S3_REGION_NAME") or None,
                "querystring_expire": 900,
                "file_overwrite": False,
                "default_acl": None,
            },
        }
        if LIFEBOAT_STORAGE == "s3"
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "lifeboats", "base_url": None},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Lifeboats, consent and Flickr (README "Settings") ----------------------------------------

LIFEBOAT_DOWNLOAD_DAYS = env_int("LIFEBOAT_DOWNLOAD_DAYS", 14)
LIFEBOAT_MAX_PHOTOS = env_int("LIFEBOAT_MAX_PHOTOS", 10_000)
CONSENT_WINDOW_DAYS = env_int("CONSENT_WINDOW_DAYS", 14)
# The licence watch re-checks photos of lifeboats ready or downloaded in the last N days.
LICENCE_WATCH_DAYS = env_int("LICENCE_WATCH_DAYS", 90)
# The most of the Flickr budget the Commons crawler may take, in per cent, so builds keep the rest.
COMMONS_CRAWL_BUDGET_PERCENT = env_int("COMMONS_CRAWL_BUDGET_PERCENT", 50)
if not 1 <= COMMONS_CRAWL_BUDGET_PERCENT <= 100:
    raise ImproperlyConfigured(
        "COMMONS_CRAWL_BUDGET_PERCENT must be between 1 and 100, "
        f"got {COMMONS_CRAWL_BUDGET_PERCENT}"
    )

FLICKR_API_KEY = env_str("FLICKR_API_KEY")
FLICKR_API_SECRET = env_str("FLICKR_API_SECRET")
FLICKR_API_URL = env_str("FLICKR_API_URL", "https://api.flickr.com/services/rest/")
FLICKR_OAUTH_URL = env_str("FLICKR_OAUTH_URL", "https://www.flickr.com/services/oauth/")
FLICKR_RATE_LIMIT_PER_HOUR = env_int("FLICKR_RATE_LIMIT_PER_HOUR", 3600)
REDIS_URL = env_str("REDIS_URL")

# --- Background work (django-q2, ORM broker) --------------------------------------------------

Q_CLUSTER = {
    "name": "lifeboats",
    "orm": "default",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 300,  # a task is killed after 5 minutes ...
    "retry": 360,  # ... and redelivered only after 6, so timeout < retry always holds
    "max_attempts": 5,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Background tasks",
    # Lifeboat builds run on their own cluster (Q_CLUSTER_NAME=builds manage.py qcluster) in
    # short chunk tasks; timeout < retry there too (docs/building.md).
    "ALT_CLUSTERS": {
        "builds": {"workers": env_int("Q_BUILD_WORKERS", 2), "timeout": 300, "retry": 360}
    },
}

# --- Security headers (all on when DEBUG is off) ----------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        # Only a proxy that always sets X-Forwarded-Proto may be trusted to say "https".
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: one JSON object per line --------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
