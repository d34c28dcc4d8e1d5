"""The portal's emails: plain text with an HTML alternative, rendered from templates.

Services register these with `transaction.on_commit`, passing ids, so an email is only sent
for data that was really saved, and reads it as committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from portal.models import Organisation, User


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_templated_email(*, to: Iterable[str], template: str, context: dict) -> int:
    """Send `portal/email/<template>` to each address separately; return how many were sent."""
    recipients = sorted({address for address in to if address})
    context = {"SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"portal/email/{template}_subject.txt", context).split())
    text = render_to_string(f"portal/email/{template}.txt", context)
    html = render_to_string(f"portal/email/{template}.html", context)
    for address in recipients:
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        message.send()
    return len(recipients)


def _organisation_context(organisation: Organisation) -> dict:
    return {
        "organisation": organisation,
        "organisation_url": absolute_url(organisation.get_absolute_url()),
        "review_url": absolute_url(reverse("organisation_review")),
        "dashboard_url": absolute_url(reverse("dashboard")),
    }


def email_registration_received(organisation_id: int) -> None:
    """Tell the applicant their organisation was received and is waiting for review."""
    organisation = Organisation.objects.select_related("registered_by").get(pk=organisation_id)
    applicant = organisation.registered_by
    if applicant is None:
        return
    send_templated_email(
        to=[applicant.email],
        template="registration_received",
        context={**_organisation_context(organisation), "recipient": applicant},
    )


def email_review_requested(organisation_id: int) -> None:
    """Ask every foundation admin to review a newly registered organisation."""
    organisation = Organisation.objects.select_related("registered_by").get(pk=organisation_id)
    send_templated_email(
        to=User.objects.foundation_admins().values_list("email", flat=True),
        template="review_requested",
        context=_organisation_context(organisation),
    )


def email_decision(organisation_id: int) -> None:
    """Tell the applicant and the organisation's managers what was decided."""
    organisation = Organisation.objects.select_related("registered_by").get(pk=organisation_id)
    addresses = set(organisation.managers().values_list("email", flat=True))
    if organisation.registered_by is not None:
        addresses.add(organisation.registered_by.email)
    send_templated_email(
        to=addresses,
        template=f"organisation_{organisation.status}",
        context=_organisation_context(organisation),
    )
