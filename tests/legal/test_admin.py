"""The legal models in the Django admin: listed, filterable, searchable, read-only, and the
approve action goes through the service."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from legal.models import AgreementEvent, AgreementSignature, AgreementVersion
from legal.services import agreement_sign, signature_approve
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MODELS = ["agreementversion", "agreementsignature", "agreementevent"]


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    user = make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def admin_client_for_foundation(admin) -> Client:
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def signature(organisation, manager, current_version) -> AgreementSignature:
    return agreement_sign(
        organisation,
        version=current_version,
        by=manager,
        signer_name="Mina Patel",
        signer_title="Registrar",
        ip="198.51.100.4",
    )


@pytest.mark.parametrize("model", MODELS)
def test_every_legal_model_has_a_changelist_with_search_and_filters(
    model, superuser_client, signature
):
    """Each changelist renders with a search box and a filter sidebar."""
    response = superuser_client.get(reverse(f"admin:legal_{model}_changelist"), {"q": "Harbour"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="searchbar"' in body
    assert 'id="changelist-filter"' in body


@pytest.mark.parametrize("model", MODELS)
def test_nothing_can_be_added_in_the_admin(model, superuser_client):
    """Legal rows are created only by the services: the add page is refused."""
    response = superuser_client.get(reverse(f"admin:legal_{model}_add"))
    assert response.status_code == 403


def test_signature_fields_are_read_only(superuser_client, signature):
    """Posting to a signature's change page does not change it."""
    url = reverse("admin:legal_agreementsignature_change", args=[signature.pk])
    assert superuser_client.get(url).status_code == 200
    superuser_client.post(url, {"status": "approved", "signer_name": "Someone else"})
    signature.refresh_from_db()
    assert signature.status == "pending"
    assert signature.signer_name == "Mina Patel"


def test_a_published_text_cannot_be_edited(superuser_client, current_version):
    """The change page of a version shows the text read-only; a POST changes nothing."""
    url = reverse("admin:legal_agreementversion_change", args=[current_version.pk])
    superuser_client.post(url, {"text_markdown": "Replaced"})
    current_version.refresh_from_db()
    assert current_version.text_markdown != "Replaced"


def test_nothing_can_be_deleted_in_the_admin(superuser_client, signature):
    """The audit trail cannot be deleted from the admin."""
    event = AgreementEvent.objects.get(signature=signature)
    response = superuser_client.post(
        reverse("admin:legal_agreementevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AgreementEvent.objects.filter(pk=event.pk).exists()


def test_approve_action_approves_through_the_service(admin_client_for_foundation, admin, signature):
    """The admin action approves the signature and logs who did it."""
    admin_client_for_foundation.post(
        reverse("admin:legal_agreementsignature_changelist"),
        {"action": "approve_signatures", "_selected_action": [signature.pk]},
    )
    signature.refresh_from_db()
    assert signature.status == "approved"
    assert signature.decided_by == admin
    assert AgreementEvent.objects.filter(kind="approved", actor=admin).count() == 1


def test_approve_action_on_an_approved_signature_warns_and_changes_nothing(
    admin_client_for_foundation, admin, signature
):
    """Selecting an already approved signature gives a warning; the decision stays."""
    signature_approve(signature, by=admin)
    signature.refresh_from_db()
    decided_at = signature.decided_at
    response = admin_client_for_foundation.post(
        reverse("admin:legal_agreementsignature_changelist"),
        {"action": "approve_signatures", "_selected_action": [signature.pk]},
        follow=True,
    )
    assert "already approved" in response.content.decode()
    signature.refresh_from_db()
    assert signature.decided_at == decided_at


def test_foundation_admins_can_read_the_legal_models(admin_client_for_foundation, signature):
    """A foundation admin who is not a superuser sees the legal changelists."""
    for model in MODELS:
        url = reverse(f"admin:legal_{model}_changelist")
        assert admin_client_for_foundation.get(url).status_code == 200


def test_version_admin_links_to_the_publish_page(superuser_client, current_version):
    """New versions are published from the portal page the admin links to."""
    url = reverse("admin:legal_agreementversion_change", args=[current_version.pk])
    assert reverse("legal:agreement_publish") in superuser_client.get(url).content.decode()
    assert AgreementVersion.objects.count() == 1
