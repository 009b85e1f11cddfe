"""Every page type fits a phone: nothing scrolls sideways, nothing overlaps, taps are big.

One browser visits each public page type and the moderation screens at 320, 390 and
1280 px and only reads what it gets: the document's scroll width, and the boxes of the
elements in the main content.
"""

import io

import pytest
from django.core.cache import cache
from playwright.sync_api import Page

from tests.test_validity import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390, 1280)
# The pages that test_validity does not reach (moderation, place, event, tag, login) get
# axe here too: light at 1280 px, dark at 390 px.
AXE_SCHEMES = {1280: "light", 390: "dark"}
AXE_HERE = {"tag", "place", "event", "login"} | {
    f"moderation: {queue}" for queue in ("pending", "flagged", "story", "reader")
}
AXE_RUN = (
    "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    ".map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target).join(' ')})`)"
)
PASSWORD = "correct horse battery staple"

# Reads the boxes of the main content: sibling elements that are laid out as boxes
# (not inline text runs, not out of flow, not visually hidden) must not intersect.
OVERLAPS = """() => {
  const boxy = (el) => {
    const style = getComputedStyle(el);
    if (["none", "inline", "contents"].includes(style.display)) return false;
    if (style.position === "absolute" || style.position === "fixed") return false;
    if (style.visibility === "hidden") return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const found = [];
  for (const parent of document.querySelectorAll("main, main *")) {
    if (parent.closest("svg") || parent.closest(".visually-hidden")) continue;
    const kids = [...parent.children].filter(boxy);
    for (let i = 0; i < kids.length; i++) {
      const a = kids[i].getBoundingClientRect();
      for (let j = i + 1; j < kids.length; j++) {
        const b = kids[j].getBoundingClientRect();
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) {
          const name = (el) => el.tagName.toLowerCase()
            + (typeof el.className === "string" && el.className ? "." + el.className : "");
          found.push(`${name(kids[i])} overlaps ${name(kids[j])} in ${name(parent)}`);
        }
      }
    }
  }
  return found.slice(0, 5);
}"""

# When the page is too wide: the outermost elements that stick out, to say where.
STICKING_OUT = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter((el) => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
    { if (getComputedStyle(a).overflowX !== "visible") return false; } return true; })
  .filter((el) => !el.parentElement
    || el.parentElement.getBoundingClientRect().right <= document.documentElement.clientWidth + 1)
  .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))
  .slice(0, 3)"""

# Controls a finger has to hit: buttons, form fields and navigation links (links inside
# running text are exempt, as in WCAG 2.5.8).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "button, select, nav a, .pager a, summary,"
    + " input:not([type=hidden]):not([type=checkbox]):not([type=radio])")]
  .filter((el) => !el.closest(".visually-hidden"))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.width > 0 && r.height > 0 && r.height < 43.5)
  .map(([el, r]) => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || "").trim()}"`
    + ` is ${Math.round(r.height)} px high`)
  .slice(0, 5)"""


def large_photo():
    """A 1,600 × 1,000 px photo file, as an editor would upload it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 1000), (40, 90, 160)).save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("harbour.jpg", buffer.getvalue(), content_type="image/jpeg")


def pages_to_check(tmp_path, settings) -> dict[str, str]:
    from django.urls import reverse

    from accounts.tests.factories import UserFactory
    from articles.images import image_saved
    from articles.models import Article, ArticleImage, Image
    from comments.tests.factories import CommentFactory
    from coverage.models import Story
    from entities.models import Event, Person, Place
    from entities.tests.factories import EventFactory, PlaceFactory
    from search.services import search_terms_rebuild

    settings.MEDIA_ROOT = tmp_path
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    image = Image.objects.create(file=large_photo(), alt_text="The harbour at dawn")
    image_saved(image=image)
    placement = article.images.order_by("position").first()
    if placement is None:
        ArticleImage.objects.create(article=article, position=0, image=image)
    else:
        placement.image = image
        placement.save(update_fields=["image"])
    article.tags.add("Kashmir")
    story = Story.objects.get()
    place = Place.objects.order_by("pk").first() or PlaceFactory()
    event = Event.objects.order_by("pk").first() or EventFactory()
    reader = UserFactory(username="reader")
    for text in ("A first comment", "A " + "very" * 40 + " long word", "Third"):
        CommentFactory(article=article, author=reader, body=text, status="pending")
    search_terms_rebuild()
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "story": story.get_absolute_url(),
        "section": reverse("articles:section", args=["regional"]),
        "tag": reverse("articles:tag", args=["kashmir"]),
        "outlet": article.outlet.get_absolute_url(),
        "person": Person.objects.get(slug="sergey-lavrov").get_absolute_url(),
        "place": place.get_absolute_url(),
        "event": event.get_absolute_url(),
        "search": "/search/?q=Lavrov",
        "login": "/accounts/login/",
        "moderation: pending": "/moderation/",
        "moderation: flagged": "/moderation/?status=flagged",
        "moderation: story": f"/moderation/stories/{story.pk}/",
        "moderation: reader": f"/moderation/users/{reader.pk}/",
    }


def log_in_as_moderator(page: Page, base_url: str) -> None:
    from accounts.tests.factories import UserFactory

    user = UserFactory(username="mo", email="mo@example.com", role="moderator")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    page.goto(f"{base_url}/accounts/login/?next=/moderation/")
    page.locator("input[name=login]").fill("mo@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base_url}/moderation/")


def test_no_page_scrolls_sideways_or_overlaps_from_320_px_up(
    live_server, browser, seed_demo, tmp_path, settings
):
    cache.clear()
    pages = pages_to_check(tmp_path, settings)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    problems = []
    for name, path in pages.items():
        if name.startswith("moderation") and not context.cookies():
            log_in_as_moderator(page, live_server.url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(live_server.url + path)
            assert response.status == 200, (name, response.status)
            page.wait_for_load_state("load")
            sizes = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if sizes[0] > sizes[1]:
                culprits = ", ".join(page.evaluate(STICKING_OUT))
                problems.append(f"{name} at {width} px: {sizes[0]} px wide ({culprits})")
            problems += [f"{name} at {width} px: {o}" for o in page.evaluate(OVERLAPS)]
            if width < 1280:
                problems += [f"{name} at {width} px: {s}" for s in page.evaluate(SMALL_TARGETS)]
            if width in AXE_SCHEMES and name in AXE_HERE and AXE.exists():
                page.emulate_media(color_scheme=AXE_SCHEMES[width])
                page.evaluate(AXE.read_text())
                problems += [
                    f"{name} at {width} px, {AXE_SCHEMES[width]}: {v}"
                    for v in page.evaluate(AXE_RUN)
                ]
                page.emulate_media(color_scheme="light")
        if name == "article":
            box = page.get_by_role("img", name="The harbour at dawn").bounding_box()
            assert box is not None and box["width"] <= 1280, "the photo fits the page"
    context.close()
    cache.clear()
    assert problems == []
