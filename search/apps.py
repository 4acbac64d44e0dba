from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from records.selectors import RECORD_SEARCH
        from search import signal_handlers
        from search.selectors import matching_record_ids

        signal_handlers.connect()
        # Holds over a saved search find records through the search engine.
        RECORD_SEARCH.append(matching_record_ids)
