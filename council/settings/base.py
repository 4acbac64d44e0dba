"""Settings shared by every environment. Values that vary come from env.py."""

from __future__ import annotations

from pathlib import Path

from . import env

BASE_DIR = env.BASE_DIR
PROJECT_DIR = BASE_DIR / "council"

DEBUG = False
SECRET_KEY = env.env_str("SECRET_KEY")
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "council",
    "meetings",
    "records",
    "search",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Signing out wipes the reader's offline copies (Clear-Site-Data);
    # members signing in land on their meetings, not the admin.
    "meetings.middleware.ClearOfflineCopiesOnSignOut",
    "meetings.middleware.SendMembersToTheirMeetings",
]

ROOT_URLCONF = "council.urls"
WSGI_APPLICATION = "council.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "council.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "wagtailadmin_login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.env_str("TIME_ZONE", "America/Toronto")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.env_str("STATIC_ROOT", str(BASE_DIR / "static_collected")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = env.storage_config(MEDIA_ROOT)
# pdf.js for the members' pack reader: npm's pdfjs-dist, installed by `make
# setup` (`npm ci`, never committed), served as static files under
# /static/pdfjs/ (collectstatic copies them in production).
PDFJS_DIR = BASE_DIR / "node_modules" / "pdfjs-dist"
STATICFILES_DIRS = [
    (f"pdfjs/{part}", PDFJS_DIR / part)
    for part in ("build", "web", "cmaps", "standard_fonts", "wasm", "iccs")
]

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

WAGTAIL_SITE_NAME = "Quorum"
WAGTAILADMIN_BASE_URL = env.env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = env.search_backend_config()
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

QUORUM_CITY_NAME = env.env_str("QUORUM_CITY_NAME", "City of Port Alder")
# Largest upload accepted; the web server's request-body limit must allow it.
QUORUM_MAX_UPLOAD_BYTES = env.env_int("QUORUM_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Every record is re-hashed at least this often (records.fixity).
QUORUM_FIXITY_MAX_AGE_DAYS = env.env_int("QUORUM_FIXITY_MAX_AGE_DAYS", 30)
# Where records transferred to the archives are written as BagIt packages
# (a directory the archives collect from, e.g. a mounted share).
QUORUM_TRANSFER_DIR = env.env_str("QUORUM_TRANSFER_DIR", str(env.VAR_DIR / "transfers"))

# The paper-saved dashboard: a pack read on screen saves one printed copy per
# seat of the body plus these (clerk, minute book, public counter...).
QUORUM_PAPER_EXTRA_COPIES = env.env_int("QUORUM_PAPER_EXTRA_COPIES", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("LOG_LEVEL", "INFO")},
    # fpdf2's font subsetting reports every table it prunes at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
