from django.urls import path

from meetings.views import agenda_builder as views
from meetings.views import console

urlpatterns = [
    path(
        "<int:meeting_id>/agenda/",
        views.AgendaBuilderView.as_view(),
        name="meetings_agenda_builder",
    ),
    path(
        "<int:meeting_id>/agenda/sections/",
        views.add_section,
        name="meetings_add_section",
    ),
    path(
        "<int:meeting_id>/agenda/sections/<int:section_id>/items/",
        views.add_item,
        name="meetings_add_item",
    ),
    path(
        "<int:meeting_id>/agenda/items/<int:item_id>/files/",
        views.upload_attachment,
        name="meetings_upload_attachment",
    ),
    path(
        "<int:meeting_id>/agenda/files/<int:attachment_id>/remove/",
        views.remove_attachment,
        name="meetings_remove_attachment",
    ),
    path(
        "<int:meeting_id>/agenda/items/<int:item_id>/visibility/",
        views.set_visibility,
        name="meetings_set_visibility",
    ),
    path(
        "<int:meeting_id>/agenda/items/<int:item_id>/remove/",
        views.remove_item,
        name="meetings_remove_item",
    ),
    path(
        "<int:meeting_id>/agenda/items/<int:item_id>/move/<str:direction>/",
        views.move_item,
        name="meetings_move_item",
    ),
    path("<int:meeting_id>/agenda/order/", views.reorder, name="meetings_reorder"),
    path(
        "<int:meeting_id>/agenda/place/<int:submission_id>/",
        views.place_submission,
        name="meetings_place_submission",
    ),
    path("<int:meeting_id>/agenda/publish/", views.publish, name="meetings_publish"),
    path(
        "<int:meeting_id>/agenda/packs/", views.pack_status, name="meetings_pack_status"
    ),
    path("<int:meeting_id>/console/", console.console, name="meetings_console"),
    path("<int:meeting_id>/console/act/", console.act, name="meetings_console_act"),
]
