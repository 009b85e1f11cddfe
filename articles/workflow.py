"""Editorial workflow: who may do what to an article, and every change audited.

draft ──submit──▶ in review ──publish──▶ published ──unpublish──▶ unpublished
  │                   │                      ▲
  └───── schedule ────┴──▶ scheduled ──(worker at publish_at)──┘

Reporters write their own drafts and submit them. Editors edit anyone's article,
publish, schedule, unpublish and correct. Every editor's write to an article comes
through here (the admin, commands and tasks alike): saves with their edit-conflict
check, the transitions, restoring a revision, moving articles between sections,
corrections, bylines and the pictures an article shows. Each checks permissions, bumps
the article's version, records a revision and writes an audit entry in one
transaction; readers' caches and the coverage features hear about it only after
commit. A published article dated in the future becomes public with no write at all:
``article_embargo_watch`` queues ``article_embargo_lift`` for that moment. Imported
articles are written by ``services``, library images by ``images``, presence and
autosave by ``editing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import reversion
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

import pagecache
from audit.services import editorial_log, system_user
from entities.services import is_desk_credit, person_for_byline

from .models import Article, ArticleDraftAutosave, ArticleImage, Byline, Correction, Section
from .sanitize import html_to_text, sanitize_html
from .signals import article_embargo_lifted, article_published

Status = Article.Status
EDITABLE_BY_REPORTER = {Status.DRAFT}


class ArticleEditConflict(ValidationError):
    """Someone saved the article after this editor opened it."""

    def __init__(self, *, current: Article, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            f"Someone else saved this article (version {current.version}) after you opened "
            f"version {expected_version}. Your changes were not saved.",
            code="edit_conflict",
        )


def can_edit(user: User | AnonymousUser, article: Article) -> bool:
    """Editors edit anything; reporters edit their own drafts."""
    if not user.has_perm("articles.change_article"):
        return False
    if article.pk is None:
        return user.has_perm("articles.add_article")
    if user.has_perm("articles.change_others_article"):
        return True
    return article.created_by_id == user.pk and article.status in EDITABLE_BY_REPORTER


def can_publish(user: User | AnonymousUser) -> bool:
    return user.has_perm("articles.publish_article")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _prepare_body(article: Article) -> None:
    article.body = sanitize_html(article.body or "")
    article.body_text = html_to_text(article.body)


def _snapshot(article: Article, fields: Iterable[str]) -> dict[str, Any]:
    """Field values for the audit log; relations as ids, many-to-many (tags) left out."""
    concrete = {f.name for f in Article._meta.concrete_fields}
    return {name: _jsonable(getattr(article, name)) for name in fields if name in concrete}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _save_revision(
    article: Article, *, by: User, comment: str, update_fields: Iterable[str] | None = None
) -> None:
    # The pages showing it go stale on commit: articles/invalidation.py, on post_save.
    with reversion.create_revision(atomic=False):
        article.save(update_fields=update_fields)
        reversion.set_user(by)
        reversion.set_comment(comment)


def _announce_if_public(article: Article) -> None:
    if article.status == Status.PUBLISHED:
        pk = article.pk
        transaction.on_commit(lambda: article_published.send(Article, article_id=pk))


@transaction.atomic
def articles_announce(*, article_ids: list[int]) -> int:
    """Send ``article_published`` for each article still published; the receivers' task
    rows commit together.

    Runs in the worker (``articles.tasks.articles_announce_task``), queued by the import
    upsert after its transaction committed: one task per imported batch instead of one
    signal (and each receiver's task row) per article in the import itself. Returns how
    many articles were announced.
    """
    existing = set(
        Article.objects.filter(pk__in=article_ids, status=Status.PUBLISHED).values_list(
            "pk", flat=True
        )
    )
    for article_id in article_ids:
        if article_id in existing:
            article_published.send(Article, article_id=article_id)
    return len(existing)


@transaction.atomic
def article_save(
    *,
    article: Article,
    by: User,
    expected_version: int | None = None,
    changed_fields: Iterable[str] = (),
) -> Article:
    """Create or update an article as edited in a form; refuses to overwrite newer work.

    ``expected_version`` is the version the editor opened. The row is locked while
    we compare, so two simultaneous saves cannot both win. Every save moves the version
    on, including the admin's saves that change only inlines (bylines, images,
    mentions, corrections): the admin calls this for every submitted form, so a later
    save based on the older version is refused.
    """
    _require(can_edit(by, article), "You may not edit this article.")
    creating = article.pk is None
    before = {}
    if creating:
        article.created_by = by
        article.version = 1
    else:
        current = Article.objects.select_for_update().get(pk=article.pk)
        if expected_version is not None and current.version != expected_version:
            raise ArticleEditConflict(current=current, expected_version=expected_version)
        before = _snapshot(current, changed_fields)
        article.version = current.version + 1
    _prepare_body(article)
    if article.status == Status.PUBLISHED and not article.published_at:
        article.published_at = timezone.now()
    article.full_clean(exclude=["tags"])
    _save_revision(article, by=by, comment="Created" if creating else "Edited")
    editorial_log(
        actor=by,
        action="article.create" if creating else "article.update",
        target=article,
        payload={"before": before, "after": _snapshot(article, changed_fields)},
    )
    if not creating:
        # What the editor had typed is now the article: nothing left to offer back.
        ArticleDraftAutosave.objects.filter(article=article, user=by).delete()
    _announce_if_public(article)
    return article


def _transition(
    article: Article, *, by: User, to: str, allowed_from: set[str], action: str, **changes: Any
) -> Article:
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.status not in allowed_from:
        raise ValidationError(
            {"status": f"Cannot {action.split('.')[-1]} an article that is {current.status}."}
        )
    before = {"status": current.status, **_snapshot(current, changes)}
    for name, value in {"status": to, **changes}.items():
        setattr(current, name, value)
    current.version += 1
    current.full_clean(exclude=["tags"])
    _save_revision(current, by=by, comment=action)
    editorial_log(
        actor=by,
        action=action,
        target=current,
        payload={"before": before, "after": {"status": to, **_snapshot(current, changes)}},
    )
    _announce_if_public(current)
    article.refresh_from_db()
    return current


@transaction.atomic
def article_submit(*, article: Article, by: User) -> Article:
    """A reporter hands a draft to the editors."""
    _require(
        by.has_perm("articles.submit_article") and can_edit(by, article),
        "You may not submit this article.",
    )
    return _transition(
        article, by=by, to=Status.IN_REVIEW, allowed_from={Status.DRAFT}, action="article.submit"
    )


@transaction.atomic
def article_return_to_draft(*, article: Article, by: User) -> Article:
    _require(can_publish(by), "Only editors can send an article back to draft.")
    return _transition(
        article,
        by=by,
        to=Status.DRAFT,
        allowed_from={Status.IN_REVIEW, Status.SCHEDULED},
        action="article.return_to_draft",
        publish_at=None,
    )


@transaction.atomic
def article_publish(*, article: Article, by: User) -> Article:
    _require(can_publish(by), "Only editors can publish.")
    now = timezone.now()
    current = Article.objects.only("published_at", "first_published_at", "is_imported").get(
        pk=article.pk
    )
    # An imported article's date is its source's; an undated source stays undated
    # rather than borrowing the moment an editor approved it.
    imported = current.is_imported
    return _transition(
        article,
        by=by,
        to=Status.PUBLISHED,
        allowed_from={Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED, Status.UNPUBLISHED},
        action="article.publish",
        published_at=current.published_at or (None if imported else now),
        first_published_at=current.first_published_at or now,
        publish_at=None,
    )


@transaction.atomic
def article_schedule(*, article: Article, by: User, publish_at: dt.datetime) -> Article:
    """Publish later: the task worker publishes it at ``publish_at``."""
    _require(can_publish(by), "Only editors can schedule.")
    if publish_at <= timezone.now():
        raise ValidationError({"publish_at": "Choose a time in the future, or publish now."})
    scheduled = _transition(
        article,
        by=by,
        to=Status.SCHEDULED,
        allowed_from={Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED, Status.UNPUBLISHED},
        action="article.schedule",
        publish_at=publish_at,
    )
    # Late: articles.tasks imports this module (a cycle within the app).
    from .tasks import publish_scheduled_article

    task = publish_scheduled_article
    if task.get_backend().supports_defer:
        task = task.using(run_after=publish_at)
        pk = scheduled.pk
        transaction.on_commit(lambda: task.enqueue(article_id=pk))
    return scheduled


@transaction.atomic
def article_unpublish(*, article: Article, by: User) -> Article:
    _require(can_publish(by), "Only editors can unpublish.")
    return _transition(
        article,
        by=by,
        to=Status.UNPUBLISHED,
        allowed_from={Status.PUBLISHED},
        action="article.unpublish",
    )


def article_transition(*, article: Article, transition: str, by: User) -> Article:
    """Take the workflow step a form's button names: ``submit``, ``publish``,
    ``schedule`` (at the article's ``publish_at``), ``unpublish`` or ``return_to_draft``."""
    if transition == "schedule":
        if article.publish_at is None:
            raise ValidationError({"publish_at": "Choose when to publish."})
        return article_schedule(article=article, by=by, publish_at=article.publish_at)
    steps = {
        "submit": article_submit,
        "publish": article_publish,
        "unpublish": article_unpublish,
        "return_to_draft": article_return_to_draft,
    }
    if transition not in steps:
        raise ValueError(f"No workflow step {transition!r}.")
    return steps[transition](article=article, by=by)


def articles_publish_due(*, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled article whose time has come; the worker calls this."""
    now = now or timezone.now()
    actor = system_user()
    published = []
    due = Article.objects.filter(status=Status.SCHEDULED, publish_at__lte=now).order_by("pk")
    for article_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            article = Article.objects.select_for_update().get(pk=article_id)
            # Changed since we looked: published, unscheduled, or its time cleared or moved
            # (a cleared time used to raise TypeError here and stop the whole pass).
            if (
                article.status != Status.SCHEDULED
                or article.publish_at is None
                or article.publish_at > now
            ):
                continue
            _transition(
                article,
                by=actor,
                to=Status.PUBLISHED,
                allowed_from={Status.SCHEDULED},
                action="article.publish_scheduled",
                published_at=article.publish_at,
                first_published_at=article.first_published_at or article.publish_at,
                publish_at=None,
            )
            published.append(article_id)
    return published


# Kept by a restore: the workflow state, and facts of the article's creation.
def article_embargo_lift(
    *, article_id: int, published_at: dt.datetime, now: dt.datetime | None = None
) -> bool:
    """Tell the site that an embargoed article is public from now on.

    A published article dated in the future stays hidden until its time; when the
    time comes nothing is written, so no save would make stale the pages cached while
    it was hidden (its story, outlet, section, tag and entity pages, the home page) or
    tell the features that count public articles only (story dates, the search
    vocabulary). The worker runs this at ``published_at`` (``article_embargo_watch``
    queues it). Returns False, doing nothing, if the article was since withdrawn,
    deleted or given another time (that time has a task of its own) or the time has
    not come.
    """
    now = now or timezone.now()
    current = Article.objects.filter(pk=article_id).values("status", "published_at").first()
    if (
        current is None
        or current["status"] != Status.PUBLISHED
        or current["published_at"] != published_at
        or published_at > now
    ):
        return False
    with transaction.atomic():
        pagecache.invalidate_on_commit(f"article:{article_id}")
        transaction.on_commit(lambda: article_embargo_lifted.send(Article, article_id=article_id))
    return True


def article_embargo_watch(*, article_id: int, now: dt.datetime | None = None) -> bool:
    """Queue ``article_embargo_lift`` for the publication time of a published article
    dated in the future; called when an article is announced. Only a backend that runs
    tasks later can (the database backend and its worker). Returns whether it queued."""
    now = now or timezone.now()
    current = Article.objects.filter(pk=article_id).values("status", "published_at").first()
    if current is None or current["status"] != Status.PUBLISHED:
        return False
    published_at = current["published_at"]
    if published_at is None or published_at <= now:
        return False
    # Late: articles.tasks imports this module (a cycle within the app).
    from .tasks import lift_embargo

    if not lift_embargo.get_backend().supports_defer:
        return False
    when = published_at.isoformat()
    arguments: dict[str, object] = {"article_id": article_id, "published_at": when}
    # Announced again (an edit, a re-import) before its time: one task is enough.
    queued = DBTaskResult.objects.filter(
        task_path=lift_embargo.module_path,
        status=TaskResultStatus.READY,
        args_kwargs__kwargs=arguments,
    )
    if queued.exists():
        return False
    lift_embargo.using(run_after=published_at).enqueue(article_id=article_id, published_at=when)
    return True


WORKFLOW_FIELDS = (
    "status",
    "publish_at",
    "published_at",
    "first_published_at",
    "created_by_id",
    "is_imported",
)


@transaction.atomic
def article_restore(*, article: Article, version: Version, by: User) -> Article:
    """Bring back the text of an earlier revision (bylines and images included).

    Content only: the article keeps its current workflow state (a published article
    stays published), and its version moves forward so that anyone editing the
    current text is told their copy is out of date.
    """
    _require(can_edit(by, article), "You may not edit this article.")
    if version.object_id != str(article.pk) or version.content_type.model_class() is not Article:
        raise ValidationError("That revision belongs to another article.")
    current = Article.objects.select_for_update().get(pk=article.pk)
    keep = {name: getattr(current, name) for name in WORKFLOW_FIELDS}
    with reversion.create_revision(atomic=False):
        version.revision.revert(delete=True)
        restored = Article.objects.get(pk=article.pk)
        for name, value in keep.items():
            setattr(restored, name, value)
        restored.version = current.version + 1
        _prepare_body(restored)
        restored.save()
        reversion.set_user(by)
        reversion.set_comment(
            f"Restored the revision of {version.revision.date_created:%Y-%m-%d %H:%M}"
        )
    editorial_log(
        actor=by,
        action="article.restore",
        target=restored,
        payload={"revision": version.revision_id, "from_version": current.version},
    )
    _announce_if_public(restored)
    return restored


@transaction.atomic
def articles_set_section(*, articles: Iterable[Article], section: Section, by: User) -> int:
    """Bulk move; every article is checked and logged like a single edit."""
    changed = 0
    for article in (
        Article.objects.select_for_update().filter(pk__in=[a.pk for a in articles]).order_by("pk")
    ):
        _require(can_edit(by, article), f"You may not edit “{article}”.")
        if article.section_id == section.pk:
            continue
        before = article.section_id
        article.section = section
        article.version += 1
        _save_revision(article, by=by, comment=f"Section set to {section}")
        editorial_log(
            actor=by,
            action="article.set_section",
            target=article,
            payload={"before": {"section": before}, "after": {"section": section.pk}},
        )
        changed += 1
    return changed


def check_takes_corrections(article: Article) -> Article:
    """Corrections and updates amend what readers saw, so only a published article
    takes them; a draft is simply edited. The article form checks this in its
    correction inline before anything is saved."""
    if article.status != Status.PUBLISHED:
        raise ValidationError(
            {
                "text": "Only published articles take corrections and updates. "
                "This article is not published: edit its text instead, or publish it first."
            }
        )
    return article


@transaction.atomic
def correction_append(
    *, article: Article, text: str, by: User, kind: str = Correction.Kind.CORRECTION
) -> Correction:
    """A dated, public note on a published article. Corrections are never edited away."""
    _require(by.has_perm("articles.add_correction"), "Only editors can add corrections.")
    check_takes_corrections(article)
    correction = Correction(article=article, text=text.strip(), kind=kind, author=by)
    correction.full_clean()
    correction.save()
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
    editorial_log(
        actor=by, action=f"article.{kind}", target=article, payload={"text": correction.text}
    )
    _announce_if_public(article)
    return correction


# Bylines and images, as edited in the article form's inlines. What was there before
# and after is logged, so "who took Ana's name off this story?" has an answer.
_ATTACHMENT_FIELDS = {
    "byline": ("position", "name", "person_id", "role"),
    "articleimage": ("position", "image_id", "caption", "credit", "source_url"),
}
_ATTACHMENT_ACTIONS = {"byline": "article.bylines", "articleimage": "article.images"}


@transaction.atomic
def article_attachments_save(
    *,
    article: Article,
    saved: Sequence[Byline | ArticleImage],
    deleted: Sequence[Byline | ArticleImage],
    by: User,
) -> bool:
    """Save and delete one kind of an article's rows (bylines or images) and log the change.

    ``saved`` and ``deleted`` are Byline or ArticleImage instances of ``article``, as
    the article form's inline produced and validated them. A byline naming no person
    gets one from its name, unless it is a desk credit. Returns whether anything changed.
    """
    _require(can_edit(by, article), "You may not edit this article.")
    rows = [*saved, *deleted]
    if not rows:
        return False
    model = type(rows[0])
    kind = str(model._meta.model_name)  # "byline" or "articleimage", never None
    fields = _ATTACHMENT_FIELDS[kind]

    def state() -> list[dict[str, Any]]:
        values = model.objects.filter(article=article).order_by("position", "pk")
        return [dict(zip(fields, row, strict=True)) for row in values.values_list(*fields)]

    before = state()
    for instance in deleted:
        instance.delete()
    for instance in saved:
        instance.article = article
        if isinstance(instance, Byline) and instance.person_id is None:
            if is_desk_credit(instance.name):
                instance.role = Byline.Role.DESK  # "Reuters" is a desk, never a person
            if instance.role != Byline.Role.DESK:
                instance.person = person_for_byline(name=instance.name)
        instance.save()
    after = state()
    if before == after:
        return False
    editorial_log(
        actor=by,
        action=_ATTACHMENT_ACTIONS[kind],
        target=article,
        payload={"before": before, "after": after},
    )
    return True
