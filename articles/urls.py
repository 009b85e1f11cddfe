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
    path("people/<slug:slug>/feed.rss", feeds.entity_feed("person"), name="person_rss"),
    path("people/<slug:slug>/feed.atom", feeds.entity_feed("person", True), name="person_atom"),
    path("places/<slug:slug>/feed.rss", feeds.entity_feed("place"), name="place_rss"),
    path("places/<slug:slug>/feed.atom", feeds.entity_feed("place", True), name="place_atom"),
    path("events/<slug:slug>/feed.rss", feeds.entity_feed("event"), name="event_rss"),
    path("events/<slug:slug>/feed.atom", feeds.entity_feed("event", True), name="event_atom"),
    path("feeds/latest.atom", feeds.LatestArticlesAtomFeed(), name="latest_atom"),
]
