"""A real Varnish (deploy/varnish/newsroom.vcl, xkey vmod) in front of a live server:
a purge by key drops exactly the pages that name that key (issue 22).

varnishd comes from Debian's varnish and varnish-modules packages; the test skips
with a reason without them, except under CI=true, where .ci/run installs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from coverage.services import story_update
from coverage.tests.factories import EditorFactory
from newsroom.tests.production import free_port
from pagecache.invalidation import purge

VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")
VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "newsroom.vcl"


def require_varnish() -> None:
    if VARNISHD and list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but varnishd or its xkey vmod is missing: .ci/run installs them")
    pytest.skip("varnishd or the xkey vmod not found (apt-get install varnish varnish-modules)")


def fetch(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.headers, response.read().decode()


@pytest.fixture
def varnish(live_server, tmp_path):
    """varnishd on a free port with the committed VCL, its backend the live server."""
    require_varnish()
    backend = urlsplit(live_server.url)
    text = VCL.read_text()
    rendered = text.replace('.host = "127.0.0.1";', f'.host = "{backend.hostname}";').replace(
        '.port = "8000";', f'.port = "{backend.port}";'
    )
    assert rendered != text, "the VCL's backend is no longer where the test looks for it"
    vcl = tmp_path / "newsroom.vcl"
    vcl.write_text(rendered)
    port = free_port()
    command = [
        VARNISHD,
        "-F",  # in the foreground: this process is varnishd's manager
        "-n", str(tmp_path / "work"),
        "-j", "none",  # no privilege separation: tmp_path is this user's alone
        "-a", f"127.0.0.1:{port}",
        "-T", "127.0.0.1:0",
        "-f", str(vcl),
        "-s", "malloc,32m",
        "-p", "thread_pools=1",
        "-p", "thread_pool_min=5",
    ]  # fmt: skip
    log = (tmp_path / "varnishd.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            fetch(url + "/healthz")
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("varnishd did not start:\n" + (tmp_path / "varnishd.log").read_text())
            time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def story_of(headline: str, title: str) -> Story:
    story = Story.objects.create(title=title, slug=title.lower())
    StoryArticle.objects.create(story=story, article=ArticleFactory(headline=headline))
    return story


def cache_state(url: str) -> str:
    headers, _ = fetch(url)
    assert "xkey" not in headers  # the keys are for Varnish, not for readers
    return headers["X-Cache"]


@pytest.mark.django_db(transaction=True)
def test_a_purge_by_key_drops_exactly_the_pages_that_name_that_key(varnish, settings):
    settings.HTTP_CACHE_PURGE_URLS = [varnish + "/"]
    harbour = story_of("Ferries resume after the strike", "Harbour")
    museum = story_of("Museum reopens its east wing", "Museum")
    page_a = varnish + harbour.get_absolute_url()
    page_b = varnish + museum.get_absolute_url()
    for page in (page_a, page_b):
        assert [cache_state(page), cache_state(page)] == ["MISS", "HIT"]

    # An editor's change commits; the site purges the story's keys from Varnish.
    story_update(story=harbour, title="Harbour", summary="Ferries run again.", by=EditorFactory())

    headers, body = fetch(page_a)
    assert headers["X-Cache"] == "MISS"
    assert "Ferries run again." in body
    headers, _ = fetch(page_b)
    assert headers["X-Cache"] == "HIT"
    assert int(headers["Age"]) >= 0

    # A purge naming only B's key drops B, and A stays.
    assert cache_state(page_a) == "HIT"
    purge({f"story:{museum.pk}"})
    assert [cache_state(page_a), cache_state(page_b)] == ["HIT", "MISS"]

    # Purging everything (a deploy) bans both.
    purge({"all"})
    assert [cache_state(page_a), cache_state(page_b)] == ["MISS", "MISS"]


@pytest.mark.django_db(transaction=True)
def test_varnish_passes_requests_with_cookies_and_refuses_purges_without_keys(varnish):
    story = story_of("Ferries resume after the strike", "Harbour")
    page = varnish + story.get_absolute_url()
    cache_state(page)
    assert cache_state(page) == "HIT"
    headers, _ = fetch(page, Cookie="sessionid=abc")
    assert headers["X-Cache"] == "MISS"  # passed to the site, never from the cache
    request = urllib.request.Request(varnish + "/", method="PURGE")  # noqa: S310
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310
    assert refused.value.code == 400
