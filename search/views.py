from django.shortcuts import render

from .forms import SearchForm
from .selectors import SearchFilters, article_search


def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        results = article_search(
            query=data["q"],
            filters=SearchFilters(
                section=data["section"],
                outlet=data["outlet"],
                person=data["person"],
                place=data["place"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            ),
            page_number=request.GET.get("page"),
        )
    return render(request, "search/search.html", {"form": form, "results": results})
