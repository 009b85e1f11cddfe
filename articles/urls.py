from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path(
        "articles/<int:pk>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"
    ),
    path("articles/<int:pk>/", views.article_by_id, name="article_by_id"),
    path("preview/<str:token>/", views.article_preview, name="preview"),
]
