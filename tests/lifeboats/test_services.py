"""The lifeboat services: creating from Flickr URLs, submitting, deciding, building, expiring."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from flickr.client import FlickrClient
from flickr.walkers import resolve_selection
from legal.models import Notification
from lifeboats import services
from lifeboats.errors import InvalidSelection, MissingAnswer, NotReadyToSubmit
from lifeboats.models import Lifeboat, LifeboatEvent, LifeboatPhoto, LifeboatStatus
from lifeboats.selection import listed_photo_from_json
from portal.errors import Forbidden, InvalidTransition, NotFound
from tests.factories import (
    make_agreement_version,
    make_foundation_admin,
    make_lifeboat,
    make_membership,
    make_organisation,
    make_signature,
    make_user,
)
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox
S = LifeboatStatus
WORLD_PHOTOS = 60


@pytest.fixture
def organisation(db):
    organisation = make_organisation(name="Harbour Archive")
    make_signature(organisation, status="approved")
    return organisation


@pytest.fixture
def staff(organisation):
    return make_membership(organisation, make_user(email="stan@harbour.example")).user


@pytest.fixture
def manager(organisation):
    user = make_user(email="mina@harbour.example")
    make_membership(organisation, user, role="manager")
    return user


@pytest.fixture
def admin(db):
    return make_foundation_admin(email="fiona@foundation.example")


@pytest.fixture
def world_server(sandbox):
    return sandbox(photos=WORLD_PHOTOS, seed=1)


@pytest.fixture
def client(world_server):
    with FlickrClient(api_key="test", api_url=world_server.api_url) as flickr:
        yield flickr


@pytest.fixture
def example_urls(world_server):
    return dict(sandbox_helpers.sandbox_world(WORLD_PHOTOS, 1).example_urls())


def create(organisation, by, client, urls, **fields):
    values = {
        "name": "Harbour views",
        "purpose": "Keep the harbour photos.",
        "readme_future": "Captions are the photographers' own.",
        **fields,
    }
    return services.lifeboat_create(
        organisation=organisation, by=by, urls=urls, client=client, **values
    )


def nothing_was_created() -> bool:
    return not (Lifeboat.objects.exists() or LifeboatPhoto.objects.exists())


def run_callbacks(callbacks, *, except_build: bool = True) -> None:
    """Run what the services registered for after commit, except queueing the build."""
    for callback in callbacks:
        if except_build and getattr(callback, "func", None) is services.enqueue_build:
            continue
        callback()


# --- creating ----------------------------------------------------------------------------------


def test_create_saves_a_draft_with_one_pending_row_per_photo(
    organisation, staff, client, example_urls
):
    """An album URL becomes a draft whose index rows follow the album's order."""
    lifeboat = create(organisation, staff, client, [example_urls["album"]])

    assert lifeboat.status == S.DRAFT
    rows = list(lifeboat.photos.order_by("position"))
    assert len(rows) == lifeboat.photos_total == 24
    assert [row.position for row in rows] == list(range(24))
    assert {row.state for row in rows} == {"pending"}
    assert all(row.owner_nsid and row.license_id for row in rows)


def test_create_stores_listings_the_builder_can_turn_back_into_listed_photos(
    organisation, staff, client, example_urls
):
    """Each row's listing rebuilds exactly the ListedPhoto the walker returned."""
    expected = resolve_selection(client, [example_urls["album"]]).photos
    lifeboat = create(organisation, staff, client, [example_urls["album"]])

    rows = lifeboat.photos.order_by("position")
    assert tuple(listed_photo_from_json(row.listing) for row in rows) == expected


def test_create_records_the_preflight_summary_with_per_url_counts_and_unavailable_photos(
    organisation, staff, client, example_urls
):
    """The preflight holds the estimate, what each URL gave, duplicates and unavailable photos."""
    urls = [
        example_urls["album"],
        example_urls["photo (many faves)"],
        example_urls["photo (deleted)"],
        example_urls["album"],
    ]
    lifeboat = create(organisation, staff, client, urls)

    preflight = lifeboat.preflight
    assert preflight["photos"] == lifeboat.photos_total
    assert preflight["api_calls"]["total"] > preflight["photos"]
    assert [entry["url"] for entry in preflight["per_url"]] == urls
    assert (preflight["per_url"][-1]["photos"], preflight["per_url"][-1]["duplicates"]) == (0, 24)
    assert preflight["duplicates"] == sum(entry["duplicates"] for entry in preflight["per_url"])
    assert [item["photo_id"] for item in preflight["unavailable"]] == ["50000025180"]


def test_create_appends_the_first_event(organisation, staff, client, example_urls):
    """The log starts with the draft being made, by its creator."""
    lifeboat = create(organisation, staff, client, [example_urls["tag"]])

    event = LifeboatEvent.objects.get(lifeboat=lifeboat)
    assert (event.from_status, event.status, event.actor) == ("", S.DRAFT, staff)


def test_create_without_urls_creates_nothing(organisation, staff, client, world_server):
    """No URLs: a clear message, no Flickr call, nothing saved."""
    with pytest.raises(InvalidSelection, match="Paste at least one Flickr URL"):
        create(organisation, staff, client, ["  ", ""])

    assert nothing_was_created()
    assert sum(world_server.calls.values()) == 0


def test_create_names_a_non_flickr_url_and_creates_nothing(
    organisation, staff, client, example_urls
):
    """A URL that is not Flickr's is quoted in the message; the good ones are not saved."""
    with pytest.raises(InvalidSelection) as raised:
        create(organisation, staff, client, [example_urls["album"], "https://example.com/cats"])

    assert "'https://example.com/cats'" in raised.value.message
    assert nothing_was_created()


@override_settings(LIFEBOAT_MAX_PHOTOS=5)
def test_create_over_the_photo_limit_names_the_limit_and_creates_nothing(
    organisation, staff, client, example_urls
):
    """More photos than LIFEBOAT_MAX_PHOTOS: refused, saying what the limit is."""
    with pytest.raises(InvalidSelection, match="more than 5 photos"):
        create(organisation, staff, client, [example_urls["album"]])

    assert nothing_was_created()


def test_create_without_a_name_creates_nothing(organisation, staff, client, example_urls):
    """An empty name is refused before Flickr is asked anything."""
    with pytest.raises(MissingAnswer, match="a name"):
        create(organisation, staff, client, [example_urls["album"]], name="  ")

    assert nothing_was_created()


def test_create_by_someone_outside_the_organisation_is_forbidden(
    organisation, client, example_urls
):
    """Only the organisation's staff and managers can request its lifeboats."""
    outsider = make_membership(make_organisation()).user

    with pytest.raises(Forbidden):
        create(organisation, outsider, client, [example_urls["album"]])

    assert nothing_was_created()


def test_create_for_an_organisation_not_yet_approved_is_refused(db, client, example_urls):
    """A pending organisation cannot request lifeboats yet."""
    pending = make_organisation(status="pending")
    member = make_membership(pending).user

    with pytest.raises(NotReadyToSubmit, match="not approved yet"):
        create(pending, member, client, [example_urls["album"]])

    assert nothing_was_created()


# --- editing a draft ---------------------------------------------------------------------------


def test_removing_photos_recounts_the_selection(organisation, staff, client, example_urls):
    """Removed rows are gone; photos_total and the preflight count what is left."""
    lifeboat = create(organisation, staff, client, [example_urls["album"]])
    removed = list(lifeboat.photos.values_list("photo_id", flat=True)[:4])

    services.lifeboat_remove_photos(lifeboat, by=staff, photo_ids=removed)

    lifeboat.refresh_from_db()
    assert lifeboat.photos.count() == lifeboat.photos_total == 20
    assert lifeboat.preflight["photos"] == 20
    assert lifeboat.preflight["removed"] == 4
    assert not lifeboat.photos.filter(photo_id__in=removed).exists()


def test_the_readme_of_a_submitted_request_cannot_be_edited(organisation, staff):
    """Only drafts can be edited; a submitted request must be returned first."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED)

    with pytest.raises(InvalidTransition, match="only a draft"):
        services.lifeboat_update_readme(lifeboat, by=staff, purpose="Changed.")

    lifeboat.refresh_from_db()
    assert lifeboat.purpose != "Changed."


def test_editing_the_readme_saves_the_answers(organisation, staff):
    """Given answers are saved; the ones left out are kept."""
    lifeboat = make_lifeboat(organisation, readme_usage="As licensed.")

    services.lifeboat_update_readme(lifeboat, by=staff, purpose="  A new purpose. ")

    lifeboat.refresh_from_db()
    assert (lifeboat.purpose, lifeboat.readme_usage) == ("A new purpose.", "As licensed.")


# --- submitting --------------------------------------------------------------------------------


def test_submit_moves_to_submitted_and_records_the_agreement(organisation, staff):
    """Submitting records when, and the approved signature in force."""
    lifeboat = make_lifeboat(organisation, created_by=staff)

    services.lifeboat_submit(lifeboat, by=staff)

    lifeboat.refresh_from_db()
    assert lifeboat.status == S.SUBMITTED
    assert lifeboat.submitted_at is not None
    assert lifeboat.agreement_signature.organisation == organisation
    assert lifeboat.agreement_signature.status == "approved"


@pytest.mark.parametrize("field", ["name", "purpose", "readme_future"])
def test_submit_refuses_an_empty_required_answer(organisation, staff, field):
    """An empty name, purpose or future-readers answer blocks submitting; nothing changes."""
    lifeboat = make_lifeboat(organisation, created_by=staff, **{field: ""})

    with pytest.raises(MissingAnswer, match="please fill in"):
        services.lifeboat_submit(lifeboat, by=staff)

    lifeboat.refresh_from_db()
    assert lifeboat.status == S.DRAFT
    assert not lifeboat.events.exists()


def test_submit_refuses_a_lifeboat_without_photos(organisation, staff):
    """At least one resolved photo is needed."""
    lifeboat = make_lifeboat(organisation, created_by=staff, photos=0)

    with pytest.raises(NotReadyToSubmit, match="no photos"):
        services.lifeboat_submit(lifeboat, by=staff)

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.DRAFT


def test_submit_without_a_signed_agreement_says_what_to_do(db):
    """No approved signature: the message tells the organisation a manager must sign."""
    organisation = make_organisation()
    staff = make_membership(organisation).user
    lifeboat = make_lifeboat(organisation, created_by=staff)

    with pytest.raises(NotReadyToSubmit, match="A manager needs to sign agreement"):
        services.lifeboat_submit(lifeboat, by=staff)

    lifeboat.refresh_from_db()
    assert (lifeboat.status, lifeboat.submitted_at) == (S.DRAFT, None)
    assert not lifeboat.events.exists()


def test_submit_with_an_outdated_agreement_says_the_new_version_must_be_signed(organisation, staff):
    """A newer agreement version in effect blocks submitting until it is signed."""
    make_agreement_version(label="2099-new")
    lifeboat = make_lifeboat(organisation, created_by=staff)

    with pytest.raises(NotReadyToSubmit, match="needs to sign the new version"):
        services.lifeboat_submit(lifeboat, by=staff)

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.DRAFT


def test_submit_by_another_organisation_is_not_found(organisation):
    """Another organisation's lifeboat does not exist for its members."""
    lifeboat = make_lifeboat(organisation)
    stranger = make_membership(make_organisation()).user

    with pytest.raises(NotFound):
        services.lifeboat_submit(lifeboat, by=stranger)


def test_submit_twice_is_a_wrong_state(organisation, staff):
    """A second submit is refused with the state machine's message."""
    lifeboat = make_lifeboat(organisation, created_by=staff)
    services.lifeboat_submit(lifeboat, by=staff)

    with pytest.raises(InvalidTransition, match="already “submitted”"):
        services.lifeboat_submit(lifeboat, by=staff)


def test_submit_notifies_every_foundation_admin_in_the_inbox_and_by_email(
    organisation, staff, admin, django_capture_on_commit_callbacks
):
    """Each admin gets a stored notification linking to the review page, and its email."""
    second_admin = make_foundation_admin(email="farah@foundation.example")
    lifeboat = make_lifeboat(organisation, created_by=staff, name="Harbour views")

    with django_capture_on_commit_callbacks(execute=True):
        services.lifeboat_submit(lifeboat, by=staff)

    notifications = Notification.objects.filter(kind="lifeboat_submitted")
    assert {n.recipient for n in notifications} == {admin, second_admin}
    assert all(n.url == f"/lifeboats/review/{lifeboat.pk}/" for n in notifications)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "farah@foundation.example",
        "fiona@foundation.example",
    ]
    assert "Harbour views" in mail.outbox[0].subject


# --- deciding ----------------------------------------------------------------------------------


def test_approve_records_the_decision(organisation, admin):
    """Approving sets the status, who decided and when, and logs the note."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED)

    services.lifeboat_approve(lifeboat, by=admin, note="Looks good.")

    lifeboat.refresh_from_db()
    assert (lifeboat.status, lifeboat.decided_by) == (S.APPROVED, admin)
    assert lifeboat.decided_at is not None
    assert lifeboat.events.get().note == "Looks good."


def test_approve_queues_the_build_only_after_commit(
    organisation, admin, django_capture_on_commit_callbacks
):
    """The build task is registered for after commit, for this lifeboat."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED)

    with django_capture_on_commit_callbacks() as callbacks:
        services.lifeboat_approve(lifeboat, by=admin)

    builds = [c for c in callbacks if getattr(c, "func", None) is services.enqueue_build]
    assert [c.args for c in builds] == [(lifeboat.pk,)]


def test_approve_emails_the_requester(
    organisation, staff, admin, django_capture_on_commit_callbacks
):
    """The requester hears of the approval, with the reviewer's note."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED, created_by=staff)

    with django_capture_on_commit_callbacks() as callbacks:
        services.lifeboat_approve(lifeboat, by=admin, note="Well chosen.")
    with django_capture_on_commit_callbacks(execute=True):
        run_callbacks(callbacks)

    notification = Notification.objects.get(recipient=staff)
    assert notification.kind == "lifeboat_approved"
    assert "Well chosen." in notification.body
    assert [message.to for message in mail.outbox] == [["stan@harbour.example"]]


@pytest.mark.parametrize("action", ["lifeboat_approve", "lifeboat_return", "lifeboat_reject"])
def test_only_foundation_admins_decide(organisation, manager, action):
    """Even the organisation's manager cannot decide its own request."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED)
    decide = getattr(services, action)
    text = {"lifeboat_approve": "note", "lifeboat_return": "note", "lifeboat_reject": "reason"}

    with pytest.raises(Forbidden, match="Only foundation admins"):
        decide(lifeboat, by=manager, **{text[action]: "Fine."})

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.SUBMITTED


def test_approve_does_not_retry_a_failed_build(organisation, admin):
    """Approving is for submitted requests; a failed build goes back through retry."""
    lifeboat = make_lifeboat(organisation, status=S.FAILED)

    with pytest.raises(InvalidTransition, match="“failed”; it cannot be approved"):
        services.lifeboat_approve(lifeboat, by=admin)

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.FAILED


def test_return_needs_a_note(organisation, admin):
    """A return without a note is refused; the request stays submitted."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED)

    with pytest.raises(MissingAnswer, match="a note"):
        services.lifeboat_return(lifeboat, by=admin, note=" ")

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.SUBMITTED


def test_return_moves_back_to_draft_and_tells_the_requester_why(
    organisation, staff, admin, django_capture_on_commit_callbacks
):
    """The request can be edited again; the note is in the log and the notification."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED, created_by=staff)

    with django_capture_on_commit_callbacks(execute=True):
        services.lifeboat_return(lifeboat, by=admin, note="Please explain the selection.")

    lifeboat.refresh_from_db()
    assert lifeboat.status == S.DRAFT
    assert lifeboat.events.get().note == "Please explain the selection."
    notification = Notification.objects.get(recipient=staff)
    assert notification.kind == "lifeboat_returned"
    assert "Please explain the selection." in mail.outbox[0].body


def test_reject_needs_a_reason(organisation, admin):
    """A rejection without a reason is refused."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED)

    with pytest.raises(MissingAnswer, match="reason"):
        services.lifeboat_reject(lifeboat, by=admin, reason="")

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.SUBMITTED


def test_reject_closes_the_request_and_tells_the_requester_the_reason(
    organisation, staff, admin, django_capture_on_commit_callbacks
):
    """Rejected is final; the requester is told the reason."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED, created_by=staff)

    with django_capture_on_commit_callbacks(execute=True):
        services.lifeboat_reject(lifeboat, by=admin, reason="Out of scope.")

    lifeboat.refresh_from_db()
    assert (lifeboat.status, lifeboat.decided_by) == (S.REJECTED, admin)
    notification = Notification.objects.get(recipient=staff)
    assert notification.kind == "lifeboat_rejected"
    assert "Out of scope." in notification.body


def test_withdraw_by_a_member_closes_a_submitted_request(organisation, staff):
    """A member can withdraw a request under review."""
    lifeboat = make_lifeboat(organisation, status=S.SUBMITTED)

    services.lifeboat_withdraw(lifeboat, by=staff)

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.WITHDRAWN


def test_withdraw_of_an_approved_request_is_refused(organisation, staff):
    """Once approved, a request can no longer be withdrawn."""
    lifeboat = make_lifeboat(organisation, status=S.APPROVED)

    with pytest.raises(InvalidTransition, match="cannot be withdrawn"):
        services.lifeboat_withdraw(lifeboat, by=staff)


# --- building ----------------------------------------------------------------------------------


def test_start_build_moves_approved_to_building(organisation):
    """The worker's first move, made by the system."""
    lifeboat = make_lifeboat(organisation, status=S.APPROVED)

    services.lifeboat_start_build(lifeboat)

    lifeboat.refresh_from_db()
    assert lifeboat.status == S.BUILDING
    assert lifeboat.events.get().actor is None


@override_settings(LIFEBOAT_DOWNLOAD_DAYS=14)
def test_mark_ready_sets_the_expiry_and_notifies_every_member(
    organisation, staff, manager, django_capture_on_commit_callbacks
):
    """Ready for LIFEBOAT_DOWNLOAD_DAYS; each member of the organisation hears of it once."""
    lifeboat = make_lifeboat(organisation, status=S.BUILDING, created_by=staff)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.lifeboat_mark_ready(
            lifeboat, package_path="lb/x.zip", package_size=1234, package_sha256="a" * 64
        )

    lifeboat.refresh_from_db()
    assert (lifeboat.ready_at, lifeboat.expires_at) == (now, now + timedelta(days=14))
    assert (lifeboat.package_path, lifeboat.package_size) == ("lb/x.zip", 1234)
    recipients = sorted(
        n.recipient.email for n in Notification.objects.filter(kind="lifeboat_ready")
    )
    assert recipients == sorted(
        {staff.email, manager.email, *organisation.managers().values_list("email", flat=True)}
    )
    assert "16 March 2026" in mail.outbox[0].body


def test_mark_failed_keeps_the_message_and_notifies_the_requester_and_admins(
    organisation, staff, admin, django_capture_on_commit_callbacks
):
    """The failure is visible on the lifeboat and sent to whoever can act on it."""
    lifeboat = make_lifeboat(organisation, status=S.BUILDING, created_by=staff)

    with django_capture_on_commit_callbacks(execute=True):
        services.lifeboat_mark_failed(lifeboat, message="Flickr says the API key is invalid.")

    lifeboat.refresh_from_db()
    assert lifeboat.failure_message == "Flickr says the API key is invalid."
    failed = Notification.objects.filter(kind="lifeboat_failed")
    assert {n.recipient for n in failed} == {staff, admin}
    assert all("the API key is invalid" in n.body for n in failed)


def test_retry_by_a_manager_requeues_the_build(
    organisation, manager, django_capture_on_commit_callbacks
):
    """A manager sends a failed build back to approved, and it is queued again after commit."""
    lifeboat = make_lifeboat(organisation, status=S.FAILED, failure_message="Timeout.")

    with django_capture_on_commit_callbacks() as callbacks:
        services.lifeboat_retry(lifeboat, by=manager)

    lifeboat.refresh_from_db()
    assert (lifeboat.status, lifeboat.failure_message) == (S.APPROVED, "")
    assert [c.args for c in callbacks if c.func is services.enqueue_build] == [(lifeboat.pk,)]


def test_retry_by_staff_is_forbidden(organisation, staff):
    """Staff who are not managers cannot retry a build."""
    lifeboat = make_lifeboat(organisation, status=S.FAILED)

    with pytest.raises(Forbidden):
        services.lifeboat_retry(lifeboat, by=staff)

    assert Lifeboat.objects.get(pk=lifeboat.pk).status == S.FAILED


def test_expire_moves_ready_to_expired_and_keeps_the_rows(organisation):
    """Expiry changes the status only; the index rows stay."""
    lifeboat = make_lifeboat(organisation, status=S.READY, photos=2)

    services.lifeboat_expire(lifeboat)

    lifeboat.refresh_from_db()
    assert lifeboat.status == S.EXPIRED
    assert lifeboat.photos.count() == 2
