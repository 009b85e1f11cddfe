from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView

from entities.jsonld import jsonld_script
from pagecache import keys

from .models import Story, StoryRedirect
from .selectors import story_page
from .structured_data import story_jsonld


class StoryDetailView(DetailView):
    template_name = "coverage/story_detail.html"
    context_object_name = "story"
    # A story whose every article was withdrawn, excluded or is still under embargo
    # has nothing a reader may see: it is not found rather than an empty page.
    queryset = Story.objects.with_visible_members()

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
        context["page"] = story_page(story=self.object, page_number=request.GET.get("page"))
        context["jsonld"] = jsonld_script(story_jsonld(page=context["page"], request=request))
        return self.render_to_response(context)
