"""Readers comment and moderators moderate, in a real browser; hostile comments stay text."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from accounts.services import profile_update
from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory
from comments.models import Comment, CommentFlag
from comments.tests.factories import trusted_reader
from coverage.models import Story, StoryArticle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # allauth's per-address limits live in the cache
    yield
    cache.clear()


def verified(user):
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    return user


def log_in(page: Page, base_url: str, email: str, next_url: str = "/") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_url}")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_reader_signs_up_comments_is_moderated_replied_to_flagged_and_banned(
    live_server, page: Page, browser: Browser, settings
):
    settings.SITE_URL = live_server.url  # mail links to the site's address, as deployed
    page.set_default_timeout(8000)
    story = Story.objects.create(title="Harbour storm", slug="harbour-storm")
    article, sibling = ArticleFactory(headline="Harbour reopens"), ArticleFactory()
    for member in (article, sibling):
        StoryArticle.objects.create(story=story, article=member)
    verified(UserFactory(username="mo", email="mo@example.com", role="moderator"))
    replier = verified(trusted_reader(email="bo@example.com"))
    profile_update(user=replier, display_name="Bo Reply")
    article_url = f"{live_server.url}{article.get_absolute_url()}"

    # A logged-out reader is asked to log in, and sign-up starts from there.
    page.goto(article_url)
    expect(page.get_by_text("You must be logged in to post a comment")).to_be_visible()
    page.locator("#comments").get_by_role("link", name="sign up").click()
    page.locator("input[name=email]").fill("ana@example.com")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("input[name=display_name]").fill("Ana Lima")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    # The verification link from the mail logs her in.
    assert [m.to for m in mail.outbox] == [["ana@example.com"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # She comments; as a new commenter she sees it pending.
    page.goto(article_url)
    page.get_by_label("Your comment").fill(
        "The ferry timetable is wrong, see https://example.com/t"
    )
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is pending")).to_be_visible()
    expect(page.locator(".comment").filter(has_text="ferry timetable")).to_contain_text(
        "Pending review"
    )
    comment = Comment.objects.get(author__email="ana@example.com")
    assert comment.status == Comment.Status.PENDING

    # A moderator approves it in the story's queue.
    moderator = browser.new_context().new_page()
    moderator.set_default_timeout(8000)
    log_in(moderator, live_server.url, "mo@example.com")
    moderator.goto(f"{live_server.url}/moderation/stories/{story.pk}/")
    expect(moderator.locator("#pending-count")).to_have_text("1 pending")
    row = moderator.locator(f"#queue-comment-{comment.pk}")
    expect(row).to_contain_text("ferry timetable")
    row.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_text("Approved 1 comment.")).to_be_visible()

    # Everyone sees it now.
    anonymous = browser.new_context().new_page()
    anonymous.goto(article_url)
    expect(anonymous.locator(f"#comment-{comment.pk}")).to_contain_text("Ana Lima")
    expect(
        anonymous.locator(f"#comment-{comment.pk} a[rel='nofollow ugc noopener']")
    ).to_have_count(1)

    # Another reader replies and reports the comment.
    other = browser.new_context().new_page()
    other.set_default_timeout(8000)
    log_in(other, live_server.url, "bo@example.com", article.get_absolute_url())
    thread = other.locator(f"#comment-{comment.pk}")
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label("Reply to Ana Lima").fill("Thanks, the port site says the same.")
    thread.get_by_role("button", name="Post reply").click()
    expect(other.get_by_text("Your comment is published.")).to_be_visible()
    expect(other.locator(f"#comment-{comment.pk} .comment-replies")).to_contain_text("Bo Reply")
    other.locator(f"#comment-{comment.pk} > article").get_by_role("link", name="Report").click()
    other.get_by_label("Spam").check()
    other.get_by_label("Anything moderators should know").fill("Link looks like an ad")
    other.get_by_role("button", name="Report").click()
    expect(other.get_by_text("moderators will look at this comment")).to_be_visible()
    assert CommentFlag.objects.filter(comment=comment).count() == 1
    assert any(m.to == ["ana@example.com"] for m in mail.outbox[1:])  # reply notification

    # The flag reaches the story queue.
    moderator.goto(f"{live_server.url}/moderation/stories/{story.pk}/?status=flagged")
    expect(moderator.locator(f"#queue-comment-{comment.pk}")).to_contain_text(
        "Link looks like an ad"
    )

    # The moderator bans her; she can no longer post.
    moderator.locator(f"#queue-comment-{comment.pk}").get_by_role("link", name="Ana Lima").click()
    moderator.get_by_label("Reason").first.fill("Spam links")
    moderator.get_by_role("button", name="Ban from commenting").click()
    expect(moderator.get_by_text("User banned from commenting.")).to_be_visible()
    page.goto(article_url)
    expect(page.get_by_text("Your account has been banned from commenting.")).to_be_visible()
    expect(page.get_by_role("button", name="Post comment")).to_have_count(0)


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<a href=javascript:alert(1)>click</a>",
    "<a href='javascript:alert(1)'>x</a>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</li></ol><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(\'x\')">',
    "<img src=x:alert(1) onerror=eval(src)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>",
    "<link rel=import href=data:text/html,<script>alert(1)</script>>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<img src=`x` onerror=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<table background=javascript:alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
    "<x contenteditable onfocus=alert(1) autofocus>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    'http://example.com/"><script>alert(1)</script>',
    "https://example.com/?q=<script>alert(1)</script>",
    'www.example.com/" onmouseover="alert(1)',
    "mailto:x@example.com?subject=<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "{{ 7*7 }} {% debug %} <script>alert(1)</script>",
    '<img src=x onerror="window.__xss=1">',
]


def test_hostile_comments_render_as_text_with_no_script_run(live_server, page: Page, settings):
    """Fifty-odd payloads are posted through the comment form and shown as their own text."""
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 1000
    assert len(XSS_PAYLOADS) >= 50
    article = ArticleFactory()
    attacker = verified(trusted_reader(email="xss@example.com"))
    profile_update(user=attacker, display_name="<img src=x onerror=alert(1)>")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(8000)
    log_in(page, live_server.url, "xss@example.com", article.get_absolute_url())
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    csrf = page.locator("form.comment-form input[name=csrfmiddlewaretoken]").input_value()
    for number, payload in enumerate(XSS_PAYLOADS):
        response = page.request.post(
            f"{live_server.url}/comments/on/{article.pk}/",
            form={
                "body": payload,
                "idempotency_key": f"00000000-0000-4000-8000-{number:012d}",
                "csrfmiddlewaretoken": csrf,
            },
            headers={"Referer": page.url},
            max_redirects=0,
        )
        assert response.status == 302, payload

    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    bodies = page.locator(".comment-body")
    expect(bodies).to_have_count(len(XSS_PAYLOADS))
    page.wait_for_timeout(300)  # give autofocus/onload/animation payloads a chance to fire
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    injected = ".comment-body :not(p):not(br):not(a), .comment-meta img"
    assert page.locator(injected).count() == 0
    expect(page.locator(".comment-author").first).to_have_text("<img src=x onerror=alert(1)>")
    texts = [" ".join(t.split()) for t in bodies.all_inner_texts()]
    for payload in XSS_PAYLOADS:
        if not re.search(r"https?://|www\.|@", payload):
            assert " ".join(payload.split()) in texts, payload
    for link in page.locator(".comment-body a").all():
        assert re.match(r"^(https?:|mailto:)", link.get_attribute("href"))
        assert link.get_attribute("rel") == "nofollow ugc noopener"


def test_moderator_works_through_a_queue_with_the_keyboard_only(live_server, page: Page):
    """j/k move, a approves, r asks for a reason in a real field, f features, ? helps;
    letters typed into a text field are text, not shortcuts."""
    from audit.models import EditorialLogEntry
    from comments.tests.factories import CommentFactory

    verified(UserFactory(username="mo", email="mo@example.com", role="moderator"))
    article = ArticleFactory(headline="Harbour plans")
    first, second, third = (
        CommentFactory(article=article, body=body, status=Comment.Status.PENDING)
        for body in ("Fine point about the quay", "Buy cheap watches", "Another view")
    )
    page.set_default_timeout(8000)
    log_in(page, live_server.url, "mo@example.com", "/moderation/")
    expect(page.locator("#pending-count")).to_have_text("3 pending")
    page.wait_for_load_state("load")  # the shortcuts script is deferred

    page.keyboard.press("?")
    expect(page.get_by_text("Next / previous comment")).to_be_visible()
    page.keyboard.press("?")
    expect(page.get_by_text("Next / previous comment")).to_be_hidden()

    page.keyboard.press("j")
    expect(page.locator("#queue-position")).to_have_text("Comment 1 of 3")
    expect(page.locator(f"#queue-comment-{first.pk}")).to_be_focused()
    page.keyboard.press("a")
    expect(page.get_by_text("Approved 1 comment.")).to_be_visible()
    expect(page.locator("#pending-count")).to_have_text("2 pending")
    page.wait_for_load_state("load")

    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("#queue-position")).to_have_text("Comment 2 of 2")
    page.keyboard.press("k")
    expect(page.locator(f"#queue-comment-{second.pk}")).to_be_focused()
    page.keyboard.press("r")
    reason = page.get_by_role("textbox", name="Reason for rejecting").first
    expect(reason).to_be_focused()
    page.keyboard.type("Spam: advertising")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Rejected 1 comment.")).to_be_visible()
    expect(page.locator("#pending-count")).to_have_text("1 pending")
    page.wait_for_load_state("load")
    entry = EditorialLogEntry.objects.get(action="comment.reject")
    assert entry.payload.get("reason") == "Spam: advertising"

    # Typing in the search box is text: "a" does not approve the remaining comment.
    page.get_by_label("Words in the comment").focus()
    page.keyboard.type("another")
    page.keyboard.press("Enter")
    expect(page.locator(f"#queue-comment-{third.pk}")).to_be_visible()
    expect(page.locator("#pending-count")).to_have_text("1 pending")

    page.goto(f"{live_server.url}/moderation/?status=approved")  # waits for "load"
    page.keyboard.press("j")
    expect(page.locator(f"#queue-comment-{first.pk}")).to_be_focused()
    page.keyboard.press("f")
    expect(page.get_by_text("Featured 1 comment.")).to_be_visible()
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, first.is_featured) == (Comment.Status.APPROVED, True)
    assert second.status == Comment.Status.REJECTED
    assert third.status == Comment.Status.PENDING


def test_the_queue_works_without_javascript(live_server, browser: Browser):
    """Buttons and fields only: approve one, reject another with the reason in its row."""
    from comments.tests.factories import CommentFactory

    verified(UserFactory(username="mo", email="mo@example.com", role="moderator"))
    keep, drop = (
        CommentFactory(body=body, status=Comment.Status.PENDING) for body in ("Keep", "Drop")
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(8000)
    log_in(page, live_server.url, "mo@example.com", "/moderation/")
    expect(page.get_by_text("Select all on this page")).to_be_hidden()  # needs a script
    page.locator(f"#queue-comment-{keep.pk}").get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved 1 comment.")).to_be_visible()
    row = page.locator(f"#queue-comment-{drop.pk}")
    row.get_by_label("Reason for rejecting").fill("Too short")
    row.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Rejected 1 comment.")).to_be_visible()
    context.close()
    drop.refresh_from_db()
    assert drop.status == Comment.Status.REJECTED
