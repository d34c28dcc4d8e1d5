"""`GET /api/photos/{photo_id}/lifeboats`: the public index lookup (DESIGN 5.3).

Anyone may ask, without a token. `lifeboats.api` mounts `index_router` on its router.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from flickr.urls import is_valid_photo_id
from lifeboats.index import lifeboats_holding
from lifeboats.schemas import Error

index_router = Router(tags=["photo index"])


class IndexEntryOut(Schema):
    lifeboat_id: str
    lifeboat_name: str
    organisation: str = Field(..., description="The organisation that asked for the lifeboat.")
    lifeboat_status: str = Field(..., description="approved, building, ready or expired.")
    state: str = Field(..., description="included, excluded, or pending while building.")
    reason: str | None = Field(None, description="Why the photo was excluded, if it was.")
    reason_label: str | None = None
    added_at: datetime = Field(..., description="When the photo was added to the request.")
    decided_at: datetime | None = Field(None, description="When the build included it.")
    removed_at: datetime | None = None
    ready_at: datetime | None = Field(None, description="When the package was ready.")
    expires_at: datetime | None = None


class PhotoLifeboatsOut(Schema):
    photo_id: str
    lifeboats: list[IndexEntryOut]


@index_router.get(
    "/photos/{photo_id}/lifeboats",
    auth=None,
    response={200: PhotoLifeboatsOut, 400: Error},
    summary="Which lifeboats hold this photo?",
    description="The lifeboats the foundation approved that hold the Flickr photo, or that "
    "excluded it (with the reason), oldest first. An empty list when none does. Public.",
)
def photo_lifeboats(request: HttpRequest, photo_id: str) -> dict[str, Any]:
    if not is_valid_photo_id(photo_id):
        raise HttpError(
            400,
            f"{photo_id!r} is not a Flickr photo id: use the digits only, such as 53208249252 "
            "(the number after the member's name in a photo's URL).",
        )
    return {"photo_id": photo_id, "lifeboats": lifeboats_holding(photo_id)}
