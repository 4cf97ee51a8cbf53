"""Chancery's one settings file.

Read top to bottom: every value a deployment may change comes from a ``CHANCERY_*`` environment variable
through the typed readers in :mod:`chancery.config.env`. The defaults give the embedded set-up (SQLite and
files under ``var/``, an in-process task queue); production hardening is on unless switched off, and
``chancery serve`` refuses to start when it is switched off.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from chancery.config.env import SettingError, env_bool, env_int, env_list, env_path, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("VAR_DIR", Path.cwd() / "var")
INSECURE_SECRET_KEY = "chancery-insecure-secret-key-unset"


def _read_secret_key() -> str:
    from_env = env_str("SECRET_KEY")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret-key"
    if key_file.is_file():
        return key_file.read_text(encoding="utf-8").strip()
    return INSECURE_SECRET_KEY


# --- Core -------------------------------------------------------------------------------------------
SECRET_KEY = _read_secret_key()
# Previous secret keys, still accepted for signatures and for decrypting what they protected (MFA secrets,
# partner tokens) during a rotation; see docs/key-management.md.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
ROOT_URLCONF = "chancery.config.urls"
ASGI_APPLICATION = "chancery.config.asgi.application"
WSGI_APPLICATION = "chancery.config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from its bundled static files (no CDN)
    "chancery.platform",
    "chancery.missions",
    "chancery.identity",
    "chancery.audit",
    "chancery.transparency",
    "chancery.vault",
    "chancery.agreements",
    "chancery.risk",
    "chancery.platform.events",
    "chancery.platform.schedule",
    "chancery.resilience",
    "chancery.resilience.webhooks",
    "chancery.resilience.monitoring",
    "chancery.cables",
    "chancery.meetings",
    "chancery.chat",
    "chancery.intelligence",
    "chancery.outreach",
    "chancery.threatintel",
    "chancery.awareness",
]

MIDDLEWARE = [
    "chancery.platform.middleware.HttpsRequiredMiddleware",  # API over http: 403, not a redirect (V4.1.2)
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chancery.platform.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chancery.identity.middleware.SessionTimeoutMiddleware",  # after messages: it adds a warning
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "chancery.identity.middleware.PasswordChangeRequiredMiddleware",
    "chancery.identity.middleware.MfaRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    # A page view's domain NotFound / PermissionDenied -> the 404 / 403 page (never under /api/). process_exception
    # runs bottom-up: this one sees them before the middleware above; FaultPages below only takes db/disk faults.
    "chancery.platform.middleware.DomainErrorPagesMiddleware",
    "chancery.resilience.unavailable.FaultPagesMiddleware",  # last: the first to see a view's exception
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chancery.platform.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
# SQLite in WAL mode is the embedded default; CHANCERY_DATABASE_URL (postgres://...) is the scale path.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "chancery.sqlite3"),
            # A file, not shared-cache memory, so tests see real WAL locking and busy timeouts; one per
            # process so that concurrent test runs never share it.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        },
    }

# --- Background tasks -------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Authentication ---------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: a minimum length, a blocklist of common and breached passwords, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "chancery.identity.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "chancery.identity.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_ADAPTER = "chancery.identity.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "chancery.identity.forms.SignInForm"}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = False  # django-axes owns lockout; allauth's cache-based limits would race it.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "chancery.identity.adapters.MfaAdapter"  # AES-256-GCM at rest, no dropping enforced MFA
MFA_FORMS = {
    "authenticate": "chancery.identity.forms.LockoutAwareAuthenticateForm",
    "reauthenticate": "chancery.identity.forms.LockoutAwareReauthenticateForm",
}
USERSESSIONS_ADAPTER = "chancery.identity.adapters.UserSessionsAdapter"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("WEBAUTHN_INSECURE_ORIGIN", default=DEBUG)
MFA_TOTP_ISSUER = "Chancery"
USERSESSIONS_TRACK_ACTIVITY = True
# At most this many signed-in sessions per account; signing in once more ends the oldest (audited).
MAX_SESSIONS_PER_USER = env_int("MAX_SESSIONS_PER_USER", default=5)
# A password an administrator sets for someone else is good for one sign-in, within this many hours.
TEMPORARY_PASSWORD_HOURS = env_int("TEMPORARY_PASSWORD_HOURS", default=72)
# Sensitive account changes ask for the password or a code again unless the last one is this recent.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_RECOVERY_CODES_SHOW_ONCE = True  # stored as salted hashes (chancery.identity.recovery): shown only once

AXES_FAILURE_LIMIT = env_int("LOCKOUT_FAILURES", default=10)
AXES_COOLOFF_TIME = None  # locked until a security officer unlocks
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_CALLABLE = "chancery.identity.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts on a locked name are refused, not counted
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "code", "credential"]  # never stored in axes' records
# Lockout is per account on purpose (the ministry's rule: ten failures lock the account until a security
# officer unlocks it); the per-address variant would let an attacker spread guesses over addresses.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Sessions and cookies ---------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True  # only the server reads it: the language switch is a plain form
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "__Host-chancery-session" if SECURE_COOKIES else "chancery-session"
CSRF_COOKIE_NAME = "__Host-chancery-csrf" if SECURE_COOKIES else "chancery-csrf"

# --- HTTP security headers --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", default=31536000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", default=False)  # usually the TLS proxy redirects
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_BODY_BYTES", default=2 * 1024 * 1024)

# --- Languages --------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_allauth"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders until collectstatic runs
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- API --------------------------------------------------------------------------------------------
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", default=600)
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- Transparency log ------------------------------------------------------------------------------
# The origin names this log in every checkpoint; witnesses key their state on it, so set it once per
# deployment (a schema-less URL such as "mofa.gov.vn/chancery/log") and never change it.
TLOG_ORIGIN = env_str("TLOG_ORIGIN", "localhost/chancery/log")
TLOG_KEY_DIR = env_path("TLOG_KEY_DIR", VAR_DIR / "tlog")
TLOG_PUBLISH_SECONDS = env_int("TLOG_PUBLISH_SECONDS", default=2)
# A C2SP tlog-policy file listing the partner witnesses (with their URLs) and the k-of-n quorum.
TLOG_WITNESS_POLICY = env_str("TLOG_WITNESS_POLICY")

# --- TLS to other services ------------------------------------------------------------------------
# A PEM file of the ministry's internal certificate authorities, trusted (besides the system roots) by every
# outbound client: feeds, witnesses, outreach, webhooks, partner TAXII, SMTP and rediss://. See docs/deployment.md.
CA_BUNDLE = env_str("CA_BUNDLE")

# --- E-mail -----------------------------------------------------------------------------------------
# An air-gapped install has no mail relay: mail is written as files under var/mail/ for an administrator
# to collect. CHANCERY_SMTP_HOST sends it through the ministry's relay instead (STARTTLS).
SMTP_HOST = env_str("SMTP_HOST")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "chancery.platform.tls.VerifiedSmtpBackend",  # verifies the relay (and CA_BUNDLE)
            "OPTIONS": {"host": SMTP_HOST, "port": env_int("SMTP_PORT", default=587), "use_tls": True},
        },
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        },
    }
DEFAULT_FROM_EMAIL = env_str("MAIL_FROM", "chancery@localhost")

# --- Security awareness: the phishing reporting mailbox (IMAP over TLS) and course reminders ---------
# Staff forward suspected phish to a reporting address; the worker fetches them from this mailbox.
# Unset host: no polling. The password is read from a file (0600), never from the environment; the
# certificate is verified against the system roots plus CHANCERY_CA_BUNDLE.
AWARENESS_IMAP_HOST = env_str("AWARENESS_IMAP_HOST")
AWARENESS_IMAP_PORT = env_int("AWARENESS_IMAP_PORT", default=993)
AWARENESS_IMAP_USER = env_str("AWARENESS_IMAP_USER")
AWARENESS_IMAP_PASSWORD_FILE = env_str("AWARENESS_IMAP_PASSWORD_FILE")
AWARENESS_IMAP_FOLDER = env_str("AWARENESS_IMAP_FOLDER", "INBOX")
# Course reminders start this many days before the due date (and continue daily while overdue).
AWARENESS_REMIND_DAYS = env_int("AWARENESS_REMIND_DAYS", default=3)

# --- Caches -----------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    _redis_tls = {"ssl_ca_certs": CA_BUNDLE} if CA_BUNDLE and REDIS_URL.startswith("rediss://") else {}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": _redis_tls,
        },
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Logging: structured, and never the content of a classified object -------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Vault ------------------------------------------------------------------------------------------
# Sealed blobs (AES-256-GCM, one data key per version) and the key-encryption keyring (0600, generated at
# first use). Keep the keyring off the blob volume and back it up separately: without it nothing decrypts.
VAULT_BLOB_DIR = env_path("VAULT_BLOB_DIR", VAR_DIR / "vault" / "blobs")
VAULT_KEYRING_FILE = env_path("KEYRING_FILE", VAR_DIR / "vault" / "keyring.json")
VAULT_MAX_UPLOAD_BYTES = env_int("VAULT_MAX_UPLOAD_BYTES", default=2 * 1024 * 1024 * 1024)
VAULT_CHUNK_BYTES = 1024 * 1024
# Downloads of CONFIDENTIAL and above need a second-factor check within this many seconds.
VAULT_MFA_MAX_AGE_SECONDS = 15 * 60
# Blobs without a row (and unfinished writes) older than this are removed by the orphan sweeper.
VAULT_ORPHAN_GRACE_SECONDS = 60 * 60
# Where sealed blobs live: "local" (VAULT_BLOB_DIR) or "s3" (S3-compatible storage via django-storages;
# only ciphertext is sent). Without keys, boto3's usual credential chain applies (AWS_* variables, roles).
VAULT_BLOB_STORE = env_str("VAULT_BLOB_STORE", "local").strip().lower()
if VAULT_BLOB_STORE not in {"local", "s3"}:
    raise SettingError("CHANCERY_VAULT_BLOB_STORE must be local or s3, not " + repr(VAULT_BLOB_STORE))
VAULT_S3_BUCKET = env_str("VAULT_S3_BUCKET")
VAULT_S3_PREFIX = env_str("VAULT_S3_PREFIX", "vault/blobs/")
VAULT_S3_ENDPOINT_URL = env_str("VAULT_S3_ENDPOINT_URL")
VAULT_S3_REGION = env_str("VAULT_S3_REGION")
VAULT_S3_ACCESS_KEY_ID = env_str("VAULT_S3_ACCESS_KEY_ID")
VAULT_S3_SECRET_ACCESS_KEY = env_str("VAULT_S3_SECRET_ACCESS_KEY")
VAULT_S3_CA_BUNDLE = env_str("VAULT_S3_CA_BUNDLE")

# --- Backups ----------------------------------------------------------------------------------------
# Archives are encrypted to an offline key pair (`chancery backup keygen`): only the public half lives here.
BACKUP_DIR = env_path("BACKUP_DIR", VAR_DIR / "backups")
BACKUP_PUBLIC_KEY_FILE = env_path("BACKUP_PUBLIC_KEY_FILE", VAR_DIR / "backup-keys" / "backup-public.json")
# How many archives the scheduled backup keeps, and how often it runs (0: no scheduled backups).
BACKUP_KEEP = env_int("BACKUP_KEEP", default=7)
BACKUP_INTERVAL_HOURS = env_int("BACKUP_INTERVAL_HOURS", default=24)

# --- Webhooks and security monitoring ----------------------------------------------------------------
# Webhook endpoints resolving to private, loopback or link-local addresses are refused unless listed here
# (addresses or networks, e.g. "10.20.0.0/16"); each request gives up after WEBHOOK_TIMEOUT_SECONDS, and a
# delivery after WEBHOOK_MAX_ATTEMPTS tries with exponential backoff.
WEBHOOK_ALLOWLIST = env_list("WEBHOOK_ALLOWLIST", [])
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", default=5)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", default=8)

# --- Security services: malware scanning, audit shipping, Vault Transit KEK (docs/security.md) --------
# clamd (tcp://host:3310 or unix:///path); unset: uploads are not scanned. When clamd fails, uploads are
# refused unless CLAMD_FAIL_OPEN is on.
CLAMD_URL = env_str("CLAMD_URL")
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", default=30)
CLAMD_FAIL_OPEN = env_bool("CLAMD_FAIL_OPEN", default=False)
# Audit events are copied, as they are written, to a separate collector: https://… (JSON) or
# syslog+tls://host:6514 (RFC 5424 over TLS, RFC 5425 framing). Unset: no shipping.
AUDIT_SHIP_URL = env_str("AUDIT_SHIP_URL")
AUDIT_SHIP_TOKEN = env_str("AUDIT_SHIP_TOKEN")
AUDIT_SHIP_CA_FILE = env_str("AUDIT_SHIP_CA_FILE")
AUDIT_SHIP_CLIENT_CERT_FILE = env_str("AUDIT_SHIP_CLIENT_CERT_FILE")
AUDIT_SHIP_INTERVAL_SECONDS = env_int("AUDIT_SHIP_INTERVAL_SECONDS", default=10)
AUDIT_SHIP_TIMEOUT_SECONDS = env_int("AUDIT_SHIP_TIMEOUT_SECONDS", default=10)
# Key-encryption keys: "file" (VAULT_KEYRING_FILE) or "transit" (HashiCorp Vault's Transit engine).
VAULT_KEK_BACKEND = env_str("VAULT_KEK_BACKEND", "file").strip().lower()
if VAULT_KEK_BACKEND not in {"file", "transit"}:
    raise SettingError("CHANCERY_VAULT_KEK_BACKEND must be file or transit, not " + repr(VAULT_KEK_BACKEND))
VAULT_TRANSIT_URL = env_str("VAULT_TRANSIT_URL")
VAULT_TRANSIT_MOUNT = env_str("VAULT_TRANSIT_MOUNT", "transit")
VAULT_TRANSIT_KEY = env_str("VAULT_TRANSIT_KEY", "chancery-kek")
VAULT_TRANSIT_TOKEN = env_str("VAULT_TRANSIT_TOKEN")
VAULT_TRANSIT_ROLE_ID = env_str("VAULT_TRANSIT_ROLE_ID")
VAULT_TRANSIT_SECRET_ID = env_str("VAULT_TRANSIT_SECRET_ID")
VAULT_TRANSIT_CA_FILE = env_str("VAULT_TRANSIT_CA_FILE")
VAULT_TRANSIT_TIMEOUT_SECONDS = env_int("VAULT_TRANSIT_TIMEOUT_SECONDS", default=10)

# --- Cables -----------------------------------------------------------------------------------------
# Precedences, highest first; those in CABLE_ACK_PRECEDENCES need the action addressee's acknowledgement
# within CABLE_ACK_MINUTES, or the addressee post's alert roster is alerted.
CABLE_PRECEDENCES = env_list("CABLE_PRECEDENCES", ["FLASH", "NIACT IMMEDIATE", "IMMEDIATE", "ROUTINE"])
CABLE_ACK_PRECEDENCES = ["FLASH", "NIACT IMMEDIATE"]
CABLE_ACK_MINUTES = env_int("CABLE_ACK_MINUTES", default=30)
# Roles that approve and release cables of their own unit and of the units directly under it (head of post or
# director stand-in; never for a cable they drafted).
CABLE_APPROVER_ROLES = env_list("CABLE_APPROVER_ROLES", ["administrator"])
CABLE_MAX_BODY_CHARS = 100_000

# --- Outreach (public diplomacy) --------------------------------------------------------------------
# Attempts per platform target before the press office is alerted; the wait doubles from the base after
# each failure (or follows the platform's Retry-After); seconds a platform call may take.
OUTREACH_MAX_ATTEMPTS = env_int("OUTREACH_MAX_ATTEMPTS", default=5)
OUTREACH_RETRY_BASE_SECONDS = env_int("OUTREACH_RETRY_BASE_SECONDS", default=60)
OUTREACH_CONNECTOR_TIMEOUT_SECONDS = env_int("OUTREACH_CONNECTOR_TIMEOUT_SECONDS", default=10)
# Engagement: how often counts, replies and mentions are read back, for how many days after publication,
# and whether every new reply or mention goes to the intelligence pipeline without a press officer's click.
OUTREACH_ENGAGEMENT_MINUTES = env_int("OUTREACH_ENGAGEMENT_MINUTES", default=60)
OUTREACH_ENGAGEMENT_DAYS = env_int("OUTREACH_ENGAGEMENT_DAYS", default=30)
OUTREACH_REPLIES_TO_INTELLIGENCE = env_bool("OUTREACH_REPLIES_TO_INTELLIGENCE", default=False)
# The ministry's registered OAuth 2.0 clients on X and Facebook (empty: those platforms cannot be connected).
OUTREACH_X_CLIENT_ID = env_str("OUTREACH_X_CLIENT_ID")
OUTREACH_X_CLIENT_SECRET = env_str("OUTREACH_X_CLIENT_SECRET")
OUTREACH_FACEBOOK_APP_ID = env_str("OUTREACH_FACEBOOK_APP_ID")
OUTREACH_FACEBOOK_APP_SECRET = env_str("OUTREACH_FACEBOOK_APP_SECRET")

# --- Chat -------------------------------------------------------------------------------------------
# The longest message body a member may post (characters of the Markdown source).
CHAT_MESSAGE_MAX_CHARS = env_int("CHAT_MESSAGE_MAX_CHARS", default=10_000)

# --- Demo -------------------------------------------------------------------------------------------
# Ports of the local stand-ins `chancery demo` starts: the RSS fixture and the fake Mastodon and Bluesky
# servers (the seeded intelligence source and outreach accounts point at them).
DEMO_FEED_PORT = env_int("DEMO_FEED_PORT", default=8091)
DEMO_MASTODON_PORT = env_int("DEMO_MASTODON_PORT", default=8701)
DEMO_BLUESKY_PORT = env_int("DEMO_BLUESKY_PORT", default=8702)

# --- Intelligence -----------------------------------------------------------------------------------
# Hosts or networks (CIDR) that source polling may reach although private, loopback or link-local (the safe
# fetcher refuses them otherwise, after DNS resolution and on every redirect). Empty: public addresses only.
INTEL_FETCH_ALLOWLIST = env_list("INTEL_FETCH_ALLOWLIST", [])
# Spike alerts: a country's or topic's daily volume (or mean tone) against its trailing window's mean and
# standard deviation; at least INTEL_SPIKE_MIN_COUNT stories on the day, and |z| >= INTEL_SPIKE_Z.
INTEL_SPIKE_WINDOW_DAYS = env_int("INTEL_SPIKE_WINDOW_DAYS", default=28)
INTEL_SPIKE_MIN_COUNT = env_int("INTEL_SPIKE_MIN_COUNT", default=5)
INTEL_SPIKE_Z = 3.0
# A deployment's own ONNX sentiment transformer (docs/models/onnx.md): its directory (empty: the built-in linear
# models serve every language) and the comma-separated ISO 639-1 codes it serves ("*": every language).
INTEL_ONNX_SENTIMENT_DIR = env_str("INTEL_ONNX_SENTIMENT_DIR", "")
INTEL_ONNX_SENTIMENT_LANGS = env_str("INTEL_ONNX_SENTIMENT_LANGS", "en")
# The live event stream: seconds between database polls and between heartbeats.
EVENTS_POLL_SECONDS = 1.0
EVENTS_HEARTBEAT_SECONDS = 15.0
# A stream ends after this many seconds and the browser reconnects with Last-Event-ID (nothing is lost).
EVENTS_STREAM_MAX_SECONDS = 60.0
# Delivered live events are kept this many days for clients that reconnect late, then purged by the worker.
EVENTS_RETENTION_DAYS = env_int("EVENTS_RETENTION_DAYS", default=7)
# --- Video meetings (the ministry's own Jitsi Meet; see docs/meetings.md) -------------------------------
# Without JITSI_URL, JITSI_APP_ID and a secret (HS256) or key file (RS256) no meeting room is created and the
# pages say so.
JITSI_URL = env_str("JITSI_URL")
JITSI_APP_ID = env_str("JITSI_APP_ID")
JITSI_SECRET = env_str("JITSI_SECRET")
JITSI_KEY_FILE = env_str("JITSI_KEY_FILE")
JITSI_KEY_ID = env_str("JITSI_KEY_ID")
JITSI_AUDIENCE = env_str("JITSI_AUDIENCE", "jitsi")
JITSI_SUBJECT = env_str("JITSI_SUBJECT")
# How a committed event wakes waiting streams at once: auto (Redis when CHANCERY_REDIS_URL is set, else
# PostgreSQL LISTEN/NOTIFY on PostgreSQL, else in-process), redis, postgres, local, or poll (no signal).
EVENTS_WAKEUP = env_str("EVENTS_WAKEUP", "auto")
if EVENTS_WAKEUP not in {"auto", "redis", "postgres", "local", "poll"}:
    raise SettingError("CHANCERY_EVENTS_WAKEUP must be auto, redis, postgres, local or poll: " + repr(EVENTS_WAKEUP))
