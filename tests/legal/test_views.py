"""The legal pages over HTTP: who may see what, and the forms that call the services."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from legal.models import AgreementEvent, AgreementSignature, AgreementVersion
from legal.services import agreement_publish, agreement_sign, signature_approve
from tests.factories import make_agreement_version

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ROLES = ["anonymous", "staff", "manager", "other", "admin"]


@pytest.fixture
def people(staff, manager, other_manager, admin) -> dict:
    return {
        "anonymous": None,
        "staff": staff,
        "manager": manager,
        "other": other_manager,
        "admin": admin,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
    return client


def sign_as(manager, organisation, version) -> AgreementSignature:
    return agreement_sign(
        organisation,
        version=version,
        by=manager,
        signer_name="Mina Patel",
        signer_title="Registrar",
        ip="198.51.100.4",
    )


@pytest.fixture
def pending_signature(organisation, manager, current_version) -> AgreementSignature:
    return sign_as(manager, organisation, current_version)


# --- The permission matrix ---------------------------------------------------------------------


def expected_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("login") in response["Location"]


AGREEMENT_PAGE = {"anonymous": 200, "staff": 200, "manager": 200, "other": 200, "admin": 200}
ORGANISATION_PAGE = {"anonymous": "login", "staff": 200, "manager": 200, "other": 404, "admin": 200}
FOUNDATION_PAGE = {"anonymous": "login", "staff": 403, "manager": 403, "other": 403, "admin": 200}
FOUNDATION_ACTION = {"anonymous": "login", "staff": 403, "manager": 403, "other": 403, "admin": 302}


def check(response, expected) -> None:
    if expected == "login":
        assert expected_login_redirect(response), response
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_current_agreement_page_is_public(role, people, current_version):
    """Anyone, logged in or not, can read the agreement in effect."""
    response = client_for(people[role]).get(reverse("legal:agreement_current"))
    check(response, AGREEMENT_PAGE[role])
    assert "Removal requests" in response.content.decode()
    assert "2026-1" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_a_version_page_is_public(role, people, current_version):
    """Anyone can read any published version by its label."""
    response = client_for(people[role]).get(current_version.get_absolute_url())
    check(response, AGREEMENT_PAGE[role])


@pytest.mark.parametrize("role", ROLES)
def test_sign_page_permissions(role, people, organisation):
    """The sign page: members and foundation admins see it; other organisations get 404."""
    url = reverse("legal:agreement_sign", kwargs={"slug": organisation.slug})
    check(client_for(people[role]).get(url), ORGANISATION_PAGE[role])


@pytest.mark.parametrize("role", ROLES)
def test_history_page_permissions(role, people, organisation):
    """The history page: members and foundation admins see it; other organisations get 404."""
    url = reverse("legal:agreement_history", kwargs={"slug": organisation.slug})
    check(client_for(people[role]).get(url), ORGANISATION_PAGE[role])


@pytest.mark.parametrize("role", ROLES)
def test_review_page_permissions(role, people):
    """Only foundation admins open the review page; members are told why not (403)."""
    check(client_for(people[role]).get(reverse("legal:signature_review")), FOUNDATION_PAGE[role])


@pytest.mark.parametrize("role", ROLES)
def test_publish_page_permissions(role, people):
    """Only foundation admins open the publish page."""
    check(client_for(people[role]).get(reverse("legal:agreement_publish")), FOUNDATION_PAGE[role])


@pytest.mark.parametrize("role", ROLES)
def test_approve_permissions(role, people, pending_signature):
    """Only foundation admins can approve; for anyone else the signature stays pending."""
    url = reverse("legal:signature_approve", kwargs={"pk": pending_signature.pk})
    check(client_for(people[role]).post(url), FOUNDATION_ACTION[role])
    pending_signature.refresh_from_db()
    expected = "approved" if role == "admin" else "pending"
    assert pending_signature.status == expected


@pytest.mark.parametrize("role", ROLES)
def test_return_permissions(role, people, pending_signature):
    """Only foundation admins can return; for anyone else the signature stays pending."""
    url = reverse("legal:signature_return", kwargs={"pk": pending_signature.pk})
    check(client_for(people[role]).post(url, {"note": "Redo"}), FOUNDATION_ACTION[role])
    pending_signature.refresh_from_db()
    expected = "returned" if role == "admin" else "pending"
    assert pending_signature.status == expected


@pytest.mark.parametrize("name", ["signature_approve", "signature_return"])
def test_decisions_are_post_only(name, admin, pending_signature):
    """GET on a decision URL is 405 and changes nothing."""
    response = client_for(admin).get(reverse(f"legal:{name}", kwargs={"pk": pending_signature.pk}))
    assert response.status_code == 405
    pending_signature.refresh_from_db()
    assert pending_signature.is_pending


def test_unknown_version_label_is_404(current_version):
    """A label that was never published is 404, not an error."""
    response = Client().get(reverse("legal:agreement_version", kwargs={"label": "1999-9"}))
    assert response.status_code == 404


def test_unpublished_version_is_404(current_version):
    """A draft version cannot be read by its label."""
    make_agreement_version(label="draft-1", published_at=None)
    response = Client().get(reverse("legal:agreement_version", kwargs={"label": "draft-1"}))
    assert response.status_code == 404


# --- The agreement page --------------------------------------------------------------------------


def test_agreement_page_renders_markdown_safely(current_version):
    """The page shows the text as HTML, with raw HTML in the Markdown neutralised."""
    make_agreement_version(
        label="2026-2", text_markdown="## Terms\n\n<script>alert('x')</script>\n\n**Be kind**"
    )
    body = Client().get(reverse("legal:agreement_current")).content.decode()
    assert "<h2>Terms</h2>" in body
    assert "<strong>Be kind</strong>" in body
    assert "alert('x')" not in body


def test_agreement_page_shows_version_and_effective_date(current_version):
    """The label and the effective date are on the page."""
    body = Client().get(reverse("legal:agreement_current")).content.decode()
    assert "2026-1" in body
    assert "1 January 2026" in body


# --- Signing over HTTP ---------------------------------------------------------------------------


def sign_url(organisation) -> str:
    return reverse("legal:agreement_sign", kwargs={"slug": organisation.slug})


def sign_form(version, **overrides) -> dict:
    return {
        "version": version.label,
        "signer_name": "Mina Patel",
        "signer_title": "Registrar",
        "accept": "on",
        **overrides,
    }


def test_manager_sees_the_form_and_the_ip_that_will_be_recorded(organisation, manager):
    """The manager gets the form with the checkbox and sees their IP address."""
    response = client_for(manager).get(sign_url(organisation), REMOTE_ADDR="203.0.113.99")
    body = response.content.decode()
    assert 'id="sign-form"' in body
    assert "I have read and accept" in body
    assert "203.0.113.99" in body


def test_staff_see_an_explanation_instead_of_the_form(organisation, staff):
    """Staff who are not managers are told to ask a manager; no form is shown."""
    body = client_for(staff).get(sign_url(organisation)).content.decode()
    assert 'id="sign-form"' not in body
    assert "Ask one of your organisation's managers to sign" in body


def test_manager_signs_through_the_form(organisation, manager, current_version):
    """A valid POST signs the current version with the request's IP and redirects."""
    response = client_for(manager).post(
        sign_url(organisation), sign_form(current_version), REMOTE_ADDR="203.0.113.99"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "legal:agreement_history", kwargs={"slug": organisation.slug}
    )
    signature = AgreementSignature.objects.get()
    assert signature.signed_ip == "203.0.113.99"
    assert signature.signed_by == manager
    assert signature.version == current_version


def test_signing_without_ticking_accept_changes_nothing(organisation, manager, current_version):
    """Without the acceptance box the form is shown again with a message; nothing is signed."""
    data = sign_form(current_version)
    del data["accept"]
    response = client_for(manager).post(sign_url(organisation), data)
    assert response.status_code == 400
    assert "Please tick the box" in response.content.decode()
    assert not AgreementSignature.objects.exists()


def test_staff_posting_the_form_changes_nothing(organisation, staff, current_version):
    """A staff member who posts the form anyway gets 403 and nothing is signed."""
    response = client_for(staff).post(sign_url(organisation), sign_form(current_version))
    assert response.status_code == 403
    assert not AgreementSignature.objects.exists()


def test_other_organisation_cannot_post_the_form(organisation, other_manager, current_version):
    """A manager of another organisation gets 404 and nothing is signed."""
    response = client_for(other_manager).post(sign_url(organisation), sign_form(current_version))
    assert response.status_code == 404
    assert not AgreementSignature.objects.exists()


def test_signing_a_version_replaced_since_the_page_loaded(organisation, manager, current_version):
    """The form names the version read; if a new one took effect meanwhile, nothing is signed."""
    make_agreement_version(label="2026-2")
    response = client_for(manager).post(sign_url(organisation), sign_form(current_version))
    assert response.status_code == 400
    assert "has been replaced by version" in response.content.decode()
    assert not AgreementSignature.objects.exists()


def test_sign_page_without_a_pending_need_shows_no_form(organisation, manager, pending_signature):
    """While a signature awaits approval, the manager sees the status, not a second form."""
    body = client_for(manager).get(sign_url(organisation)).content.decode()
    assert 'id="sign-form"' not in body
    assert "Awaiting approval" in body


# --- Reviewing over HTTP -------------------------------------------------------------------------


def test_review_page_lists_pending_signatures(admin, pending_signature, other_organisation):
    """The review page shows each pending signature with approve and return forms."""
    body = client_for(admin).get(reverse("legal:signature_review")).content.decode()
    assert "Harbour Archive" in body
    assert reverse("legal:signature_approve", kwargs={"pk": pending_signature.pk}) in body
    assert reverse("legal:signature_return", kwargs={"pk": pending_signature.pk}) in body


def test_approving_twice_over_http_shows_a_message_and_changes_nothing(admin, pending_signature):
    """The second approval is refused with a message; the decision and the log stay as they were."""
    client = client_for(admin)
    url = reverse("legal:signature_approve", kwargs={"pk": pending_signature.pk})
    client.post(url)
    pending_signature.refresh_from_db()
    decided_at = pending_signature.decided_at
    events = AgreementEvent.objects.count()
    response = client.post(url, follow=True)
    assert "already approved" in response.content.decode()
    pending_signature.refresh_from_db()
    assert pending_signature.decided_at == decided_at
    assert AgreementEvent.objects.count() == events


def test_returning_without_a_note_over_http_changes_nothing(admin, pending_signature):
    """An empty note is refused with a message; the signature stays pending."""
    url = reverse("legal:signature_return", kwargs={"pk": pending_signature.pk})
    response = client_for(admin).post(url, {"note": ""}, follow=True)
    assert "Please write a note" in response.content.decode()
    pending_signature.refresh_from_db()
    assert pending_signature.is_pending


def test_returning_with_a_note_over_http(admin, pending_signature):
    """A note returns the signature and keeps the note."""
    url = reverse("legal:signature_return", kwargs={"pk": pending_signature.pk})
    client_for(admin).post(url, {"note": "Use your legal name"})
    pending_signature.refresh_from_db()
    assert pending_signature.status == "returned"
    assert pending_signature.decision_note == "Use your legal name"


def test_unknown_signature_is_404_for_admins(admin):
    """Approving a signature that does not exist is 404."""
    response = client_for(admin).post(reverse("legal:signature_approve", kwargs={"pk": 999999}))
    assert response.status_code == 404


# --- History and publishing over HTTP ------------------------------------------------------------


def test_history_shows_signatures_and_decisions(organisation, staff, admin, pending_signature):
    """The history lists who signed which version, when, and the decision with its author."""
    signature_approve(pending_signature, by=admin, note="All good")
    body = (
        client_for(staff)
        .get(reverse("legal:agreement_history", kwargs={"slug": organisation.slug}))
        .content.decode()
    )
    assert "Mina Patel" in body
    assert "Registrar" in body
    assert "2026-1" in body
    assert "fiona" in body
    assert "All good" in body


def test_history_escapes_user_text(organisation, manager, current_version):
    """A signer name with HTML is shown as text."""
    agreement_sign(
        organisation,
        version=current_version,
        by=manager,
        signer_name="<b>Mina</b>",
        signer_title="Registrar",
        ip="198.51.100.4",
    )
    body = (
        client_for(manager)
        .get(reverse("legal:agreement_history", kwargs={"slug": organisation.slug}))
        .content.decode()
    )
    assert "<b>Mina</b>" not in body
    assert "&lt;b&gt;Mina&lt;/b&gt;" in body


def test_admin_publishes_a_version_through_the_form(admin, current_version):
    """The publish form creates a published version and redirects to it."""
    today = timezone.localdate()
    response = client_for(admin).post(
        reverse("legal:agreement_publish"),
        {"label": "2026-2", "effective_on": today.isoformat(), "text_markdown": "# New"},
    )
    version = AgreementVersion.objects.get(label="2026-2")
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    assert version.published_by == admin
    assert AgreementVersion.objects.current() == version


def test_publishing_an_existing_label_through_the_form_changes_nothing(admin, current_version):
    """A duplicate label re-shows the form with the message; no version is created."""
    count = AgreementVersion.objects.count()
    response = client_for(admin).post(
        reverse("legal:agreement_publish"),
        {
            "label": "2026-1",
            "effective_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "text_markdown": "# New",
        },
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert AgreementVersion.objects.count() == count


def test_history_shows_when_a_new_version_was_published(organisation, staff, admin):
    """The timeline includes version publications, so "sign again" has its reason on the page."""
    agreement_publish(
        label="2026-7", text_markdown="# New", effective_on=timezone.localdate(), by=admin
    )
    body = (
        client_for(staff)
        .get(reverse("legal:agreement_history", kwargs={"slug": organisation.slug}))
        .content.decode()
    )
    assert re.search(r"Version published</strong>: agreement 2026-7,\s+by fiona", body)
