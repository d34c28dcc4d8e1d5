"""The Commons Explorer in headless Chromium, against the live portal: search, hand-pick photos
with htmx, launch lifeboats from a selection and from a member, and the members' chart.

The catalogue is filled by the real crawler from a small sandbox Flickr Commons, and the
portal's lifeboat wizard looks the launched photos up on that same sandbox.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from django.utils import timezone

from commons import crawler
from commons.models import CommonsMember, CommonsPhoto, CrawlStatus
from flickr.client import FlickrClient
from lifeboats.models import Lifeboat
from portal.models import Membership
from tests.browser.conftest import log_in
from tests.factories import make_membership, make_organisation, make_signature
from tests.flickr import sandbox_helpers

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from flickr.sandbox.server import SandboxServer

sandbox = sandbox_helpers.sandbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORLD_PHOTOS = 60
WORLD_MEMBERS = 3
# A word in the titles or tags of several photos of that world.
QUERY = "lighthouse"
# Set on the page's window before picking: a reload would lose it.
NO_RELOAD_MARKER = "commonsPageNeverReloaded"


@pytest.fixture
def commons(sandbox, settings) -> SandboxServer:
    """A sandbox Flickr Commons, crawled into the catalogue; the portal's Flickr is the same
    sandbox, so the wizard can look up what the Explorer launches."""
    server = sandbox(photos=WORLD_PHOTOS, commons_members=WORLD_MEMBERS)
    settings.FLICKR_API_URL = server.api_url
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 3_600_000
    with FlickrClient(
        api_key="test-key", api_url=server.api_url, sleep=lambda _seconds: None
    ) as client:
        crawl = crawler.crawl_in_process(client=client)
    assert crawl is not None
    assert crawl.status == CrawlStatus.FINISHED, crawl.error
    return server


@pytest.fixture
def staff():
    """A staff member of the one approved organisation with an approved agreement."""
    organisation = make_organisation()
    make_signature(organisation, status="approved")
    return make_membership(organisation, role=Membership.Role.STAFF).user


def search_results(page: Page) -> Locator:
    return page.get_by_role("list", name="Search results").locator(":scope > li")


def photo_id_of(card: Locator) -> str:
    """The Flickr photo id of a card of the Explorer's photo grid (`<li id="photo-…">`)."""
    element_id = card.get_attribute("id") or ""
    assert element_id.startswith("photo-"), f"not a photo card: {element_id!r}"
    return element_id.removeprefix("photo-")


def pick_without_reload(page: Page, card: Locator, *, selection_size: int) -> None:
    """Press a card's Pick button; htmx swaps in the Picked state and updates the count in the
    Explorer's navigation, on the same page."""
    from playwright.sync_api import expect

    card.get_by_role("button", name=re.compile(r"^Pick")).click()
    expect(card.locator(".badge-ok")).to_have_text("Picked")
    expect(card.get_by_role("button", name=re.compile(r"^Remove"))).to_be_visible()
    expect(card.get_by_role("button", name=re.compile(r"^Pick"))).to_have_count(0)
    photos = "photo" if selection_size == 1 else "photos"
    expect(page.locator("#selection-link .badge")).to_have_text(f"{selection_size} {photos}")
    assert page.evaluate(f"window.{NO_RELOAD_MARKER}") is True, "the page was reloaded"


def pick_two_search_results(page: Page) -> list[str]:
    """Pick the first two results of the search page open in `page`; their photo ids."""
    from playwright.sync_api import expect

    results = search_results(page)
    expect(results.nth(1)).to_be_visible()
    expect(page.locator("#selection-link .badge")).to_have_count(0)
    page.evaluate(f"window.{NO_RELOAD_MARKER} = true")
    picked = []
    for number, card in enumerate([results.nth(0), results.nth(1)], start=1):
        pick_without_reload(page, card, selection_size=number)
        picked.append(photo_id_of(card))
    return picked


def test_a_visitor_searches_and_picks_two_photos_for_the_selection(page, live_server, commons):
    """From the Explorer's home page: search, see the results, pick two with htmx (no reload,
    the navigation's count follows), and find both on the selection page."""
    from playwright.sync_api import expect

    page.goto(live_server.url + reverse("commons:home"))
    page.get_by_label("Search titles, descriptions, tags and comments").fill(QUERY)
    page.locator("form.commons-search button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/commons/search/\?q={QUERY}$"))

    matching = CommonsPhoto.objects.filter(search_text__icontains=QUERY).count()
    assert matching >= 2, f"the world has too few photos about {QUERY!r} for this test"
    expect(search_results(page)).to_have_count(matching)
    expect(page.locator("#search-count")).to_contain_text(f"{matching} photos match {QUERY}")

    picked = pick_two_search_results(page)

    page.click("#selection-link")
    page.wait_for_url(re.compile(r"/commons/selection/$"))
    expect(page.locator(".lead")).to_contain_text("2 photos picked")
    chosen = page.get_by_role("list", name="Your selection").locator(":scope > li")
    expect(chosen).to_have_count(2)
    assert [photo_id_of(chosen.nth(0)), photo_id_of(chosen.nth(1))] == picked
    for photo_id in picked:
        title = str(CommonsPhoto.objects.get(photo_id=photo_id))
        expect(page.locator(f"#photo-{photo_id} .photo-title")).to_have_text(title)


def test_staff_launch_a_lifeboat_from_their_selection(page, live_server, commons, staff):
    """The selection opens the wizard pre-filled with its name and the two photos' URLs, and
    submitting the wizard looks both photos up and previews them."""
    from playwright.sync_api import expect

    log_in(page, live_server.url, staff.username)
    page.goto(f"{live_server.url}{reverse('commons:search')}?q={QUERY}")
    picked = pick_two_search_results(page)
    urls = [CommonsPhoto.objects.get(photo_id=photo_id).flickr_url for photo_id in picked]

    page.click("#selection-link")
    page.wait_for_url(re.compile(r"/commons/selection/$"))
    page.get_by_role("button", name="Launch a lifeboat with these photos").click()
    page.wait_for_url(re.compile(r"/lifeboats/new/\?prefill="))
    expect(page.locator("#prefill-notice")).to_contain_text(
        "Pre-filled from the Commons Explorer: 2 URLs."
    )
    expect(page.locator("input[name=name]")).to_have_value("Hand-picked from the Commons Explorer")
    expect(page.locator("textarea[name=urls]")).to_have_value("\n".join(urls))
    assert not Lifeboat.objects.exists()

    page.click("#find-photos")
    page.wait_for_url(re.compile(r"/photos/$"))
    expect(page.locator("#stat-photos")).to_have_text("2")
    previewed = page.locator("#photo-grid > li .photo-title")
    expect(previewed).to_have_count(2)
    links = previewed.evaluate_all("links => links.map(link => link.href)")
    assert {link.rstrip("/").rsplit("/", 1)[-1] for link in links} == set(picked)
    lifeboat = Lifeboat.objects.get()
    assert lifeboat.name == "Hand-picked from the Commons Explorer"
    assert lifeboat.photos_total == 2


def test_staff_launch_a_lifeboat_from_a_member_page(page, live_server, commons, staff):
    """A member's "Launch a lifeboat" opens the wizard with the member's photostream URL."""
    from playwright.sync_api import expect

    member = CommonsMember.objects.order_by("name").first()
    assert member is not None
    log_in(page, live_server.url, staff.username)
    page.goto(live_server.url + reverse("commons:members"))
    page.locator("#members-table").get_by_role("link", name=member.name).click()
    page.wait_for_url(re.compile(re.escape(member.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(member.name)

    page.locator(".member-launch").get_by_role("button", name="Launch a lifeboat").click()
    page.wait_for_url(re.compile(r"/lifeboats/new/\?prefill="))
    expect(page.locator("#prefill-notice")).to_contain_text(
        "Pre-filled from the Commons Explorer: 1 URL."
    )
    expect(page.locator("input[name=name]")).to_have_value(f"{member.name}: photostream")
    expect(page.locator("textarea[name=urls]")).to_have_value(member.photostream_url)
    assert not Lifeboat.objects.exists()


def test_the_members_page_charts_members_joining_year_by_year(page, live_server, commons):
    """The joining chart is an SVG with one point per year, from the first member's year to
    this one, each titled with the members that had joined by then."""
    from playwright.sync_api import expect

    launch_years = [member.date_launch.year for member in CommonsMember.objects.all()]
    assert len(set(launch_years)) > 1, "the world's members all joined in the same year"
    years = range(min(launch_years), timezone.now().year + 1)
    expected = []
    for year in years:
        joined = sum(launched <= year for launched in launch_years)
        expected.append(f"{year}: {joined} member{'' if joined == 1 else 's'}")

    page.goto(live_server.url + reverse("commons:members"))
    chart = page.get_by_role("img", name="Members of Flickr Commons, by year")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.chart-point")).to_have_count(len(years))
    expect(chart.locator("circle.chart-point > title")).to_have_text(expected)
