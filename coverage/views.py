import datetime as dt

from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import DetailView

from articles.prepared import PreparedQuery
from pagecache import keys, parts

from .models import Story, StoryRedirect
from .selectors import story_page

# The page's story, compiled once per process (articles/prepared.py), without the
# clustering's centroid and entity counts: JSON the page never reads, decoded on every
# request (about 50 µs of a kept page's 1.6 ms).
VISIBLE_STORY = PreparedQuery(
    lambda pk, now: (
        Story.objects.with_visible_members(now=now)
        .filter(pk=pk)
        .defer("centroid", "entity_counts")
        .order_by()
    ),
    pk=int,
    now=dt.datetime,
)


class StoryDetailView(DetailView):
    template_name = "coverage/story_detail.html"
    context_object_name = "story"
    # A story whose every article was withdrawn, excluded or is still under embargo
    # has nothing a reader may see: it is not found rather than an empty page.
    queryset = Story.objects.with_visible_members()

    def get_object(self, queryset=None):
        """The story, kept like a part of the page under its ``story:<pk>`` key (every
        change to it or to a member's visibility, an embargo's end included, bumps it):
        a miss caused by anything else (a new section, a page of the pager not seen
        yet) runs no query. Not found is never kept: it raises inside."""
        pk = self.kwargs["pk"]

        def find() -> Story:
            found = VISIBLE_STORY.run(pk=pk, now=timezone.now())
            if not found:
                raise Http404("No story found matching the query")
            keys.add(self.request, f"story:{pk}")
            return found[0]

        return parts.cached_part(self.request, f"story-row:{pk}", find)

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # A story merged into another (by an editor or a re-clustering pass).
            if target := StoryRedirect.objects.target_of(kwargs["pk"]):
                return redirect(target, permanent=True)
            raise
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        # Its members' changes bump the story's key: one key, however many articles.
        keys.add(request, f"story:{self.object.pk}")
        context = self.get_context_data(object=self.object)
        # Read lazily, by the page's parts that are not kept (story_detail.html).
        context["page"] = story_page(story=self.object, page_number=request.GET.get("page"))
        return self.render_to_response(context)
