"""The legal emails. Services register them with `transaction.on_commit`, passing ids, so
nothing is sent for a change that was rolled back."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from legal.models import AgreementSignature, AgreementVersion
from portal.models import Organisation, User


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(*, to: Iterable[str], template: str, context: dict) -> int:
    """Send `legal/email/<template>` to each address separately; return how many were sent."""
    recipients = sorted({address for address in to if address})
    context = {"SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"legal/email/{template}_subject.txt", context).split())
    body = render_to_string(f"legal/email/{template}.txt", context)
    for address in recipients:
        EmailMessage(subject, body, to=[address]).send()
    return len(recipients)


def _organisation_url(name: str, organisation: Organisation) -> str:
    return _absolute(reverse(name, kwargs={"slug": organisation.slug}))


def _signature(signature_id: int) -> AgreementSignature:
    return AgreementSignature.objects.select_related(
        "organisation", "version", "signed_by", "decided_by"
    ).get(pk=signature_id)


def signature_submitted(signature_id: int) -> None:
    """Ask every foundation admin to review a new signature."""
    signature = _signature(signature_id)
    _send(
        to=User.objects.foundation_admins().values_list("email", flat=True),
        template="signature_submitted",
        context={
            "signature": signature,
            "review_url": _absolute(reverse("legal:signature_review")),
        },
    )


def signature_decided(signature_id: int) -> None:
    """Tell the signer and the organisation's managers what the foundation decided."""
    signature = _signature(signature_id)
    organisation = signature.organisation
    addresses = {
        signature.signed_by.email,
        *organisation.managers().values_list("email", flat=True),
    }
    _send(
        to=addresses,
        template=f"signature_{signature.status}",
        context={
            "signature": signature,
            "history_url": _absolute(
                reverse("legal:agreement_history", kwargs={"slug": organisation.slug})
            ),
            "sign_url": _absolute(
                reverse("legal:agreement_sign", kwargs={"slug": organisation.slug})
            ),
        },
    )


def version_published(version_id: int) -> None:
    """Tell the managers of every approved organisation they must sign the new version."""
    version = AgreementVersion.objects.get(pk=version_id)
    managers = User.objects.filter(
        is_active=True,
        memberships__role="manager",
        memberships__organisation__in=Organisation.objects.approved(),
    )
    _send(
        to=managers.values_list("email", flat=True),
        template="version_published",
        context={
            "version": version,
            "agreement_url": _absolute(version.get_absolute_url()),
            "dashboard_url": _absolute(reverse("dashboard")),
        },
    )
