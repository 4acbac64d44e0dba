from django.urls import path

from meetings.views import annotations_api, votes

urlpatterns = [
    path("votes.csv", votes.votes_csv, name="meetings_votes_csv"),
    path("votes.json", votes.votes_json, name="meetings_votes_json"),
]

# Members' annotations: private data, so not under the open-data /data/ prefix;
# council/urls.py mounts these at /api/annotations/.
annotation_urlpatterns = [
    path(
        "packs/<int:pack_id>/",
        annotations_api.pack_annotations,
        name="meetings_pack_annotations",
    ),
    path(
        "<int:annotation_id>/",
        annotations_api.annotation_detail,
        name="meetings_annotation",
    ),
    path(
        "meetings/<int:meeting_id>/export.txt",
        annotations_api.export_text,
        name="meetings_annotations_export_text",
    ),
    path(
        "meetings/<int:meeting_id>/export.html",
        annotations_api.export_html,
        name="meetings_annotations_export_html",
    ),
]
