"""Oversight's one settings module: what differs between machines comes from the environment.

Every variable is read strictly (oversight/environment.py): a value that cannot be read, such as
OVERSIGHT_HTTPS=ture, stops start-up with a message naming the variable and the values it takes.
On/off variables take 1/0, true/false, yes/no or on/off; unset or empty means the default.

DATABASE_URL   a database URL (default: SQLite in data/oversight.sqlite3)
SECRET_KEY     required in production; on a developer machine one is generated in data/
OVERSIGHT_DEBUG  on for development
OVERSIGHT_POLICY  the council's supervision policy: "bedford", "newham" or a path to a policy file
OVERSIGHT_COUNCIL_NAME  the council's name, printed at the top of each record on paper (default:
                 the council the policy names, its title up to the first comma)
ALLOWED_HOSTS  comma-separated host names
OVERSIGHT_DATA_DIR  the folder for the SQLite database and a developer's secret key (default data/)
OVERSIGHT_FILES_DIR  where uploaded supervision files are kept (default: files/ in the data folder)
OVERSIGHT_UPLOAD_MAX_BYTES  the largest upload accepted (default 10 MB)
OVERSIGHT_RETENTION_YEARS  years a leaver's supervision file is kept (default 6)
STATIC_ROOT    only for a deployment that runs collectstatic

Signing in (see the "Security" part at the end; `oversight check --deploy` must be clean):
OVERSIGHT_HTTPS  on for any server people reach: HTTPS only (redirect, Secure cookies, HSTS).
                 Off by default because development and the test suite run over plain http;
                 `oversight check --deploy` warns while it is off.
OVERSIGHT_BEHIND_PROXY  on when a reverse proxy of ours terminates TLS and sets
                 X-Forwarded-Proto and X-Forwarded-For (it must overwrite any the client sent)
OIDC_RP_CLIENT_ID  turns on single sign-on with Microsoft Entra ID ("Sign in with your council
                 account"); with it: OIDC_RP_CLIENT_SECRET, OIDC_TENANT_ID,
                 OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT,
                 OIDC_OP_JWKS_ENDPOINT, OIDC_RP_SIGN_ALGO (default RS256), OIDC_OP_ISSUER
                 (default https://login.microsoftonline.com/<tenant>/v2.0)
OIDC_CREATE_USERS  on to give an unknown council identity a new account on first sign-in;
                 off by default: an administrator links each identity to an account first
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from oversight import environment as env
from oversight.engine.loader import preset_names

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.path("OVERSIGHT_DATA_DIR", BASE_DIR / "data")


def _secret_key() -> str:
    if key := env.text("SECRET_KEY"):
        return key
    # Zero set-up for a developer: a random key kept beside the SQLite database, never committed.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.boolean("OVERSIGHT_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.comma_separated("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

OVERSIGHT_POLICY = env.policy("OVERSIGHT_POLICY", preset_names(), "bedford")
OVERSIGHT_COUNCIL_NAME = env.text("OVERSIGHT_COUNCIL_NAME")

INSTALLED_APPS = [
    # Django's admin, signing in through the app's own sign-in and auditing every change.
    "oversight.accounts.admin_site.OversightAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules",
    "oversight.audit",
    "oversight.organisation",
    "oversight.cases",
    "oversight.supervision",
    "oversight.records",
    "oversight.access",
    "oversight.files",
    "oversight.import_export",
    "oversight.returns",
    "oversight.demo",
    "oversight.facts",
    "oversight.obligations",
    "oversight.calendar",
    "oversight.dashboards",
    "oversight.quality",
    "oversight.appraisals",
    "oversight.web",
    # Sign-in security: second factor, throttling, council single sign-on identities.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "oversight.accounts",
    # Reminders, digests and escalation (issue 11), sent by django.tasks through the database.
    "django_tasks_db",
    "oversight.reminders",
    # The REST API (issue 12): tokens, endpoints, schema and docs served from installed files.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oversight.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything looks a value up: PostgreSQL cannot compare text holding a NUL.
    "oversight.web.nul_characters.RefuseNulCharactersMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A second factor, once set up, is asked for before any page; sign-in ages out.
    "django_otp.middleware.OTPMiddleware",
    "oversight.accounts.middleware.SignInChecksMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "oversight.web.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.database(
        "DATABASE_URL", f"sqlite:///{DATA_DIR / 'oversight.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take SQLite's write lock when a transaction starts, so a writer that read first waits its
    # turn instead of failing with "database is locked" (the audit trail's chain depends on it).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query with LLVM when its estimated cost is high, and the estimates of
    # the "took place" subqueries are (millions, for 117k sessions): loading the facts spent 160
    # ms compiling a query that then ran in 60. Short queries are all this application runs.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c max_parallel_workers_per_gather=0"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# Only a deployment that runs collectstatic sets this; otherwise the app serves from its packages.
STATIC_ROOT = env.text("STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Assets ship inside the package, so the app serves them without a collectstatic step.
WHITENOISE_USE_FINDERS = True

# Supervision files: uploads are stored here under random names and are never served directly,
# only through the permission-checked download view.
MEDIA_ROOT = env.path("OVERSIGHT_FILES_DIR", DATA_DIR / "files")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
OVERSIGHT_UPLOAD_MAX_BYTES = env.integer("OVERSIGHT_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# Years a leaver's supervision file is kept before HR are asked to confirm its destruction.
OVERSIGHT_RETENTION_YEARS = env.integer("OVERSIGHT_RETENTION_YEARS", 6, minimum=1)


# Security ---------------------------------------------------------------------------------------
# Owned with oversight/accounts/: sign-in, second factor, single sign-on, sessions, headers.

# Object permissions come from the organisation (oversight.access), not from stored grants.
# Wrong passwords are throttled by the sign-in view (oversight.accounts.throttle).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Argon2id (at OWASP's recommended cost: oversight.accounts.hashers) for new and changed passwords;
# the others still read hashes made before it. Django's own Argon2 hasher is not listed as well:
# this one reads its hashes (the same algorithm) and upgrades them at the next sign-in.
PASSWORD_HASHERS = [
    "oversight.accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Throttling wrong passwords: see OVERSIGHT_SIGN_IN_THROTTLE at the end.

# Second factor (django-otp): an authenticator app's six-digit codes, once a person sets one up.
OTP_TOTP_ISSUER = "Oversight"

# Single sign-on with Microsoft Entra ID (mozilla-django-oidc), only when a client is configured.
OIDC_RP_CLIENT_ID = env.text("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.text("OIDC_RP_CLIENT_SECRET")
OIDC_TENANT_ID = env.text("OIDC_TENANT_ID")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.text("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env.text("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env.text("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env.text("OIDC_OP_JWKS_ENDPOINT")
OIDC_OP_ISSUER = env.text(
    "OIDC_OP_ISSUER", f"https://login.microsoftonline.com/{OIDC_TENANT_ID}/v2.0"
)
# The algorithms of public-key signatures: Entra ID signs with RS256.
OIDC_RP_SIGN_ALGO = env.choice(
    "OIDC_RP_SIGN_ALGO", ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"], "RS256"
)
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = env.boolean("OIDC_CREATE_USERS")
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("oversight.accounts.oidc.EntraIdBackend")

# Sessions: signed in for at most 8 hours from signing in (oversight.accounts.middleware holds
# the limit however busy the session is), and never beyond closing the browser.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

OVERSIGHT_HTTPS = env.boolean("OVERSIGHT_HTTPS")
if OVERSIGHT_HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The header alone enrols nothing: a council submits its domain to the preload list itself.
    SECURE_HSTS_PRELOAD = True
if env.boolean("OVERSIGHT_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (Django's own): scripts and styles only from our static files, plus
# inline scripts that carry the page's nonce (base.html's one-line js-enabled script).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


# Audit trail and sign-in hardening (issue 9) ----------------------------------------------------
# Owned with oversight/audit/ and oversight/accounts/; see those for why.
#
# OVERSIGHT_AUDIT_KEY  64+ hexadecimal characters: the key that seals each audit entry with a MAC,
#                 kept outside the database (make one: python3 -c 'import secrets;
#                 print(secrets.token_hex(32))'). Never change it once entries exist. Unset: a key
#                 derived from SECRET_KEY, and `oversight check --deploy` warns.
# OVERSIGHT_AUDIT_CHECKPOINT  the signed checkpoint file `oversight audit checkpoint` writes
#                 (default data/audit-checkpoint.json); keep it off the database server.
OVERSIGHT_AUDIT_KEY = env.text("OVERSIGHT_AUDIT_KEY") or None
OVERSIGHT_AUDIT_CHECKPOINT = env.path(
    "OVERSIGHT_AUDIT_CHECKPOINT", DATA_DIR / "audit-checkpoint.json"
)
#
# OVERSIGHT_TRUSTED_PROXIES  how many reverse proxies of ours stand in front of the app, each
#                 appending to X-Forwarded-For (default 1 with OVERSIGHT_BEHIND_PROXY=1, else 0).
#                 Only that many addresses from the right of the header are believed; with 0 it
#                 is ignored. The app must be reachable only through those proxies.
# Throttling wrong passwords (oversight.accounts.throttle; no environment variables):
#   per account: 5 wrong passwords, then a wait before each next try that doubles from 30 seconds
#   up to 15 minutes; a browser that has signed in to that account before is not held by it (it
#   has its own limit of 5 in 15 minutes), so a stranger guessing cannot lock the person out.
#   per address: 30 wrong passwords in 15 minutes, for any accounts, stop that address for 15
#   minutes (again not a browser that has signed in to the account before).
OVERSIGHT_TRUSTED_PROXIES = env.integer(
    "OVERSIGHT_TRUSTED_PROXIES", 1 if env.boolean("OVERSIGHT_BEHIND_PROXY") else 0, minimum=0
)
OVERSIGHT_SIGN_IN_THROTTLE = {
    "account_free_failures": 5,
    "account_first_wait": dt.timedelta(seconds=30),
    "account_longest_wait": dt.timedelta(minutes=15),
    "account_memory": dt.timedelta(hours=24),
    "browser_failures": 5,
    "address_failures": 30,
    "window": dt.timedelta(minutes=15),
}


# Reminders, digests and escalation (issue 11) ---------------------------------------------------
# Owned with oversight/reminders/. Messages are sent by background tasks (django.tasks) kept in the
# database (django-tasks-db): `oversight db_worker` runs them, and cron runs `oversight reminders`
# (see the README, "Running it for real").
#
# OVERSIGHT_SITE_URL  the address people reach Oversight at, for the links in emails
#                 (default http://127.0.0.1:8000)
# OVERSIGHT_EMAIL_FROM  the sender of reminders (default oversight@localhost)
# EMAIL_HOST      the SMTP server that sends them; with it EMAIL_PORT (default 25),
#                 EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS. Unset: each email is
#                 written as a file to sent-emails/ in the data folder (the demo), and the
#                 administrator reads them at /admin/reminders/message/.
# OVERSIGHT_ESCALATION_DAYS  an obligation overdue by more than this many days goes, once, into
#                 the owner's line manager's weekly digest (default 14). A setting rather than a
#                 line of the policy file, whose reader belongs to the engine.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OVERSIGHT_SITE_URL = env.text("OVERSIGHT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.text("OVERSIGHT_EMAIL_FROM", "oversight@localhost")
if env.text("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.text("EMAIL_HOST"),
                "port": env.integer("EMAIL_PORT", 25, minimum=1),
                "username": env.text("EMAIL_HOST_USER") or None,
                "password": env.text("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env.boolean("EMAIL_USE_TLS"),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "sent-emails")},
        }
    }
OVERSIGHT_ESCALATION_DAYS = env.integer("OVERSIGHT_ESCALATION_DAYS", 14, minimum=1)
# NOTIFY_API_KEY  sends reminders through GOV.UK Notify instead of email servers; with it
#                 NOTIFY_TEMPLATE_ID, an email template whose subject is ((subject)) and whose
#                 message is ((body)), and NOTIFY_BASE_URL (default: GOV.UK Notify's API).
OVERSIGHT_NOTIFY_API_KEY = env.text("NOTIFY_API_KEY")
OVERSIGHT_NOTIFY_TEMPLATE_ID = env.text("NOTIFY_TEMPLATE_ID")
OVERSIGHT_NOTIFY_BASE_URL = env.text("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if OVERSIGHT_NOTIFY_API_KEY and not OVERSIGHT_NOTIFY_TEMPLATE_ID:
    raise ImproperlyConfigured(
        "NOTIFY_API_KEY is set but NOTIFY_TEMPLATE_ID is not: set it to the ID of a GOV.UK Notify "
        "email template whose subject is ((subject)) and whose message is ((body))."
    )
# REST API (issue 12) -------------------------------------------------------------------------
# Owned with oversight/api/ (docs/api.md). Token authentication only: no session, so no CSRF and
# nothing a signed-in browser can be tricked into sending. Throttles count per token, per process.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["oversight.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": [
        "oversight.api.permissions.HasToken",
        "oversight.api.permissions.MayWrite",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "oversight.api.throttling.ReadThrottle",
        "oversight.api.throttling.WriteThrottle",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "oversight.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
}
OVERSIGHT_API_THROTTLE = {"read": "600/minute", "write": "120/minute"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Oversight API",
    "DESCRIPTION": "Staff, teams, children's cases, obligations and supervision records for "
    "case management systems and council reporting. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page hold no data: anyone may read them.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "TAGS": [
        {"name": "read", "description": "Any token: what it may see (docs/api.md)."},
        {"name": "write", "description": "Tokens with the write scope; every write audited."},
    ],
}
