"""Dashboard panels of the lifeboats app (listed in `settings.DASHBOARD_PANELS`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.http import HttpRequest
from django.urls import reverse

from legal.services import agreement_status_for
from lifeboats.models import Lifeboat
from portal.models import Organisation, User
from portal.panels import Panel

RECENT_LIMIT = 8
QUEUE_LIMIT = 8


@dataclass(frozen=True)
class OrganisationLifeboats:
    """One organisation of the user: its recent lifeboats, and whether it may ask for more."""

    organisation: Organisation
    lifeboats: list[Lifeboat]
    count: int
    new_url: str | None
    list_url: str
    why_not: str


def _why_cannot_request(organisation: Organisation) -> str:
    """Empty when the organisation may request lifeboats; else what stands in the way."""
    if not organisation.is_approved:
        return (
            f"{organisation} can request lifeboats once the foundation has approved "
            "the organisation."
        )
    status = agreement_status_for(organisation)
    return "" if status.is_approved else status.explanation


def _organisation_row(organisation: Organisation) -> OrganisationLifeboats:
    lifeboats = Lifeboat.objects.of_organisation(organisation).order_by("-created_at")
    why_not = _why_cannot_request(organisation)
    return OrganisationLifeboats(
        organisation=organisation,
        lifeboats=list(lifeboats.select_related("created_by")[:RECENT_LIMIT]),
        count=lifeboats.count(),
        new_url=None if why_not else reverse("lifeboats:new", args=[organisation.slug]),
        list_url=reverse("lifeboats:list", args=[organisation.slug]),
        why_not=why_not,
    )


def my_lifeboats(request: HttpRequest) -> Panel | None:
    """Members: their organisations' lifeboats with status and progress, or how to start one."""
    user = cast(User, request.user)
    if not user.is_authenticated:
        return None
    organisations = list(Organisation.objects.of_member(user).order_by("name"))
    if not organisations:
        return None
    return Panel(
        template="lifeboats/panels/my_lifeboats.html",
        context={"rows": [_organisation_row(organisation) for organisation in organisations]},
        title="Your lifeboats",
    )


def review_queue(request: HttpRequest) -> Panel | None:
    """Foundation admins: lifeboat requests awaiting a decision, oldest first."""
    if not cast(User, request.user).is_foundation_admin:
        return None
    awaiting = Lifeboat.objects.awaiting_review().select_related("organisation")
    return Panel(
        template="lifeboats/panels/review_queue.html",
        context={
            "count": awaiting.count(),
            "lifeboats": list(awaiting[:QUEUE_LIMIT]),
            "queue_url": reverse("lifeboats:review_queue"),
        },
        title="Lifeboat requests to review",
    )
