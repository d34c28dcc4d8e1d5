"""render_markdown: Markdown becomes HTML, and nothing hostile survives."""

from __future__ import annotations

import pytest

from legal.markdown import render_markdown


def test_markdown_becomes_html():
    """Headings, emphasis, lists and tables render as their HTML elements."""
    html = render_markdown("# Title\n\n*one* **two**\n\n- a\n- b\n\n| x |\n|---|\n| 1 |\n")
    assert "<h1>Title</h1>" in html
    assert "<em>one</em> <strong>two</strong>" in html
    assert "<li>a</li>" in html
    assert "<td>1</td>" in html


def test_links_get_noopener_noreferrer():
    """A safe link is kept, with rel="noopener noreferrer"."""
    html = render_markdown("[the foundation](https://example.org/about)")
    assert '<a href="https://example.org/about" rel="noopener noreferrer">' in html


def test_script_tags_are_dropped_with_their_content():
    """A raw <script> block disappears entirely, code included."""
    html = render_markdown("Hello\n\n<script>alert('x')</script>\n\nworld")
    assert "<script" not in html
    assert "alert" not in html
    assert "Hello" in html
    assert "world" in html


def test_inline_script_inside_a_paragraph_is_dropped():
    """A <script> inside running text is removed too."""
    html = render_markdown("before <script>steal()</script> after")
    assert "script" not in html
    assert "steal" not in html


@pytest.mark.parametrize(
    "text",
    [
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">click</p>',
        '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    ],
)
def test_event_handler_attributes_are_removed(text):
    """on* attributes never survive, whatever the tag."""
    html = render_markdown(text)
    assert "onerror" not in html
    assert "onclick" not in html
    assert "onmouseover" not in html
    assert "alert" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="  javascript:alert(1)">click</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
    ],
)
def test_javascript_and_data_urls_never_become_links(text):
    """No href with a javascript: or data: scheme is produced."""
    html = render_markdown(text)
    assert 'href="javascript' not in html.lower()
    assert 'href="  javascript' not in html.lower()
    assert 'href="data:' not in html.lower()


@pytest.mark.parametrize(
    "tag",
    ["iframe", "object", "embed", "style", "form", "input", "img", "div", "span", "svg"],
)
def test_raw_html_outside_the_allow_list_is_removed(tag):
    """Raw HTML tags not on the allow-list are stripped."""
    html = render_markdown(f"<{tag} class='x'>inside</{tag}>")
    assert f"<{tag}" not in html


def test_attributes_outside_the_allow_list_are_removed():
    """Style, class and id attributes are removed from allowed tags."""
    html = render_markdown('<strong style="color:red" class="x" id="y">bold</strong>')
    assert html.strip() == "<p><strong>bold</strong></p>"


def test_markdown_text_is_escaped():
    """Angle brackets in plain text are escaped, not interpreted."""
    html = render_markdown("1 < 2 & 3 > 2")
    assert "1 &lt; 2 &amp; 3 &gt; 2" in html


def test_rejects_non_string_input():
    """Anything but a string is a TypeError naming the value."""
    with pytest.raises(TypeError, match="None"):
        render_markdown(None)
