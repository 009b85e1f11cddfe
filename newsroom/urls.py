from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.views import HomeView

from .health import healthz
from .sitemaps import news_sitemap, robots_txt, sitemap_index, sitemap_section

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("articles.urls")),
    path("", include("coverage.urls")),
    path("", include("sources.urls")),
    path("", include("search.urls")),
    path("", include("mentions.urls")),
    path("", include("comments.urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", news_sitemap, name="sitemap_news"),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap_section"),
]

# A database outage raised outside a view is a 503 too (newsroom/middleware.py).
handler500 = "newsroom.middleware.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
