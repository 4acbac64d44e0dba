from django.urls import path

from meetings.views import annotations_api, reader, votes

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

# The members' portal and pack reader; council/urls.py mounts these at /members/.
reader_urlpatterns = [
    path("", reader.portal, name="meetings_portal"),
    path("meetings/<int:meeting_id>/read/", reader.reader, name="meetings_reader"),
    path(
        "meetings/<int:meeting_id>/agenda/",
        reader.agenda,
        name="meetings_reader_agenda",
    ),
    path("packs/readable/", reader.readable_packs, name="meetings_readable_packs"),
    path("sw.js", reader.service_worker, name="meetings_reader_sw"),
    path("manifest.webmanifest", reader.manifest, name="meetings_reader_manifest"),
    path("sign-out/", reader.sign_out, name="meetings_sign_out"),
]
