from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from meetings.urls import annotation_urlpatterns, reader_urlpatterns

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("files/", include("records.urls")),
    path("data/", include("meetings.urls")),
    path("api/annotations/", include(annotation_urlpatterns)),
    path("members/", include(reader_urlpatterns)),
    path("search/", include("search.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]
