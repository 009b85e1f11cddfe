"""`make screenshots`: home, story, article and moderation at 390 and 1280 px, light and dark.

Loads the demo into the development database (as `make run` does), adds three demo
readers' comments for the moderation queue once (through comments.services, so they
are held for review like any new reader's), serves the site on 127.0.0.1:8109 (or
SCREENSHOT_ADDR) and writes full-page PNGs into var/screenshots/. Run it under
`newsroom.localdb run` (the make target does).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT = BASE_DIR / "var" / "screenshots"
ADDR = os.environ.get("SCREENSHOT_ADDR", "127.0.0.1:8109")
SETTINGS = "newsroom.settings.dev"
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")
# The same launch arguments as the browser tests (conftest.py).
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_COMMENTS = (
    "The ferry timetable changes every winter; the council should publish it earlier.",
    "Buy cheap watches at example.com!!!",
    "Good summary. The Simla Agreement point deserves its own article.",
)


def manage(*args: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    subprocess.run([sys.executable, "manage.py", *args], check=True, cwd=BASE_DIR, env=env)  # noqa: S603


def demo_pages() -> tuple[dict[str, str], tuple[str, str]]:
    """Paths to photograph and the moderator's session cookie; demo comments for the
    queue are added once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from articles.models import Article
    from comments.models import Comment
    from comments.services import comment_post
    from coverage.models import Story

    story = Story.objects.order_by("-last_updated_at", "-pk").first()
    article = (
        Article.objects.published().filter(images__image__isnull=False).first()
        or Article.objects.published().order_by("published_at", "pk").first()
    )
    User = get_user_model()
    if not Comment.objects.exists():
        for number, body in enumerate(DEMO_COMMENTS):
            reader, _ = User.objects.get_or_create(
                username=f"demo-reader-{number}",
                defaults={"email": f"demo-reader-{number}@example.com"},
            )
            comment_post(article=article, author=reader, body=body, idempotency_key=uuid.uuid4())
    from django.conf import settings
    from django.test import Client

    client = Client()  # a session for the demo moderator, as if logged in
    client.force_login(User.objects.get(username="moderator"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = {
        "home": "/",
        "story": story.get_absolute_url() if story else "/",
        "article": article.get_absolute_url(),
        "moderation": "/moderation/",
    }
    return pages, (settings.SESSION_COOKIE_NAME, session)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def main() -> int:
    from playwright.sync_api import sync_playwright

    manage("load_demo", "--migrate")
    pages, (cookie, session) = demo_pages()
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", ADDR, "--noreload"], cwd=BASE_DIR, env=env
    )
    base = f"http://{ADDR}"
    written = []
    try:
        wait_for(base + "/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=LAUNCH_ARGS
            )
            for scheme in SCHEMES:
                context = browser.new_context(color_scheme=scheme)
                page = context.new_page()
                for name, path in pages.items():
                    if name == "moderation":
                        context.add_cookies([{"name": cookie, "value": session, "url": base}])
                    for width in WIDTHS:
                        page.set_viewport_size({"width": width, "height": 900})
                        page.goto(base + path)
                        target = OUT / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=True)
                        written.append(target)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    for target in written:
        print(target.relative_to(BASE_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
