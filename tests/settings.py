"""Test settings: the real settings with only what tests need changed."""

import os
import tempfile
from pathlib import Path

os.environ["PORTAL_READ_DOTENV"] = "0"
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["SECURE_SSL_REDIRECT"] = "0"

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lifeboat-tests-"))
STORAGES = {
    **STORAGES,  # noqa: F405
    "lifeboats": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": f"{MEDIA_ROOT}/lifeboats", "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic (STATIC_ROOT) in tests
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
FLICKR_API_KEY = "test-key"
FLICKR_API_SECRET = "test-secret"
FLICKR_API_URL = "http://flickr.invalid/services/rest/"
FLICKR_OAUTH_URL = "http://flickr.invalid/services/oauth/"
REDIS_URL = ""
LOGGING = {"version": 1, "disable_existing_loggers": False}
