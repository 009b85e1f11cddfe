from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/on/<int:article_id>/", views.CommentPostView.as_view(), name="post"),
    path("comments/<int:pk>/edit/", views.CommentEditView.as_view(), name="edit"),
    path("comments/<int:pk>/delete/", views.CommentDeleteView.as_view(), name="delete"),
    path("comments/<int:pk>/report/", views.CommentFlagView.as_view(), name="flag"),
    path("moderation/", views.QueueView.as_view(), name="queue"),
    path("moderation/stories/<int:story_id>/", views.QueueView.as_view(), name="story_queue"),
    path("moderation/act/", views.ModerateView.as_view(), name="moderate"),
    path(
        "moderation/<str:kind>/<int:pk>/<str:verb>/",
        views.ClosureView.as_view(),
        name="closure",
    ),
    path("moderation/users/<int:pk>/", views.CommenterView.as_view(), name="commenter"),
]
