from django.urls import path

from meetings.views import votes

urlpatterns = [
    path("votes.csv", votes.votes_csv, name="meetings_votes_csv"),
    path("votes.json", votes.votes_json, name="meetings_votes_json"),
]
