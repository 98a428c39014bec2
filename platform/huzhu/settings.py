"""Settings for Huzhu, read from the environment (12-factor).

With no DATABASE_URL the embedded PostgreSQL under .data/pg is started; with no REDIS_URL the in-memory
channel layer serves one process. Secrets have development defaults so that `make run` works on a fresh
machine; HUZHU_ENV=production refuses to start with them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from huzhu.embedded_pg import embedded_database_url, parse_database_url

PROJECT_ROOT = Path(os.environ.get("HUZHU_ROOT", Path(__file__).resolve().parents[2]))
DATA_DIR = Path(os.environ.get("HUZHU_DATA_DIR", PROJECT_ROOT / ".data"))

ENV = os.environ.get("HUZHU_ENV", "development")
DEV_SECRET = "huzhu-development-secret-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
if ENV == "production" and SECRET_KEY == DEV_SECRET:
    raise RuntimeError("SECRET_KEY must be set in production")
DEBUG = os.environ.get("DEBUG", "1" if ENV == "development" else "0") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]


def _derived_key(purpose: str) -> str:
    """A development key derived from SECRET_KEY; production sets each key explicitly."""
    return hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).hexdigest()


# Personal data of households is encrypted at rest (Fernet, AES-128-CBC + HMAC) with these keys; the first
# encrypts, all decrypt, so keys can be rotated. ID numbers are also stored as a keyed hash for duplicate checks.
PERSONAL_DATA_KEYS = [
    k for k in os.environ.get("HUZHU_PERSONAL_DATA_KEYS", "").split(",") if k
] or [_derived_key("personal-data")]
ID_NUMBER_HMAC_KEY = os.environ.get("HUZHU_ID_HMAC_KEY", _derived_key("id-number-hmac"))
if ENV == "production" and not os.environ.get("HUZHU_PERSONAL_DATA_KEYS"):
    raise RuntimeError("HUZHU_PERSONAL_DATA_KEYS must be set in production")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "channels",
    "graphene_django",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.headless",
    "procrastinate.contrib.django",
    "ledger",
    "huzhu.core",
    "huzhu.regions",
    "huzhu.people",
    "huzhu.households",
    "huzhu.giving",
    "huzhu.volunteering",
    "huzhu.timebank",
    "huzhu.projects",
    "huzhu.matching",
    "huzhu.realtime",
    "huzhu.graphql",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "huzhu.urls"
ASGI_APPLICATION = "huzhu.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_ROOT / "platform" / "huzhu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# --- database -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or embedded_database_url(DATA_DIR / "pg")
DATABASES = {"default": {**parse_database_url(DATABASE_URL), "CONN_MAX_AGE": 0, "ATOMIC_REQUESTS": False}}
# Parallel test runs (several developers, or CI beside a dev shell) each get their own test database.
if os.environ.get("HUZHU_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["HUZHU_TEST_DB"]}
# Opt-in connection pool (psycopg_pool, Django 5.1+): under ASGI every request and websocket handshake
# otherwise opens a new PostgreSQL connection (CONN_MAX_AGE 0); with the pool it borrows an open one.
if os.environ.get("HUZHU_DB_POOL") == "1":
    DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 2, "max_size": 20, "timeout": 10}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- realtime ---------------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis pub/sub channels ignore the database number: deployments (or test runs) sharing one Redis keep apart
# by prefix.
CHANNEL_PREFIX = os.environ.get("HUZHU_CHANNEL_PREFIX", "asgi")
if REDIS_URL and os.environ.get("HUZHU_CHANNEL_LAYER", "pubsub") == "core":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # socket_timeout above channels-redis's 5 s BZPOPMIN: redis-py 8's default read timeout of 5 s
            # otherwise interrupts every idle receive with "Timeout reading from ..." (redis-py issue 4091).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}], "capacity": 5000, "expiry": 30,
                       "prefix": CHANNEL_PREFIX},
        }
    }
elif REDIS_URL:
    # The default with Redis: pub/sub. Each ASGI process's realtime hub (realtime/hub.py) is in a few groups;
    # a group_send is one PUBLISH and arrives pushed, where the core layer needs several round trips to send
    # and a blocking pop per message to receive (measured: about half the publish-to-receipt time).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}], "prefix": CHANNEL_PREFIX},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- auth -------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# django-allauth 65.x: email is the login, sign-up needs a verified email before the first login. The web app
# talks to the headless API (/_allauth/browser/v1/...) with the browser's session cookie and CSRF token; the
# same session then authenticates /graphql over HTTP and websocket. /accounts/ keeps allauth's own pages.
ACCOUNT_ADAPTER = "huzhu.people.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]  # headless sign-up takes one `password`
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None  # the adapter mirrors the email into User.username
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[互助 Huzhu] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
HEADLESS_ONLY = False
# "browser": session cookie + CSRF (the web app). "app": an X-Session-Token for clients without cookies; the
# websocket accepts that token in connection_init (huzhu.realtime.consumer). /graphql over HTTP takes the cookie.
HEADLESS_CLIENTS = ("browser", "app")
# Links in the emails point into the web app, which posts the key to the headless API.
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": "/account/verify-email/{key}",
    "account_reset_password": "/account/password/reset",
    "account_reset_password_from_key": "/account/password/reset/key/{key}",
    "account_signup": "/account/signup",
}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if os.environ.get("HUZHU_FAST_HASHER") == "1"
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "huzhu@localhost")

# --- i18n -------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PROJECT_ROOT / "platform" / "huzhu" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and the web app -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
FRONTEND_DIST = PROJECT_ROOT / "frontend" / "dist"
# The built web app's files (index.html, /assets/…) are served from the site root.
WHITENOISE_ROOT = FRONTEND_DIST if FRONTEND_DIST.exists() else None
WHITENOISE_USE_FINDERS = True

# --- GraphQL ----------------------------------------------------------------------------------------------
GRAPHENE = {
    "SCHEMA": "huzhu.graphql.schema.schema",
    "RELAY_CONNECTION_MAX_LIMIT": 100,
    "ATOMIC_MUTATIONS": False,
}
GRAPHQL_MAX_DEPTH = int(os.environ.get("GRAPHQL_MAX_DEPTH", "10"))
GRAPHQL_MAX_COST = int(os.environ.get("GRAPHQL_MAX_COST", "50000"))

# --- payments ---------------------------------------------------------------------------------------------
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # e.g. http://127.0.0.1:8420 for localstripe
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")

# --- background jobs --------------------------------------------------------------------------------------
# The embedded default runs a procrastinate worker inside the serving process (huzhu serve).
HUZHU_INPROCESS_WORKER = os.environ.get("HUZHU_INPROCESS_WORKER", "1") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The organisation in whose name receipts and certificates are issued.
HUZHU_ORGANISATION_NAME = os.environ.get("HUZHU_ORGANISATION_NAME", "互助社区慈善服务中心")
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
