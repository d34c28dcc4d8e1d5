"""The one place that decides who may see which legal object; everything else is 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from legal.models import AgreementSignature
from portal.access import get_organisation_for
from portal.models import Organisation

__all__ = ["foundation_admin_or_forbidden", "get_organisation_for", "get_signature_for"]


def get_signature_for(user, pk: int) -> AgreementSignature:
    """A signature of an organisation the user may see, or 404."""
    signatures = AgreementSignature.objects.select_related("organisation", "version")
    return get_object_or_404(
        signatures.filter(organisation__in=Organisation.objects.visible_to(user)), pk=pk
    )


def foundation_admin_or_forbidden(request: HttpRequest) -> HttpResponse | None:
    """None for foundation admins; for everyone else, a 403 page saying why."""
    if getattr(request.user, "is_foundation_admin", False):
        return None
    return render(
        request,
        "portal/forbidden.html",
        {"reason": "Only foundation admins review agreement signatures and publish new versions."},
        status=403,
    )
