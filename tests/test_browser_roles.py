"""Each role does its whole job in a real browser, and is refused the rest.

One test per role, each a walk through what a person in that role does in a day, with
accounts in the role's group (never superusers). The browser only clicks, types and
reads; the database is read afterwards to confirm what the page said. The README's
role table names these tests cell by cell.
"""

import pytest
from PIL import Image as PILImage
from playwright.sync_api import Page, expect

from accounts.services import staff_account_ensure
from accounts.tests.factories import UserFactory
from articles.models import Article
from articles.tests.factories import ArticleFactory
from audit.services import editorial_log
from comments.models import Comment
from comments.tests.factories import CommentFactory
from coverage.models import Story, StoryArticle
from entities.models import EntityMerge, Person
from entities.services import alias_add
from entities.tests.factories import PersonFactory
from mentions.services import entity_merge
from sources.models import ArticleFingerprint, Outlet
from sources.tests.factories import OutletFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


# --- what a person does in the admin


def admin_login(page: Page, base_url: str, username: str) -> None:
    page.set_default_timeout(8000)
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def open_from_admin_home(page: Page, base_url: str, link: str) -> None:
    page.goto(f"{base_url}/admin/")
    home = page.locator("#content-main")
    home.get_by_role("rowheader", name=link, exact=True).get_by_role("link").click()


def run_action(page: Page, action: str, *rows: str) -> None:
    """Tick ``rows`` (or every row, when none are named) and run ``action``."""
    if rows:
        for row in rows:
            page.get_by_role("checkbox", name=f"Select this object for an action - {row}").check()
    else:
        page.locator("#action-toggle").check()
    page.locator('select[name="action"]').select_option(label=action)
    page.get_by_role("button", name="Run").click()


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".messagelist")).to_contain_text(text)


def expect_refused(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def expect_stories_refused(page: Page, base_url: str) -> None:
    """Stories and their memberships (where merge, split, pin, exclude and lock live)
    are missing from the admin home and refused by address."""
    page.goto(f"{base_url}/admin/")
    home = page.locator("#content-main")
    for link in ("Stories", "Story articles"):
        expect(home.get_by_role("rowheader", name=link, exact=True)).to_have_count(0)
    expect_refused(page, f"{base_url}/admin/coverage/story/")
    expect_refused(page, f"{base_url}/admin/coverage/storyarticle/")


def lavrov_twice():
    """The same man under two spellings, as importers create him."""
    keep = PersonFactory(name="Sergey Lavrov", slug="sergey-lavrov", wikidata_id="Q150980")
    duplicate = PersonFactory(name="Sergei Lavrov", slug="sergei-lavrov")
    for person in (keep, duplicate):
        alias_add(entity=person, name=person.name)
    return keep, duplicate


def story_with(title: str, *articles: Article, is_title_edited: bool = False) -> Story:
    story = Story.objects.create(
        title=title, slug=title.lower().replace(" ", "-"), is_title_edited=is_title_edited
    )
    for article in articles:
        StoryArticle.objects.create(story=story, article=article)
    return story


def membership_row(article: Article, story: Story) -> str:
    """How the memberships list names a row: "<article> in <story>"."""
    return f"{article} in {story}"


# --- the roles


def test_reporter_writes_submits_uploads_and_adds_people_but_cannot_publish_or_manage_outlets(
    live_server, page: Page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="rita", role="reporter", password=PASSWORD)
    photo = tmp_path / "harbour.png"
    PILImage.new("RGB", (600, 400), (30, 90, 160)).save(photo)
    base = live_server.url
    admin_login(page, base, "rita")

    # Outlets are not hers to see: not on the home page, refused by address.
    expect(page.locator("#content-main").get_by_role("link", name="Outlets")).to_have_count(0)

    # Write an article and submit it for review; there is no publish button.
    open_from_admin_home(page, base, "Articles")
    page.get_by_role("link", name="Add article").click()
    expect(page.get_by_role("button", name="Save and publish")).to_have_count(0)
    page.locator("#id_headline").fill("Ferries return to the harbour")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    editor.type("The first ferry docked at seven.")
    page.locator("#bylines-group .add-row a").click()
    row = page.locator("#bylines-group tr.form-row:not(.empty-form)").first
    row.locator("input[name$='-position']").fill("0")
    row.locator("input[name$='-name']").fill("Rita Reporter")
    page.get_by_role("button", name="Save and submit for review").click()
    expect_message(page, "is now in review")
    article = Article.objects.get(headline="Ferries return to the harbour")
    assert article.status == Article.Status.IN_REVIEW
    assert article.created_by.username == "rita"

    # Upload an image to the library.
    open_from_admin_home(page, base, "Images")
    page.get_by_role("link", name="Add image").click()
    page.locator("#id_file").set_input_files(photo)
    page.get_by_label("Alt text").fill("A ferry at the quay")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "was added successfully")

    # Add a person she quotes.
    open_from_admin_home(page, base, "People")
    page.get_by_role("link", name="Add person").click()
    page.locator("#id_name").fill("Mina Harbourmaster")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "was added successfully")
    assert Person.objects.filter(slug="mina-harbourmaster").exists()

    # Refused: merging people (no action), outlets, the audit log, the moderation queue.
    expect(page.locator('select[name="action"] option', has_text="Merge")).to_have_count(0)
    expect_refused(page, f"{base}/admin/sources/outlet/")
    expect_refused(page, f"{base}/admin/audit/editoriallogentry/")
    expect_refused(page, f"{base}/moderation/")
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW

    # Refused: story grouping (merge, split, pin, exclude, lock): not offered, 403 by address.
    expect_stories_refused(page, base)


def test_editor_sets_outlets_imports_regroups_stories_merges_people_reads_wire_copy_and_the_log(
    live_server, page: Page
):
    UserFactory(username="ed", role="editor", password=PASSWORD)
    hindu = OutletFactory(name="The Hindu", slug="the-hindu")
    draft = ArticleFactory(
        headline="Envoy lands in Delhi", status=Article.Status.DRAFT, outlet=None
    )
    offer = ArticleFactory(headline="Moscow offers to mediate", outlet=hindu)
    story_with("Moscow offers to mediate", offer)
    welcome = ArticleFactory(headline="Delhi welcomes the Russian offer")
    story_with("Russia ready to help India and Pakistan", welcome)
    floods = ArticleFactory(headline="Floods cut off Kerala villages")
    boats = ArticleFactory(headline="Rescue boats reach Kerala")
    cricket = ArticleFactory(headline="Cricket final postponed")  # grouped by mistake
    kerala = story_with("Kerala floods", floods, boats, cricket, is_title_edited=True)
    wire = ArticleFactory(headline="Russia offers mediation (agency copy)")
    ArticleFingerprint.objects.create(
        article=wire, signature=b"", same_text_as=offer, similarity=0.93
    )
    keep, duplicate = lavrov_twice()
    moderator = UserFactory(username="mo", role="moderator")
    editorial_log(actor=moderator, action="comment.approve", target=moderator)  # not hers
    base = live_server.url
    admin_login(page, base, "ed")

    # Set an article's outlet through the autocomplete.
    open_from_admin_home(page, base, "Articles")
    page.get_by_role("link", name="Envoy lands in Delhi").click()
    page.locator(".field-outlet .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Hindu")
    page.locator(".select2-results__option", has_text="The Hindu").click()
    page.get_by_role("button", name="Save and continue editing").click()
    expect_message(page, "was changed successfully")
    assert Article.objects.get(pk=draft.pk).outlet == hindu

    # A correction on a draft is refused beside the row, and her text stays.
    page.locator("#corrections-group .add-row a").click()
    correction = page.locator("#corrections-group tr.form-row:not(.empty-form)").first
    correction.locator("[name$='-text']").fill("The envoy landed on Tuesday, not Monday.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("#corrections-group")).to_contain_text(
        "Only published articles take corrections and updates."
    )
    expect(
        page.locator("#corrections-group tr.form-row:not(.empty-form)").first.locator(
            "[name$='-text']"
        )
    ).to_have_value("The envoy landed on Tuesday, not Monday.")

    # Add an outlet.
    open_from_admin_home(page, base, "Outlets")
    page.get_by_role("link", name="Add outlet").click()
    page.get_by_label("Name").fill("Dawn")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_message(page, "was added successfully")
    assert Outlet.objects.filter(slug="dawn").exists()

    # Open the import upload page.
    open_from_admin_home(page, base, "Import runs")
    page.get_by_role("link", name="Add import run").click()
    expect(page.get_by_role("heading", name="Import articles from files")).to_be_visible()

    # Merge two stories.
    open_from_admin_home(page, base, "Stories")
    run_action(
        page,
        "Merge selected stories into the oldest",
        "Moscow offers to mediate",
        "Russia ready to help India and Pakistan",
    )
    expect_message(page, "Merged 1 story into “Moscow offers to mediate”")
    moscow = Story.objects.get(title="Moscow offers to mediate")
    assert moscow.memberships.count() == 2

    # Split the Delhi reaction off into a story of its own, titled in the action bar.
    open_from_admin_home(page, base, "Story articles")
    page.get_by_label("New story title (split)").fill("Delhi answers Moscow")
    run_action(
        page, "Split selected articles off into a new story", membership_row(welcome, moscow)
    )
    expect_message(page, "Split 1 article into “Delhi answers Moscow”")
    split = Story.objects.get(title="Delhi answers Moscow")
    assert list(split.articles.all()) == [welcome]
    assert moscow.memberships.get(article=welcome).joined_by == StoryArticle.JoinedBy.EXCLUDED
    page.goto(f"{base}{split.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Delhi welcomes the Russian offer")

    # Pin one Kerala report, so re-clustering never moves it.
    open_from_admin_home(page, base, "Story articles")
    run_action(page, "Pin selected articles to their current story", membership_row(floods, kerala))
    expect_message(page, "Pinned “Floods cut off Kerala villages” to “Kerala floods”.")
    expect(page.locator("#result_list tr", has_text="Floods cut off Kerala")).to_contain_text(
        "Pinned by an editor"
    )
    assert kerala.memberships.get(article=floods).joined_by == StoryArticle.JoinedBy.PINNED

    # Exclude the cricket report: it leaves the story page for good.
    run_action(page, "Exclude selected articles from their story", membership_row(cricket, kerala))
    expect_message(page, "Excluded “Cricket final postponed” from “Kerala floods”; it is now in")
    assert kerala.memberships.get(article=cricket).joined_by == StoryArticle.JoinedBy.EXCLUDED
    page.goto(f"{base}{kerala.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Rescue boats reach Kerala")
    expect(page.locator("main")).not_to_contain_text("Cricket final postponed")

    # Lock the Kerala story: it takes no automatic members from now on.
    open_from_admin_home(page, base, "Stories")
    run_action(page, "Lock selected stories", "Kerala floods")
    expect_message(page, "Locked “Kerala floods”.")
    assert Story.objects.get(pk=kerala.pk).is_locked is True

    # Merge two people, then undo it.
    open_from_admin_home(page, base, "People")
    run_action(page, "Merge selected into one…", "Sergey Lavrov", "Sergei Lavrov")
    page.get_by_label("Sergey Lavrov").check()
    page.get_by_role("button", name="Merge").click()
    expect_message(page, "Merged 1 into Sergey Lavrov")
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    open_from_admin_home(page, base, "Entity merges")
    run_action(page, "Undo selected merges")
    expect_message(page, "Restored Sergei Lavrov.")
    assert Person.objects.filter(pk=duplicate.pk).exists()

    # Read the wire-copy marks.
    open_from_admin_home(page, base, "Article fingerprints")
    expect(page.locator("#result_list")).to_contain_text(
        "same text as Moscow offers to mediate, similarity 0.93"
    )

    # Read the audit log, filtered to her own actions: editorial entries only.
    open_from_admin_home(page, base, "Editorial log")
    page.locator("#changelist-filter").get_by_role("link", name="ed", exact=True).click()
    results = page.locator("#result_list")
    for action in (
        "Edited article",
        "Merged stories",
        "Split story",
        "Pinned article to story",
        "Excluded article from story",
        "Locked story",
        "Merged people",
        "Undid merge of people",
    ):
        expect(results).to_contain_text(action)
    expect(page.get_by_text("Approved comment")).to_have_count(0)

    # Refused: moderation, and deleting people outright.
    expect(page.locator("#content-main").get_by_role("link", name="Comments")).to_have_count(0)
    expect_refused(page, f"{base}/moderation/")
    expect_refused(page, f"{base}/admin/entities/person/{keep.pk}/delete/")


def test_moderator_logs_in_by_email_approves_a_comment_reads_the_moderation_log_only(
    live_server, page: Page
):
    # The demo's way of making a staff account (verified email, see load_demo).
    staff_account_ensure(username="moderator", role="moderator", password=PASSWORD)
    editor = UserFactory(username="ed", role="editor")
    article = ArticleFactory(headline="Harbour reopens")
    editorial_log(actor=editor, action="article.publish", target=article)  # not hers
    comment = CommentFactory(
        article=article, body="The timetable is wrong.", status=Comment.Status.PENDING
    )
    base = live_server.url
    page.set_default_timeout(8000)

    # Log in on the site's own login page, with the email address.
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill("moderator@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Approve the pending comment in the queue.
    page.goto(f"{base}/moderation/")
    row = page.locator(f"#queue-comment-{comment.pk}")
    expect(row).to_contain_text("The timetable is wrong.")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved 1 comment.")).to_be_visible()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED

    # Read the moderation log: her approval, nothing editorial.
    page.goto(f"{base}/admin/")
    page.locator("#content-main").get_by_role("link", name="Editorial log", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Approved comment")
    expect(page.get_by_text("Published article")).to_have_count(0)

    # Refused: writing articles, outlets, people merges.
    expect_refused(page, f"{base}/admin/articles/article/add/")
    expect_refused(page, f"{base}/admin/sources/outlet/")
    expect_refused(page, f"{base}/admin/entities/entitymerge/")
    expect_stories_refused(page, base)


def test_admin_role_undoes_a_merge_deletes_an_outlet_and_reads_the_whole_log(
    live_server, page: Page
):
    UserFactory(username="ada", role="admin", password=PASSWORD)
    editor = UserFactory(username="ed", role="editor")
    keep, duplicate = lavrov_twice()
    entity_merge(keep=keep, duplicate=duplicate, by=editor)  # yesterday's merge, by an editor
    moderator = UserFactory(username="mo", role="moderator")
    editorial_log(actor=moderator, action="comment.approve", target=moderator)
    OutletFactory(name="Defunct Daily", slug="defunct-daily")
    base = live_server.url
    admin_login(page, base, "ada")

    # Undo the editor's merge.
    open_from_admin_home(page, base, "Entity merges")
    run_action(page, "Undo selected merges")
    expect_message(page, "Restored Sergei Lavrov.")
    assert EntityMerge.objects.get().undone_at is not None
    assert Person.objects.filter(pk=duplicate.pk).exists()

    # Delete an outlet (editors may only add and edit them).
    open_from_admin_home(page, base, "Outlets")
    run_action(page, "Delete selected outlets", "Defunct Daily")
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect_message(page, "Successfully deleted 1 outlet")

    # The whole log: editorial and moderation entries.
    open_from_admin_home(page, base, "Editorial log")
    results = page.locator("#result_list")
    for action in ("Merged people", "Undid merge of people", "Approved comment"):
        expect(results).to_contain_text(action)

    # The moderation queue is open to her too.
    page.goto(f"{base}/moderation/")
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
