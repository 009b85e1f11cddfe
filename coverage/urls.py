from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("stories/<int:pk>/<slug:slug>/", views.StoryDetailView.as_view(), name="story_detail"),
]
