"""FlickrClient.list_commons_institutions and the buddy icon of people.getInfo, against the
real recordings (and the sandbox, which must read the same)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flickr.client import FlickrClient
from flickr.parsers import web_address
from flickr.records import CommonsInstitution
from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.server import SandboxServer
from tests.flickr.cassettes import recorded_client, use_recording

COMMONS = "flickr-photos-api/TestCommonsMethods"
INSTITUTIONS_2024 = f"{COMMONS}.test_list_commons_institutions.yml"  # recorded 31 Oct 2024
INSTITUTIONS_2025 = f"{COMMONS}.test_belleville_hastings_date.yml"  # recorded 9 Jun 2025

BELLEVILLE = "134017397@N03"  # Flickr reset its join date by mistake in 2025
PORT_MORIEN = "98726691@N05"  # <url type="site" />
MARSHALL_LIBRARY = "201627032@N02"  # site "www.marshallillibrary.com", no scheme
YLE = "124495553@N05"  # site "www.yle.fi (in Finnish) or http://yle.fi/... (in English)"
BELLEVILLE_JOINED = datetime(2024, 10, 30, 19, 14, 23, tzinfo=UTC)


def institutions_in(recording: str) -> list[CommonsInstitution]:
    with use_recording(recording), recorded_client() as client:
        institutions = client.list_commons_institutions()
    assert client.calls == {"flickr.commons.getInstitutions": 1}
    return institutions


def by_nsid(recording: str) -> dict[str, CommonsInstitution]:
    return {institution.nsid: institution for institution in institutions_in(recording)}


def test_lists_every_institution_with_its_name_launch_date_and_urls():
    """All 115 members of October 2024, most recent first, with the details Flickr gives."""
    institutions = institutions_in(INSTITUTIONS_2024)

    assert len(institutions) == 115
    first = institutions[0]
    assert first.nsid == BELLEVILLE
    assert first.name == "Community Archives of Belleville & Hastings County"
    assert first.date_launch == BELLEVILLE_JOINED
    assert first.site_url == "https://www.cabhc.ca/"
    assert first.licence_url == "https://www.cabhc.ca/en/collections/collections.aspx"
    assert first.flickr_url == "http://flickr.com/photos/cabhc/"
    assert institutions[-1].date_launch == datetime(2008, 1, 16, 8, 0, tzinfo=UTC)


def test_an_empty_site_url_is_none():
    """Port Morien Digital Archive sends `<url type="site" />`: it has no website."""
    port_morien = by_nsid(INSTITUTIONS_2024)[PORT_MORIEN]

    assert port_morien.site_url is None
    assert port_morien.licence_url == "https://www.flickr.com/people/portmorienarchive/"


def test_belleville_keeps_its_real_join_date_after_flickr_reset_it():
    """In June 2025 Flickr says Belleville joined on 2025-04-17; it joined in October 2024."""
    institutions = by_nsid(INSTITUTIONS_2025)

    assert len(institutions) == 122
    assert institutions[BELLEVILLE].date_launch == BELLEVILLE_JOINED
    assert institutions[PORT_MORIEN].date_launch == datetime(2025, 4, 17, 13, 46, 35, tzinfo=UTC)


def test_site_urls_typed_without_a_scheme_become_links():
    """A bare domain gets http://; of two addresses typed into one field, the first is kept."""
    institutions = by_nsid(INSTITUTIONS_2025)

    assert institutions[MARSHALL_LIBRARY].site_url == "http://www.marshallillibrary.com"
    assert institutions[YLE].site_url == "http://www.yle.fi"


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("https://www.bl.uk/", "https://www.bl.uk/"),
        ("  http://www.hpl.ca  ", "http://www.hpl.ca"),
        ("www.trinitylaban.ac.uk/jerwoodlibrary", "http://www.trinitylaban.ac.uk/jerwoodlibrary"),
        ("www.tekniskmuseum.no / www.dextraphoto.no", "http://www.tekniskmuseum.no"),
        (
            "http://www.ci.keene.nh.us/library/   and  http://www.hsccnh.org/",
            "http://www.ci.keene.nh.us/library/",
        ),
        ("", None),
        (None, None),
        ("see our catalogue", None),
    ],
)
def test_web_address(typed, link):
    """What an institution typed becomes a usable link, or None."""
    assert web_address(typed) == link


def test_the_sandbox_commons_reads_like_the_real_one():
    """The sandbox's getInstitutions parses with the same parser, empty site URL included."""
    world = SandboxWorld.generate(photos=200, seed=1, commons_members=3)
    with SandboxServer(world) as server, FlickrClient(api_key="k", api_url=server.api_url) as c:
        institutions = c.list_commons_institutions()

    assert {i.nsid for i in institutions} == {m.nsid for m in world.commons_members()}
    assert any(institution.site_url is None for institution in institutions)
    assert all(institution.licence_url for institution in institutions)


# -- people.getInfo: the buddy icon ---------------------------------------------------------------


def test_a_member_with_a_buddy_icon_has_its_server_and_farm():
    """iconserver="5556" iconfarm="6" (28660070@N07) locate the member's icon."""
    recording = "flickr-photos-api/TestGetUser.test_get_buddy_icon_url.yml"
    with use_recording(recording), recorded_client() as client:
        user = client.get_user("28660070@N07")

    assert (user.icon_server, user.icon_farm) == ("5556", 6)


def test_the_default_buddy_icon_has_no_server():
    """iconserver="0" (199246608@N02) means Flickr's default icon."""
    recording = "flickr-photos-api/TestGetUser.test_get_default_buddy_icon_url.yml"
    with use_recording(recording), recorded_client() as client:
        user = client.get_user("199246608@N02")

    assert (user.icon_server, user.icon_farm) == (None, 0)
