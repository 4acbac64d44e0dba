from __future__ import annotations

from .base import *  # noqa: F403
from .env import dev_secret_key, env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or dev_secret_key()
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
