"""The opt-out registry: who may opt out what, and what counts as opted out."""

from __future__ import annotations

import re

import pytest

from flickr.client import FlickrClient
from legal.models import OptOut, OptOutScope
from legal.optouts import (
    get_optout_for,
    opted_out_photo_ids,
    optout_add,
    optout_withdraw,
    photo_is_opted_out,
)
from portal.errors import Forbidden, InvalidTransition, PortalError
from tests.factories import make_lifeboat, make_lifeboat_photo, make_user
from tests.flickr import sandbox_helpers

sandbox = sandbox_helpers.sandbox

MINE = "11111111@N01"
THEIRS = "22222222@N02"


@pytest.fixture
def photographer(db):
    return make_user(username="paula", flickr_nsid=MINE)


@pytest.fixture
def other_photographer(db):
    return make_user(username="oscar", flickr_nsid=THEIRS)


@pytest.fixture
def lifeboat(db):
    """A submitted lifeboat with no photos yet; tests add the photos they need."""
    return make_lifeboat(status="submitted", photos=0)


@pytest.fixture
def my_photo(lifeboat):
    return make_lifeboat_photo(lifeboat, photo_id="1001", owner_nsid=MINE)


@pytest.fixture
def their_photo(lifeboat):
    return make_lifeboat_photo(lifeboat, photo_id="2002", owner_nsid=THEIRS)


def nothing_asked_of_flickr() -> FlickrClient:
    """A client that fails the test if the ownership check calls Flickr."""
    return FlickrClient(api_key="unused", api_url="http://flickr.invalid/services/rest/")


# --- Adding -------------------------------------------------------------------------------------


def test_opting_out_all_covers_every_photo_of_the_photographer(photographer):
    """An "all" opt-out covers any photo whose owner is the photographer, known or not."""
    optout_add(photographer=photographer, scope="all")

    assert photo_is_opted_out(photo_id="1001", owner_nsid=MINE)
    assert photo_is_opted_out(photo_id="999999", owner_nsid=MINE)


def test_opting_out_all_never_covers_someone_elses_photos(photographer):
    """The "all" opt-out reaches only photos owned by the photographer's own NSID."""
    optout_add(photographer=photographer, scope="all")

    assert not photo_is_opted_out(photo_id="2002", owner_nsid=THEIRS)


def test_opting_out_a_listed_photo_of_mine_from_the_index(photographer, my_photo):
    """A photo the index says is mine is opted out without asking Flickr."""
    optout = optout_add(
        photographer=photographer,
        scope="listed",
        photo_ids=["1001"],
        flickr=nothing_asked_of_flickr(),
    )

    assert optout.scope == OptOutScope.LISTED
    assert list(optout.photos.values_list("photo_id", flat=True)) == ["1001"]
    assert photo_is_opted_out(photo_id="1001", owner_nsid=MINE)


def test_listed_opt_out_covers_only_the_listed_photos(photographer, my_photo, lifeboat):
    """Another photo of the same photographer stays in."""
    make_lifeboat_photo(lifeboat, photo_id="1002", owner_nsid=MINE)

    optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])

    assert not photo_is_opted_out(photo_id="1002", owner_nsid=MINE)


def test_a_photographer_cannot_opt_out_another_photographers_photo(photographer, their_photo):
    """A photo the index says belongs to someone else is refused, and nothing is saved."""
    with pytest.raises(Forbidden, match="'2002' belongs to another Flickr member"):
        optout_add(
            photographer=photographer,
            scope="listed",
            photo_ids=["2002"],
            flickr=nothing_asked_of_flickr(),
        )

    assert not OptOut.objects.exists()
    assert not photo_is_opted_out(photo_id="2002", owner_nsid=THEIRS)


def test_one_foreign_photo_refuses_the_whole_list(photographer, my_photo, their_photo):
    """Mixed lists are refused as a whole: my photo is not opted out either."""
    with pytest.raises(Forbidden):
        optout_add(photographer=photographer, scope="listed", photo_ids=["1001", "2002"])

    assert not OptOut.objects.exists()


def test_links_to_photos_are_accepted(photographer, my_photo):
    """A Flickr photo link works as well as a bare id."""
    optout_add(
        photographer=photographer,
        scope="listed",
        photo_ids=["https://www.flickr.com/photos/someone/1001/in/album-1/"],
    )

    assert photo_is_opted_out(photo_id="1001", owner_nsid=MINE)


def test_something_that_is_no_photo_is_named_in_the_error(photographer):
    """A line that is neither an id nor a photo link is quoted back; nothing is saved."""
    with pytest.raises(PortalError, match=re.escape("'https://example.com/x'")):
        optout_add(photographer=photographer, scope="listed", photo_ids=["https://example.com/x"])

    assert not OptOut.objects.exists()


def test_an_empty_list_is_refused(photographer):
    """A listed opt-out needs at least one photo."""
    with pytest.raises(PortalError, match="at least one photo"):
        optout_add(photographer=photographer, scope="listed", photo_ids=["", "  "])


def test_an_unknown_scope_is_refused(photographer):
    """The scope is "all" or "listed"; anything else is quoted back."""
    with pytest.raises(PortalError, match="'some'"):
        optout_add(photographer=photographer, scope="some")


def test_a_user_without_flickr_account_cannot_opt_out(db):
    """Institution staff (no Flickr NSID) are told to log in with Flickr."""
    staff = make_user(username="stan")

    with pytest.raises(Forbidden, match="log in with your Flickr account"):
        optout_add(photographer=staff, scope="all")


def test_opting_out_all_twice_is_refused(photographer):
    """One active "all" opt-out per photographer; the second changes nothing."""
    optout_add(photographer=photographer, scope="all")

    with pytest.raises(InvalidTransition, match="already opted out all"):
        optout_add(photographer=photographer, scope="all")

    assert OptOut.objects.count() == 1


def test_listing_photos_after_opting_out_all_is_refused(photographer, my_photo):
    """When everything is opted out, listing photos has nothing to add."""
    optout_add(photographer=photographer, scope="all")

    with pytest.raises(InvalidTransition, match="All your photos are already opted out"):
        optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])


def test_listing_an_already_listed_photo_again_is_refused(photographer, my_photo):
    """Repeating the same list creates no second opt-out."""
    optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])

    with pytest.raises(InvalidTransition, match="'1001' is already opted out"):
        optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])


def test_only_new_photos_are_added_to_a_new_listed_opt_out(photographer, my_photo, lifeboat):
    """Photos already opted out are skipped; the new opt-out holds just the new ones."""
    make_lifeboat_photo(lifeboat, photo_id="1002", owner_nsid=MINE)
    optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])

    second = optout_add(photographer=photographer, scope="listed", photo_ids=["1001", "1002"])

    assert list(second.photos.values_list("photo_id", flat=True)) == ["1002"]


# --- Ownership from Flickr, for photos no lifeboat holds ----------------------------------------


@pytest.fixture
def flickr_world(sandbox):
    server = sandbox(photos=60)
    client = FlickrClient(api_key="test", api_url=server.api_url)
    yield server, client
    client.close()


def test_ownership_of_a_photo_in_no_lifeboat_is_asked_of_flickr(db, flickr_world):
    """A photo the index does not know is checked with photos.getInfo, and accepted if mine."""
    server, client = flickr_world
    photo = server.world.photo_at(5)
    photographer = make_user(username="owner", flickr_nsid=photo.owner)

    optout_add(photographer=photographer, scope="listed", photo_ids=[photo.id], flickr=client)

    assert photo_is_opted_out(photo_id=photo.id, owner_nsid=photo.owner)
    assert server.calls["flickr.photos.getInfo"] == 1


def test_flickr_says_the_photo_is_someone_elses(db, flickr_world):
    """A photo Flickr says belongs to another member is refused."""
    server, client = flickr_world
    photo = server.world.photo_at(5)
    stranger = make_user(username="stranger", flickr_nsid="33333333@N03")
    assert photo.owner != stranger.flickr_nsid

    with pytest.raises(Forbidden, match="another Flickr member"):
        optout_add(photographer=stranger, scope="listed", photo_ids=[photo.id], flickr=client)

    assert not OptOut.objects.exists()


def test_a_photo_flickr_does_not_know_is_refused(photographer, flickr_world):
    """An id Flickr answers "not found" for is refused with a clear message."""
    _, client = flickr_world

    with pytest.raises(PortalError, match="Flickr has no public photo '1'"):
        optout_add(photographer=photographer, scope="listed", photo_ids=["1"], flickr=client)


# --- Withdrawing --------------------------------------------------------------------------------


def test_withdrawing_ends_the_opt_out(photographer):
    """A withdrawn opt-out no longer covers the photographer's photos."""
    optout = optout_add(photographer=photographer, scope="all")

    optout_withdraw(optout, by=photographer)

    optout.refresh_from_db()
    assert optout.withdrawn_at is not None
    assert optout.withdrawn_by == photographer
    assert not photo_is_opted_out(photo_id="1001", owner_nsid=MINE)


def test_a_photographer_cannot_withdraw_another_photographers_opt_out(
    photographer, other_photographer
):
    """Someone else's opt-out stays in force."""
    optout = optout_add(photographer=other_photographer, scope="all")

    with pytest.raises(Forbidden):
        optout_withdraw(optout, by=photographer)

    assert photo_is_opted_out(photo_id="2002", owner_nsid=THEIRS)


def test_another_photographers_opt_out_is_not_found_for_me(photographer, other_photographer):
    """The accessor answers 404 for an opt-out that is not the user's own."""
    from django.http import Http404

    optout = optout_add(photographer=other_photographer, scope="all")

    with pytest.raises(Http404):
        get_optout_for(photographer, optout.pk)


def test_withdrawing_twice_is_refused(photographer):
    """A second withdrawal changes nothing and says when the first one was."""
    optout = optout_add(photographer=photographer, scope="all")
    optout_withdraw(optout, by=photographer)

    with pytest.raises(InvalidTransition, match="already withdrawn"):
        optout_withdraw(optout, by=photographer)


def test_opting_out_all_again_after_withdrawing_is_allowed(photographer):
    """Only active "all" opt-outs are unique: a photographer may change their mind twice."""
    optout_withdraw(optout_add(photographer=photographer, scope="all"), by=photographer)

    optout_add(photographer=photographer, scope="all")

    assert photo_is_opted_out(photo_id="1001", owner_nsid=MINE)


# --- Many photos at once (the preview and the builder) ------------------------------------------


def test_opted_out_photo_ids_picks_the_covered_photos(photographer, other_photographer, lifeboat):
    """Of a mix of photos, exactly those covered by their own owner's opt-out come back."""
    for photo_id, owner in [("1001", MINE), ("1002", MINE), ("2002", THEIRS), ("2003", THEIRS)]:
        make_lifeboat_photo(lifeboat, photo_id=photo_id, owner_nsid=owner)
    optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])
    optout_add(photographer=other_photographer, scope="all")

    pairs = [("1001", MINE), ("1002", MINE), ("2002", THEIRS), ("2003", THEIRS), ("3", "4@N01")]

    assert opted_out_photo_ids(pairs) == {"1001", "2002", "2003"}


def test_opted_out_photo_ids_makes_one_query(photographer, lifeboat, django_assert_num_queries):
    """However many photos, the answer costs one query."""
    optout_add(photographer=photographer, scope="all")
    pairs = [(str(n), MINE if n % 2 else THEIRS) for n in range(1, 2001)]

    with django_assert_num_queries(1):
        covered = opted_out_photo_ids(pairs)

    assert len(covered) == 1000


def test_opted_out_photo_ids_of_nothing_asks_nothing(db, django_assert_num_queries):
    """An empty selection needs no query."""
    with django_assert_num_queries(0):
        assert opted_out_photo_ids([]) == set()


def test_listed_opt_out_does_not_match_the_same_id_under_another_owner(photographer, my_photo):
    """A listed opt-out only covers the photo as owned by its photographer."""
    optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])

    assert opted_out_photo_ids([("1001", THEIRS)]) == set()


def test_an_opt_out_added_after_submit_still_excludes_at_build(photographer, lifeboat, my_photo):
    """The builder asks when it runs: an opt-out made after the request was submitted counts."""
    assert lifeboat.status == "submitted"
    assert opted_out_photo_ids(lifeboat.photos.values_list("photo_id", "owner_nsid")) == set()

    optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])

    assert opted_out_photo_ids(lifeboat.photos.values_list("photo_id", "owner_nsid")) == {"1001"}


def test_a_withdrawn_opt_out_no_longer_excludes(photographer, lifeboat, my_photo):
    """After withdrawal, later builds include the photo again."""
    optout = optout_add(photographer=photographer, scope="listed", photo_ids=["1001"])
    optout_withdraw(optout, by=photographer)

    assert opted_out_photo_ids(lifeboat.photos.values_list("photo_id", "owner_nsid")) == set()
