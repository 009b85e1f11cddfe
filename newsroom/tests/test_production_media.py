"""Production serves uploaded media: nginx in front of gunicorn, renditions by the worker.

The stack is started as an operator would (`python -m newsroom.supervise prod`,
production settings) against the test database; an editor uploads an image through
the admin, and the worker makes its renditions.
"""

import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from accounts.tests.factories import UserFactory
from articles.models import ArticleImage, Image, ImageRendition
from articles.tests.factories import ArticleFactory
from newsroom.tests.production import (
    collected_static,  # noqa: F401 - fixture
    running_site,
    site_dir,  # noqa: F401 - fixture
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def site(site_dir, collected_static, settings):  # noqa: F811
    # This process uploads like the site's gunicorn would: same media, tasks in the
    # database for the site's worker to run.
    settings.MEDIA_ROOT = site_dir / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with running_site(site_dir, collected_static) as running:
        yield running


def png_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (2000, 1000), (30, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile("harbour.png", buffer.getvalue(), content_type="image/png")


def test_uploaded_image_renditions_and_og_image_are_served_with_long_cache_headers(client, site):
    client.force_login(UserFactory(role="editor"))
    response = client.post(
        reverse("admin:articles_image_add"),
        {"file": png_upload(), "alt_text": "The harbour at dawn", "caption": "", "credit": ""},
    )
    assert response.status_code == 302
    image = Image.objects.get()
    article = ArticleFactory()
    ArticleImage.objects.create(article=article, position=0, image=image)

    wait_for(lambda: ImageRendition.objects.filter(image=image).count() >= 6, timeout=90)
    renditions = list(ImageRendition.objects.filter(image=image))
    assert {r.width for r in renditions} == {480, 960, 1600}

    status, _headers, body = site.get(article.get_absolute_url())
    assert status == 200
    page = body.decode()
    og_image = unescape(re.search(r'<meta property="og:image" content="([^"]+)"', page)[1])
    assert og_image == f"{site.url}{image.file.url}"
    status, headers, data = site.get(og_image.removeprefix(site.url))
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert headers["Cache-Control"] == "public, max-age=86400"  # an original's name may return
    assert data == image.file.open("rb").read()

    offered = [r for r in renditions if r.format != "jpeg"]  # JPEG: the <img> fallback
    assert all(r.file.url in page for r in offered)  # in srcset once the worker made them
    for rendition in renditions:
        status, headers, _data = site.get(rendition.file.url)
        assert status == 200, rendition.file.url
        assert headers["Content-Type"] == f"image/{rendition.format}"
        assert headers["Cache-Control"] == IMMUTABLE

    assert site.get("/media/imports/")[0] == 404  # uploaded import files are not public
