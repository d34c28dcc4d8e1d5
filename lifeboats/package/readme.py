"""README.html and legal/agreement.html of a Lifeboat package.

Both are self-contained pages (inline CSS, no scripts, no external assets) rendered with the
Django template engine from `templates/lifeboats/package/`, so every piece of user or Flickr
text is escaped by the engine. README answers and the agreement text are Markdown, rendered
and sanitised by `legal.markdown.render_markdown` before they are marked safe. Dates are
written in UTC, in words, so the pages read the same wherever they are opened.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from legal.markdown import render_markdown

if TYPE_CHECKING:
    from lifeboats.package.writer import PackageLifeboat

__all__ = ["CONSENT_WORDS", "REASON_WORDS", "render_agreement", "render_readme"]

README_TEMPLATE = "lifeboats/package/readme.html"
AGREEMENT_TEMPLATE = "lifeboats/package/agreement.html"

# Why a photo is not in the lifeboat, in words (the reasons of DESIGN 4).
REASON_WORDS: dict[str, str] = {
    "opted_out": "The photographer has opted out of Data Lifeboats.",
    "consent_refused": "The photographer refused consent.",
    "consent_expired": "The photographer did not answer the consent request in time.",
    "not_found": "Deleted or made private on Flickr before it could be fetched.",
    "licence_blocked": "Its licence is not allowed by the licence policy.",
    "removed": "Removed at the photographer's request.",
}

CONSENT_WORDS: dict[str, str] = {
    "not_required": "No consent needed (an open licence, or the organisation's own photo)",
    "granted": "The photographer gave consent",
    "not_asked": (
        "Not asked: the foundation built this lifeboat itself, outside the request workflow, "
        "although the licence policy would have asked the photographer"
    ),
}

FLICKR_PHOTO_URL = "https://www.flickr.com/photo.gne?id={photo_id}"


def in_words(moment: datetime | None) -> str:
    """`24 March 2026, 14:05 UTC`; an empty string for no date."""
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _markdown(text: str) -> SafeString | None:
    """Sanitised HTML for a Markdown answer, or None when the answer is blank."""
    if not text.strip():
        return None
    return mark_safe(render_markdown(text))  # sanitised by nh3 in render_markdown


def reason_in_words(reason: str) -> str:
    return REASON_WORDS.get(reason, f"Excluded ({reason}).")


def render_readme(
    lifeboat: PackageLifeboat,
    *,
    built_at: datetime,
    photo_count: int,
    licence_counts: Mapping[str, int],
    licence_index: Mapping[str, Mapping[str, Any]],
    consent_counts: Mapping[str, int],
    excluded: Sequence[Mapping[str, str]],
) -> str:
    """The human entry point of the package (data/README.html)."""
    licences = [
        {
            "id": licence_id,
            "label": licence_index.get(licence_id, {}).get("label") or licence_id,
            "url": _safe_licence_url(licence_index.get(licence_id, {}).get("url")),
            "count": count,
        }
        for licence_id, count in sorted(licence_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    consents = [
        {"status": status, "words": CONSENT_WORDS.get(status, status), "count": count}
        for status, count in sorted(consent_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    excluded_rows = [
        {
            "photo_id": entry["photoId"],
            "url": FLICKR_PHOTO_URL.format(photo_id=entry["photoId"]),
            "reason": reason_in_words(entry["reason"]),
        }
        for entry in excluded
    ]
    context = {
        "lifeboat": lifeboat,
        "identifier": f"urn:uuid:{lifeboat.id}",
        "created": in_words(lifeboat.created_at),
        "built": in_words(built_at),
        "photo_count": photo_count,
        "answers": [
            ("Why these photos", _markdown(lifeboat.readme.selection)),
            ("What future readers should know", _markdown(lifeboat.readme.future)),
            ("How the photos may and may not be used", _markdown(lifeboat.readme.usage)),
        ],
        "licences": licences,
        "consents": consents,
        "consent_required": consent_counts.get("granted", 0),
        "excluded": excluded_rows,
        "agreement_signed": in_words(lifeboat.agreement.signed_at),
    }
    return render_to_string(README_TEMPLATE, context)


def render_agreement(lifeboat: PackageLifeboat) -> str:
    """data/legal/agreement.html: the agreement text the organisation signed, with dates."""
    agreement = lifeboat.agreement
    context = {
        "lifeboat": lifeboat,
        "agreement": agreement,
        "text": _markdown(agreement.text_markdown),
        "signed": in_words(agreement.signed_at),
        "approved": in_words(agreement.approved_at),
    }
    return render_to_string(AGREEMENT_TEMPLATE, context)


def _safe_licence_url(url: object) -> str | None:
    """Licence URLs come from the licence table; still, only http(s) links are written."""
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return url
    return None
