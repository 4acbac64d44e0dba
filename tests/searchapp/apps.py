from django.apps import AppConfig


class SearchAppConfig(AppConfig):
    """Models that exist only in tests, to exercise the search backend."""

    name = "tests.searchapp"
    label = "searchapp"
    default_auto_field = "django.db.models.BigAutoField"
