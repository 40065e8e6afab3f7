"""Settings of the HCC portal: one module, every deploy-dependent value from the environment.

Without any environment the portal runs as the *embedded default*: a SQLite file under ``var/``,
Celery tasks run eagerly in the web process, SMS and email to the console. ``.env.example``
documents every variable read here.
"""

from datetime import date
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-embedded-default-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------------------------
INSTALLED_APPS = [
    "dashboards.admin_site.HccAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "accounts.third_party.AxesConfig",  # axes, named in Vietnamese on the admin
    "django_ratelimit",
    "csp",
    "hcc",
    "web",
    "procedures",
    "accounts",
    "dossiers",
    "dashboards",
    "surveys",
    "counters",
    "receipts",
    "payments",
    "notifications",
    "national",
    "accounts.third_party.OAuthConfig",  # oauth2_provider, named in Vietnamese on the admin
    "privacy",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Cache-Control: private, no-store on personal data; the access record (privacy/access.py)
    "privacy.middleware.PersonalDataMiddleware",
    # Last: an intake form's one-time token, the API's Idempotency-Key (dossiers/once.py)
    "dossiers.once.OnceMiddleware",
]

ROOT_URLCONF = "hcc.urls"
WSGI_APPLICATION = "hcc.wsgi.application"

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
                "web.context_processors.site",
            ],
            # {% once_token %} in every form whose post must take effect once (dossiers/once.py)
            "builtins": ["dossiers.templatetags.once"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Persistent connections: 0 costs five times more on a simple lookup.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode (docker-compose.yml): no server-side cursor and no
    # statement prepared for the session (web/prepared.py), since each transaction may get
    # another server connection.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_TRANSACTION_POOLING", default=False
    )
# A streaming replica for the reads that tolerate seconds of lag (web/replica.py, docs/scaling.md):
# off unless REPLICA_DATABASE_URL is set. Only the GET pages of these URL namespaces (and named
# URLs) read there, never the models of REPLICA_PRIMARY_APPS, never inside a transaction.
REPLICA_READ_NAMESPACES = env.list("REPLICA_READ_NAMESPACES", default=["dashboards"])
REPLICA_READ_URL_NAMES = env.list("REPLICA_READ_URL_NAMES", default=["stats"])
REPLICA_PRIMARY_APPS = ["sessions", "auth", "accounts", "axes", "contenttypes", "oauth2_provider", "privacy"]
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # the test run makes no database of its own there: the replica streams the primary's
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["web.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "web.replica.LagTolerantReadsMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://hcc")}
SILENCED_SYSTEM_CHECKS: list[str] = []
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same, without a new Redis client for every operation (web/cache.py).
    CACHES["default"]["BACKEND"] = "web.cache.RedisCache"
    # Django's own Redis cache increments atomically; django-ratelimit only lists django-redis.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # The embedded default runs one process, where a local-memory cache is the shared one.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
# A dead or hung Redis cache (web/cache.py): seconds an operation may wait for it (connect, then
# each answer), and seconds the process then leaves it alone (the circuit breaker).
CACHE_TIMEOUT = env.float("CACHE_TIMEOUT", default=0.5)
CACHE_BREAKER_SECONDS = env.float("CACHE_BREAKER_SECONDS", default=15.0)
# Parts of the base template that depend only on the language and the page's name (the anonymous
# menu, the language switch, the footer: templates/base.html), kept in each process: they change
# only with a new release, which restarts the processes.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": None,
}
# Rate limits: if the cache does not answer, a limit fails open (serves) unless its caller says
# otherwise (README "Reliability": only the SMS/e-mail codes of registration fail closed).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True

# --- Accounts and login -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PhoneOrEmailBackend",
    "accounts.backends.VNeIDBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "procedures:catalog"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: after AXES_FAILURE_LIMIT failures for one account (however named, from any
# address), the account is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address in the lockout: on purpose not (an office behind one NAT address
# would be locked out together); the address is limited by LOGIN_FAILURES_PER_ADDRESS instead.
SILENCED_SYSTEM_CHECKS += ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# One account, one counter of failures, however its phone or e-mail is typed.
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_key"
# Failed logins from one client address over all accounts (django-ratelimit rate: n/s, m, h, d);
# past it, the address may try LOGIN_ATTEMPTS_WHEN_SLOWED times (a short cool-down, not a lockout).
LOGIN_FAILURES_PER_ADDRESS = env.str("LOGIN_FAILURES_PER_ADDRESS", default="50/h")
LOGIN_ATTEMPTS_WHEN_SLOWED = env.str("LOGIN_ATTEMPTS_WHEN_SLOWED", default="5/m")
# One-time codes that prove a phone or e-mail at registration and contact change: valid for
# ACCOUNTS_CODE_MINUTES, ACCOUNTS_CODE_ATTEMPTS tries, at most ACCOUNTS_CODES_PER_CONTACT_HOUR sent
# to one contact an hour, and ACCOUNTS_CODE_REQUESTS_PER_ADDRESS requests from one client address.
ACCOUNTS_CODE_MINUTES = env.int("ACCOUNTS_CODE_MINUTES", default=10)
ACCOUNTS_CODE_ATTEMPTS = env.int("ACCOUNTS_CODE_ATTEMPTS", default=5)
ACCOUNTS_CODES_PER_CONTACT_HOUR = env.int("ACCOUNTS_CODES_PER_CONTACT_HOUR", default=3)
ACCOUNTS_CODE_REQUESTS_PER_ADDRESS = env.str("ACCOUNTS_CODE_REQUESTS_PER_ADDRESS", default="10/h")
# The version of the personal-data processing notice (privacy/, templates/privacy/notice.html).
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="1.0")

# --- Language, time, formats ------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["hcc.formats"]

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (dossier scans, form templates) live outside any public URL and are served
# through checked views only.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
        # Public files, readable by the unprivileged user that serves them (the image collects them
        # as root); without this they get FILE_UPLOAD_PERMISSIONS and gunicorn could not boot.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
# An upload's bytes go to a temporary file as they arrive, whatever its size, never held in the
# worker's memory (Django keeps files under 2.5 MB in memory by default): ten citizens sending
# 10 MB scans at once would otherwise hold 100 MB in one gunicorn worker. The online submission
# copies them from there in chunks (dossiers/views/online/submission.py).
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
# Django's database sessions, their read and update prepared per connection (web/sessions.py)
SESSION_ENGINE = "web.sessions"

# --- Security (production values are set in the environment, see .env.example) ----------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token in a hidden field and the API
# docs get it rendered into their page. So JavaScript may not read it either.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only our own files; an inline <script>/<style> runs only
# with the request's nonce (``nonce="{{ request.csp_nonce }}"``); no inline event handlers and no
# style="" attributes (tests/security/test_templates_csp.py scans every template).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Bootstrap draws its select arrows and check marks as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the web containers append to X-Forwarded-For
# (0: clients connect directly). See web/client_ip.py.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The proxies the deployment really puts in front (docker-compose.yml sets it): hcc.W002 warns when
# TRUSTED_PROXY_COUNT disagrees. None: not declared (no check).
DEPLOYED_PROXY_COUNT = env.int("DEPLOYED_PROXY_COUNT", default=None)
AXES_CLIENT_IP_CALLABLE = "web.client_ip.client_ip"
RATELIMIT_IP_META_KEY = "web.client_ip.client_ip"

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless this is set:
# reconnecting cost a notice delivery most of its time (benchmarks/bench_notifications.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# A request must never hang on a broker that accepts connections but does not answer.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    "purge-abandoned-uploads": {"task": "dossiers.tasks.purge_abandoned_uploads", "schedule": 6 * 3600},
    "purge-submitted-requests": {"task": "dossiers.tasks.purge_submitted_requests", "schedule": 3600},
    "notifications-sweep": {"task": "notifications.tasks.sweep", "schedule": 60},
    "documents-sweep": {"task": "documents.tasks.sweep", "schedule": 300},
    "payments-check-pending": {"task": "payments.tasks.check_pending", "schedule": 300},
    "national-sync-sweep": {"task": "national.tasks.sweep", "schedule": 60},
    "national-catalog-pull": {"task": "national.tasks.catalog_pull", "schedule": crontab(hour=2, minute=30)},
    "privacy-retention": {"task": "privacy.tasks.sweep_retention", "schedule": crontab(hour=2, minute=30)},
    "dossiers-year-partitions": {
        "task": "dossiers.tasks.add_year_partitions",
        "schedule": crontab(hour=1, minute=15),
    },
    "dossiers-daily-digest": {
        "task": "dossiers.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-sat"),
    },
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 1,
}

# --- Email and SMS ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Trung tâm Phục vụ Hành chính công <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_USER = env.str("SMS_GATEWAY_USER", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_BRANDNAME = env.str("SMS_BRANDNAME", default="")
SMS_STRIP_DIACRITICS = env.bool("SMS_STRIP_DIACRITICS", default=False)

# --- notifications ----------------------------------------------------------------------------
# SMS_BACKEND: console (default), file (one file per notice in SMS_FILE_DIR), memory (tests), http
# (the gateway above), or a dotted path to a class with send(notification) -> reference.
SMS_FILE_DIR = env.str("SMS_FILE_DIR", default="") or str(BASE_DIR / "var" / "sms")
SMS_FILE_SEND_DELAY = env.float("SMS_FILE_SEND_DELAY", default=0.0)  # tests: kill a worker mid-send
SMS_MAX_PARTS = env.int("SMS_MAX_PARTS", default=3)  # longer texts are cut to fit
SMS_GATEWAY_AUTH = env.str("SMS_GATEWAY_AUTH", default="basic")  # basic, or "payload" (in the body)
# The JSON body posted to the gateway; strings may name {to} {text} {ref} {brandname} {user} {password}.
SMS_GATEWAY_PAYLOAD = env.str(
    "SMS_GATEWAY_PAYLOAD", default='{"to": "{to}", "text": "{text}", "ref": "{ref}", "from": "{brandname}"}'
)
SMS_GATEWAY_RESPONSE_ID = env.str("SMS_GATEWAY_RESPONSE_ID", default="id")
SMS_GATEWAY_CONNECT_TIMEOUT = env.float("SMS_GATEWAY_CONNECT_TIMEOUT", default=3.0)
SMS_GATEWAY_READ_TIMEOUT = env.float("SMS_GATEWAY_READ_TIMEOUT", default=10.0)
# Set to 1 only when the provider drops a second message with the same reference ({ref}, also sent
# as the Idempotency-Key header): then a send cut by a dying worker is retried under that reference.
# Otherwise such a notice becomes "sending, outcome unknown" for an administrator (README).
SMS_GATEWAY_DEDUPES = env.bool("SMS_GATEWAY_DEDUPES", default=False)
# Publishing a notice to the broker from a request: seconds before giving up (the sweep sends it).
NOTIFICATIONS_PUBLISH_TIMEOUT = env.float("NOTIFICATIONS_PUBLISH_TIMEOUT", default=0.5)
# ... and after a failure, seconds during which this process does not try again.
NOTIFICATIONS_PUBLISH_PAUSE = env.float("NOTIFICATIONS_PUBLISH_PAUSE", default=30.0)
# Notices handed to the workers in one task (one claim and one record statement per batch).
NOTIFICATIONS_TASK_BATCH = env.int("NOTIFICATIONS_TASK_BATCH", default=50)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE = env.int("NOTIFICATIONS_RETRY_BASE", default=30)  # seconds, doubled each time
NOTIFICATIONS_RETRY_CAP = env.int("NOTIFICATIONS_RETRY_CAP", default=3600)
# A notice still "sending" after this many seconds was left by a dead worker and is sent again.
NOTIFICATIONS_SENDING_TIMEOUT = env.int("NOTIFICATIONS_SENDING_TIMEOUT", default=300)

# How long an API answer is kept for its Idempotency-Key, and a form's one-time token is known.
IDEMPOTENCY_HOURS = env.int("IDEMPOTENCY_HOURS", default=24)

# History import (manage.py import_dossiers): the first day of the portal's own dossier register.
# History codes of the register's shape dated on or after it are refused. Unset: today.
HCC_HISTORY_CUTOVER = (
    date.fromisoformat(env.str("HCC_HISTORY_CUTOVER")) if env.str("HCC_HISTORY_CUTOVER", default="") else None
)
# --- Machine clients of the API: OAuth2 client credentials (django-oauth-toolkit) -------------
OAUTH2_PROVIDER = {
    "SCOPES": {
        "catalog:read": "Catalog: procedures, agencies, fields",
        "dossiers:read": "Dossiers, steps, inbox, tracking: read",
        "dossiers:write": "Dossiers and steps: actions",
        "stats:read": "Statistics",
    },
    "SCOPES_BACKEND_CLASS": "accounts.machine_clients.RoleScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH2_ACCESS_TOKEN_SECONDS", default=3600),
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, S256 PKCE only, tokens in
    # the Authorization header only, hashed at rest, refresh replay revokes the family, `iss` in
    # the authorization response, https redirect URIs outside development.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEBUG else ["https"],
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# --- VNeID login (OpenID Connect: authorization code, PKCE, state, nonce, ID token on JWKS) --
# Off unless VNEID_ISSUER is set. `make run` points it at the loopback provider (port 8313).
VNEID_ISSUER = env.str("VNEID_ISSUER", default="")  # discovery at <issuer>/.well-known/openid-configuration
VNEID_CLIENT_ID = env.str("VNEID_CLIENT_ID", default="")
VNEID_CLIENT_SECRET = env.str("VNEID_CLIENT_SECRET", default="")
VNEID_SCOPE = env.str("VNEID_SCOPE", default="openid profile phone")
# The claims that carry the identity number and the identity level (the provider's names).
VNEID_CLAIM_ID_NUMBER = env.str("VNEID_CLAIM_ID_NUMBER", default="citizen_id")
VNEID_CLAIM_LEVEL = env.str("VNEID_CLAIM_LEVEL", default="acr")
# An organisation's account (tài khoản định danh điện tử của tổ chức): its number and its name.
VNEID_CLAIM_ORG_ID = env.str("VNEID_CLAIM_ORG_ID", default="org_id")
VNEID_CLAIM_ORG_NAME = env.str("VNEID_CLAIM_ORG_NAME", default="org_name")
VNEID_TIMEOUT = env.float("VNEID_TIMEOUT", default=10.0)
# 0: citizens log in only with VNeID (staff keep their password login).
CITIZEN_PASSWORD_LOGIN = env.bool("CITIZEN_PASSWORD_LOGIN", default=True)

# --- National public service portal (Cổng Dịch vụ công quốc gia): dossier and status sync -----
# Empty NATIONAL_PORTAL_URL: messages are queued (nothing is lost) but not sent. `make run` points it
# at the loopback portal (python -m national.portal_server, port 8213).
NATIONAL_PORTAL_URL = env.str("NATIONAL_PORTAL_URL", default="")
NATIONAL_PORTAL_AUTH_PATH = env.str("NATIONAL_PORTAL_AUTH_PATH", default="/api/auth")
NATIONAL_PORTAL_INTEGRATION_PATH = env.str("NATIONAL_PORTAL_INTEGRATION_PATH", default="/api/integration")
NATIONAL_PORTAL_SHARE_PATH = env.str("NATIONAL_PORTAL_SHARE_PATH", default="/api/share")
NATIONAL_PORTAL_USERNAME = env.str("NATIONAL_PORTAL_USERNAME", default="")
NATIONAL_PORTAL_PASSWORD = env.str("NATIONAL_PORTAL_PASSWORD", default="")
NATIONAL_PORTAL_UNIT_CODE = env.str("NATIONAL_PORTAL_UNIT_CODE", default="")  # madonvi
NATIONAL_PORTAL_DSTCODE = env.str("NATIONAL_PORTAL_DSTCODE", default="")  # the adapter's routing header
NATIONAL_PORTAL_TIMEOUT = env.float("NATIONAL_PORTAL_TIMEOUT", default=10.0)
NATIONAL_TASK_BATCH = env.int("NATIONAL_TASK_BATCH", default=100)
# Dossiers of one batch sent side by side (each dossier's messages in order on one thread).
NATIONAL_SEND_THREADS = env.int("NATIONAL_SEND_THREADS", default=8)
NATIONAL_MAX_ATTEMPTS = env.int("NATIONAL_MAX_ATTEMPTS", default=12)
NATIONAL_RETRY_BASE = env.int("NATIONAL_RETRY_BASE", default=30)  # seconds, doubled each time
NATIONAL_RETRY_CAP = env.int("NATIONAL_RETRY_CAP", default=3600)
# A message still "sending" after this many seconds was left by a dead worker: looked up, then resent.
NATIONAL_SENDING_TIMEOUT = env.int("NATIONAL_SENDING_TIMEOUT", default=300)

# --- The center -------------------------------------------------------------------------------
HCC_CENTER_NAME = env.str("HCC_CENTER_NAME", default="Trung tâm Phục vụ Hành chính công")
# Who receives the periodic report (form 06 of Circular 01/2020/TT-VPCP), printed on it.
HCC_REPORT_RECIPIENT = env.str("HCC_REPORT_RECIPIENT", default="Văn phòng Ủy ban nhân dân tỉnh")
# The public address in every link that leaves the site (SMS, e-mail, QR codes on papers). Unset:
# the development server's, which `make run` sets to its own HOST and PORT; `check --deploy` then
# fails (hcc.E001, hcc/checks.py).
HCC_SITE_URL = env.str("HCC_SITE_URL", default="") or "http://127.0.0.1:8000"
# `manage.py seed_demo`: each app's own demo loader, in order (each needs what the ones before made).
HCC_DEMO_LOADERS = [
    "procedures.demo_catalog.load_demo",
    "accounts.demo.load_demo",
    "counters.demo.load_demo",
    "receipts.demo_signing.load_demo",
    "dossiers.demo.load_demo",
    "receipts.demo.load_demo",
    "surveys.demo.load_demo",
]
# Public pages kept whole in the cache (web/pagecache.py) under a key that changes with what they
# show: this only bounds how long an unused copy stays.
HCC_PAGE_CACHE_SECONDS = env.int("HCC_PAGE_CACHE_SECONDS", default=3600)
# Catalog pages: their key misses a renamed agency or field, which they show after this long.
HCC_CATALOG_CACHE_SECONDS = env.int("HCC_CATALOG_CACHE_SECONDS", default=300)
# Working hours: comma-separated periods HH:MM-HH:MM (DESIGN.md: 07:00-11:30 and 13:30-17:00).
HCC_OFFICE_HOURS = env.list("HCC_OFFICE_HOURS", default=["07:00-11:30", "13:30-17:00"])
# A same-day procedure received after this time is due the next working day.
HCC_SAME_DAY_CUTOFF = env.str("HCC_SAME_DAY_CUTOFF", default="15:00")

# --- counters ---------------------------------------------------------------------------------
# Tickets taken at a kiosk per client address (a kiosk is one address: keep it generous).
COUNTERS_KIOSK_RATES = tuple(env.list("HCC_COUNTERS_KIOSK_RATES", default=["30/m", "600/h"]))
# Phone look-ups of a ticket (page and its polling) per client address; phones on the center's
# Wi-Fi share one address, and the token (192 bits) is not guessable anyway.
COUNTERS_TICKET_RATES = tuple(env.list("HCC_COUNTERS_TICKET_RATES", default=["120/m", "3000/h"]))
# Receipt printer paper width of the kiosk: 58 or 80 (mm).
COUNTERS_RECEIPT_PAPER_MM = env.int("HCC_COUNTERS_RECEIPT_PAPER_MM", default=80)
# Seconds before the printed-ticket page goes back to the kiosk's first screen.
COUNTERS_KIOSK_RETURN_SECONDS = env.int("HCC_COUNTERS_KIOSK_RETURN_SECONDS", default=8)
COUNTERS_BOARD_POLL_SECONDS = env.int("HCC_COUNTERS_BOARD_POLL_SECONDS", default=3)
COUNTERS_TICKET_POLL_SECONDS = env.int("HCC_COUNTERS_TICKET_POLL_SECONDS", default=20)

# --- receipts ---------------------------------------------------------------------------------
# The receipt template code and series (mẫu số, ký hiệu) used by agencies that have none of their
# own in the admin ("Mẫu số, ký hiệu biên lai").
HCC_RECEIPT_TEMPLATE_CODE = env.str("HCC_RECEIPT_TEMPLATE_CODE", default="01BLP0-001")
HCC_RECEIPT_SERIES = env.str("HCC_RECEIPT_SERIES", default="AA-26E")

# --- digital signatures of papers, receipts and results (receipts/signing.py) ------------------
# The signing unit's certificate, a PKCS#12 file and its password: HCC_SIGNING_P12_<AGENCY CODE>
# and HCC_SIGNING_P12_PASSWORD_<AGENCY CODE> per agency (code in capitals, other characters as
# "_"), HCC_SIGNING_P12 and HCC_SIGNING_P12_PASSWORD for the center (every agency without its own).
# Without any, papers are served unsigned and say so. HCC_SIGNING_DIR: where ``seed_demo`` writes
# the demo chain (root CA + one certificate per agency) and where, with DEBUG on, it is read from
# when no variable names a certificate. HCC_SIGNING_TRUST_ROOTS: PEM files of the root CAs the
# verification page trusts (the demo root is added when the demo chain is in use).
# HCC_SIGNING_TSA_URL: an RFC 3161 timestamp server; without it, signatures carry no timestamp.
HCC_SIGNING_KEYS = {
    name[len("HCC_SIGNING_P12_") :]: (
        value,
        env.str(f"HCC_SIGNING_P12_PASSWORD_{name[len('HCC_SIGNING_P12_') :]}", default=""),
    )
    for name, value in env.ENVIRON.items()
    if name.startswith("HCC_SIGNING_P12_") and not name.startswith("HCC_SIGNING_P12_PASSWORD")
}
if env.str("HCC_SIGNING_P12", default=""):
    HCC_SIGNING_KEYS[""] = (env.str("HCC_SIGNING_P12"), env.str("HCC_SIGNING_P12_PASSWORD", default=""))
HCC_SIGNING_DIR = env.path("HCC_SIGNING_DIR", default=VAR_DIR / "signing")
HCC_SIGNING_DEMO = env.bool("HCC_SIGNING_DEMO", default=DEBUG)
HCC_SIGNING_TRUST_ROOTS = env.list("HCC_SIGNING_TRUST_ROOTS", default=[])
HCC_SIGNING_TSA_URL = env.str("HCC_SIGNING_TSA_URL", default="")
HCC_SIGNING_TSA_TIMEOUT = env.float("HCC_SIGNING_TSA_TIMEOUT", default=5.0)

# --- digitisation at intake (documents/) ------------------------------------------------------
# OCR language(s) of Tesseract for scans (Debian: tesseract-ocr-vie); HCC_OCR=0 turns OCR off (the
# scan is kept as it came). Without Tesseract on the machine OCR is off whatever this says.
HCC_OCR = env.bool("HCC_OCR", default=True)
HCC_OCR_LANGUAGES = env.str("HCC_OCR_LANGUAGES", default="vie")
# Without a broker (tasks eager), run digitisation in a thread of the web process so a page never
# waits for OCR (on for make run); off: in the caller (tests).
HCC_DIGITISE_IN_BACKGROUND = env.bool("HCC_DIGITISE_IN_BACKGROUND", default=DEBUG)

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.machine_clients.MachineClientAuthentication",  # OAuth2 client credentials
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HCC portal API",
    "DESCRIPTION": "API of the one-stop public administrative service center portal.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api_schema.document_error_answers",  # 403 / 404 / 400 on every operation
        "dossiers.once.document_idempotency_key",  # the Idempotency-Key header of every API POST
    ],
    # Machine clients (accounts/machine_clients.py): each operation lists the scope it needs.
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/o/token/",
    "OAUTH2_SCOPES": {
        "catalog:read": "Catalog: procedures, agencies, fields",
        "dossiers:read": "Dossiers, steps, inbox, tracking: read",
        "dossiers:write": "Dossiers and steps: actions",
        "stats:read": "Statistics",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every handler masks personal identity numbers (hcc/log_masking.py).
    "filters": {
        "mask_id_numbers": {"()": "hcc.log_masking.MaskIdNumbers"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_id_numbers"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "mask_id_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF at INFO (receipts).
        "weasyprint": {"level": "WARNING"},
        # Django's own loggers, on the handlers above instead of its unmasked defaults.
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- proof (security, benchmarks) ---------------------------------------------------------------
# Celery workers keep the handlers above (and their masking of identity numbers) instead of
# installing their own on the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A tiny "hello" view at /bench/hello/, the ceiling the load benchmark compares pages with
# (benchmarks/bench_load.py). Never on in production.
HCC_BENCH_VIEWS = env.bool("HCC_BENCH_VIEWS", default=False)
if HCC_BENCH_VIEWS:  # and the query count of every answer in a header (web/bench.py)
    MIDDLEWARE.insert(0, "web.bench.QueryCountMiddleware")

# --- surveys ---
# Working days to answer a feedback item (phản ánh, kiến nghị).
SURVEYS_FEEDBACK_ANSWER_DAYS = env.int("SURVEYS_FEEDBACK_ANSWER_DAYS", default=10)
# Seconds the counter kiosk shows its thank-you before it resets.
SURVEYS_KIOSK_RESET_SECONDS = env.int("SURVEYS_KIOSK_RESET_SECONDS", default=5)

# --- Online payment (payments/: the VNPAY-style gateway protocol) ------------------------------------
# Empty: online payment is off (the pages say so). ``make run`` points these at the loopback
# gateway it starts on port 8212 (payments/gateway_server.py).
PAYMENT_GATEWAY_URL = env.str("PAYMENT_GATEWAY_URL", default="")  # the pay page (vpcpay.html)
PAYMENT_QUERY_URL = env.str("PAYMENT_QUERY_URL", default="")  # the querydr API
PAYMENT_MERCHANT_CODE = env.str("PAYMENT_MERCHANT_CODE", default="")  # vnp_TmnCode
PAYMENT_HASH_SECRET = env.str("PAYMENT_HASH_SECRET", default="")
PAYMENT_GATEWAY_TIMEOUT = env.float("PAYMENT_GATEWAY_TIMEOUT", default=10.0)
PAYMENT_CHECK_AFTER_MINUTES = env.int("PAYMENT_CHECK_AFTER_MINUTES", default=5)  # no IPN yet: query
PAYMENT_EXPIRE_MINUTES = env.int("PAYMENT_EXPIRE_MINUTES", default=15)
