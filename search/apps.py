from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        # Models are importable only once the registry is ready: hence in ready().
        from articles.signals import article_embargo_lifted, article_published

        from .tasks import record_search_terms

        def enqueue_terms(sender, article_id, **kwargs):
            record_search_terms.enqueue(article_id=article_id)

        # Only a public article's words are offered as corrections (an embargoed one's
        # would leak through "did you mean"): recorded when it is published, or when its
        # embargo lifts (search_terms_record skips it until then).
        article_published.connect(enqueue_terms, weak=False, dispatch_uid="search.record_terms")
        article_embargo_lifted.connect(
            enqueue_terms, weak=False, dispatch_uid="search.record_terms_embargo"
        )
