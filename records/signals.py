"""Signals the records app sends, for apps that keep copies of record content."""

from django.dispatch import Signal

# Sent with `record=` after a record's content was destroyed or transferred
# away: derived copies elsewhere (compiled board packs) must be marked.
record_content_removed = Signal()
