"""The one way views and API endpoints fetch a lifeboat for a user (default deny), and who
may start a lifeboat request for an organisation."""

from __future__ import annotations

import uuid
from typing import Any

from lifeboats.models import Lifeboat
from lifeboats.services import is_member
from portal.errors import NotFound
from portal.models import Organisation, User


def get_lifeboat_for(user: Any, pk: Any) -> Lifeboat:
    """The lifeboat `pk` if `user` may see it; else `NotFound`, also for a malformed id.

    Members see their organisations' lifeboats, foundation admins see all; another
    organisation's lifeboat is indistinguishable from one that does not exist.
    """
    try:
        lifeboat_id = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    except (TypeError, ValueError, AttributeError):
        raise NotFound(f"There is no lifeboat {str(pk)!r}.") from None
    visible = Lifeboat.objects.visible_to(user).select_related("organisation", "created_by")
    try:
        return visible.get(pk=lifeboat_id)
    except Lifeboat.DoesNotExist:
        raise NotFound(f"There is no lifeboat {str(pk)!r}.") from None


def why_cannot_request(user: User, organisation: Organisation) -> str | None:
    """None when `user` may start a lifeboat request for `organisation`; else the reason."""
    if not is_member(user, organisation):
        return (
            f"Only staff and managers of {organisation} can request lifeboats for it. "
            "Foundation admins review requests once they are submitted."
        )
    if not organisation.is_approved:
        return (
            f"{organisation} is {organisation.get_status_display().lower()}: lifeboats can be "
            "requested once the foundation has approved the organisation."
        )
    return None
