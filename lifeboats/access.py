"""The one way views and API endpoints fetch a lifeboat for a user (default deny)."""

from __future__ import annotations

import uuid
from typing import Any

from lifeboats.models import Lifeboat
from portal.errors import NotFound


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
