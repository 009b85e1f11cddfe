"""The editor and admin roles correct story grouping; reporters and moderators cannot."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.tests.factories import UserFactory
from audit.models import EditorialLogEntry
from coverage.services import article_exclude, article_pin, story_lock, story_merge, story_split

from .factories import topical_article
from .test_editor_control import cluster, story_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_topics():
    bridge = [topical_article("bridge", v) for v in range(3)]
    vaccine = [topical_article("vaccine", v) for v in range(3)]
    cluster(*bridge, *vaccine)
    return bridge, vaccine


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editor_and_admin_roles_pin_exclude_split_merge_and_lock(two_topics, role):
    user = UserFactory(role=role)
    bridge, vaccine = two_topics
    article_pin(article=bridge[0], story=story_of(vaccine[0]), by=user)
    article_exclude(article=bridge[1], story=story_of(bridge[1]), by=user)
    story_split(story=story_of(vaccine[0]), articles=[vaccine[1]], title="Split", by=user)
    story_merge(keep=story_of(vaccine[0]), others=[story_of(vaccine[1])], by=user)
    story_lock(story=story_of(vaccine[0]), is_locked=True, by=user)
    assert EditorialLogEntry.objects.filter(actor=user, action__startswith="story.").count() == 5


@pytest.mark.parametrize("role", ["reporter", "moderator"])
def test_reporter_and_moderator_roles_cannot_change_stories(two_topics, role):
    user = UserFactory(role=role)
    bridge, vaccine = two_topics
    with pytest.raises(PermissionDenied):
        article_pin(article=bridge[0], story=story_of(vaccine[0]), by=user)
    with pytest.raises(PermissionDenied):
        story_lock(story=story_of(vaccine[0]), is_locked=True, by=user)
    with pytest.raises(PermissionDenied):
        story_merge(keep=story_of(bridge[0]), others=[story_of(vaccine[0])], by=user)
