"""Which cached pages each write of the comments app makes stale (pagecache/keys.py).

Comments are shown only on their article's page, so a comment names only
``thread:<article id>``: posting, editing, approving, hiding or featuring one leaves the
article's other keys, and every other page, alone. Connected in ``CommentsConfig.ready``.

- comment posted, edited, moderated, deleted: ``thread:<article id>``.
- comments closed or reopened on an article / a story: ``thread:<id>`` / of each of its
  articles.
- a section's comment policy: ``section:<id>`` (its articles' pages name their section).
- a reader's display name: ``thread:<id>`` of each article they commented on.
"""

from django.db.models.signals import post_delete, post_save

import pagecache
from accounts.models import Profile
from coverage.models import StoryArticle
from pagecache.invalidation import register_expander, rows_expander

from .models import Closure, Comment, SectionPolicy


def comment_changed(sender, instance: Comment, **kwargs) -> None:
    pagecache.invalidate_on_commit(f"thread:{instance.article_id}")


def closure_changed(sender, instance: Closure, **kwargs) -> None:
    if instance.article_id:
        pagecache.invalidate_on_commit(f"thread:{instance.article_id}")
    if instance.story_id:
        pagecache.invalidate_on_commit(f"threads-of-story:{instance.story_id}")


def policy_changed(sender, instance: SectionPolicy, **kwargs) -> None:
    pagecache.invalidate_on_commit(f"section:{instance.section_id}")


def profile_changed(sender, instance: Profile, created: bool = False, **kwargs) -> None:
    if not created:
        pagecache.invalidate_on_commit(f"threads-of-user:{instance.user_id}")


threads_of_stories = rows_expander("thread", StoryArticle, where="story_id", field="article_id")
threads_of_users = rows_expander("thread", Comment, where="author_id", field="article_id")


def connect() -> None:
    uid = "comments.invalidation."
    post_save.connect(comment_changed, sender=Comment, dispatch_uid=uid + "comment.save")
    post_delete.connect(comment_changed, sender=Comment, dispatch_uid=uid + "comment.del")
    post_save.connect(closure_changed, sender=Closure, dispatch_uid=uid + "closure.save")
    post_delete.connect(closure_changed, sender=Closure, dispatch_uid=uid + "closure.del")
    post_save.connect(policy_changed, sender=SectionPolicy, dispatch_uid=uid + "policy.save")
    post_delete.connect(policy_changed, sender=SectionPolicy, dispatch_uid=uid + "policy.del")
    post_save.connect(profile_changed, sender=Profile, dispatch_uid=uid + "profile.save")
    register_expander("threads-of-story", threads_of_stories, virtual=True)
    register_expander("threads-of-user", threads_of_users, virtual=True)
