"""The legal dashboard panels: pending signatures for foundation admins, and each member's
agreement status with the next step."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from legal.panels import agreement_status, pending_signatures
from legal.services import agreement_publish, agreement_sign, signature_approve
from portal.panels import Panel
from tests.factories import make_membership, make_organisation

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return request


def sign(organisation, manager, version):
    return agreement_sign(
        organisation,
        version=version,
        by=manager,
        signer_name="Mina Patel",
        signer_title="Registrar",
        ip="198.51.100.4",
    )


def next_steps(panel: Panel) -> dict[str, str]:
    return {row.organisation.slug: row.next_step for row in panel.context["rows"]}


# --- pending_signatures --------------------------------------------------------------------------


def test_pending_signatures_counts_and_links_for_admins(
    admin, organisation, manager, current_version
):
    """Foundation admins get the count, the signatures, and the review page link."""
    signature = sign(organisation, manager, current_version)
    panel = pending_signatures(request_for(admin))
    assert isinstance(panel, Panel)
    assert panel.context["count"] == 1
    assert panel.context["signatures"] == [signature]
    assert panel.context["review_url"] == reverse("legal:signature_review")
    assert panel.template == "legal/panels/pending_signatures.html"


def test_pending_signatures_leaves_out_decided_ones(admin, organisation, manager, current_version):
    """An approved signature is no longer counted."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    assert pending_signatures(request_for(admin)).context["count"] == 0


@pytest.mark.parametrize("who", ["manager", "staff", "outsider"])
def test_pending_signatures_is_none_for_everyone_else(who, request):
    """Members and users without an organisation do not get the admin panel."""
    user = request.getfixturevalue(who)
    assert pending_signatures(request_for(user)) is None


# --- agreement_status ----------------------------------------------------------------------------


def test_agreement_status_is_none_without_an_organisation(outsider):
    """Users who belong to no organisation (photographers, say) get no panel."""
    assert agreement_status(request_for(outsider)) is None


def test_manager_is_told_to_sign(manager, organisation, current_version):
    """A manager of an organisation that has not signed gets "Sign the agreement" and the link."""
    panel = agreement_status(request_for(manager))
    (row,) = panel.context["rows"]
    assert row.next_step == "Sign the agreement"
    assert row.action_url == reverse("legal:agreement_sign", kwargs={"slug": organisation.slug})
    assert row.status.state == "not_signed"


def test_staff_are_told_to_ask_their_manager(staff, current_version):
    """Staff of an organisation that has not signed are told to ask their manager."""
    assert next_steps(agreement_status(request_for(staff))) == {
        "harbour-archive": "Ask your manager to sign"
    }


def test_awaiting_approval_is_shown(staff, manager, organisation, current_version):
    """After signing, members see that approval is awaited."""
    sign(organisation, manager, current_version)
    assert next_steps(agreement_status(request_for(staff))) == {
        "harbour-archive": "Awaiting approval"
    }


def test_approved_says_lifeboats_can_be_requested(
    staff, manager, admin, organisation, current_version
):
    """Once approved, members are told they can request lifeboats."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    assert next_steps(agreement_status(request_for(staff))) == {
        "harbour-archive": "Approved — you can request lifeboats"
    }


def test_a_new_version_asks_the_manager_to_sign_again(
    manager, admin, organisation, current_version
):
    """After a new version takes effect, the manager is asked to sign it."""
    signature_approve(sign(organisation, manager, current_version), by=admin)
    agreement_publish(
        label="2026-2", text_markdown="# New", effective_on=timezone.localdate(), by=admin
    )
    (row,) = agreement_status(request_for(manager)).context["rows"]
    assert row.status.state == "outdated"
    assert row.next_step == "Sign the agreement"


def test_one_row_per_organisation_with_the_users_own_role(manager, current_version):
    """A user in two organisations gets one row each, with the step for their role there."""
    elsewhere = make_organisation(slug="sea-museum", name="Sea Museum")
    make_membership(elsewhere, manager, role="staff")
    assert next_steps(agreement_status(request_for(manager))) == {
        "harbour-archive": "Sign the agreement",
        "sea-museum": "Ask your manager to sign",
    }


def test_pending_organisation_waits_for_approval_first(current_version):
    """Members of an organisation not yet approved are told that comes first."""
    pending = make_organisation(status="pending", slug="new-archive")
    member = make_membership(pending, role="manager").user
    (row,) = agreement_status(request_for(member)).context["rows"]
    assert "once the foundation has approved the organisation" in row.next_step
    assert row.action_url is None


def test_dashboard_shows_both_legal_panels_to_the_right_people(
    admin, manager, organisation, current_version
):
    """The dashboard renders the legal panels: the admin's queue, the manager's next step."""
    sign(organisation, manager, current_version)
    admin_client, manager_client = Client(), Client()
    admin_client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    manager_client.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")
    admin_page = admin_client.get(reverse("dashboard")).content.decode()
    manager_page = manager_client.get(reverse("dashboard")).content.decode()
    assert "Agreements to approve" in admin_page
    assert "Harbour Archive" in admin_page
    assert "Legal agreement" in manager_page
    assert "Awaiting approval" in manager_page
    assert "Agreements to approve" not in manager_page
