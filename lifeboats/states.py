"""The lifeboat state machine (DESIGN 4): one table of moves, one function that makes them.

`move()` is the only code that writes `Lifeboat.status`. It locks the row, checks the
table, writes, and appends a `LifeboatEvent`, all in one transaction; checking under the
lock is what makes a duplicated task delivery harmless (the second one raises).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from lifeboats.models import Lifeboat, LifeboatEvent, LifeboatStatus
from portal.errors import InvalidTransition, NotFound

S = LifeboatStatus

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.DRAFT, S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.APPROVED: {S.BUILDING},
    S.BUILDING: {S.READY, S.FAILED},
    S.FAILED: {S.APPROVED},
    S.READY: {S.EXPIRED},
    S.EXPIRED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}

# How each move reads in a message: "it cannot be <verb>".
VERBS: dict[str, str] = {
    S.DRAFT: "returned to draft",
    S.SUBMITTED: "submitted",
    S.APPROVED: "approved",
    S.BUILDING: "built",
    S.READY: "marked ready",
    S.FAILED: "marked failed",
    S.EXPIRED: "expired",
    S.REJECTED: "rejected",
    S.WITHDRAWN: "withdrawn",
}


def can_move(from_status: str, to: str) -> bool:
    return to in TRANSITIONS.get(from_status, set())


def transition_message(from_status: str, to: str) -> str:
    if from_status == to:
        return f"This lifeboat is already “{from_status}”; nothing was changed."
    return f"This lifeboat is “{from_status}”; it cannot be {VERBS.get(to, to)}."


def move(lifeboat_id: Any, to: str, *, actor: Any, note: str = "", **fields: Any) -> Lifeboat:
    """Move the lifeboat to `to`, setting `fields` too; raise `InvalidTransition` if not allowed.

    `actor` is the user who acted, or None for the system (the worker, a schedule).
    """
    if to not in TRANSITIONS:
        raise ValueError(f"Unknown lifeboat status {to!r}; expected one of {sorted(TRANSITIONS)}")
    with transaction.atomic():
        try:
            lifeboat = Lifeboat.objects.select_for_update().get(pk=lifeboat_id)
        except Lifeboat.DoesNotExist:
            raise NotFound(f"There is no lifeboat {str(lifeboat_id)!r}.") from None
        from_status = lifeboat.status
        if not can_move(from_status, to):
            raise InvalidTransition(transition_message(from_status, to))
        lifeboat.status = to
        for name, value in fields.items():
            setattr(lifeboat, name, value)
        lifeboat.save(update_fields=["status", "updated_at", *fields])
        LifeboatEvent.objects.create(
            lifeboat=lifeboat,
            from_status=from_status,
            status=to,
            actor=actor,
            note=note,
            at=timezone.now(),
        )
    return lifeboat
