from django.urls import path

from . import feeds, views

app_name = "coverage"

urlpatterns = [
    path("stories/<int:pk>/<slug:slug>/", views.StoryDetailView.as_view(), name="story_detail"),
    path("stories/<int:pk>/feed.rss", feeds.StoryFeed(), name="story_rss"),
    path("stories/<int:pk>/feed.atom", feeds.StoryAtomFeed(), name="story_atom"),
]
