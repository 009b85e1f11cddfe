from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = "Related coverage"

    def ready(self):
        from articles.signals import article_published

        from .tasks import cluster_article

        def enqueue_clustering(sender, article_id, **kwargs):
            cluster_article.enqueue(article_id=article_id)

        article_published.connect(
            enqueue_clustering, weak=False, dispatch_uid="coverage.enqueue_clustering"
        )
