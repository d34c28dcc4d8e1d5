"""The offline viewer inside every package (data/viewer/), opened from file:// in Chromium.

Packages are written by the real package writer from `tests.lifeboats.package_data`, unzipped,
and opened the way a reader in fifty years would: by double-clicking a file, with no server
and no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.lifeboats.package_data import sample_package_inputs, unzip_package

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from tests.lifeboats.package_data import SampleInputs

pytestmark = pytest.mark.browser

NOT_A_FILE = re.compile(r"^(?!file:)[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# The only scripts a viewer page may hold: its own, the metadata files, and one photo's file.
VIEWER_SCRIPT = re.compile(r"^(\.\./metadata/(photos/[0-9]+|[a-zA-Z]+)|[a-z]+)\.js$")


@dataclass
class Package:
    """An unzipped package and the inputs it was written from."""

    inputs: SampleInputs
    bag: Path

    @property
    def data(self) -> Path:
        return self.bag / "data"

    def url(self, page: str, query: str = "") -> str:
        return (self.data / "viewer" / page).as_uri() + query

    def photo_ids(self) -> list[str]:
        return [str(item.photo["id"]) for item in self.inputs.photos]

    def photo(self, index: int) -> dict:
        return dict(self.inputs.photos[index].photo)


def build_package(tmp_path: Path, *, photos: int, hostile: bool = False) -> Package:
    inputs = sample_package_inputs(tmp_path, photos=photos, hostile=hostile)
    zip_path = tmp_path / "package.zip"
    with zip_path.open("wb") as out:
        inputs.write(out)
    return Package(inputs=inputs, bag=unzip_package(zip_path, tmp_path / "unzipped"))


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Package:
    return build_package(tmp_path_factory.mktemp("package"), photos=5)


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory) -> Package:
    return build_package(tmp_path_factory.mktemp("hostile"), photos=5, hostile=True)


@dataclass
class Browsing:
    """One browser context, with everything the pages asked for or tried to do."""

    page: Page
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, url: str) -> Page:
        self.page.goto(url)
        self.page.wait_for_selector("html[data-viewer-ready]", state="attached", timeout=5000)
        return self.page


def start_browsing(chromium: Browser, *, bypass_csp: bool) -> tuple[BrowserContext, Browsing]:
    context = chromium.new_context(bypass_csp=bypass_csp)
    # Anything that is not a file is refused before it reaches the network, and recorded.
    context.route(NOT_A_FILE, lambda route: route.abort())
    page = context.new_page()
    browsing = Browsing(page=page)
    page.on("request", lambda request: browsing.requests.append(request.url))
    page.on("pageerror", lambda error: browsing.errors.append(str(error)))
    page.on(
        "console",
        lambda message: browsing.errors.append(message.text) if message.type == "error" else None,
    )

    def on_dialog(dialog) -> None:
        browsing.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(5000)
    return context, browsing


@pytest.fixture
def browsing(chromium: Browser) -> Iterator[Browsing]:
    """Pages opened without the viewer's Content-Security-Policy: the tests prove that the
    viewer's own code keeps hostile text inert, without the policy's help (and Playwright's
    waiting helpers need to evaluate scripts, which the policy forbids)."""
    context, browsing = start_browsing(chromium, bypass_csp=True)
    try:
        yield browsing
    finally:
        context.close()


@pytest.fixture
def browsing_as_shipped(chromium: Browser) -> Iterator[Browsing]:
    """Pages opened exactly as a reader would, with the viewer's Content-Security-Policy."""
    context, browsing = start_browsing(chromium, bypass_csp=False)
    try:
        yield browsing
    finally:
        context.close()


def cell_ids(page: Page) -> list[str]:
    return page.locator("#grid .cell").evaluate_all(
        "cells => cells.map(cell => cell.dataset.photoId)"
    )


# --- the grid ---------------------------------------------------------------------------------


def test_grid_shows_every_photo_with_its_thumbnail(browsing, package):
    """index.html lists every photo of the package, each with a thumbnail that loads."""
    page = browsing.open(package.url("index.html"))

    assert sorted(cell_ids(page)) == sorted(package.photo_ids())
    assert page.locator("#result-count").inner_text() == "Showing all 5 photos."
    loaded = page.locator("#grid img").evaluate_all(
        "images => images.map(image => image.complete && image.naturalWidth > 0)"
    )
    assert loaded == [True] * 5


def test_grid_shows_titles_and_granular_dates(browsing, package):
    """Each cell shows its title, and the date taken with its granularity ("circa 1900")."""
    page = browsing.open(package.url("index.html"))

    first = page.locator(f'.cell[data-photo-id="{package.photo_ids()[0]}"]')
    assert first.locator(".cell-title").inner_text() == package.photo(0)["title"]
    assert first.locator(".cell-meta").inner_text().startswith("circa 1900")
    assert page.locator("#grid img").first.get_attribute("alt") == package.photo(0)["title"]


def test_licence_filter_narrows_the_grid(browsing, package):
    """Choosing a licence keeps only its photos, and the count says how many match."""
    page = browsing.open(package.url("index.html"))
    expected = [p.photo["id"] for p in package.inputs.photos if p.photo["licenseId"] == "nkcr"]

    page.select_option("#license", "nkcr")

    page.wait_for_function("document.querySelectorAll('#grid .cell').length === 1")
    assert cell_ids(page) == expected
    assert page.locator("#result-count").inner_text() == (
        "Showing all 1 photo that match, out of 5."
    )


def test_tag_filter_keeps_the_photos_with_that_tag(browsing, package):
    """Choosing a tag keeps exactly the photos that carry it."""
    page = browsing.open(package.url("index.html"))
    expected = {
        p.photo["id"]
        for p in package.inputs.photos
        if "boat1" in {tag["normalizedValue"] for tag in p.photo["tags"]}
    }

    page.select_option("#tag", "boat1")

    page.wait_for_function(f"document.querySelectorAll('#grid .cell').length === {len(expected)}")
    assert set(cell_ids(page)) == expected


def test_collection_filter_keeps_a_gallery_photos(browsing, package):
    """Choosing a gallery keeps the photos in it, as the gallery index lists them."""
    page = browsing.open(package.url("index.html"))
    expected = {p.photo["id"] for p in package.inputs.photos if p.photo["galleryIds"]}

    page.select_option("#set", "gallery:72157700000000001")

    page.wait_for_function(f"document.querySelectorAll('#grid .cell').length === {len(expected)}")
    assert set(cell_ids(page)) == expected


def test_search_matches_titles(browsing, package):
    """Typing in the search box keeps the photos whose title contains the words."""
    page = browsing.open(package.url("index.html"))

    page.fill("#q", "view 4")

    page.wait_for_function("document.querySelectorAll('#grid .cell').length === 1")
    assert cell_ids(page) == [package.photo_ids()[3]]


def test_search_matches_descriptions(browsing, package):
    """Search reads descriptions as text: words inside a description find the photo."""
    page = browsing.open(package.url("index.html"))

    page.fill("#q", "seen from the castle")

    page.wait_for_function("document.querySelectorAll('#grid .cell').length === 1")
    assert cell_ids(page) == [package.photo_ids()[2]]


def test_search_with_no_match_shows_an_empty_state(browsing, package):
    """A search that matches nothing says so and offers to show every photo again."""
    page = browsing.open(package.url("index.html"))

    page.fill("#q", "lighthouse")
    page.wait_for_selector("#empty:not([hidden])")
    page.click("#empty-clear")

    page.wait_for_function("document.querySelectorAll('#grid .cell').length === 5")


def test_sort_by_views_puts_the_most_viewed_first(browsing, package):
    """Sorting by views orders the grid from the most viewed photo down."""
    page = browsing.open(package.url("index.html"))
    by_views = sorted(package.inputs.photos, key=lambda p: -p.photo["countViews"])

    page.select_option("#sort", "-views")

    page.wait_for_function(
        f"document.querySelector('#grid .cell').dataset.photoId === '{by_views[0].photo['id']}'"
    )
    assert cell_ids(page) == [p.photo["id"] for p in by_views]


def test_filters_are_kept_in_the_address(browsing, package):
    """The filters live in the address, so opening it again shows the same list."""
    page = browsing.open(package.url("index.html"))
    page.select_option("#tag", "boat1")
    page.wait_for_function("location.hash.includes('tag=boat1')")
    address = page.url

    page.goto(package.url("data.html"))
    page = browsing.open(address)

    assert page.locator("#tag").input_value() == "boat1"
    assert len(cell_ids(page)) == 2


def test_large_lifeboats_are_shown_a_page_at_a_time(browsing, tmp_path):
    """150 photos are shown 100 on the first page and 50 on the next."""
    package = build_package(tmp_path, photos=150)
    page = browsing.open(package.url("index.html"))
    assert len(cell_ids(page)) == 100
    assert page.locator("#result-count").inner_text() == "Showing 1\u2013100 of 150 photos."

    page.click("#page-next")

    page.wait_for_function("document.querySelectorAll('#grid .cell').length === 50")
    assert page.locator("#page-status").inner_text() == "Page 2 of 2"


# --- one photo --------------------------------------------------------------------------------


def test_photo_page_shows_comments_with_authors(browsing, package):
    """photo.html shows every comment with its author's name and its text."""
    photo = package.photo(2)
    page = browsing.open(package.url("photo.html", f"?id={photo['id']}"))

    comments = page.locator("#comments .comment")
    assert comments.count() == len(photo["comments"]) == 2
    assert comments.first.locator(".rich-text").inner_text() == photo["comments"][0]["text"]
    assert comments.first.locator(".person").inner_text() == "Chatty"


def test_photo_page_draws_notes_over_the_image(browsing, package):
    """Each note is a box drawn over the image, where Flickr placed it."""
    photo = package.photo(0)
    note = photo["notes"][0]
    page = browsing.open(package.url("photo.html", f"?id={photo['id']}"))
    page.wait_for_function("document.getElementById('photo-image').complete")

    image = page.locator("#photo-image").bounding_box()
    box = page.locator(".note-box").bounding_box()
    scale = image["width"] / 64  # the sample original is 64 pixels wide, below "Medium" (500)
    assert page.locator(".note-box").count() == 1
    assert box["x"] == pytest.approx(image["x"] + note["x"] * scale, abs=1.5)
    assert box["y"] == pytest.approx(image["y"] + note["y"] * scale, abs=1.5)
    assert box["width"] == pytest.approx(note["width"] * scale, abs=1.5)
    assert page.locator("#notes li .rich-text").inner_text() == note["text"]


def test_photo_page_shows_the_metadata(browsing, package):
    """The photo page shows the title, the tags with who added them, the licence history,
    the albums and groups, the consent and the Flickr address marked as possibly gone."""
    photo = package.photo(0)
    page = browsing.open(package.url("photo.html", f"?id={photo['id']}"))

    assert page.locator("h1").inner_text() == photo["title"]
    assert "Boat 0 added by tagalong" in page.locator("#tags").inner_text()
    assert page.locator("#licence tbody tr").count() == 1
    assert "Album: Harbours" in page.locator("#sets").inner_text()
    assert "Group: Old Ports" in page.locator("#sets").inner_text()
    assert "not needed" in page.locator("#consent").inner_text()
    assert page.locator("#on-flickr a").get_attribute("href") == (
        f"https://www.flickr.com/photos/12345678@N01/{photo['id']}/"
    )
    assert "may have changed or no longer exist" in page.locator("#on-flickr").inner_text()


def test_next_link_follows_the_grid_order(browsing, package):
    """ "Next" on a photo page leads to the photo after it in the list the reader came from."""
    page = browsing.open(package.url("index.html"))
    page.select_option("#sort", "-views")
    page.locator("#grid .cell a").first.click()
    page.wait_for_selector("html[data-viewer-ready]", state="attached")

    page.keyboard.press("ArrowRight")

    page.wait_for_url(re.compile(r"id=" + package.photo_ids()[3]))
    assert page.locator("#position").inner_text() == "Photo 2 of 5"


def test_an_id_that_is_not_a_number_loads_nothing(browsing, package):
    """photo.html?id= with anything but a number explains itself and loads no file."""
    browsing.page.goto(package.url("photo.html", "?id=../../README"))

    status = browsing.page.locator("#photo-status")
    assert "is not a photo id" in status.inner_text()
    assert not any("/metadata/photos/" in url for url in browsing.requests)


def test_readme_links_into_the_viewer(browsing, package):
    """README.html, the package's entry point, leads to the grid of photos."""
    browsing.page.goto((package.data / "README.html").as_uri())

    browsing.page.locator('a[href="viewer/index.html"]').first.click()

    browsing.page.wait_for_selector("html[data-viewer-ready]", state="attached")
    assert len(cell_ids(browsing.page)) == 5


def test_viewer_pages_run_without_errors_under_their_security_policy(browsing_as_shipped, package):
    """The grid, a photo page and the format page load, under the Content-Security-Policy
    they ship with, without a single script error or policy violation."""
    browsing = browsing_as_shipped
    browsing.open(package.url("index.html"))
    browsing.open(package.url("photo.html", f"?id={package.photo_ids()[0]}"))
    browsing.page.goto(package.url("data.html"))

    assert browsing.errors == []


# --- safety -----------------------------------------------------------------------------------


def assert_inert(browsing: Browsing) -> None:
    page = browsing.page
    page.wait_for_timeout(100)  # let any image error handler have its chance
    assert browsing.dialogs == []
    scripts = page.locator("script").evaluate_all(
        "scripts => scripts.map(script => script.getAttribute('src') || 'inline')"
    )
    assert [src for src in scripts if not VIEWER_SCRIPT.match(src)] == []
    assert page.locator("[onerror], [onclick], [onload], iframe").count() == 0
    assert page.locator('a[href^="javascript:" i]').count() == 0
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(link => link.href)")
    assert all(href.startswith(("file:", "https:", "http:")) for href in hrefs)


def test_hostile_titles_render_as_text_in_the_grid(browsing, hostile_package):
    """Titles and names full of markup are shown as text: nothing runs, nothing is injected."""
    page = browsing.open(hostile_package.url("index.html"))

    assert_inert(browsing)
    assert page.locator(".cell-title").first.inner_text() == hostile_package.photo(0)["title"]
    assert "<script>" in page.locator("#lifeboat-name").inner_text()


def test_hostile_descriptions_comments_and_notes_render_inert(browsing, hostile_package):
    """A photo page with hostile descriptions, comments, notes and tags runs nothing, and
    its javascript: links are not links."""
    photo = hostile_package.photo(2)
    page = browsing.open(hostile_package.url("photo.html", f"?id={photo['id']}"))
    page.hover(".note-box")

    assert_inert(browsing)
    assert "<img src=x onerror=alert(1)>" in page.locator("#description").inner_text()
    assert 'href="javascript:alert(1)"' in page.locator("#comments").inner_text()
    assert page.locator(".note-box").count() == 1


def test_no_request_leaves_the_package(browsing, hostile_package):
    """Every file the viewer asks for is inside the package's data folder, even for a
    package whose text points elsewhere."""
    browsing.page.goto((hostile_package.data / "README.html").as_uri())
    browsing.open(hostile_package.url("index.html"))
    for photo_id in hostile_package.photo_ids()[:3]:  # with notes, comments, a gallery, a PNG
        browsing.open(hostile_package.url("photo.html", f"?id={photo_id}"))
    browsing.page.goto(hostile_package.url("data.html"))

    inside = hostile_package.data.as_uri() + "/"
    assert browsing.requests
    assert [url for url in browsing.requests if not url.startswith(inside)] == []
