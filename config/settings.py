"""Osez settings: everything comes from the environment, with defaults for a laptop.

Without variables: SQLite, an in-memory channel layer, Celery tasks run eagerly, emails on the
console. With DATABASE_URL and REDIS_URL: PostgreSQL, Redis channel layer and Celery broker.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable; unset or empty (docker-compose.yml's `${NAME:-}`) gives `default`."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Under pytest (or TESTING=1): no SECRET_KEY needed, plain static storage, no rate limits.
TESTING = env_bool("TESTING", "pytest" in sys.modules)
# bench/pages.py's trivial view (/bench/ping, config/urls.py): on only for that benchmark.
BENCH_PING = env_bool("OSEZ_BENCH_PING", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("DATABASE_URL") and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (DATABASE_URL is set).")
    SECRET_KEY = "insecure-laptop-only-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# The public address, for links in emails. Without SITE_URL: the local server, on PORT (what
# `make run PORT=8001` serves), 8000 by default.
PORT = os.environ.get("PORT", "8000")
SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}"
# The site's name in emails (subjects, allauth's greetings) and the Sites framework (core.sites).
SITE_NAME = os.environ.get("SITE_NAME", "Osez")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.forms",
    "channels",
    "django_htmx",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "core",
    "accounts",
    "notifications",
    "events",
    "pitches",
    "matching",
    "workshops",
    "demo",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.NulRefusalMiddleware",  # 400 before any view (core/middleware.py)
    "core.middleware.HtmxRefusalMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.memo.RequestMemoMiddleware",
    "core.pagecache.PageCacheMiddleware",  # last: see core/pagecache.py
]

# Marked pages kept per person in Redis, invalidated by every write to a table they read
# (core/pagecache.py); this bounds what no table says: the clock. 0 turns it off. Off in tests
# (their transactions never commit, so nothing would invalidate), but for those that turn it on.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0" if TESTING else "30"))

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "config.forms.FormRenderer"
ASGI_APPLICATION = "config.asgi.application"
# Threads of a server process that run the requests' sync code (middleware, views), kept for the
# life of the process: at most this many requests at once per process, the others wait their turn
# on the event loop (config/asgi.py, bench/README.md "live agendas").
WEB_THREADS = int(os.environ.get("WEB_THREADS", "8"))
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# PostgreSQL connections (README, "Several processes, several machines"). Each process keeps a
# pool of at most DB_POOL_MAX_SIZE connections (psycopg_pool, through Django), lent to a request
# or a task for its duration and given back at its end: a web process needs WEB_THREADS of them
# (one per view thread) and one for its websockets' database calls; a Celery child needs two (an
# engine run's heartbeat thread has its own). What a host may open in all: WEB_PROCESSES x
# DB_POOL_MAX_SIZE + 2 x CELERY_CONCURRENCY + PRINT_PROCESSES (a print run's renderers) + 2 (beat, a manage.py command), which core/checks.py
# compares with DB_MAX_CONNECTIONS, the share of
# PostgreSQL's max_connections declared for this host. DB_POOL_MAX_SIZE=0: no pool, and
# DB_CONN_MAX_AGE applies instead (Django's persistent connections, one per thread).
WEB_PROCESSES = int(os.environ.get("WEB_PROCESSES", "1"))
CELERY_CONCURRENCY = int(os.environ.get("CELERY_CONCURRENCY", "0")) or os.cpu_count() or 1
# The pytest process itself connects without a pool (a pool's connections lent to a test's
# threads would keep the test database from being dropped); the servers it starts use one.
DB_POOL_MAX_SIZE = int(
    os.environ.get("DB_POOL_MAX_SIZE", "0" if "pytest" in sys.modules else str(WEB_THREADS + 2))
)
DB_MAX_CONNECTIONS = int(os.environ.get("DB_MAX_CONNECTIONS", "0"))  # 0: not declared
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a connection PostgreSQL dropped is replaced
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(int(os.environ.get("DB_POOL_MIN_SIZE", "1")), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        # A request waits this long for a free connection before failing (never with the sizes
        # above: a process has fewer threads than connections).
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
        "max_idle": 300,  # idle connections above min_size are closed after 5 minutes
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # a fast hash keeps the suite quick; never outside tests
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
SITE_ID = 1

# django-allauth: accounts by email, no username, verified email required to log in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = None  # accounts.adapter prefixes subjects with "[SITE_NAME] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# allauth's rate limits (the login throttle among them) count in the cache (core/cache.py: in each
# process's memory while Redis is down). Off in tests, but for those that measure them.
ACCOUNT_RATE_LIMITS = False if TESTING and not env_bool("TEST_RATE_LIMITS", False) else {}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"

LANGUAGE_CODE = "fr"
# Day-first dates and a 24-hour clock in every language (core/times.py).
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# WhiteNoise serves static files; on a laptop and in tests straight from the apps' folders.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Media (logos, attachments, print runs) in an S3-compatible bucket rather than MEDIA_ROOT, when
# AWS_STORAGE_BUCKET_NAME is set: what several web and worker hosts share (README, "Several
# processes, several machines"). Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
# (boto3 reads them). Objects are private and never linked to: every download goes through a
# view that checks who asks and reads the file through the storage.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# The largest body a request may have, refused with 413 before Django reads it (config/asgi.py).
# The largest legitimate one is a pitch attachment (pitches.uploads.MAX_ATTACHMENT_BYTES, 10 MB)
# with its form around it; a participants' import is 2 MB, a logo 2 MB
# (tests/config/test_request_size.py keeps this above them).
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES") or 12 * 1024 * 1024)

# Redis: channel layer, Celery broker and cache when REDIS_URL is set; in-process otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # One connection pool per server process (channels_redis keeps one per event loop): sized for
    # the sockets one process serves, since they may all join or leave a group at once (200
    # sockets closing together exhausted redis-py's default of 100). No socket_timeout: the layer
    # blocks up to 5 s reading its channels, a shorter timeout would break every read. A member
    # never discarded (a process killed) is dropped after group_expiry, longer than a day's socket.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": int(os.environ.get("LIVE_REDIS_CONNECTIONS", "2000")),
                        "socket_connect_timeout": 2,
                        "socket_keepalive": True,
                        "health_check_interval": 30,
                    }
                ],
                "group_expiry": 14 * 3600,
                # A server process's sockets share ONE inbox in Redis (channels_redis keys every
                # "specific.<process>!<socket>" channel by its process), and a message is dropped
                # when that inbox holds `capacity` messages: with the default of 100, a burst of
                # hints to 200 sockets of one process lost most of them.
                "capacity": int(os.environ.get("LIVE_INBOX_CAPACITY", "20000")),
            },
        }
    }
    CACHES = {
        # A Redis outage makes the cache fall back to the process's memory rather than the page
        # fail (core/cache.py); a Redis that hangs is given up on after 2 s, not waited for.
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose pool process died (SIGKILL, the OOM killer) goes back to the queue at once rather
# than being acknowledged as failed; its job row says whether it is still to do (services/jobs.py).
# (An environment switch for the fault tests' control only.)
CELERY_TASK_REJECT_ON_WORKER_LOST = env_bool("CELERY_TASK_REJECT_ON_WORKER_LOST", True)
# Nothing reads a task's result (its effects are in the database). Asking for one made every
# publisher (a request, beat) subscribe to the Redis result backend first, which with Redis down
# retried 20 times a second apart and then stayed broken ("must be restarted"): core/queue.py.
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# What bounds every task: the longest is the printed documents of a large event (1,000 agendas:
# 52-93 s, up to 6 min on an overloaded machine, bench/README.md); an engine run is its solver's
# limit (10 s) plus building and saving. A task past the soft limit fails with a message.
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "900"))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# Redis redelivers a message not acknowledged within the visibility timeout (acks_late: a task
# still running, or whose worker died). Above the longest task, so that no live task is ever
# delivered twice; the jobs' sweep brings a dead worker's job back much sooner (about 90 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
# Child processes of a worker: tasks at once on this host (each holds one database connection,
# two during an engine run: its heartbeat thread, matching/services/jobs.py).
CELERY_WORKER_CONCURRENCY = CELERY_CONCURRENCY
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {
    # The outbox (notifications): emails a broker outage left queued, retries after a transient
    # SMTP error, rows a dead worker left in "sending". Reminders are due times swept here too.
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": 60.0,
    },
    # Engine runs and print jobs whose worker died (no heartbeat for a minute) or whose message
    # was lost are sent again, at most three times (matching/services/jobs.py).
    "matching-sweep-jobs": {
        "task": "matching.sweep_jobs",
        "schedule": 30.0,
    },
    # A consultation launch recorded for a future date starts its quiet period when the date comes
    # (the rule itself reads the date; this lapses pending meeting requests and tells people).
    "pitches-start-due-quiet-periods": {
        "task": "pitches.start_due_quiet_periods",
        "schedule": 300.0,
    },
}
# Processes that render a long printed document at once (matching/printing.py); 0: one per CPU.
PRINT_PROCESSES = int(os.environ.get("PRINT_PROCESSES", "0"))
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", "celerybeat-schedule"
)

# Email: console on a laptop, SMTP when EMAIL_HOST is set (Django 6.1 mailers).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Osez <no-reply@osez.localhost>")

# Security: no inline scripts or styles; everything is served from 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SITE_URL.startswith("https")
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # htmx posts from a stale page get a visible refusal
# HTTPS (README, "Production: HTTPS, sizes, audits"). Served at an https SITE_URL, plain HTTP is
# redirected to it, except the health check, which the container probes on http://127.0.0.1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SITE_URL.startswith("https"))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS makes browsers refuse plain HTTP to the site for SECURE_HSTS_SECONDS, with no way back
# before it lapses: never on by default, the deployer declares it (and whether it covers the
# subdomains and may be preloaded), once HTTPS works.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a TLS reverse proxy, the proxy says in a header whether the visitor came over HTTPS.
# Trusted only when declared: a client reaching the server directly could set it.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
PROXY_SSL_HEADER = os.environ.get("PROXY_SSL_HEADER", "X-Forwarded-Proto")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
X_FRAME_OPTIONS = "DENY"

# Test-only: switches off the row locks of scarce-resource services, so the concurrency tests' negative
# control can show the race those locks prevent. Never set it anywhere else.
TEST_DISABLE_LOCKS = env_bool("OSEZ_TEST_DISABLE_LOCKS", False)

# One handler, on the root logger. Django's own "django" logger gets no handler of its own (its
# default console handler printed every line a second time, through propagation to the root):
# its records reach the root's handler once; at INFO under DEBUG, so that the development server
# shows each request.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "core.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": [], "level": "INFO" if DEBUG else LOG_LEVEL, "propagate": True},
        # 403 and 404: one warning line, no traceback (a 500 keeps it).
        "django.request": {"filters": ["refusals"], "propagate": True},
    },
}
