"""Dashboard panels contributed by the legal app (listed in `settings.DASHBOARD_PANELS`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from legal.models import AgreementSignature
from legal.services import AgreementState, AgreementStatus, agreement_status_for
from portal.models import Membership, Organisation
from portal.panels import Panel

PENDING_LIST_LIMIT = 10


def pending_signatures(request: HttpRequest) -> Panel | None:
    """Foundation admins: how many signatures await a decision, and the oldest of them."""
    if not getattr(request.user, "is_foundation_admin", False):
        return None
    awaiting = AgreementSignature.objects.awaiting_review()
    return Panel(
        template="legal/panels/pending_signatures.html",
        context={
            "count": awaiting.count(),
            "signatures": list(awaiting[:PENDING_LIST_LIMIT]),
            "review_url": reverse("legal:signature_review"),
        },
        title="Agreements to approve",
    )


@dataclass(frozen=True)
class OrganisationAgreement:
    """One row of the agreement panel: an organisation, its status and the next step."""

    organisation: Organisation
    status: AgreementStatus
    next_step: str
    action_url: str | None
    action_label: str | None


def agreement_status(request: HttpRequest) -> Panel | None:
    """Members of organisations: where each of their organisations stands with the agreement."""
    if not request.user.is_authenticated:
        return None
    memberships = list(
        Membership.objects.filter(user_id=request.user.pk)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if not memberships:
        return None
    rows = [_row(membership) for membership in memberships]
    return Panel(
        template="legal/panels/agreement_status.html",
        context={"rows": rows, "agreement_url": reverse("legal:agreement_current")},
        title="Legal agreement",
    )


def _row(membership: Membership) -> OrganisationAgreement:
    organisation = membership.organisation
    status = agreement_status_for(organisation)
    is_manager = membership.role == Membership.Role.MANAGER
    sign_url = reverse("legal:agreement_sign", kwargs={"slug": organisation.slug})
    history_url = reverse("legal:agreement_history", kwargs={"slug": organisation.slug})
    if not organisation.is_approved:
        return OrganisationAgreement(
            organisation,
            status,
            "The agreement can be signed once the foundation has approved the organisation.",
            None,
            None,
        )
    if status.state == AgreementState.APPROVED:
        return OrganisationAgreement(
            organisation, status, "Approved — you can request lifeboats", history_url, "History"
        )
    if status.state == AgreementState.AWAITING_APPROVAL:
        return OrganisationAgreement(
            organisation, status, "Awaiting approval", history_url, "History"
        )
    if status.version is None:
        return OrganisationAgreement(organisation, status, status.explanation, None, None)
    if is_manager:
        return OrganisationAgreement(
            organisation, status, "Sign the agreement", sign_url, "Sign the agreement"
        )
    return OrganisationAgreement(
        organisation, status, "Ask your manager to sign", sign_url, "Read the agreement"
    )


MY_PHOTOS_SHOWN = 6


def my_photos(request: HttpRequest) -> Panel | None:
    """Photographers (logged in with Flickr): their photos in lifeboats, requests, opt-outs."""
    from legal import optouts, photographer_views
    from lifeboats import index

    nsid = getattr(request.user, "flickr_nsid", None)
    if not nsid or not request.user.is_active:
        return None
    entries = index.entries_of_owner(nsid)
    consent_requests = photographer_views.consent_requests_of(request.user)
    opt_outs = optouts.opt_outs_of(request.user)
    return Panel(
        template="legal/panels/my_photos.html",
        context={
            "photo_count": entries.count(),
            "recent": photographer_views.photo_rows(list(entries[:MY_PHOTOS_SHOWN])),
            "waiting": photographer_views.photos_awaiting_answer(consent_requests),
            "all_opted_out": photographer_views.all_opted_out(opt_outs),
            "active_opt_outs": sum(1 for o in opt_outs if o.is_active),
            "page_url": reverse("legal:photographer"),
        },
        title="Your photos",
    )
