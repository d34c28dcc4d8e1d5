"""The legal app's REST API (DESIGN 5.3): photographers ask for their photos' removal.

`POST /api/removal-requests` `{photo_ids, reason}` calls the same service as the photographer's
page, `legal.removals.removal_request_create`: only for the caller's own photos (their account's
Flickr NSID must own every photo, 403 otherwise), only for photos already in lifeboats (400),
and nothing is saved when anything is wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from legal import removals
from legal.models import RemovalRequest
from lifeboats.schemas import Error
from portal.models import User

router = Router(tags=["photographers"])


class RemovalRequestIn(Schema):
    photo_ids: list[str] = Field(
        ..., description="Flickr photo ids (or links to single photos) of your own photos."
    )
    reason: str = Field(..., description="Why the photos should leave the lifeboats.")


class RemovalRequestOut(Schema):
    id: int
    status: str
    owner_nsid: str
    photo_ids: list[str]
    reason: str
    created_at: datetime
    decided_at: datetime | None
    decision_note: str


def removal_request_out(request: RemovalRequest) -> dict:
    return {
        "id": request.pk,
        "status": request.status,
        "owner_nsid": request.owner_nsid,
        "photo_ids": removals.photo_ids_of(request),
        "reason": request.reason,
        "created_at": request.created_at,
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
    }


@router.post(
    "/removal-requests",
    response={201: RemovalRequestOut, 400: Error, 401: Error, 403: Error},
    summary="Ask for your photos to be removed from the lifeboats that hold them",
)
def create_removal_request(request: HttpRequest, payload: RemovalRequestIn) -> Status:
    created = removals.removal_request_create(
        photographer=cast(User, request.user), photo_ids=payload.photo_ids, reason=payload.reason
    )
    return Status(201, removal_request_out(created))
