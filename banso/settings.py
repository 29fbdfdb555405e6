"""Django settings for Banso.

Defaults suit the embedded, single-machine install (`make demo`): SQLite in
./var, DEBUG off so users never see a traceback. Production sets DATABASE_URL,
BANSO_SECRET_KEY and BANSO_ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets the code write ModelAdmin[AuditEntry], QuerySet[Measure] … at run time as mypy reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BANSO_DATA_DIR", BASE_DIR.parent / "var"))

DEBUG = os.environ.get("BANSO_DEBUG", "") == "1"
# A random key per install would log everyone out on restart; the demo key is
# only acceptable because the demo is local. Production must set its own.
SECRET_KEY = os.environ.get("BANSO_SECRET_KEY", "banso-local-demo-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = os.environ.get("BANSO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

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
    "banso.core",
    "banso.orgs",
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
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless it is marked public.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "banso.core.middleware.AuditActorMiddleware",
    "banso.orgs.middleware.ScopeMiddleware",
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
# In-process cache: a single-server install needs nothing more (analyses are keyed by data version). Several web
# processes and workers share one Redis server instead (BANSO_CACHE_URL=redis://host:6379/0), so an analysis one
# of them computed is there for all.
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
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 500}}
    }

AUTH_USER_MODEL = "orgs.User"
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Served from the app directories in development and tests without collectstatic.
WHITENOISE_USE_FINDERS = True

# Uploads are spreadsheets and evidence files: anything larger is refused
# before it reaches a parser.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
BANSO_MAX_UPLOAD_BYTES = int(os.environ.get("BANSO_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Imports run in a thread so the page can show progress; tests run them inline.
BANSO_BACKGROUND_IMPORTS = os.environ.get("BANSO_BACKGROUND_IMPORTS", "1") == "1"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = os.environ.get("BANSO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("BANSO_FROM_EMAIL", "banso@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "banso.core.log_filters.ClientErrorsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("BANSO_LOG_LEVEL", "WARNING")},
}
