"""The comments area on the article page, readers' forms, and the moderation pages."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry
from comments.models import Comment, CommentFlag
from comments.rendering import comment_html
from comments.tests.factories import CommentFactory, trusted_reader
from coverage.models import Story, StoryArticle

pytestmark = pytest.mark.django_db
Status = Comment.Status


def article_page(client, article):
    return client.get(article.get_absolute_url())


def post_comment(client, article, body="Nice reporting.", **extra):
    return client.post(
        reverse("comments:post", args=[article.pk]),
        {"body": body, "idempotency_key": str(uuid.uuid4()), **extra},
    )


def test_logged_out_reader_sees_approved_comments_and_a_login_link_back_to_the_thread(client):
    article = ArticleFactory()
    CommentFactory(article=article, body="Visible words")
    CommentFactory(article=article, body="Hidden words", status=Status.PENDING)
    CommentFactory(article=article, body="Rejected words", status=Status.REJECTED)
    html = article_page(client, article).content.decode()
    assert "Visible words" in html
    assert "Hidden words" not in html and "Rejected words" not in html
    assert "You must be logged in to post a comment" in html
    next_url = f"{article.get_absolute_url()}%23comments"
    assert f"/accounts/login/?next={next_url}" in html


def test_logged_out_reader_cannot_post(client):
    article = ArticleFactory()
    response = post_comment(client, article)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Comment.objects.count() == 0


def test_reader_posts_and_sees_own_pending_comment(client):
    article, reader = ArticleFactory(), UserFactory()
    client.force_login(reader)
    response = post_comment(client, article, body="My first comment")
    comment = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    html = article_page(client, article).content.decode()
    assert "My first comment" in html and "Pending review" in html
    client.logout()
    assert "My first comment" not in article_page(client, article).content.decode()


def test_empty_comment_shows_a_field_error_not_a_500(client):
    article = ArticleFactory()
    client.force_login(UserFactory())
    response = post_comment(client, article, body="")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_rate_limited_reader_sees_why(client, settings):
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 1
    article, reader = ArticleFactory(), UserFactory()
    client.force_login(reader)
    post_comment(client, article)
    response = post_comment(client, article)
    assert response.status_code == 400
    assert "too fast" in response.content.decode()
    assert Comment.objects.count() == 1


def test_garbage_parent_and_key_are_form_errors(client):
    article = ArticleFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("comments:post", args=[article.pk]),
        {"body": "x", "parent": "999999", "idempotency_key": "not-a-uuid"},
    )
    assert response.status_code == 400
    assert "no longer here" in response.content.decode()


def test_comment_text_is_escaped_and_links_are_nofollow_ugc():
    html = comment_html('<script>alert(1)</script> see https://example.com/a?b=1&c="x"')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'rel="nofollow ugc noopener"' in html
    assert comment_html("javascript:alert(1)") == "<p>javascript:alert(1)</p>"
    assert 'rel="nofollow ugc noopener"' not in comment_html('rel="nofollow" x')


def test_article_page_queries_do_not_grow_with_500_comments(client, django_assert_num_queries):
    article, reader = ArticleFactory(), UserFactory()
    tops = CommentFactory.create_batch(5, article=article)
    with_profile = trusted_reader()
    from accounts.services import profile_update

    profile_update(user=with_profile, display_name="Ana")
    replies = [CommentFactory(article=article, parent=tops[0], depth=1, author=with_profile)]
    client.force_login(reader)
    with CaptureQueriesContext(connection) as small:
        assert article_page(client, article).status_code == 200

    authors = UserFactory.create_batch(20)
    Comment.objects.bulk_create(
        [
            Comment(
                article=article,
                author=authors[i % 20],
                body=f"Comment {i} https://example.com/{i}",
                status=Status.APPROVED,
                depth=0 if i % 3 == 0 else 1,
                parent=None if i % 3 == 0 else tops[i % 5],
                idempotency_key=uuid.uuid4(),
            )
            for i in range(494)
        ]
    )
    assert Comment.objects.filter(article=article).count() == 500
    assert replies
    with CaptureQueriesContext(connection) as large:
        response = article_page(client, article)
    assert response.status_code == 200
    assert response.content.decode().count('class="comment comment-depth') == 500
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    # The whole article page for a logged-in reader, comments included (session, user,
    # article bundle, related coverage, the entities it names, the comments with authors
    # and profiles, the open/closed state, the reader's standing and the header's sections).
    assert len(large) == 15, [q["sql"] for q in large.captured_queries]


def test_moderator_sees_the_pending_count_on_the_article_page(client):
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article, status=Status.PENDING)
    client.force_login(UserFactory(role="moderator"))
    assert "3 pending in the moderation queue" in article_page(client, article).content.decode()


def test_featured_comment_is_shown_first_and_marked(client):
    article = ArticleFactory()
    CommentFactory(article=article, body="Older ordinary")
    CommentFactory(article=article, body="Newer featured", is_featured=True)
    html = article_page(client, article).content.decode()
    assert html.index("Newer featured") < html.index("Older ordinary")
    assert "Featured" in html


def test_logged_out_post_is_sent_to_log_in_and_back_to_the_thread(client):
    article = ArticleFactory()
    response = post_comment(client, article)
    assert response["Location"] == (
        f"/accounts/login/?next={article.get_absolute_url()}%23comments"
    )


def test_readers_cannot_open_the_moderation_queue(client):
    client.force_login(UserFactory(role="editor"))
    assert client.get(reverse("comments:queue")).status_code == 403


def test_story_queue_lists_pending_comments_from_every_article_of_the_story(client):
    story = Story.objects.create(title="Harbour storm", slug="harbour-storm")
    first, second, elsewhere = ArticleFactory(), ArticleFactory(), ArticleFactory()
    for article in (first, second):
        StoryArticle.objects.create(story=story, article=article)
    CommentFactory(article=first, body="From the first", status=Status.PENDING)
    CommentFactory(article=second, body="From the second", status=Status.PENDING)
    CommentFactory(article=elsewhere, body="From elsewhere", status=Status.PENDING)
    client.force_login(UserFactory(role="moderator"))
    html = client.get(reverse("comments:story_queue", args=[story.pk])).content.decode()
    assert "From the first" in html and "From the second" in html
    assert "From elsewhere" not in html
    assert "2 pending" in html


def test_flagged_filter_shows_flagged_comments_with_reasons(client):
    flagged, quiet = CommentFactory(body="Flag me"), CommentFactory(body="Leave me")
    CommentFlag.objects.create(comment=flagged, flagged_by=UserFactory(), reason="abuse")
    client.force_login(UserFactory(role="moderator"))
    html = client.get(reverse("comments:queue"), {"status": "flagged"}).content.decode()
    assert "Flag me" in html and "Abusive or hateful" in html
    assert "Leave me" not in html
    assert quiet


def test_filter_by_user_and_article(client):
    target = CommentFactory(body="Target", status=Status.PENDING)
    CommentFactory(body="Other author", status=Status.PENDING, article=target.article)
    client.force_login(UserFactory(role="moderator"))
    html = client.get(
        reverse("comments:queue"), {"user": target.author_id, "article": target.article_id}
    ).content.decode()
    assert "Target" in html and "Other author" not in html


def test_bulk_approve_from_the_queue(client):
    pending = CommentFactory.create_batch(3, status=Status.PENDING)
    client.force_login(UserFactory(role="moderator"))
    response = client.post(
        reverse("comments:moderate"),
        {"action": "approve", "comments": [c.pk for c in pending[:2]], "return_to": "/moderation/"},
    )
    assert response.status_code == 302
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in pending] == [Status.APPROVED, Status.APPROVED, Status.PENDING]


def test_row_button_rejects_one_comment_and_the_action_is_audited(client):
    comment = CommentFactory(status=Status.PENDING)
    moderator = UserFactory(role="moderator")
    client.force_login(moderator)
    client.post(reverse("comments:moderate"), {"one": f"reject:{comment.pk}"})
    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert EditorialLogEntry.objects.get(action="comment.reject").actor == moderator


def test_moderator_bans_from_the_user_page_and_the_banned_reader_cannot_post(client):
    reader = UserFactory()
    client.force_login(UserFactory(role="moderator"))
    page = reverse("comments:commenter", args=[reader.pk])
    client.post(page, {"action": "ban", "reason": "Threats"})
    assert "Banned" in client.get(page).content.decode()
    client.force_login(reader)
    article = ArticleFactory()
    assert "banned from commenting" in article_page(client, article).content.decode()
    response = post_comment(client, article)
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_moderator_closes_comments_on_a_story(client):
    story = Story.objects.create(title="Harbour storm", slug="harbour-storm")
    article = ArticleFactory()
    StoryArticle.objects.create(story=story, article=article)
    client.force_login(UserFactory(role="moderator"))
    client.post(reverse("comments:closure", args=["story", story.pk, "close"]))
    client.force_login(UserFactory())
    assert "Comments are closed" in article_page(client, article).content.decode()


def test_author_edits_and_the_comment_shows_edited(client):
    comment = CommentFactory(body="Typo hre")
    client.force_login(comment.author)
    client.post(reverse("comments:edit", args=[comment.pk]), {"body": "Typo here"})
    html = article_page(client, comment.article).content.decode()
    assert "Typo here" in html and "(edited)" in html


def test_reader_cannot_edit_someone_elses_comment(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    assert (
        client.post(reverse("comments:edit", args=[comment.pk]), {"body": "x"}).status_code == 403
    )


def test_reader_reports_a_comment(client):
    comment = CommentFactory()
    client.force_login(UserFactory())
    client.post(reverse("comments:flag", args=[comment.pk]), {"reason": "spam", "note": "Ads"})
    assert CommentFlag.objects.get().note == "Ads"


def test_deleted_comment_with_replies_leaves_a_placeholder(client):
    parent = CommentFactory(body="Parent words", status=Status.DELETED)
    CommentFactory(article=parent.article, parent=parent, depth=1, body="Reply words")
    html = article_page(client, parent.article).content.decode()
    assert "Parent words" not in html
    assert "deleted by its author" in html and "Reply words" in html


def test_moderation_queue_queries_do_not_grow_with_the_queue(client):
    client.force_login(UserFactory(role="moderator"))
    url = reverse("comments:queue")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"status": "pending"}).status_code == 200
        return len(captured)

    for comment in CommentFactory.create_batch(3, status=Status.PENDING):
        CommentFlag.objects.create(comment=comment, flagged_by=UserFactory(), reason="spam")
    few = queries()
    for comment in CommentFactory.create_batch(40, status=Status.PENDING):
        CommentFlag.objects.create(comment=comment, flagged_by=UserFactory(), reason="spam")
    assert queries() == few


def test_user_page_shows_history_and_notes_and_suspends(client):
    reader = UserFactory()
    CommentFactory(author=reader, body="Earlier remark", status=Status.REJECTED)
    client.force_login(UserFactory(role="moderator"))
    page = reverse("comments:commenter", args=[reader.pk])
    client.post(page, {"action": "note", "text": "Second warning about insults."})
    client.post(page, {"action": "suspend", "hours": "24", "reason": "Cool off"})
    html = client.get(page).content.decode()
    assert "Earlier remark" in html and "1 rejected" in html
    assert "Second warning about insults." in html
    assert "Suspended" in html and "suspended from commenting (Cool off)" in html


def test_user_page_rejects_a_bad_suspension_length_without_a_500(client):
    reader = UserFactory()
    client.force_login(UserFactory(role="moderator"))
    response = client.post(
        reverse("comments:commenter", args=[reader.pk]), {"action": "suspend", "hours": "-5"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_moderators_see_the_pending_count_in_the_header_and_readers_do_not(client):
    CommentFactory.create_batch(2, status=Status.PENDING)
    client.force_login(UserFactory(role="moderator"))
    assert "Moderation <span" in client.get("/").content.decode()
    assert "2 pending" in client.get("/").content.decode()
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert "nav-pending-count" not in html and "Moderation" not in html


def test_logging_in_from_the_comments_link_returns_to_the_thread(client):
    article = ArticleFactory()
    reader = UserFactory(email="gil@example.com")
    reader.emailaddress_set.create(email="gil@example.com", verified=True, primary=True)
    response = client.post(
        f"{reverse('account_login')}?next={article.get_absolute_url()}%23comments",
        {"login": "gil@example.com", "password": "correct horse battery staple"},
    )
    assert response["Location"] == f"{article.get_absolute_url()}#comments"


def test_queue_search_finds_comments_by_words_and_by_username_or_display_name(client):
    from accounts.services import profile_update

    ana = UserFactory(username="ana77")
    profile_update(user=ana, display_name="Ana Lima")
    CommentFactory(author=ana, body="The ferry is late again", status=Status.PENDING)
    CommentFactory(body="Cheap watches here", status=Status.PENDING)
    client.force_login(UserFactory(role="moderator"))
    url = reverse("comments:queue")
    by_words = client.get(url, {"q": "FERRY"}).content.decode()
    assert "The ferry is late again" in by_words and "Cheap watches" not in by_words
    for name in ("lima", "ana77"):
        by_author = client.get(url, {"author": name}).content.decode()
        assert "The ferry is late again" in by_author and "Cheap watches" not in by_author


def test_queue_shows_each_readers_history_and_the_report_reasons(client):
    reader = UserFactory()
    CommentFactory.create_batch(2, author=reader, status=Status.REJECTED)
    flagged = CommentFactory(author=reader, body="Reported one")
    CommentFlag.objects.create(comment=flagged, flagged_by=UserFactory(), reason="spam")
    client.force_login(UserFactory(role="moderator"))
    html = client.get(reverse("comments:queue"), {"status": "flagged"}).content.decode()
    assert "Reader's history: 1 approved, 2 rejected, 0 pending" in html
    assert "Reported 1 time: Spam" in html


def test_rejecting_one_comment_records_the_reason_typed_in_its_row(client):
    comment = CommentFactory(status=Status.PENDING)
    client.force_login(UserFactory(role="moderator"))
    response = client.post(
        reverse("comments:moderate"),
        {"one": f"reject:{comment.pk}", f"reason-{comment.pk}": "Off topic", "reason": ""},
        follow=True,
    )
    assert "Rejected 1 comment." in response.content.decode()
    assert EditorialLogEntry.objects.get(action="comment.reject").payload["reason"] == "Off topic"
