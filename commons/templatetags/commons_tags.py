"""Template helpers for the Commons Explorer pages."""

from __future__ import annotations

from typing import Any

import nh3
from django import template
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe

from commons.models import CommonsMember
from flickr.licenses import licence_label

register = template.Library()

# What survives of the HTML in member profiles and comments.
FLICKR_HTML_TAGS = {"a", "b", "i", "em", "strong", "br"}
FLICKR_HTML_ATTRIBUTES = {"a": {"href", "title"}}
FLICKR_HTML_URL_SCHEMES = {"http", "https", "mailto"}
DEFAULT_BUDDY_ICON = "https://www.flickr.com/images/buddyicon.gif"


def clean_flickr_html(text: str) -> str:
    """Flickr's HTML reduced to links and emphasis; line breaks kept as Flickr shows them."""
    cleaned = nh3.clean(
        text or "",
        tags=FLICKR_HTML_TAGS,
        attributes=FLICKR_HTML_ATTRIBUTES,
        url_schemes=FLICKR_HTML_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return cleaned.strip().replace("\r\n", "\n").replace("\n", "<br>\n")


@register.filter
def flickr_html(text: str) -> SafeString:
    """Show HTML from Flickr (a profile, a comment) safely."""
    return mark_safe(clean_flickr_html(text))  # sanitised by nh3 in clean_flickr_html


@register.filter
def licence_name(licence_id: str) -> str:
    return licence_label(licence_id) if licence_id else "Unknown licence"


@register.filter
def buddy_icon(member: CommonsMember) -> str:
    """The member's Flickr buddy icon, or Flickr's default one when they have none."""
    if not member.icon_server or member.icon_server == "0":
        return DEFAULT_BUDDY_ICON
    return (
        f"https://farm{member.icon_farm}.staticflickr.com/"
        f"{member.icon_server}/buddyicons/{member.nsid}.jpg"
    )


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with `changes` applied (None removes a key), e.g.
    `{% query_with before=page.older after=None %}` -> "?q=boat&before=..."."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None and value != "":
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
