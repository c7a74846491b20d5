"""Settings read from the environment, with safe defaults for the demo.

Every deployment knob is an environment variable; nothing secret is committed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("FIREGRID_VAR_DIR", Path.cwd() / "var")).resolve()
# The SQLite database and the huey store live here; a fresh checkout has no var/ yet.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("FIREGRID_DEBUG", False)
# Demo mode (`make demo`, the test suite): the committed demo secret and a PII key derived from it
# are tolerated with a loud warning. Outside it, `firegrid serve` refuses to start without a real
# FIREGRID_SECRET_KEY and FIREGRID_PII_KEYS (checks in firegrid/core/checks.py, docs/DEPLOY.md).
FIREGRID_DEMO = env_bool("FIREGRID_DEMO", False)
DEMO_SECRET_KEY = "firegrid-demo-insecure-key-change-me"  # noqa: S105  (refused outside the demo)
SECRET_KEY = os.environ.get("FIREGRID_SECRET_KEY", DEMO_SECRET_KEY)
# Old secret keys still accepted for sessions and signed values while rotating, newest first.
SECRET_KEY_FALLBACKS = env_list("FIREGRID_SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("FIREGRID_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("FIREGRID_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "huey.contrib.djhuey",
    "django_tasks",
    "firegrid.core",
    "firegrid.grids",
    "firegrid.people",
    "firegrid.registry",
    "firegrid.inspections",
    "firegrid.hazards",
    "firegrid.notifications",
    "firegrid.reports",
    "firegrid.metrics",
    "firegrid.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "firegrid.core.middleware.RequestInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "firegrid.config.urls"
WSGI_APPLICATION = "firegrid.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "firegrid.core.context_processors.firegrid",
            ]
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'firegrid.sqlite3'}"),
        conn_max_age=int(os.environ.get("FIREGRID_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the huey consumer writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:landing"  # then on to the overview or "today", by role
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes with firegrid.core.login_throttle's handler). Per username, from
# any address: after FIREGRID_LOGIN_FAILURE_LIMIT failures each further attempt must wait
# base × 2^k seconds (capped), so strangers cannot lock a user out for long and guessing spread
# over many addresses is slowed. Per address: FIREGRID_LOGIN_IP_FAILURE_LIMIT failures (across
# usernames) lock it for FIREGRID_LOGIN_IP_COOLOFF_MINUTES. Failures are forgotten after
# FIREGRID_LOGIN_WINDOW_HOURS; attempts refused while throttled are not counted.
AXES_HANDLER = "firegrid.core.login_throttle.LoginThrottleHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("FIREGRID_LOGIN_FAILURE_LIMIT", "5"))
FIREGRID_LOGIN_BACKOFF_BASE_SECONDS = float(
    os.environ.get("FIREGRID_LOGIN_BACKOFF_BASE_SECONDS", "1")
)
FIREGRID_LOGIN_BACKOFF_MAX_SECONDS = float(
    os.environ.get("FIREGRID_LOGIN_BACKOFF_MAX_SECONDS", "900")
)
FIREGRID_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("FIREGRID_LOGIN_IP_FAILURE_LIMIT", "20"))
FIREGRID_LOGIN_IP_COOLOFF_MINUTES = float(os.environ.get("FIREGRID_LOGIN_IP_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = float(os.environ.get("FIREGRID_LOGIN_WINDOW_HOURS", "24"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "firegrid.core.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("FIREGRID_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("FIREGRID_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing root
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Leaflet from the xstatic-leaflet wheel, served under /static/leaflet/ (no CDN).
    "firegrid.static_finders.LeafletFinder",
    # Leaflet.markercluster (xstatic-leaflet-markercluster), under /static/leaflet-markercluster/.
    "firegrid.static_finders.MarkerClusterFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("FIREGRID_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Production transport (docs/DEPLOY.md): behind nginx with TLS set secure cookies, HSTS, the SSL
# redirect and the header the proxy sets for https; off by default so the plain-http demo works.
SESSION_COOKIE_SECURE = env_bool("FIREGRID_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("FIREGRID_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FIREGRID_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("FIREGRID_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("FIREGRID_SSL_REDIRECT", False)
# Local health checks (systemd, the proxy) ask over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` (value ``https``) or ``Header=value`` → Django's META form."""
    if not value.strip():
        return None
    name, _, wanted = value.partition("=")
    return "HTTP_" + name.strip().upper().replace("-", "_"), wanted.strip() or "https"


SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("FIREGRID_PROXY_SSL_HEADER", ""))
# Reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed (firegrid.core.net.client_ip).
FIREGRID_TRUSTED_PROXIES = env_list("FIREGRID_TRUSTED_PROXIES", "")

# Background work: the django-tasks API, executed by huey (SQLite file by default,
# Redis when FIREGRID_REDIS_URL is set).
REDIS_URL = os.environ.get("FIREGRID_REDIS_URL", "")
if REDIS_URL:
    HUEY: dict[str, object] = {
        "huey_class": "huey.RedisHuey",
        "name": "firegrid",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "firegrid",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {
    "workers": int(os.environ.get("FIREGRID_WORKERS", "2")),
    "worker_type": "thread",
}
# huey's own django-tasks backend; tasks enqueued inside a transaction wait for its commit.
TASKS = {
    "default": {
        "BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend",
        "OPTIONS": {"enqueue_on_commit": True},
    }
}
FIREGRID_HEARTBEAT_MINUTES = int(os.environ.get("FIREGRID_HEARTBEAT_MINUTES", "1"))

# Audit chain checkpoints (issue 12): the consumer signs the chain's head every N minutes (1–59);
# `firegrid audit verify` checks them. The HMAC key must NOT live in the database (a separate
# secret file/env var); unset, a key derived from SECRET_KEY is used (demo only).
FIREGRID_AUDIT_KEY = os.environ.get("FIREGRID_AUDIT_KEY", "")
FIREGRID_AUDIT_CHECKPOINT_MINUTES = int(os.environ.get("FIREGRID_AUDIT_CHECKPOINT_MINUTES", "10"))

# Maps: tile URL template (天地图 / AMap / intranet tiles). Empty = polygons on a blank map.
FIREGRID_TILE_URL = os.environ.get("FIREGRID_TILE_URL", "")
FIREGRID_TILE_ATTRIBUTION = os.environ.get("FIREGRID_TILE_ATTRIBUTION", "")
# Datum of the tiles above: AMap/Tencent tiles are GCJ-02, 天地图 and OSM are WGS-84.
FIREGRID_TILE_CRS = os.environ.get("FIREGRID_TILE_CRS", "wgs84")
# The datum assumed for a point or boundary given without an explicit crs.
FIREGRID_DEFAULT_CRS = os.environ.get("FIREGRID_DEFAULT_CRS", "gcj02")

# Content Security Policy: every script and style is served by the app itself (no CDN).
_TILE_ORIGIN = "/".join(FIREGRID_TILE_URL.split("/")[:3]) if "://" in FIREGRID_TILE_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Leaflet positions map panes with inline styles.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Personal data (ID numbers, phones of residents) is encrypted with these Fernet keys, newest first.
# Unset: a key derived from the secret key, in demo mode only (production refuses to start).
# Generate one with `firegrid pii generate-key`; rotate with `firegrid pii rotate`.
FIREGRID_PII_KEYS = env_list("FIREGRID_PII_KEYS", "")
# Key of the keyed digests (duplicate ID numbers, blocked senders); unset = the oldest PII key.
# Set it to that key before dropping the oldest key from FIREGRID_PII_KEYS, so digests still match.
FIREGRID_PII_DIGEST_KEY = os.environ.get("FIREGRID_PII_DIGEST_KEY", "")

# Registry: how near two places with the same normalised name must be to be flagged duplicates.
FIREGRID_DUPLICATE_DISTANCE_M = float(os.environ.get("FIREGRID_DUPLICATE_DISTANCE_M", "100"))
# The citizen report page a placard's QR code opens (`?place=<id>` is appended); a relative URL is
# made absolute with the request's host. The page itself arrives with the citizen-report issue.
FIREGRID_PUBLIC_REPORT_URL = os.environ.get("FIREGRID_PUBLIC_REPORT_URL", "/report/")
# Fire-safety reminders printed on placards, "|"-separated; empty = the built-in list.
FIREGRID_PLACARD_REMINDERS = [
    line for line in os.environ.get("FIREGRID_PLACARD_REMINDERS", "").split("|") if line.strip()
]
FIREGRID_LEDGER_MAX_BYTES = int(os.environ.get("FIREGRID_LEDGER_MAX_BYTES", str(50 * 1024 * 1024)))
# Ledgers with more rows than this are imported by the background queue, with progress.
FIREGRID_LEDGER_SYNC_ROWS = int(os.environ.get("FIREGRID_LEDGER_SYNC_ROWS", "2000"))
# Uploaded ledger files (which may hold residents' ID numbers) are deleted this long after the job.
FIREGRID_LEDGER_KEEP_DAYS = int(os.environ.get("FIREGRID_LEDGER_KEEP_DAYS", "7"))

# Untrusted files (issue 12): a ledger's declared or real extent is checked before it is parsed,
# and the parse runs in a child process with a memory cap and a timeout, so a hostile workbook
# fails one import and never the web worker or the consumer. Images are refused above this many
# pixels, read from the header before any decoding.
FIREGRID_LEDGER_MAX_ROWS = int(os.environ.get("FIREGRID_LEDGER_MAX_ROWS", "200000"))
FIREGRID_LEDGER_MAX_COLUMNS = int(os.environ.get("FIREGRID_LEDGER_MAX_COLUMNS", "200"))
FIREGRID_PARSE_MEMORY_MB = int(os.environ.get("FIREGRID_PARSE_MEMORY_MB", "1024"))
FIREGRID_PARSE_TIMEOUT_S = int(os.environ.get("FIREGRID_PARSE_TIMEOUT_S", "120"))
# A `running` import whose heartbeat is older than this is failed (its consumer died).
FIREGRID_LEDGER_STALE_MINUTES = int(os.environ.get("FIREGRID_LEDGER_STALE_MINUTES", "15"))
FIREGRID_IMAGE_MAX_PIXELS = int(os.environ.get("FIREGRID_IMAGE_MAX_PIXELS", "40000000"))

# Geometry validation tolerances (square metres of overlap / outside area that are ignored).
FIREGRID_OVERLAP_TOLERANCE_M2 = float(os.environ.get("FIREGRID_OVERLAP_TOLERANCE_M2", "1.0"))
FIREGRID_CONTAINMENT_TOLERANCE_M2 = float(
    os.environ.get("FIREGRID_CONTAINMENT_TOLERANCE_M2", "1.0")
)
# Inspections (检查): how far from the place's point a submitted GPS fix may be before the form
# warns and asks for a reason, how far ahead the daily sweep plans tasks, photo limits.
FIREGRID_INSPECTION_MAX_DISTANCE_M = float(
    os.environ.get("FIREGRID_INSPECTION_MAX_DISTANCE_M", "200")
)
FIREGRID_SCHEDULE_HORIZON_DAYS = int(os.environ.get("FIREGRID_SCHEDULE_HORIZON_DAYS", "14"))
FIREGRID_INSPECTION_PHOTO_MAX_BYTES = int(
    os.environ.get("FIREGRID_INSPECTION_PHOTO_MAX_BYTES", str(15 * 1024 * 1024))
)
FIREGRID_INSPECTION_PHOTO_MAX_SIDE_PX = int(
    os.environ.get("FIREGRID_INSPECTION_PHOTO_MAX_SIDE_PX", "1600")
)
# Notification channels besides the in-app inbox, comma-separated: "log", a 企业微信 group robot
# "wecom+https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…", "mailto:a@example.org".
FIREGRID_NOTIFY_CHANNELS = env_list("FIREGRID_NOTIFY_CHANNELS", "log")
# Optional absolute base for links in webhook/email messages, e.g. https://firegrid.example.org
FIREGRID_SITE_URL = os.environ.get("FIREGRID_SITE_URL", "")
# 复查 within this many working days after a notice's deadline (or after the party applies).
FIREGRID_HAZARD_REVIEW_WORKING_DAYS = int(
    os.environ.get("FIREGRID_HAZARD_REVIEW_WORKING_DAYS", "3")
)
# Rectification notice numbers (文号): {office} the issuing grid's name, {year}, {number}.
FIREGRID_NOTICE_NUMBER_PATTERN = os.environ.get(
    "FIREGRID_NOTICE_NUMBER_PATTERN", "{office}消整〔{year}〕第{number:04d}号"
)
# The legal basis printed on notices; empty = the built-in text (消防法 第十六条、第十八条 …).
FIREGRID_NOTICE_LEGAL_BASIS = os.environ.get("FIREGRID_NOTICE_LEGAL_BASIS", "")
# Reminders this many days before a rectification deadline.
FIREGRID_HAZARD_REMINDER_DAYS = int(os.environ.get("FIREGRID_HAZARD_REMINDER_DAYS", "2"))
FIREGRID_GAP_WARNING_M2 = float(os.environ.get("FIREGRID_GAP_WARNING_M2", "1.0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FIREGRID_LOG_LEVEL", "INFO")},
    # The huey consumer installs its own handler; propagating would print every line twice.
    "loggers": {"huey": {"level": "INFO", "propagate": False}},
}
# Hazard clocks (working days): notice served after confirming; follow-up of a hand-over (移交).
FIREGRID_HAZARD_NOTICE_WORKING_DAYS = int(
    os.environ.get("FIREGRID_HAZARD_NOTICE_WORKING_DAYS", "3")
)
FIREGRID_HAZARD_HANDOVER_WORKING_DAYS = int(
    os.environ.get("FIREGRID_HAZARD_HANDOVER_WORKING_DAYS", "5")
)
# Depth of the street/town level (街道/乡镇) in the grid tree: a major hazard goes to it at once.
FIREGRID_STREET_LEVEL_DEPTH = int(os.environ.get("FIREGRID_STREET_LEVEL_DEPTH", "1"))
# GB 35181 rule set (JSON, e.g. the 2025 edition) to judge with; empty = the built-in 2017 v1.
FIREGRID_MAJOR_RULES_FILE = os.environ.get("FIREGRID_MAJOR_RULES_FILE", "")
# Place-type codes judged under the 易燃易爆 (flammable) threshold of GB 35181, comma-separated.
FIREGRID_MAJOR_FLAMMABLE_PLACE_TYPES = env_list("FIREGRID_MAJOR_FLAMMABLE_PLACE_TYPES", "")
# Citizen reports (群众举报): rate limits counted in the DB (per IP / device an hour; Open311 per
# API client a minute), photos per report and their size, duplicate-suggestion radius, and an
# optional SMS gateway webhook (POST JSON {"phone", "text"}; empty = SMS only logged).
FIREGRID_REPORT_RATE_PER_IP_HOUR = int(os.environ.get("FIREGRID_REPORT_RATE_PER_IP_HOUR", "10"))
FIREGRID_REPORT_RATE_PER_DEVICE_HOUR = int(
    os.environ.get("FIREGRID_REPORT_RATE_PER_DEVICE_HOUR", "5")
)
FIREGRID_OPEN311_RATE_PER_CLIENT_MINUTE = int(
    os.environ.get("FIREGRID_OPEN311_RATE_PER_CLIENT_MINUTE", "600")
)
FIREGRID_REPORT_MAX_PHOTOS = int(os.environ.get("FIREGRID_REPORT_MAX_PHOTOS", "3"))
FIREGRID_REPORT_PHOTO_MAX_BYTES = int(
    os.environ.get("FIREGRID_REPORT_PHOTO_MAX_BYTES", str(10 * 1024 * 1024))
)
FIREGRID_REPORT_DUPLICATE_RADIUS_M = float(
    os.environ.get("FIREGRID_REPORT_DUPLICATE_RADIUS_M", "100")
)
FIREGRID_SMS_WEBHOOK_URL = os.environ.get("FIREGRID_SMS_WEBHOOK_URL", "")
# Open311 discovery `contact`: how a client system reaches the office (empty = a generic sentence).
FIREGRID_OPEN311_CONTACT = os.environ.get("FIREGRID_OPEN311_CONTACT", "")

# Bad input (issue 12): RequestInputMiddleware refuses control characters in every request and
# answers in the caller's format, chosen by path prefix (else a plain 400 page); under the
# JSON-only prefixes every error response (404, 405, 500 pages) is turned into the JSON envelope.
FIREGRID_ERROR_FORMATS = {
    "/api/v1/": "firegrid.config.api.refusal_response",
    "/open311/": "firegrid.reports.open311.views.refusal_response",
}
FIREGRID_JSON_ONLY_PREFIXES = ("/api/v1/",)

# Metrics (issue 13): red/amber/green edges per metric code, JSON {"code": [amber, red]}; merged
# over the defaults in firegrid/metrics/definitions.py (on-time rate green ≥ 0.9, amber ≥ 0.75).
FIREGRID_METRIC_THRESHOLDS = json.loads(os.environ.get("FIREGRID_METRIC_THRESHOLDS", "{}") or "{}")
