"""The shapes of the lifeboat API (DESIGN 5.3): what callers send and what they get back.

Every field carries a description: they are what `/api/docs` shows.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Field, Schema

from lifeboats import summaries
from lifeboats.models import Lifeboat


class Error(Schema):
    """Every error the API answers: one sentence that says what to do next."""

    detail: str = Field(..., description="What went wrong, and what to do about it.")


# --- Input -----------------------------------------------------------------------------------


class ReadmeIn(Schema):
    selection: str = Field("", description="Why these photos were chosen. Markdown.")
    future: str = Field(
        "",
        description="What future readers of the lifeboat should know. Markdown; needed to submit.",
    )
    usage: str = Field("", description="How the photos may and may not be used. Markdown.")


class LifeboatIn(Schema):
    name: str = Field(..., description="A short name for the lifeboat.", examples=["Lighthouses"])
    purpose: str = Field(
        "", description="Why this lifeboat exists. May be left empty for a draft; needed to submit."
    )
    readme: ReadmeIn = Field(
        default_factory=lambda: ReadmeIn(selection="", future="", usage=""),
        description="The README answers, shown in the package.",
    )
    urls: list[str] = Field(
        default_factory=list,
        description="Flickr URLs of photos, albums, galleries, groups, tags or photostreams.",
        examples=[["https://www.flickr.com/photos/sandbox-archive/albums/72157600000000001"]],
    )
    organisation: str | None = Field(
        None,
        description="The slug of the organisation asking for the lifeboat. Needed only when "
        "you belong to more than one organisation.",
        examples=["harbour-archive"],
    )


class NoteIn(Schema):
    note: str = Field("", description="A note for the lifeboat's history, shown to its staff.")


class ReasonIn(Schema):
    reason: str = Field(
        ..., description="Why the request is rejected; the organisation's staff read it."
    )


# --- Output ----------------------------------------------------------------------------------


class OrganisationRef(Schema):
    slug: str = Field(..., description="The organisation's short name, used in addresses.")
    name: str = Field(..., description="The organisation's full name.")


class ReadmeOut(Schema):
    selection: str = Field(..., description="Why these photos were chosen (Markdown).")
    future: str = Field(..., description="What future readers should know (Markdown).")
    usage: str = Field(..., description="How the photos may and may not be used (Markdown).")


class ProgressOut(Schema):
    photos_total: int = Field(..., description="Photos the build has to handle.")
    photos_done: int = Field(..., description="Photos the build has included or excluded.")
    api_calls: int = Field(..., description="Flickr API calls the build has made so far.")


class PhotosOut(Schema):
    included: int = Field(..., description="Photos that are (or will be) in the package.")
    pending_consent: int = Field(
        ..., description="Photos waiting for their photographer's consent."
    )
    excluded: dict[str, int] = Field(
        ...,
        description="Photos left out, counted by reason: opted_out, consent_refused, "
        "consent_expired, not_found, licence_blocked, removed.",
        examples=[{"not_found": 2, "consent_refused": 1}],
    )
    pending: int = Field(..., description="Photos the build has not fetched yet.")


class EventOut(Schema):
    from_status: str = Field(..., description="The status before the move (empty at creation).")
    status: str = Field(..., description="The status after the move.")
    actor: str | None = Field(
        ..., description="The username of who made the move; null for the system."
    )
    note: str = Field(..., description="The note or reason given with the move.")
    at: datetime = Field(..., description="When the move happened.")


class LifeboatSummaryOut(Schema):
    id: uuid.UUID = Field(..., description="The lifeboat's id.")
    name: str
    status: str = Field(
        ...,
        description="draft, submitted, approved, building, ready, expired, failed, rejected "
        "or withdrawn.",
    )
    organisation: OrganisationRef
    purpose: str = Field(..., description="Why this lifeboat exists.")
    progress: ProgressOut
    photos: PhotosOut
    preflight: dict[str, Any] = Field(
        ...,
        description="The preflight summary made when the URLs were resolved: photos, owners, "
        "counts by licence, visibility and media, and the estimated Flickr API calls and hours.",
    )
    created_at: datetime
    submitted_at: datetime | None = Field(..., description="When it was last submitted.")
    ready_at: datetime | None = Field(..., description="When the package was built.")
    expires_at: datetime | None = Field(
        ..., description="When the package stops being downloadable."
    )

    @staticmethod
    def resolve_progress(lifeboat: Lifeboat) -> dict[str, int]:
        return summaries.progress(lifeboat)

    @staticmethod
    def resolve_photos(lifeboat: Lifeboat) -> dict[str, Any]:
        return summaries.photo_counts(lifeboat)

    @staticmethod
    def resolve_preflight(lifeboat: Lifeboat) -> dict[str, Any]:
        return lifeboat.preflight or {}


class LifeboatOut(LifeboatSummaryOut):
    readme: ReadmeOut
    urls: list[str] = Field(..., description="The Flickr URLs as given.")
    events: list[EventOut] = Field(..., description="Every move between states, oldest first.")

    @staticmethod
    def resolve_readme(lifeboat: Lifeboat) -> dict[str, str]:
        return {
            "selection": lifeboat.readme_selection,
            "future": lifeboat.readme_future,
            "usage": lifeboat.readme_usage,
        }

    @staticmethod
    def resolve_urls(lifeboat: Lifeboat) -> list[str]:
        return list(lifeboat.urls or [])

    @staticmethod
    def resolve_events(lifeboat: Lifeboat) -> list[dict[str, Any]]:
        return [
            {
                "from_status": event.from_status,
                "status": event.status,
                "actor": event.actor.username if event.actor else None,
                "note": event.note,
                "at": event.at,
            }
            for event in lifeboat.events.select_related("actor").order_by("at", "pk")
        ]
