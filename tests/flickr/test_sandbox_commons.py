"""The sandbox's own Flickr Commons: its members, their photos, and changes between crawls."""

from __future__ import annotations

import hashlib
import math
import signal
import threading

import httpx
import pytest
from defusedxml import ElementTree

from flickr.client import FlickrClient
from flickr.sandbox.data import COMMONS_OPENED, NOW, SandboxWorld
from flickr.sandbox.responses import respond
from flickr.walkers import LIST_EXTRAS, walk_pages
from tests.flickr import sandbox_helpers
from tests.flickr.sandbox_helpers import sandbox_world

sandbox = sandbox_helpers.sandbox  # the fixture, under the name the tests ask for

COMMONS = {"photos": 3000, "seed": 5, "commons_members": 20}
END_OF_2024 = 1_735_689_600
# What the default worlds looked like before worlds could have a Commons of their own
# (see `fingerprint`): any change to them shows here.
DEFAULT_WORLD_FINGERPRINTS = {
    (200, 1): "bc958e35b0425a62ca93f4228055135242dddc8f777562660f1505145f72b716",
    (3000, 7): "9d4f04a9a9bd0f1f119dd68714776fa7236b80c23f9f2e161d670e7144980d31",
}


def rsp(xml: str):
    return ElementTree.fromstring(xml.encode())


def call(world: SandboxWorld, method: str, **params: str):
    return rsp(respond(world, {"method": method, **params}))


def rest(server, method: str, **params: str):
    response = httpx.get(server.api_url, params={"method": method, **params}, timeout=10)
    response.raise_for_status()
    return rsp(response.text)


def listing(server, nsid: str, **params: str):
    return rest(
        server, "flickr.people.getPublicPhotos", user_id=nsid, per_page="500", **params
    ).find("photos")


def listed(server, nsid: str, photo_id: str, extras: str):
    photos = listing(server, nsid, extras=extras).findall("photo")
    return next((photo for photo in photos if photo.get("id") == photo_id), None)


def photo_count(answer) -> int:
    return int(answer.findtext("person/photos/count"))


@pytest.fixture(scope="module")
def world() -> SandboxWorld:
    return sandbox_world(**COMMONS)


@pytest.fixture
def own_world() -> SandboxWorld:
    """A world this test alone sees, so it may change it."""
    return SandboxWorld.generate(photos=400, seed=9, commons_members=4)


def public_photo_of(world: SandboxWorld, nsid: str, *, with_comments: bool = False):
    return next(
        photo
        for photo in world.photos(world.public_listing(nsid))
        if photo.is_available and (photo.comment_count > 0) == with_comments
    )


# --- the institutions ---------------------------------------------------------------------------


def test_institutions_come_in_flickrs_shape_newest_first(world):
    """commons.getInstitutions gives each member's NSID, launch date, name and three URLs
    (site, licence, photostream), the most recent member first."""
    institutions = call(world, "flickr.commons.getInstitutions").findall("institutions/institution")
    launches = [int(institution.get("date_launch")) for institution in institutions]
    assert launches == sorted(launches, reverse=True)
    for institution in institutions:
        member = world.user(institution.get("nsid"))
        assert sorted(institution.keys()) == ["date_launch", "nsid"]
        assert institution.findtext("name") == member.realname
        urls = institution.findall("urls/url")
        assert [url.get("type") for url in urls] == ["site", "license", "flickr"]
        assert urls[1].text
        assert urls[2].text == f"http://flickr.com/photos/{member.url_name}/"


def test_some_members_give_no_website(world):
    """As Port Morien Digital Archive does on Flickr, some members send `<url type="site" />`."""
    xml = respond(world, {"method": "flickr.commons.getInstitutions"})
    sites = [url.text for url in rsp(xml).iter("url") if url.get("type") == "site"]
    assert '\t\t\t<url type="site" />\n' in xml
    assert 0 < sites.count(None) < len(sites) / 2


def test_members_joined_between_the_commons_opening_and_2024(world):
    """The archive opened the Commons on 2008-01-16; the others joined over the years since."""
    launches = {member.nsid: member.commons_launch for member in world.commons_members()}
    assert launches[world.archive.nsid] == COMMONS_OPENED == min(launches.values())
    assert max(launches.values()) < END_OF_2024
    years = {int(1970 + launch // 31_556_952) for launch in launches.values()}
    assert len(years) >= 8


@pytest.mark.parametrize("members", [1, 2, 7, 20])
def test_the_commons_has_as_many_members_as_asked(members):
    """`commons_members=N` gives N institutions, the archive the first of them to launch."""
    world = SandboxWorld.generate(photos=100, seed=2, commons_members=members)
    institutions = call(world, "flickr.commons.getInstitutions").findall("institutions/institution")
    assert len(institutions) == members
    assert institutions[-1].get("nsid") == world.archive.nsid
    assert len({institution.get("nsid") for institution in institutions}) == members


def test_a_commons_it_cannot_build_is_refused():
    """No members at all, or more members than photos to share out, is refused by name."""
    with pytest.raises(ValueError, match="commons_members=0"):
        SandboxWorld.generate(photos=10, commons_members=0)
    with pytest.raises(ValueError, match="photos=10"):
        SandboxWorld.generate(photos=10, commons_members=11)


# --- the photos ---------------------------------------------------------------------------------


def test_every_photo_belongs_to_a_member_and_every_member_has_some(world):
    """people.getInfo's photo counts of the members add up to every photo in the world."""
    members = world.commons_members()
    counts = [
        photo_count(call(world, "flickr.people.getInfo", user_id=member.nsid)) for member in members
    ]
    assert sum(counts) == world.photo_count
    assert min(counts) >= 1
    owners = {world.owner_of(index).nsid for index in range(world.photo_count)}
    assert owners == {member.nsid for member in members}


def test_a_few_members_own_most_photos(world):
    """Sizes are uneven: the three biggest members own most photos; the smallest, a handful."""
    counts = sorted(
        (len(world.indices_owned_by(member.nsid)) for member in world.commons_members()),
        reverse=True,
    )
    assert sum(counts[:3]) > world.photo_count / 2
    assert counts[-1] * 50 < counts[0]


def test_a_photostream_pages_at_500_with_the_right_totals(world):
    """A member's public photos come 500 a page, newest first, each once, with `page`,
    `pages` and `total` right; private photos are left out."""
    member = world.archive
    expected = [
        photo.id
        for photo in world.photos(reversed(world.indices_owned_by(member.nsid)))
        if photo.state != "private"
    ]
    assert len(expected) > 1000
    pages = math.ceil(len(expected) / 500)
    ids, uploads = [], []
    for page in range(1, pages + 1):
        answer = call(
            world,
            "flickr.people.getPublicPhotos",
            user_id=member.nsid,
            per_page="500",
            page=str(page),
            extras=LIST_EXTRAS,
        ).find("photos")
        assert (answer.get("page"), answer.get("pages"), answer.get("perpage")) == (
            str(page),
            str(pages),
            "500",
        )
        assert answer.get("total") == str(len(expected))
        photos = answer.findall("photo")
        assert len(photos) == (500 if page < pages else len(expected) - 500 * (pages - 1))
        ids += [photo.get("id") for photo in photos]
        uploads += [int(photo.get("dateupload")) for photo in photos]
    assert ids == expected
    assert uploads == sorted(uploads, reverse=True)


def test_the_walker_reads_a_whole_member_over_http(sandbox, world):
    """The portal's own walker, pointed at the sandbox, lists every public photo of a member."""
    server = sandbox(**COMMONS)
    member = world.archive
    with FlickrClient(api_key="any", api_url=server.api_url, max_attempts=1) as client:
        photos = list(walk_pages(client, "flickr.people.getPublicPhotos", user_id=member.nsid))
    assert [photo.id for photo in photos] == [
        world.photo_at(index).id for index in world.public_listing(member.nsid)
    ]
    assert {photo.owner_nsid for photo in photos} == {member.nsid}
    assert server.calls["flickr.people.getPublicPhotos"] == 3


def test_photos_keep_their_generated_mix(world):
    """Owned by institutions, photos still carry comments, tags, licences and views."""
    photos = list(world.photos())
    assert sum(photo.comment_count > 0 for photo in photos) > len(photos) / 4
    assert len({photo.license for photo in photos}) >= 17
    assert all(tag.normalized == "sandbox" for photo in photos for tag in photo.tags[:1])
    assert max(photo.views for photo in photos) > 100_000


def test_the_same_arguments_give_the_same_commons():
    """Two Commons worlds generated alike answer alike, byte for byte."""
    first, second = (SandboxWorld.generate(600, seed=3, commons_members=6) for _ in range(2))
    for method, params in [
        ("flickr.commons.getInstitutions", {}),
        ("flickr.people.getPublicPhotos", {"user_id": first.owners[3].nsid, "extras": "tags"}),
    ]:
        params = {"method": method, **params}
        assert respond(first, params) == respond(second, params)


# --- changes between crawls ------------------------------------------------------------------


def test_an_added_comment_shows_in_counts_and_in_the_list(sandbox, own_world):
    """A comment added to the world raises `count_comments` in listings and the getInfo
    count, and ends the photo's comment list, dated no earlier than the sandbox's now."""
    server = sandbox(world=own_world)
    member = own_world.owners[1]
    photo = public_photo_of(own_world, member.nsid, with_comments=True)
    author = own_world.users[40]

    comment_id = own_world.add_comment(
        photo.id, author_nsid=author.nsid, text="Taken from the old pier?"
    )

    expected = str(photo.comment_count + 1)
    assert listed(server, member.nsid, photo.id, "count_comments").get("count_comments") == (
        expected
    )
    info = rest(server, "flickr.photos.getInfo", photo_id=photo.id)
    assert info.findtext("photo/comments") == expected
    comments = rest(server, "flickr.photos.comments.getList", photo_id=photo.id).findall(
        "comments/comment"
    )
    assert len(comments) == photo.comment_count + 1
    newest = comments[-1]
    assert (newest.get("id"), newest.get("author"), newest.text) == (
        comment_id,
        author.nsid,
        "Taken from the old pier?",
    )
    assert int(newest.get("datecreate")) >= NOW


def test_a_removed_photo_leaves_listings_and_answers_error_1(sandbox, own_world):
    """A removed photo is gone from its member's photostream and counts; photos.getInfo and
    its image answer as for any deleted photo."""
    server = sandbox(world=own_world)
    member = own_world.owners[2]
    photo = public_photo_of(own_world, member.nsid)
    before = listing(server, member.nsid, extras="url_m")
    image_url = next(p.get("url_m") for p in before.findall("photo") if p.get("id") == photo.id)
    count = photo_count(rest(server, "flickr.people.getInfo", user_id=member.nsid))

    own_world.remove_photo(photo.id)

    after = listing(server, member.nsid)
    assert int(after.get("total")) == int(before.get("total")) - 1
    assert photo.id not in {p.get("id") for p in after.findall("photo")}
    assert photo_count(rest(server, "flickr.people.getInfo", user_id=member.nsid)) == count - 1
    error = rest(server, "flickr.photos.getInfo", photo_id=photo.id).find("err")
    assert (error.get("code"), error.get("msg")) == (
        "1",
        f'Photo "{photo.id}" not found (invalid ID)',
    )
    assert httpx.get(image_url, timeout=10).status_code == 404


def test_a_removed_photo_leaves_search_and_every_collection(own_world):
    """photos.search and the albums, galleries and pools that held the photo list it no more."""
    photo = next(
        photo
        for photo in own_world.photos(own_world.public_listing(own_world.archive.nsid))
        if all(own_world.contexts(photo.index).values())
    )
    contexts = own_world.contexts(photo.index)
    lists = [("flickr.photos.search", {"user_id": own_world.archive.nsid})]
    lists += [("flickr.photosets.getPhotos", {"photoset_id": i}) for i in contexts["albums"]]
    lists += [("flickr.galleries.getPhotos", {"gallery_id": i}) for i in contexts["galleries"]]
    lists += [("flickr.groups.pools.getPhotos", {"group_id": i}) for i in contexts["groups"]]

    def listed_ids(method: str, params: dict[str, str]) -> set[str]:
        answer = call(own_world, method, per_page="500", **params)
        return {listed.get("id") for listed in answer.iter("photo")}

    assert all(photo.id in listed_ids(method, params) for method, params in lists)
    own_world.remove_photo(photo.id)
    assert not any(photo.id in listed_ids(method, params) for method, params in lists)


def test_a_retitled_photo_shows_its_new_title_and_a_later_lastupdate(sandbox, own_world):
    """A new title shows in listings and getInfo, and `lastupdate` moves past the old one."""
    server = sandbox(world=own_world)
    member = own_world.owners[3]
    photo = public_photo_of(own_world, member.nsid)

    own_world.retitle_photo(photo.id, "Harbour & pier, 1921")

    entry = listed(server, member.nsid, photo.id, "last_update")
    info = rest(server, "flickr.photos.getInfo", photo_id=photo.id).find("photo")
    assert entry.get("title") == info.findtext("title") == "Harbour & pier, 1921"
    assert int(entry.get("lastupdate")) == int(info.find("dates").get("lastupdate"))
    assert int(entry.get("lastupdate")) > max(photo.last_update, NOW - 1)


def test_changes_to_photos_that_cannot_change_are_refused(own_world):
    """Removed or unknown photos, unknown authors and private photos are refused by name."""
    member = own_world.owners[1]
    photo = public_photo_of(own_world, member.nsid)
    private = next(p for p in own_world.photos() if p.state == "private")
    with pytest.raises(ValueError, match="nobody@N00"):
        own_world.add_comment(photo.id, author_nsid="nobody@N00", text="Hello")
    with pytest.raises(ValueError, match="private"):
        own_world.add_comment(private.id, author_nsid=own_world.users[5].nsid, text="Hello")
    own_world.remove_photo(photo.id)
    with pytest.raises(ValueError, match=photo.id):
        own_world.retitle_photo(photo.id, "Too late")
    with pytest.raises(ValueError, match=photo.id):
        own_world.remove_photo(photo.id)
    with pytest.raises(ValueError, match="'123'"):
        own_world.add_comment("123", author_nsid=own_world.users[5].nsid, text="Hello")


def test_comments_added_while_the_server_answers_all_count(sandbox, own_world):
    """Comments added from several threads while listings are being served are all kept,
    each under its own id."""
    server = sandbox(world=own_world)
    member = own_world.archive
    photo = public_photo_of(own_world, member.nsid)
    author = own_world.users[12].nsid
    added: list[str] = []

    def comment(thread: int) -> None:
        for number in range(10):
            text = f"Comment {number} from thread {thread}"
            added.append(own_world.add_comment(photo.id, author_nsid=author, text=text))

    threads = [threading.Thread(target=comment, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        listing(server, member.nsid, extras="count_comments")
    for thread in threads:
        thread.join()

    comments = rest(server, "flickr.photos.comments.getList", photo_id=photo.id)
    ids = [comment.get("id") for comment in comments.iter("comment")]
    assert len(set(added)) == 60
    assert set(added) <= set(ids)
    assert len(ids) == photo.comment_count + 60
    count = listed(server, member.nsid, photo.id, "count_comments").get("count_comments")
    assert count == str(len(ids))


# --- the default world ------------------------------------------------------------------------


def fingerprint(world: SandboxWorld) -> str:
    """A digest of some photos, users, collections and answers of a world."""
    parts = [repr(world.photo_at(i)) for i in (0, 5, 17, 19, 25, 40, 57, 123, 199)]
    parts += [
        repr((u.nsid, u.username, u.realname, u.path_alias, u.is_deleted, u.commons_launch))
        for u in [*world.users[:6], world.users[-1]]
    ]
    parts += [user.nsid for user in world.owners]
    parts += [repr((c.id, c.owner, c.photo_indices)) for c in [*world.albums, *world.galleries]]
    parts += [repr((g.id, g.path_alias, g.photo_indices)) for g in world.groups]
    many = world.featured_photo("many_comments").id
    calls = [
        {"method": "flickr.commons.getInstitutions"},
        {"method": "flickr.people.getInfo", "user_id": world.archive.nsid},
        {
            "method": "flickr.people.getPublicPhotos",
            "user_id": world.archive.nsid,
            "per_page": "500",
            "extras": LIST_EXTRAS,
        },
        {
            "method": "flickr.people.getPublicPhotos",
            "user_id": world.owners[1].nsid,
            "page": "2",
            "per_page": "7",
            "extras": "count_comments,count_faves",
        },
        {"method": "flickr.photos.comments.getList", "photo_id": many},
        {"method": "flickr.photos.getInfo", "photo_id": many},
        {"method": "flickr.photos.search", "tags": "lighthouse", "per_page": "500"},
        {"method": "flickr.photos.search", "user_id": world.owners[2].nsid, "per_page": "500"},
    ]
    parts += [respond(world, call) for call in calls]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@pytest.mark.parametrize(("photos", "seed"), sorted(DEFAULT_WORLD_FINGERPRINTS))
def test_without_a_commons_the_world_is_what_it_always_was(photos, seed):
    """`commons_members=None` (the default) generates the very world it always did."""
    world = SandboxWorld.generate(photos=photos, seed=seed, commons_members=None)
    assert fingerprint(world) == DEFAULT_WORLD_FINGERPRINTS[photos, seed]


# --- serving one -------------------------------------------------------------------------------


def test_the_command_serves_a_commons_of_the_size_asked():
    """`manage.py flickr_sandbox --commons-members 6` serves six institutions and says so."""
    arguments = ("--photos", "300", "--commons-members", "6")
    with sandbox_helpers.sandbox_command(*arguments) as (process, banner, api_url):
        answer = httpx.get(api_url, params={"method": "flickr.commons.getInstitutions"})
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert len(rsp(answer.text).findall("institutions/institution")) == 6
    assert "Flickr Commons: 6 members" in banner
    assert process.returncode == 0


def test_run_portal_passes_the_commons_size_to_the_sandbox(settings):
    """`run_portal --sandbox-commons-members N` starts the sandbox with `--commons-members N`."""
    from portal.management.commands.run_portal import Command

    settings.FLICKR_API_KEY = ""
    services = Command().plan("127.0.0.1", 8000, 8100, 500, commons_members=12)
    sandbox_argv = next(service.argv for service in services if service.name == "sandbox")
    assert sandbox_argv[-2:] == ["--commons-members", "12"]
    default = Command().plan("127.0.0.1", 8000, 8100, 500)
    assert "--commons-members" not in next(s.argv for s in default if s.name == "sandbox")
