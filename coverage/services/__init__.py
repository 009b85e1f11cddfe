"""Every write the coverage app makes: placing articles in stories, the editors'
corrections, and the automatic passes.

Split by job, each module importing only those below it: ``placement`` (the online
engine) at the bottom, ``merging`` (moving one story into another) above it, then
``editing`` (editors' services), ``passes`` (merge, retitle, full re-clustering) and
``reclustering`` (the windowed pass). Import from ``coverage.services``.
"""

from .editing import (
    EDIT_PERMISSION,
    article_exclude,
    article_pin,
    story_lock,
    story_merge,
    story_split,
    story_update,
)
from .merging import stories_redirect_record, story_redirect_record
from .passes import (
    CLUSTERING_PASS_LOCK,
    ReclusterReport,
    clustering_pass_lock,
    stories_merge_converging,
    stories_recluster,
    stories_retitle,
)
from .placement import article_cluster, articles_cluster, stories_refresh, story_refresh
from .reclustering import WindowReport, stories_recluster_window

__all__ = [
    "CLUSTERING_PASS_LOCK",
    "EDIT_PERMISSION",
    "ReclusterReport",
    "WindowReport",
    "article_cluster",
    "article_exclude",
    "article_pin",
    "articles_cluster",
    "clustering_pass_lock",
    "stories_merge_converging",
    "stories_recluster",
    "stories_recluster_window",
    "stories_redirect_record",
    "stories_refresh",
    "stories_retitle",
    "story_lock",
    "story_merge",
    "story_redirect_record",
    "story_refresh",
    "story_split",
    "story_update",
]
