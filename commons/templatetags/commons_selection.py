"""Template tags for hand-picking photos: `{% selection_toggle photo %}` (the Pick/Remove
button under a catalogued photo) and `{% selection_link %}` (the way to the selection, with
its size). Both read the visitor's selection from the session."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context

from commons import selection
from commons.models import CommonsPhoto

register = template.Library()


@register.inclusion_tag("commons/includes/selection_toggle.html", takes_context=True)
def selection_toggle(context: Context, photo: CommonsPhoto) -> dict[str, Any]:
    request = context["request"]
    return {
        "photo_id": photo.photo_id,
        "title": str(photo),
        "selected": photo.photo_id in _selected(context),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("commons/includes/selection_link.html", takes_context=True)
def selection_link(context: Context) -> dict[str, Any]:
    return {"selection_count": len(_selected(context))}


def _selected(context: Context) -> set[str]:
    """The selected ids, read once per rendering (a page may show hundreds of toggles)."""
    cache = context.render_context
    if "commons_selected" not in cache:
        cache["commons_selected"] = set(selection.selected_ids(context["request"].session))
    return cache["commons_selected"]
