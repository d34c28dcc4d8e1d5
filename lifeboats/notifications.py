"""Who hears about what happens to a lifeboat request, in their inbox and by email.

The services register these with `transaction.on_commit`, passing ids, so that a
notification is sent only for a change that was really saved. Texts are templates under
`templates/lifeboats/email/<kind>_subject.txt` and `<kind>.txt`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from legal.inbox import notification_send
from lifeboats.models import Lifeboat
from portal.models import User

DECISION_KINDS = {"approved", "returned", "rejected"}


def _lifeboat(lifeboat_id: Any) -> Lifeboat:
    return Lifeboat.objects.select_related("organisation", "created_by", "decided_by").get(
        pk=lifeboat_id
    )


def lifeboat_page(lifeboat: Lifeboat) -> str:
    """The lifeboat's page, or the dashboard that lists it if the page is not routed."""
    try:
        return lifeboat.get_absolute_url()
    except NoReverseMatch:
        return reverse("dashboard")


def _send(
    recipients: Iterable[User], *, kind: str, lifeboat: Lifeboat, url: str, **context: Any
) -> int:
    """Render `<kind>` for each recipient and send it; return how many were sent."""
    sent = 0
    for recipient in _unique_active(recipients):
        values = {
            "lifeboat": lifeboat,
            "organisation": lifeboat.organisation,
            "recipient": recipient,
            "url": f"{settings.SITE_URL}{url}",
            **context,
        }
        subject = render_to_string(f"lifeboats/email/{kind}_subject.txt", values)
        body = render_to_string(f"lifeboats/email/{kind}.txt", values)
        notification_send(
            recipient=recipient, kind=kind, subject=subject, body=body.strip(), url=url
        )
        sent += 1
    return sent


def _unique_active(users: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def _admins() -> list[User]:
    return list(User.objects.foundation_admins().order_by("pk"))


def lifeboat_submitted(lifeboat_id: Any) -> int:
    """Ask every foundation admin to review a newly submitted request."""
    lifeboat = _lifeboat(lifeboat_id)
    return _send(
        _admins(),
        kind="lifeboat_submitted",
        lifeboat=lifeboat,
        url=reverse("lifeboats:review", args=[lifeboat.pk]),
    )


def lifeboat_decided(lifeboat_id: Any, decision: str, note: str = "") -> int:
    """Tell the requester that their request was approved, returned or rejected, and why."""
    if decision not in DECISION_KINDS:
        raise ValueError(f"Unknown decision {decision!r}; expected one of {sorted(DECISION_KINDS)}")
    lifeboat = _lifeboat(lifeboat_id)
    return _send(
        [lifeboat.created_by],
        kind=f"lifeboat_{decision}",
        lifeboat=lifeboat,
        url=lifeboat_page(lifeboat),
        note=note,
    )


def lifeboat_ready(lifeboat_id: Any) -> int:
    """Tell every member of the organisation that the package can be downloaded, and until when."""
    lifeboat = _lifeboat(lifeboat_id)
    members = User.objects.filter(memberships__organisation=lifeboat.organisation).order_by("pk")
    return _send(
        [lifeboat.created_by, *members],
        kind="lifeboat_ready",
        lifeboat=lifeboat,
        url=lifeboat_page(lifeboat),
    )


def lifeboat_failed(lifeboat_id: Any) -> int:
    """Tell the requester and the foundation admins that a build stopped, and why."""
    lifeboat = _lifeboat(lifeboat_id)
    return _send(
        [lifeboat.created_by, *_admins()],
        kind="lifeboat_failed",
        lifeboat=lifeboat,
        url=lifeboat_page(lifeboat),
    )
