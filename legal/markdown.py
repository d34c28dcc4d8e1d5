"""Markdown to safe HTML, for agreement texts and lifeboat README answers.

Markdown is rendered first (raw HTML allowed through, so that the sanitiser sees everything),
then nh3 keeps only an explicit allow-list of tags, attributes and URL schemes.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
        "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Tags whose content is dropped along with the tag, rather than kept as text.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template"})

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
_markdown.enable("strikethrough")


def render_markdown(text: str) -> str:
    """Render Markdown `text` to HTML that is safe to place in a page as-is."""
    if not isinstance(text, str):
        raise TypeError(f"render_markdown expects a string, got {text!r}")
    return nh3.clean(
        _markdown.render(text),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
