"""Opening the first step of the lifeboat wizard already filled in.

A page that has chosen photos for someone (the Commons Explorer, for one) stashes a name and
the Flickr URLs in the session, then sends them to `lifeboats:new` with `?prefill=<token>`.
The wizard shows them as the form's initial values, to be checked and submitted as usual:
nothing is created until the form is submitted. Tokens live in the session, so they expire
with it and only work for the person they were made for; reloading the page keeps them, and
a list of URLs of any length fits (the address carries only the token). An unknown token
simply gives the empty form.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse

SESSION_KEY = "lifeboat_prefills"
# A prefill may hold thousands of URLs; only the newest few are worth the session's weight.
KEEP = 3


@dataclass(frozen=True)
class Prefill:
    """What the wizard's first step starts with, and where it came from."""

    name: str
    urls: tuple[str, ...]
    origin: str
    origin_url: str = ""
    notes: tuple[str, ...] = ()

    def initial(self) -> dict[str, str]:
        """The initial data of `NewLifeboatForm`."""
        return {"name": self.name, "urls": "\n".join(self.urls)}

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "urls": list(self.urls),
            "origin": self.origin,
            "origin_url": self.origin_url,
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Prefill:
        return cls(
            name=data["name"],
            urls=tuple(data["urls"]),
            origin=data["origin"],
            origin_url=data.get("origin_url", ""),
            notes=tuple(data.get("notes", ())),
        )


def stash_prefill(
    session: SessionBase,
    *,
    name: str,
    urls: Iterable[str],
    origin: str,
    origin_url: str = "",
    notes: Iterable[str] = (),
) -> str:
    """Keep a prefill in `session`; returns its token for `?prefill=`.

    `origin` names where it came from, as the wizard says it ("the Commons Explorer");
    `origin_url` leads back there; `notes` are shown with it (what was left out, and why).
    """
    prefill = Prefill(
        name=name, urls=tuple(urls), origin=origin, origin_url=origin_url, notes=tuple(notes)
    )
    token = secrets.token_urlsafe(16)
    stashed = dict(session.get(SESSION_KEY, {}))
    stashed[token] = prefill.to_json()
    session[SESSION_KEY] = dict(list(stashed.items())[-KEEP:])
    return token


def prefill_for(session: SessionBase, token: str | None) -> Prefill | None:
    """The prefill `token` names in this session, or None (unknown, expired or from another)."""
    data = session.get(SESSION_KEY, {}).get(token or "")
    return Prefill.from_json(data) if data else None


def discard_prefill(session: SessionBase, token: str | None) -> None:
    """Forget a prefill once it has done its job."""
    stashed = dict(session.get(SESSION_KEY, {}))
    if stashed.pop(token or "", None) is not None:
        session[SESSION_KEY] = stashed


def prefill_url(organisation_slug: str, token: str) -> str:
    """The wizard's first step for the organisation, pre-filled."""
    return f"{reverse('lifeboats:new', kwargs={'slug': organisation_slug})}?prefill={token}"
