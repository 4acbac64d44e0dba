"""Search backends for modelsearch (Wagtail search).

`search.backends.whoosh` is Quorum's embedded backend: set
``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.whoosh",
"PATH": ...}}`` (``QUORUM_SEARCH_BACKEND=whoosh``).
"""
