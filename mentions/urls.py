from django.urls import path

from . import feeds, views

# The namespace the entity pages and feeds have always had ("entities:person_detail"),
# kept when they moved here so that no URL name changed.
app_name = "entities"

urlpatterns = [
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("people/<slug:slug>/feed.rss", feeds.entity_feed("person"), name="person_rss"),
    path("people/<slug:slug>/feed.atom", feeds.entity_feed("person", True), name="person_atom"),
    path("places/<slug:slug>/feed.rss", feeds.entity_feed("place"), name="place_rss"),
    path("places/<slug:slug>/feed.atom", feeds.entity_feed("place", True), name="place_atom"),
    path("events/<slug:slug>/feed.rss", feeds.entity_feed("event"), name="event_rss"),
    path("events/<slug:slug>/feed.atom", feeds.entity_feed("event", True), name="event_atom"),
]
