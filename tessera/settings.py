"""Tessera settings: one module, driven by environment variables.

SQLite is the embedded default so the demo needs no server; DATABASE_URL switches to PostgreSQL.
Every variable is documented in docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.utils import get_random_secret_key

from tessera.env import (
    ConfigurationError,
    check_demo_hosts,
    database_config,
    demo_secret_key,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TESSERA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("TESSERA_DEBUG", False)
# Demo mode: a synthetic installation served on this machine only, with DEBUG off (so people see Tessera's
# own error pages), plain HTTP, known demo passwords and `manage.py demo_code`. Never in production: it
# refuses any host name other than this machine's loopback addresses.
DEMO_MODE = env_bool("TESSERA_DEMO", False)
ALLOWED_HOSTS = env_list("TESSERA_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
if DEMO_MODE:
    check_demo_hosts(ALLOWED_HOSTS)
SECRET_KEY = env_str("TESSERA_SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO_MODE:
        SECRET_KEY = demo_secret_key(VAR_DIR)
    elif DEBUG:
        SECRET_KEY = "insecure-development-key-" + get_random_secret_key()
    else:
        raise ConfigurationError("TESSERA_SECRET_KEY must be set when TESSERA_DEBUG is off")

# HTTPS-only cookies and HSTS follow DEBUG (and demo mode) unless a deployment says otherwise explicitly.
HTTPS = env_bool("TESSERA_HTTPS", not DEBUG and not DEMO_MODE)

INSTALLED_APPS = [
    # The UI kit comes first so its GOV.UK widget templates override Django's defaults.
    "tessera.ui",
    "tessera.web",
    "tessera.core",
    "tessera.accounts",
    "tessera.access",
    "tessera.audit",
    "tessera.jobs",
    "tessera.administration",
    "tessera.api",
    "tessera.people",
    "tessera.cases",
    "tessera.referrals",
    "tessera.risk",
    "tessera.missing",
    "tessera.imports",
    "tessera.linkage",
    "tessera.information",
    "tessera.intelligence",
    "tessera.network",
    "tessera.earlywarning",
    "tessera.synth",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their caching; every other response is never cached.
    "tessera.web.middleware.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signs out a user idle past the limit, without writing the session on every request.
    "tessera.accounts.middleware.IdleSignOutMiddleware",
    # Every page needs a signed-in user unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # django-otp's middleware, taking the device check from the user query when it can (ADR 0023).
    "tessera.accounts.middleware.SecondFactorMiddleware",
    "tessera.accounts.middleware.RequireSecondFactorMiddleware",
    # Every 403 and 404 a signed-in user gets writes a refused row to the access log (issue 17, Found 5).
    "tessera.access.refusals.RefusalLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tessera.urls"
WSGI_APPLICATION = "tessera.wsgi.application"

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
                "tessera.web.context_processors.navigation",
            ],
            "builtins": ["tessera.ui.templatetags.govuk"],
        },
    }
]
# Forms render through project templates, so every widget gets GOV.UK markup without per-form work.
FORM_RENDERER = "tessera.ui.renderers.GovukFormRenderer"

DATABASES = {"default": database_config(str(VAR_DIR / "tessera.sqlite3"))}
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and DATABASES["default"]["NAME"] != ":memory:":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, loading the user's agency in the same query (ADR 0023).
    "tessera.accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("TESSERA_PASSWORD_MIN_LENGTH", 12, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "TESSERA_PASSWORD_HASHERS",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "web:home"

# A session ends after a period of inactivity (a signed activity cookie, refreshed by every response, so a
# page view never writes the session table) and, whatever the activity, at the end of a working shift.
SESSION_IDLE_SECONDS = env_int("TESSERA_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_COOKIE_AGE = env_int("TESSERA_SESSION_MAX_HOURS", 10, minimum=1) * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and env_bool("TESSERA_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TESSERA_BEHIND_PROXY", False) else None
)
# A load balancer may poll the health endpoint over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict policy in every mode, so the tests see what production sees: no inline script or style.
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

# Repeated wrong passwords lock the user name, from every address, for a cooling-off period (ADR 0014): the
# number of guesses at one account does not grow with the number of machines guessing. The lockout ends on
# time even if guessing goes on, so someone who knows a colleague's user name can delay them by minutes,
# never lock them out for good.
AXES_FAILURE_LIMIT = env_int("TESSERA_SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("TESSERA_SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# axes warns when the address is not part of the lockout; by design it is not (see above and ADR 0014).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "tessera.accounts.views.locked_out"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Tessera"

# Set-password links for new users (tessera.accounts.password_link) are emailed from here and last this long.
TESSERA_SITE_URL = env_str("TESSERA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PASSWORD_RESET_TIMEOUT = env_int("TESSERA_SET_PASSWORD_LINK_DAYS", 3, minimum=1) * 86400
DEFAULT_FROM_EMAIL = env_str("TESSERA_MAIL_FROM", "tessera@localhost")
EMAIL_HOST = env_str("TESSERA_MAIL_HOST", "localhost")
EMAIL_PORT = env_int("TESSERA_MAIL_PORT", 25, minimum=1)
EMAIL_USE_TLS = env_bool("TESSERA_MAIL_TLS", False)
# The demo writes each email to a file in var/mail instead of sending it.
EMAIL_BACKEND = (
    "django.core.mail.backends.filebased.EmailBackend"
    if DEMO_MODE
    else env_str("TESSERA_MAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
)
EMAIL_FILE_PATH = VAR_DIR / "mail"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# The locale's formats win over DATE_FORMAT settings, so Tessera's own live in tessera/formats/en_GB.
FORMAT_MODULE_PATH = ["tessera.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list[Path] = []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tessera.api.permissions.SignedInWithSecondFactor"],
    # JSON only: the browsable API would need its own styles and scripts outside the CSP.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tessera API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["tessera.api.permissions.SignedInWithSecondFactor"],
}

# Break-glass access lasts this long before the user must give a reason again.
BREAK_GLASS_HOURS = env_int("TESSERA_BREAK_GLASS_HOURS", 4, minimum=1)
# Missing episodes in 90 days at which the child's case team is prompted to hold a strategy discussion.
TESSERA_MISSING_STRATEGY_COUNT = env_int("TESSERA_MISSING_STRATEGY_COUNT", 3, minimum=1)
# At most this many records opened with emergency access by one person in any hour.
BREAK_GLASS_PER_HOUR = env_int("TESSERA_BREAK_GLASS_PER_HOUR", 5, minimum=1)

# The access log's keyed chain (tessera.audit.keys, docs/operations.md): the key is held outside the
# database, and signed checkpoints of the sealed head go to a file outside it too. Demo and development
# make a key in var/ when there is none; production refuses to seal without one.
AUDIT_KEY = env_str("TESSERA_AUDIT_KEY", "")
AUDIT_KEY_FILE = Path(env_str("TESSERA_AUDIT_KEY_FILE", str(VAR_DIR / "audit-chain.key")))
AUDIT_KEY_GENERATE = DEMO_MODE or DEBUG
AUDIT_CHECKPOINT_FILE = Path(
    env_str("TESSERA_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl"))
)
# The background worker seals new access-log rows this often.
AUDIT_SEAL_SECONDS = env_int("TESSERA_AUDIT_SEAL_SECONDS", 10, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TESSERA_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The chronology PDF is set in Liberation Sans (Debian's fonts-liberation, installed by make).
TESSERA_PDF_FONT_DIR = env_str("TESSERA_PDF_FONT_DIR", "/usr/share/fonts/truetype/liberation")
