"""Public URLs of articles, their previews, sections, tags and feeds."""

from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path(
        "articles/<int:pk>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"
    ),
    path("articles/<int:pk>/", views.article_by_id, name="article_by_id"),
    path("preview/<str:token>/", views.article_preview, name="preview"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("sections/<slug:slug>/feed.rss", feeds.SectionFeed(), name="section_rss"),
    path("sections/<slug:slug>/feed.atom", feeds.SectionAtomFeed(), name="section_atom"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed.rss", feeds.TagFeed(), name="tag_rss"),
    path("tags/<slug:slug>/feed.atom", feeds.TagAtomFeed(), name="tag_atom"),
    path("feeds/latest.rss", feeds.LatestArticlesFeed(), name="latest_rss"),
    path("feeds/latest.atom", feeds.LatestArticlesAtomFeed(), name="latest_atom"),
]
