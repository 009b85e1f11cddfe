"""The body sanitiser: what an editor or an importer writes cannot run in a reader's browser."""

from articles.sanitize import html_to_text, sanitize_html


def test_script_elements_are_removed_with_their_content():
    assert sanitize_html("<p>Hi</p><script>alert(1)</script>") == "<p>Hi</p>"


def test_event_handler_attributes_are_removed():
    assert sanitize_html('<p onclick="steal()">Hi</p>') == "<p>Hi</p>"
    assert "onerror" not in sanitize_html('<img src="x" onerror="steal()">')


def test_javascript_urls_are_removed_from_links():
    cleaned = sanitize_html('<a href="javascript:alert(1)">click</a>')
    assert "javascript:" not in cleaned
    assert ">click</a>" in cleaned


def test_ordinary_news_markup_survives():
    html = (
        '<h2>Reaction</h2><p>The <strong>minister</strong> said <a href="https://example.com/">'
        "this</a>.</p><blockquote><p>We are ready.</p></blockquote><ul><li>One</li></ul>"
    )
    cleaned = sanitize_html(html)
    for fragment in ("<h2>Reaction</h2>", "<strong>minister</strong>", "<blockquote>", "<li>"):
        assert fragment in cleaned
    assert 'href="https://example.com/"' in cleaned


def test_styles_and_iframes_are_dropped():
    cleaned = sanitize_html('<p style="color:red">x</p><iframe src="https://evil"></iframe>')
    assert cleaned == "<p>x</p>"


def test_plain_text_keeps_paragraph_breaks():
    assert html_to_text("<p>One &amp; two</p><p>Three</p>") == "One & two\n\nThree"
