"""The hand-picked selection: photo ids a visitor has ticked, kept in their session."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "commons_selection"


def selected_ids(session: SessionBase) -> list[str]:
    """The selected Flickr photo ids, in the order they were picked."""
    return list(session.get(SESSION_KEY, []))


def select(session: SessionBase, photo_ids: Iterable[str]) -> list[str]:
    """Add photos (at most LIFEBOAT_MAX_PHOTOS in all); returns the selection."""
    chosen = selected_ids(session)
    known = set(chosen)
    for photo_id in photo_ids:
        if photo_id not in known and len(chosen) < settings.LIFEBOAT_MAX_PHOTOS:
            chosen.append(photo_id)
            known.add(photo_id)
    session[SESSION_KEY] = chosen
    return chosen


def unselect(session: SessionBase, photo_ids: Iterable[str]) -> list[str]:
    dropped = set(photo_ids)
    chosen = [photo_id for photo_id in selected_ids(session) if photo_id not in dropped]
    session[SESSION_KEY] = chosen
    return chosen


def clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def is_selected(session: SessionBase, photo_id: str) -> bool:
    return photo_id in session.get(SESSION_KEY, [])


def is_full(session: SessionBase) -> bool:
    """True when the selection holds as many photos as one lifeboat may take."""
    return len(session.get(SESSION_KEY, [])) >= settings.LIFEBOAT_MAX_PHOTOS
