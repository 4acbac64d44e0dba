from __future__ import annotations

from django.urls import path

from records.views.download import download_record

# Not namespaced, like the project's other URL names ("meetings_agenda_builder"),
# and as the meetings templates use it: {% url 'records_download' record_id %}.
urlpatterns = [
    path("<int:pk>/", download_record, name="records_download"),
]
