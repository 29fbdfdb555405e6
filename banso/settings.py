"""Django settings for Banso.

Defaults suit the embedded, single-machine install (`make demo`): SQLite in
./var, DEBUG off so users never see a traceback. Production sets DATABASE_URL,
BANSO_SECRET_KEY and BANSO_ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets the code write ModelAdmin[AuditEntry], QuerySet[Measure] … at run time as mypy reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BANSO_DATA_DIR", BASE_DIR.parent / "var"))

DEBUG = os.environ.get("BANSO_DEBUG", "") == "1"
# A random key per install would log everyone out on restart; the demo key is
# only acceptable because the demo is local: `banso serve` refuses any other
# address while it is in use. Production must set its own.
DEMO_SECRET_KEY = "banso-local-demo-key-change-me-in-production-0123456789"  # noqa: S105 (public on purpose)
SECRET_KEY = os.environ.get("BANSO_SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("BANSO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _env_minutes(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or int(value) == 0:
        raise ValueError(f"{name} must be a whole number of minutes above 0 (it is {value!r})")
    return int(value)


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "banso.core",
    "banso.orgs",
    "banso.accounts",
    "banso.text",
    "banso.survey",
    "banso.hearings",
    "banso.plans",
    "banso.tracking",
    "banso.training",
    "banso.programs",
    "banso.cases",
    "banso.public",
    "banso.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "banso.core.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with the second factor too.
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a login unless it is marked public.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sign-in from an address with too many wrong passwords is paused (banso.accounts.address_lock).
    "banso.accounts.address_lock.AddressLockMiddleware",
    # Ends a session idle or old beyond the limits below (and says so), before any view reads the user.
    "banso.accounts.middleware.SessionLimitsMiddleware",
    # Sends a user who has or needs a second factor to enter or set it up before anything else.
    "banso.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "banso.core.middleware.AuditActorMiddleware",
    "banso.orgs.middleware.ScopeMiddleware",
    # Uploads and the costliest pages, per user and minute (banso.core.ratelimit).
    "banso.core.ratelimit.RateLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the page that says so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "banso.urls"
WSGI_APPLICATION = "banso.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "banso.core.context_processors.shell",
            ],
        },
    }
]
FORM_RENDERER = "banso.core.forms.BansoFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'banso.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the server read while an import writes; IMMEDIATE avoids
    # "database is locked" when two requests upgrade to write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# One machine (`make demo`, a town's server): a file cache in BANSO_DATA_DIR, shared by the web processes and the
# job worker, so that an analysis the worker computed after an import is there for every page. Several machines
# share one Redis server instead (BANSO_CACHE_URL=redis://host:6379/0).
CACHE_URL = os.environ.get("BANSO_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("BANSO_CACHE_PREFIX", "banso"),
            "TIMEOUT": 24 * 3600,
        }
    }
elif CACHE_URL:
    raise ValueError(f"BANSO_CACHE_URL must start with redis://, rediss:// or unix:// (it is {CACHE_URL!r})")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

AUTH_USER_MODEL = "orgs.User"
# django-axes first: it refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Argon2 for every new or changed password; older hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (a browser may keep a file for a year) and gzip copies, written by collectstatic, which
    # `banso serve` runs at start. BANSO_STATIC_HASHED=0 serves the files as they are (development).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if os.environ.get("BANSO_STATIC_HASHED", "1") == "1"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads on S3-compatible storage shared by every machine (django-storages, an optional extra: pip install
# "banso[s3]"), when BANSO_MEDIA_S3_BUCKET names a bucket; on this machine's disk (BANSO_DATA_DIR/media) otherwise.
if os.environ.get("BANSO_MEDIA_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["BANSO_MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("BANSO_MEDIA_S3_ENDPOINT") or None,
            "region_name": os.environ.get("BANSO_MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("BANSO_MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("BANSO_MEDIA_S3_SECRET_KEY") or None,
            "location": os.environ.get("BANSO_MEDIA_S3_PREFIX", "media"),
            "default_acl": None,
            "querystring_auth": True,  # files are private: every link is signed and expires
            "file_overwrite": False,
        },
    }
# Served from the app directories without collectstatic where files are not hashed (development, tests).
WHITENOISE_USE_FINDERS = True

# Uploads are spreadsheets and evidence files: anything larger is refused
# before it reaches a parser.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
BANSO_UPLOADS_PER_MINUTE = int(os.environ.get("BANSO_UPLOADS_PER_MINUTE", "20"))
BANSO_HEAVY_PAGES_PER_MINUTE = int(os.environ.get("BANSO_HEAVY_PAGES_PER_MINUTE", "60"))
BANSO_MAX_UPLOAD_BYTES = int(os.environ.get("BANSO_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Long work (imports and their analyses) runs as jobs in `banso worker` (ADR 20); `banso serve` starts one on a
# single machine. BANSO_JOBS=immediate runs them inside the request instead (tests; a machine without a worker).
JOBS = os.environ.get("BANSO_JOBS", "database")
if JOBS not in ("database", "immediate"):
    raise ValueError(f"BANSO_JOBS must be database or immediate (it is {JOBS!r})")
# A worker silent for this long is gone (killed, machine lost): its running job is marked failed.
BANSO_WORKER_SILENT_SECONDS = int(os.environ.get("BANSO_WORKER_SILENT_SECONDS", "30"))
# A plan's PDF or Word file is made by a job, its page showing when it is ready, once the plan has more measures
# than this (laying out a long plan takes seconds); a smaller one is downloaded at once.
BANSO_EXPORT_INLINE_MEASURES = int(os.environ.get("BANSO_EXPORT_INLINE_MEASURES", "60"))
# The same for a programme's report (PDF or Word) of more towns than this: each town is a section.
BANSO_EXPORT_INLINE_TOWNS = int(os.environ.get("BANSO_EXPORT_INLINE_TOWNS", "30"))
# Where people reach Banso, for links in e-mails sent by jobs (reminders), which have no request to read it from.
BANSO_SITE_URL = os.environ.get("BANSO_SITE_URL", "").rstrip("/")
# The worker sends the day's progress-report reminders from this hour (Japan time); `banso remind` from cron
# does the same where jobs run at once (BANSO_JOBS=immediate).
BANSO_REMINDER_HOUR = int(os.environ.get("BANSO_REMINDER_HOUR", "8"))
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if JOBS == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Sign-in (ADR 19). Five wrong passwords for one account lock it for 15 minutes (a success does not wipe the
# count); an administrator unlocks at once in the back office. One address gets a limit of its own, far higher
# (a town hall's staff share one address): 50 wrong passwords from it in 15 minutes pause sign-in from it.
AXES_FAILURE_LIMIT = int(os.environ.get("BANSO_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=_env_minutes("BANSO_SIGNIN_LOCK_MINUTES", 15))
# The pair (address, account) too: the same as the account's lock, and what django-axes' own check asks for.
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
BANSO_SIGNIN_ADDRESS_LIMIT = int(os.environ.get("BANSO_SIGNIN_ADDRESS_LIMIT", "50"))
AXES_LOCKOUT_CALLABLE = "banso.accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the sign-in history shows failed attempts on one's account too
AXES_VERBOSE = False
# Behind BANSO_PROXY_COUNT proxies the client's address is the one the proxies forward (banso.accounts.network).
BANSO_PROXY_COUNT = int(os.environ.get("BANSO_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "banso.accounts.network.client_address"

# Sessions: ended after BANSO_SESSION_IDLE_MINUTES without a request (30), after BANSO_SESSION_MAX_HOURS in all
# (12) whatever happens, and when the browser closes.
SESSION_IDLE_SECONDS = _env_minutes("BANSO_SESSION_IDLE_MINUTES", 30) * 60
SESSION_MAX_SECONDS = _env_minutes("BANSO_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The second factor: the name an authenticator app shows beside the six digits; staff of the back office must
# use one when BANSO_ADMIN_SECOND_FACTOR=1 (a municipality asks it of its DX staff on its own page).
OTP_TOTP_ISSUER = os.environ.get("BANSO_SITE_NAME", "Banso")
BANSO_ADMIN_SECOND_FACTOR = os.environ.get("BANSO_ADMIN_SECOND_FACTOR", "") == "1"

# HTTPS: behind a TLS proxy (BANSO_HTTPS=1) cookies are Secure, HTTP is redirected and browsers are told to
# come back over HTTPS only (HSTS). The proxy says which scheme the browser used in X-Forwarded-Proto.
HTTPS = os.environ.get("BANSO_HTTPS", "") == "1"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("BANSO_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = os.environ.get("BANSO_HSTS_PRELOAD", "1" if HTTPS else "0") == "1"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's check answers on plain HTTP
if os.environ.get("BANSO_FORWARDED_PROTO_HEADER", "1" if HTTPS else "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = _env_list("BANSO_CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy: everything from Banso itself, no inline script or style, no framing, forms only to
# Banso. htmx is told not to add its own <style> (base.html's htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# E-mail (password reset, reminders): printed to the console unless an SMTP server is named.
EMAIL_BACKEND = os.environ.get(
    "BANSO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("BANSO_SMTP_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("BANSO_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("BANSO_SMTP_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("BANSO_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BANSO_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("BANSO_SMTP_TLS", "starttls") == "starttls"
EMAIL_USE_SSL = os.environ.get("BANSO_SMTP_TLS", "starttls") == "ssl"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("BANSO_FROM_EMAIL", "banso@localhost")
PASSWORD_RESET_TIMEOUT = 3600  # a reset link works for one hour

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "banso.core.log_filters.ClientErrorsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("BANSO_LOG_LEVEL", "WARNING")},
}
