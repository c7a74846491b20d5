"""Settings for the test suite: fast hashing, tasks run in-process, no throttling leaks."""

from __future__ import annotations

import os

# The suite is a demo: the committed secret is fine here, and so for the `firegrid` processes the
# tests start (they inherit the environment; the production-settings test unsets it).
os.environ.setdefault("FIREGRID_DEMO", "1")

from .base import *  # noqa: E402, F403
from .base import DATABASES  # noqa: E402

FIREGRID_DEMO = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only in tests
HUEY = {"huey_class": "huey.MemoryHuey", "name": "firegrid-test", "immediate": True}
DEBUG = False
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
