'use strict';
// Tags in the article admin: existing tags are suggested as you type (select2, which
// the Django admin already ships); a new name becomes a new tag when the form is saved.
{
    const $ = django.jQuery;
    $(function() {
        $('select[data-tag-autocomplete-url]').each(function() {
            $(this).select2({
                tags: true,
                tokenSeparators: [','],
                width: 'style',
                ajax: {
                    url: this.dataset.tagAutocompleteUrl,
                    dataType: 'json',
                    delay: 200,
                    data: (params) => ({term: params.term}),
                    processResults: (data) => ({
                        results: data.results.map((name) => ({id: name, text: name})),
                    }),
                },
            });
        });
    });
}
