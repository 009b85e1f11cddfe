from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = "Related coverage"

    def ready(self):
        # Models are importable only once the registry is ready: hence in ready().
        from accounts.roles import grant_on_post_migrate
        from articles.signals import article_embargo_lifted
        from mentions.signals import mentions_changed, mentions_suggested

        from .roles import GRANTS
        from .tasks import cluster_article, refresh_article_stories

        grant_on_post_migrate(self, GRANTS)

        # Late: the receivers import models, importable once the registry is ready.
        from . import invalidation, receivers

        invalidation.connect()
        receivers.connect()

        def enqueue_clustering(sender, article_id, **kwargs):
            cluster_article.enqueue(article_id=article_id)

        # Clustering reads the article's entity mentions, so it waits for them: the
        # mentions app suggests mentions when an article is published, then announces.
        mentions_suggested.connect(
            enqueue_clustering, weak=False, dispatch_uid="coverage.enqueue_clustering"
        )
        # An article already in a story keeps it, but its entity evidence (and its
        # story's) follows the editors' decisions: see ``article_cluster``.
        mentions_changed.connect(
            enqueue_clustering, weak=False, dispatch_uid="coverage.enqueue_clustering_changed"
        )
        # Readers see a story's dates and default title from its public members: an
        # embargoed member counts from its publication time on.
        article_embargo_lifted.connect(
            lambda sender, article_id, **kwargs: refresh_article_stories.enqueue(
                article_id=article_id
            ),
            weak=False,
            dispatch_uid="coverage.refresh_article_stories",
        )
