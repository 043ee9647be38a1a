"""Django settings for Vigil, read from environment variables.

``.env.example`` at the repository root documents every variable.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from vigil import environment as env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env.read_path("VIGIL_DATA_DIR", BASE_DIR.parent / "var")

DEBUG = env.read_bool("VIGIL_DEBUG", False)
SECRET_KEY = env.read_secret_key("VIGIL_SECRET_KEY", DATA_DIR)
ALLOWED_HOSTS = env.read_list("VIGIL_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.read_list("VIGIL_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "js_lib_htmx",
    "vigil.accounts",
    "vigil.organisations",
    "vigil.audit",
    "vigil.catalog",
    "vigil.assessments",
    "vigil.accesslog",
    "vigil.registers",
    "vigil.registers.activities",
    "vigil.registers.consultants",
    "vigil.registers.sites",
    "vigil.registers.inventory",
    "vigil.registers.authorisations",
    "vigil.registers.incidents",
    "vigil.registers.backups",
    "vigil.plans.security",
    "vigil.plans.audits",
    "vigil.plans.risks",
    "vigil.plans.continuity",
    "vigil.plans.annual",
    "vigil.reminders",
    "vigil.reports",
    "vigil.operations",
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
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": env.read_database("DATABASE_URL", DATA_DIR / "vigil.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one request writes; IMMEDIATE makes a writing
    # transaction take the lock at its start instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "organisations:choose"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_VALIDATORS}.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.read_choice("VIGIL_LANGUAGE", "nl", ["nl", "fr", "en"])
# Language of the vigil command's messages. Documents that a command writes
# keep their own --language option.
VIGIL_CLI_LANGUAGE = env.read_choice("VIGIL_CLI_LANGUAGE", "en", ["nl", "fr", "en"])
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise warns on every start while the collected-files folder is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The project's own static files, because "vigil" itself is no installed app.
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"

# The catalog version a centre's first questionnaire uses.
VIGIL_DEFAULT_CATALOG = env.read_str("VIGIL_DEFAULT_CATALOG", "ksz-mn-2005")
# The day (MM-DD) of the following year by which a year's questionnaire is
# due. The supervisor sets it in its yearly campaign; adjust it to that date.
VIGIL_QUESTIONNAIRE_DUE = env.read_month_day("VIGIL_QUESTIONNAIRE_DUE", "03-31")
# Holders a master key may have before the key register warns (norm 4.3.1).
VIGIL_MASTER_KEY_MAX_HOLDERS = env.read_int("VIGIL_MASTER_KEY_MAX_HOLDERS", 3)

# Evidence uploads: size in bytes and the file name extensions accepted.
EVIDENCE_MAX_BYTES = env.read_int(
    "VIGIL_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1
)
EVIDENCE_EXTENSIONS = env.read_list(
    "VIGIL_EVIDENCE_EXTENSIONS",
    [
        "pdf",
        "odt",
        "ods",
        "docx",
        "xlsx",
        "txt",
        "csv",
        "png",
        "jpg",
        "jpeg",
        "msg",
        "eml",
    ],
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Access log: seconds between two signed checkpoints (0 signs one after every
# ingested batch) and days after which an entry's content is emptied. The
# maxima, about 1,000 years each, keep both periods within the range of
# Python's timedelta, and the start of the retention period after the year 1,
# the earliest year a datetime can represent. Larger values made ingestion,
# expiry, proofs and the verification fail with OverflowError.
MAX_CHECKPOINT_INTERVAL_SECONDS = 1000 * 365 * 24 * 60 * 60
MAX_ACCESSLOG_RETENTION_DAYS = 365_000
VIGIL_CHECKPOINT_INTERVAL_SECONDS = env.read_int(
    "VIGIL_CHECKPOINT_INTERVAL_SECONDS",
    0,
    minimum=0,
    maximum=MAX_CHECKPOINT_INTERVAL_SECONDS,
)
VIGIL_ACCESSLOG_RETENTION_DAYS = env.read_int(
    "VIGIL_ACCESSLOG_RETENTION_DAYS",
    3650,
    minimum=1,
    maximum=MAX_ACCESSLOG_RETENTION_DAYS,
)
# Entries up to which the "Verify now" button of the access-log page verifies
# the log within the request. A larger log is left to
# ``vigil accesslog verify``, because the request would take too long.
VIGIL_ACCESSLOG_WEB_VERIFY_MAX_ENTRIES = env.read_int(
    "VIGIL_ACCESSLOG_WEB_VERIFY_MAX_ENTRIES", 2_000_000, minimum=0
)
# Largest body of a request to the access-log API, in bytes (5 MiB).
VIGIL_ACCESSLOG_API_MAX_BYTES = env.read_int(
    "VIGIL_ACCESSLOG_API_MAX_BYTES", 5 * 1024 * 1024, minimum=1024
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.read_bool("VIGIL_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

MAILERS = {
    "default": env.read_mailer(
        "VIGIL_EMAIL", "django.core.mail.backends.console.EmailBackend"
    )
}
DEFAULT_FROM_EMAIL = env.read_str("VIGIL_FROM_EMAIL", "vigil@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {"denied": {"()": "vigil.logfilters.DeniedWithoutTraceback"}},
    "loggers": {"django.request": {"filters": ["denied"]}},
    "root": {
        "handlers": ["console"],
        "level": env.read_choice(
            "VIGIL_LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"]
        ),
    },
}
