"""Settings for the tracker, read from the environment.

One file for every environment. The defaults are safe for production (DEBUG off, a secret key
kept out of the repository); `make run` asks for DEBUG, so development needs no setup.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_or_create_secret_key(path: Path) -> str:
    """A per-checkout key, so a server started without DJANGO_SECRET_KEY is still not guessable."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.touch(mode=0o600)
        path.write_text(key)
        return key


DEBUG = env_flag("DJANGO_DEBUG")
# The production switch: the site is served over HTTPS behind a proxy that terminates TLS.
HTTPS = env_flag("DJANGO_HTTPS")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or read_or_create_secret_key(
    BASE_DIR / ".django-secret-key"
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin, with sign-in by password and, once enrolled, an authenticator code.
    "agencies.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "template_partials",
    "simple_history",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "agencies",
]

MIDDLEWARE = [
    # First: a stored page is answered before any other middleware runs. It was stored with
    # the headers they added (security, CSP, permissions policy), and it caches only visitors
    # without a session, for addresses that answered 200.
    "agencies.page_cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the request: a NUL or undecodable text is a 400, not a 500.
    "tracker.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave an authenticator code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a locked-out sign-in into the "Sign-in locked" page (django-axes asks for it last).
    "axes.middleware.AxesMiddleware",
    # A page's stored figures are all of the version of the record it read first, in one query.
    "agencies.summaries.OneGenerationPerRequestMiddleware",
    # Addresses of records are written with the script prefix read once per request.
    "agencies.links.OneScriptPrefixPerRequestMiddleware",
    # Axes only reads the response, so this may follow it: last, its process_exception is the
    # first to see a view's error, and an unreachable database is a 503 (tracker/outage.py).
    "tracker.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "tracker.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions and a lock timeout keep concurrent writers from failing with
        # "database is locked". Connections persist as on PostgreSQL: opening one (its pragma,
        # Django's functions registered anew) was a twentieth of a record page's time.
        # The write-ahead log lets readers go on reading while a writer commits (a rollback
        # journal locks them out); it is a property of the file, set again on every connection.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # A server that does not answer fails the request in seconds (a 503, tracker/outage.py)
        # instead of holding a worker until gunicorn's timeout; ?connect_timeout= overrides it.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", 5)
        # A page's query is one core's work: parallel workers only contend with the other
        # requests for the same cores (and start slower than they finish here: the agency
        # timeline's page 36 ms of SQL with them, 30 without). ?options= overrides it.
        options.setdefault("options", "-c max_parallel_workers_per_gather=0")
    else:
        raise ImproperlyConfigured(f"DATABASE_URL must point at SQLite or PostgreSQL, not {url!r}")
    return config


DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
# A streaming replica of the primary, for anonymous visitors' reads (tracker/replica.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database_from_url(DATABASE_REPLICA_URL),
        # Tests use the primary's test database under this alias too: the runner creates and
        # migrates nothing on the replica (it may be read-only), and a read routed here finds
        # what the test wrote. Inside a test's transaction every read goes to the primary anyway.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["tracker.replica.PrimaryReplicaRouter"]
    # Before the session is read: an editor's session may be too new for the replica.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("tracker.middleware.RequestGuardMiddleware") + 1,
        "tracker.replica.ReplicaReadsMiddleware",
    )

# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-ca"
TIME_ZONE = "UTC"
# The site is written in English only. Without the translation machinery every reverse() and
# rendered value skips a per-call lookup of the active language.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files with far-future caching in production; plain files while
        # developing, so an edited stylesheet shows without collectstatic.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Every page, admin included, loads only its own scripts, styles and images: no inline code, no
# CDN (htmx is served from static files with eval and its inline indicator styles turned off).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features the site never uses are refused to it and to anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
}

if HTTPS:
    # TLS ends at the proxy, which says so in X-Forwarded-Proto; it must strip that header from
    # clients. Probes of a load balancer ask over plain HTTP, so they are not redirected.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = 2 * 365 * 24 * 60 * 60  # two years, as the preload list asks
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The seed data: the facts of the first story, loaded by `manage.py seed`.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Bulk import in admin (formats in agencies/admin.py): importing needs the model's "add" permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# A file past a limit is refused before it is read (agencies/spreadsheets.py); an XLSX is a zip,
# refused when its parts would unpack to more than IMPORT_MAX_UNPACKED_BYTES (a zip bomb).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 2 * 1024 * 1024))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", 20 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 5000))

# One cache shared by every worker process, so they all serve the same generation of pages:
# files in CACHE_DIR by default, Redis when REDIS_URL is set (e.g. redis://127.0.0.1:6379/0).
# Local memory would be one cache per gunicorn worker, each answering differently.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_DIR = Path(os.environ.get("CACHE_DIR") or BASE_DIR / ".cache")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "tracker.file_cache.FileBasedCache",
            "LOCATION": CACHE_DIR,
            # Pages are cached per address; past this many files a third are dropped at random.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    )
}
# Whole public pages for anonymous visitors, emptied on every write (agencies/page_cache.py).
# Off while developing, so a template change shows at once; 0 turns it off anywhere.
PUBLIC_PAGE_CACHE_SECONDS = int(
    os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "0" if DEBUG else "300")
)
# What browsers and shared caches (a CDN, a reverse proxy) may keep of those pages: Cache-Control
# max-age, and how long past it a stale page may be shown while refetched or while the site is
# down. Every page has an ETag and Last-Modified from the latest write, so a revalidation is a
# 304 without a render. Off while developing, as the page cache is; 0 sends none of it.
PUBLIC_HTTP_MAX_AGE = int(os.environ.get("PUBLIC_HTTP_MAX_AGE", "0" if DEBUG else "60"))
PUBLIC_HTTP_STALE_SECONDS = int(os.environ.get("PUBLIC_HTTP_STALE_SECONDS", "300"))

# Sign-in (django-axes, agencies/sign_in.py). Failures are counted per user name and, apart, per
# address: the fifth wrong password locks that name from anywhere, or that address for any name,
# for 15 minutes from the last try. A publisher unlocks by deleting the access attempt in admin.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "agencies.sign_in.locked_out"
AXES_CLIENT_IP_CALLABLE = "agencies.sign_in.client_ip"
# Anyone can send X-Forwarded-For: it names the client only behind a proxy that sets it, and then
# only the entries the PROXY_COUNT proxies in front of the site appended (read from the right).
BEHIND_PROXY = env_flag("DJANGO_BEHIND_PROXY", default=HTTPS)
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))

# Second factor (django-otp): an authenticator app's codes (TOTP), enrolled at /admin/two-factor/.
# Publishers must give one each session before any other admin page when this is on.
PUBLISHERS_NEED_TWO_FACTOR = env_flag("DJANGO_PUBLISHERS_NEED_TWO_FACTOR", default=HTTPS)
OTP_TOTP_ISSUER = "Facial recognition tracker"
# Admin never shows a device's key or QR code: whoever reads it could make that user's codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
