"""The Commons Explorer pages: home, members, a member, conversations and statistics (search
has its own module), each with data and empty; their pagination, chart and query counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from commons import views
from commons.charts import bars, cumulative_by_year, line_chart, nice_step
from commons.models import CommonsPhoto
from commons.paging import Cursor, keyset_page
from commons.views import random_sample
from tests.factories import (
    make_commons_comment,
    make_commons_crawl,
    make_commons_member,
    make_commons_photo,
)

pytestmark = pytest.mark.django_db

HOME = reverse("commons:home")
MEMBERS = reverse("commons:members")
CONVERSATIONS = reverse("commons:conversations")
STATISTICS = reverse("commons:statistics")
NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def titles(response) -> list[str]:
    return [photo.title for photo in response.context["page"].items]


# --- Every page is public and has an empty state ---------------------------------------------


@pytest.mark.parametrize("url", [HOME, MEMBERS, CONVERSATIONS, STATISTICS])
def test_before_any_crawl_each_page_explains_how_the_catalogue_is_filled(client, url):
    """Anonymous visitors get the page, which says the nightly crawl fills the catalogue and
    how an operator runs it now."""
    content = page(client, url)
    assert 'id="empty-catalogue"' in content
    assert "python manage.py crawl_commons" in content


@pytest.mark.parametrize("url", [HOME, MEMBERS, CONVERSATIONS, STATISTICS])
def test_while_the_first_crawl_runs_the_empty_pages_say_so(client, url):
    make_commons_crawl(status="running")
    content = page(client, url)
    assert "still running" in content
    assert "crawl_commons" not in content


def test_the_site_header_links_to_the_explorer(client):
    assert f'href="{HOME}"' in page(client, reverse("home"))


# --- Home -----------------------------------------------------------------------------------------


def test_home_shows_the_newest_uploads_across_members_with_their_details(client):
    """Newest first, at most RECENT_ON_HOME, each with title (or "Untitled"), member, licence."""
    first = make_commons_member(name="Harbour Museum")
    second = make_commons_member(name="City Archive")
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for day in range(views.RECENT_ON_HOME + 2):
        make_commons_photo(
            first if day % 2 else second,
            title=f"Day {day}",
            date_uploaded=start + timedelta(days=day),
        )
    make_commons_photo(first, title="", date_uploaded=start + timedelta(days=100))
    make_commons_crawl()

    response = client.get(HOME)
    recent = [photo.title for photo in response.context["recent"]]
    content = response.content.decode()
    assert recent[0] == ""
    assert recent[1:] == [f"Day {day}" for day in range(13, 2, -1)]
    assert "Untitled" in content
    assert "Harbour Museum" in content
    assert "City Archive" in content
    assert "No known copyright restrictions" in content
    assert 'loading="lazy" width="100" height="75"' in content


def test_home_shows_totals_from_the_last_crawl_and_when_it_finished(client):
    make_commons_photo()
    with time_machine.travel(NOW - timedelta(hours=5), tick=False):
        make_commons_crawl(
            stats={"photos": 654321, "views": 999, "members": 42, "comments": 7, "licences": {}}
        )
    with time_machine.travel(NOW, tick=False):
        content = page(client, HOME)
    assert "654,321" in content
    assert ">42<" in content
    assert "Catalogue refreshed" in content
    assert "5\xa0hours ago" in content


def test_home_random_sample_is_drawn_from_the_catalogue(client):
    """The sample holds distinct catalogued photos, as many as asked for when there are
    enough, even with gaps in the primary keys."""
    photos = [make_commons_photo() for _ in range(40)]
    CommonsPhoto.objects.filter(pk__in=[photo.pk for photo in photos[::3]]).delete()
    remaining = set(CommonsPhoto.objects.values_list("pk", flat=True))

    sample = random_sample(12, rng=random.Random(3))
    assert len(sample) == 12
    assert len({photo.pk for photo in sample}) == 12
    assert {photo.pk for photo in sample} <= remaining

    content = page(client, HOME)
    assert 'aria-label="A random sample"' in content


def test_home_random_sample_leaves_out_the_photos_shown_as_just_uploaded(client, monkeypatch):
    monkeypatch.setattr(views, "RECENT_ON_HOME", 2)
    for _ in range(5):
        make_commons_photo()
    response = client.get(HOME)
    recent = {photo.pk for photo in response.context["recent"]}
    sample = {photo.pk for photo in response.context["sample"]}
    assert len(recent) == 2
    assert sample
    assert not sample & recent


def test_random_sample_of_a_small_catalogue_takes_what_there_is():
    photos = {make_commons_photo().pk for _ in range(3)}
    assert {photo.pk for photo in random_sample(12, rng=random.Random(1))} == photos
    CommonsPhoto.objects.all().delete()
    assert random_sample(12) == []


def test_photo_grid_has_a_pick_button_for_each_photo(client):
    """Each photo can be picked for a lifeboat; a picked one says so."""
    photo = make_commons_photo(title="Harbour")
    other = make_commons_photo(title="Pier")
    session = client.session
    session["commons_selection"] = [photo.photo_id]
    session.save()

    content = page(client, HOME)
    assert f'id="pick-{photo.photo_id}"' in content
    assert f'id="pick-{other.photo_id}"' in content
    picked = content[content.index(f'id="pick-{photo.photo_id}"') :]
    assert picked.index("Picked") < picked.index("</form>")
    assert reverse("commons:selection_update") in content


# --- Members -----------------------------------------------------------------------------------


def test_members_list_with_photo_counts_sorted_by_name_photos_or_joining(client):
    make_commons_member(
        name="Beta Library", photo_count=10, date_launch=datetime(2009, 1, 1, tzinfo=UTC)
    )
    make_commons_member(
        name="Alpha Museum", photo_count=5, date_launch=datetime(2012, 1, 1, tzinfo=UTC)
    )
    make_commons_member(
        name="Gamma Archive", photo_count=1_500, date_launch=datetime(2008, 1, 1, tzinfo=UTC)
    )

    def names(**params) -> list[str]:
        return [member.name for member in client.get(MEMBERS, params).context["members"]]

    assert names() == ["Alpha Museum", "Beta Library", "Gamma Archive"]
    assert names(sort="photos") == ["Gamma Archive", "Beta Library", "Alpha Museum"]
    assert names(sort="joined") == ["Gamma Archive", "Beta Library", "Alpha Museum"]
    assert names(sort="nonsense") == ["Alpha Museum", "Beta Library", "Gamma Archive"]
    content = page(client, MEMBERS)
    assert "1,500" in content
    assert "3 institutions share 1,515 catalogued photos" in content


def test_members_chart_has_one_point_per_year_up_to_this_year(client):
    """Cumulative members, one point for each year from the first joining to now, with the
    figures as text too."""
    for year in (2008, 2008, 2011, 2014):
        make_commons_member(date_launch=datetime(year, 3, 1, tzinfo=UTC))

    with time_machine.travel(NOW, tick=False):
        response = client.get(MEMBERS)
    content = response.content.decode()
    assert [(row.year, row.total) for row in response.context["joining"]] == [
        (2008, 2), (2009, 2), (2010, 2), (2011, 3), (2012, 3), (2013, 3), (2014, 4),
        *((year, 4) for year in range(2015, 2027)),
    ]  # fmt: skip
    chart = content[content.index('id="joining-chart"') :]
    svg = chart[: chart.index("</svg>")]
    assert svg.count('class="chart-point"') == 2026 - 2008 + 1
    assert 'role="img"' in svg
    assert "from 2 in 2008 to 4 in 2026" in svg
    assert ">2026</text>" in svg
    assert "<td>4</td></tr>" in content  # the figures table


def test_members_who_left_the_commons_are_marked(client):
    make_commons_member(name="Old Archive", is_current=False)
    make_commons_member(name="New Archive")
    content = page(client, MEMBERS)
    assert content.count("Left the Commons</span>") == 1
    assert "1 institution shares" in content


# --- A member ---------------------------------------------------------------------------------


def test_member_page_shows_the_member_and_the_launch_form(client):
    member = make_commons_member(
        name="Harbour Museum",
        path_alias="harbourmuseum",
        description='Our <b>harbour</b>\n<a href="https://harbour.example/">site</a>'
        "<script>alert(1)</script><img src=x onerror=alert(2)>",
        website_url="https://harbour.example/",
        licence_url="https://harbour.example/rights",
        date_launch=datetime(2010, 4, 2, tzinfo=UTC),
        photo_count=1234,
        view_count=56789,
        icon_server="65535",
        icon_farm=66,
    )
    content = page(client, member.get_absolute_url())
    assert "<h1>Harbour Museum" in content
    assert "Our <b>harbour</b><br>" in content
    assert '<a href="https://harbour.example/" rel="nofollow noopener">site</a>' in content
    assert "<script>" not in content
    assert "onerror" not in content
    assert "2 April 2010" in content
    assert "1,234" in content
    assert "56,789" in content
    assert 'href="https://harbour.example/rights"' in content
    assert 'href="https://www.flickr.com/photos/harbourmuseum/"' in content
    assert f"buddyicons/{member.nsid}.jpg" in content
    assert f'name="member" value="{member.nsid}"' in content


def test_member_page_lists_photos_newest_first_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(views, "PHOTOS_PER_PAGE", 2)
    member = make_commons_member()
    make_commons_photo(title="Someone else's")
    start = datetime(2021, 1, 1, tzinfo=UTC)
    for day in range(5):
        make_commons_photo(member, title=f"Day {day}", date_uploaded=start + timedelta(days=day))
    url = member.get_absolute_url()

    first = client.get(url)
    assert titles(first) == ["Day 4", "Day 3"]
    assert first.context["page"].newer is None
    second = client.get(url, {"before": str(first.context["page"].older)})
    assert titles(second) == ["Day 2", "Day 1"]
    third = client.get(url, {"before": str(second.context["page"].older)})
    assert titles(third) == ["Day 0"]
    assert third.context["page"].older is None
    back = client.get(url, {"after": str(third.context["page"].newer)})
    assert titles(back) == ["Day 2", "Day 1"]
    content = second.content.decode()
    assert 'rel="next"' in content
    assert 'rel="prev"' in content


def test_member_found_by_nsid_redirects_to_the_path_alias(client):
    member = make_commons_member(path_alias="harbourmuseum")
    response = client.get(reverse("commons:member", args=[member.nsid]), {"before": "1_2"})
    assert response.status_code == 301
    assert response["Location"] == "/commons/members/harbourmuseum/?before=1_2"


def test_member_without_a_path_alias_is_found_by_nsid(client):
    member = make_commons_member(path_alias="", name="No Alias Library")
    assert "No Alias Library" in page(client, member.get_absolute_url())


def test_unknown_member_is_a_404_that_says_what_to_do(client):
    response = client.get(reverse("commons:member", args=["nobody-here"]))
    content = response.content.decode()
    assert response.status_code == 404
    assert "No Commons member called “nobody-here”" in content
    assert f'href="{MEMBERS}"' in content


def test_member_without_photos_after_a_crawl(client):
    member = make_commons_member(name="Quiet Library")
    make_commons_crawl()
    content = page(client, member.get_absolute_url())
    assert 'id="member-no-photos"' in content
    assert "The last crawl found no public photos of Quiet Library" in content


def test_member_too_big_for_one_lifeboat_gets_advice_instead_of_the_launch_form(client, settings):
    settings.LIFEBOAT_MAX_PHOTOS = 100
    member = make_commons_member(photo_count=101)
    content = page(client, member.get_absolute_url())
    assert 'id="member-too-big"' in content
    assert 'name="source" value="member"' not in content


# --- Conversations -----------------------------------------------------------------------------


def test_conversations_shows_recent_comments_newest_first(client):
    member = make_commons_member(name="Harbour Museum")
    photo = make_commons_photo(member, title="The pier")
    start = datetime(2023, 5, 1, tzinfo=UTC)
    make_commons_comment(photo, text="Older remark", date_created=start)
    make_commons_comment(
        photo,
        author_name="Ada",
        author_path_alias="ada-l",
        text='Newer <b>remark</b> <a href="https://x.example/">link</a><script>bad()</script>',
        date_created=start + timedelta(days=1),
    )
    make_commons_crawl()

    response = client.get(CONVERSATIONS)
    content = response.content.decode()
    assert [comment.date_created for comment in response.context["page"].items] == [
        start + timedelta(days=1),
        start,
    ]
    assert content.index("Newer <b>remark</b>") < content.index("Older remark")
    assert '<a href="https://x.example/" rel="nofollow noopener">link</a>' in content
    assert "<script>" not in content
    assert 'href="https://www.flickr.com/photos/ada-l/"' in content
    assert "The pier" in content
    assert "Harbour Museum" in content
    assert photo.thumbnail_url in content


def test_conversations_are_paginated(client, monkeypatch):
    monkeypatch.setattr(views, "COMMENTS_PER_PAGE", 2)
    photo = make_commons_photo()
    for number in range(3):
        make_commons_comment(photo, text=f"Remark {number}")

    first = client.get(CONVERSATIONS)
    assert [comment.text for comment in first.context["page"].items] == ["Remark 2", "Remark 1"]
    second = client.get(CONVERSATIONS, {"before": str(first.context["page"].older)})
    assert [comment.text for comment in second.context["page"].items] == ["Remark 0"]


def test_conversations_without_comments_after_a_crawl(client):
    make_commons_photo()
    make_commons_crawl()
    assert 'id="no-comments"' in page(client, CONVERSATIONS)


# --- Statistics ----------------------------------------------------------------------------------


def test_statistics_figures_are_the_last_crawls_stats(client):
    """The figures shown are those the crawl stored, not a count made now."""
    make_commons_member(name="Big Archive", photo_count=900, view_count=5)
    make_commons_member(name="Small Archive", photo_count=20)
    make_commons_member(name="Gone Archive", photo_count=5000, is_current=False)
    stats = {
        "photos": 123456,
        "views": 9876543,
        "members": 77,
        "comments": 4321,
        "licences": {"nkcr": 120000, "cc-by-2.0": 3000, "unknown-99": 456},
        "computed_at": "2026-11-27T03:15:00+00:00",
    }
    make_commons_crawl(stats=stats)

    response = client.get(STATISTICS)
    content = response.content.decode()
    assert response.context["totals"].photos == 123456
    assert 'id="stat-photos">123,456<' in content
    assert 'id="stat-views">9,876,543<' in content
    assert 'id="stat-members">77<' in content
    assert 'id="stat-comments">4,321<' in content
    assert "27 November 2026, 03:15" in content
    bars_shown = [(bar.label, bar.value) for bar in response.context["licence_bars"]]
    assert bars_shown == [
        ("No known copyright restrictions", 120000),
        ("CC BY 2.0", 3000),
        ("Unknown licence (unknown-99)", 456),
    ]
    assert "width: 100.00%" in content
    assert [member.name for member in response.context["top_members"]] == [
        "Big Archive",
        "Small Archive",
    ]


def test_statistics_use_the_latest_finished_crawl(client):
    older = {"photos": 1, "views": 0, "members": 1, "comments": 0, "licences": {}}
    newer = {"photos": 2, "views": 0, "members": 1, "comments": 0, "licences": {}}
    make_commons_crawl(stats=older, finished_at=NOW - timedelta(days=1))
    make_commons_crawl(stats=newer, finished_at=NOW)
    make_commons_crawl(status="failed")
    assert client.get(STATISTICS).context["totals"].photos == 2


# --- Cost per page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "most"),
    [(HOME, 7), (MEMBERS, 3), (CONVERSATIONS, 3), (STATISTICS, 3)],
)
def test_page_queries_do_not_grow_with_the_catalogue(
    client, django_assert_max_num_queries, url, most
):
    members = [make_commons_member() for _ in range(5)]
    for number in range(40):
        photo = make_commons_photo(members[number % 5])
        make_commons_comment(photo)
    make_commons_crawl()
    with django_assert_max_num_queries(most):
        page(client, url)


def test_member_page_queries_do_not_grow_with_its_photos(client, django_assert_max_num_queries):
    member = make_commons_member()
    for _ in range(60):
        make_commons_photo(member)
    make_commons_crawl()
    with django_assert_max_num_queries(4):
        page(client, member.get_absolute_url())


# --- Keyset pages and charts (no pages) --------------------------------------------------------


def test_cursor_round_trip_and_malformed_cursors():
    cursor = Cursor(datetime(2021, 3, 4, 5, 6, 7, 890123, tzinfo=UTC), 42)
    assert Cursor.parse(str(cursor)) == cursor
    assert Cursor.parse("nonsense") is None
    assert Cursor.parse("") is None
    assert Cursor.parse(None) is None
    assert Cursor.parse("99999999999999999999999_1") is None


def test_keyset_pages_neither_skip_nor_repeat_photos_uploaded_at_the_same_moment():
    """Ties on the upload time are broken by primary key across page boundaries."""
    moment = datetime(2022, 2, 2, tzinfo=UTC)
    member = make_commons_member()
    expected = [make_commons_photo(member, date_uploaded=moment).pk for _ in range(7)][::-1]
    seen: list[int] = []
    before = None
    while True:
        current = keyset_page(
            CommonsPhoto.objects.all(), field="date_uploaded", size=3, before=before, after=None
        )
        seen += [photo.pk for photo in current.items]
        if current.older is None:
            break
        before = str(current.older)
    assert seen == expected


def test_a_malformed_cursor_gives_the_first_page(client):
    photo = make_commons_photo()
    response = client.get(photo.member.get_absolute_url(), {"before": "x_y", "after": "zz"})
    assert [item.pk for item in response.context["page"].items] == [photo.pk]


def test_cumulative_by_year_fills_the_years_between():
    dates = [datetime(2008, 1, 1, tzinfo=UTC), datetime(2010, 6, 1, tzinfo=UTC)]
    rows = cumulative_by_year(dates, until_year=2011)
    assert [(row.year, row.joined, row.total) for row in rows] == [
        (2008, 1, 1), (2009, 0, 1), (2010, 1, 2), (2011, 0, 2),
    ]  # fmt: skip
    assert cumulative_by_year([], until_year=2011) == []


@pytest.mark.parametrize(
    ("maximum", "step"), [(0, 1), (4, 1), (9, 2), (23, 5), (115, 50), (1000, 200)]
)
def test_nice_step(maximum, step):
    assert nice_step(maximum) == step


def test_line_chart_places_points_and_labels_the_axes():
    years = [str(year) for year in range(2008, 2027)]
    chart = line_chart(years, list(range(1, 20)), max_x_labels=10)
    assert len(chart.points) == 19
    assert chart.points[0].x == chart.left
    assert chart.points[-1].x == chart.right
    assert chart.points[0].y > chart.points[-1].y  # higher values are nearer the top
    assert chart.x_ticks[-1].label == "2026"
    assert len(chart.x_ticks) <= 10
    assert [tick.label for tick in chart.y_ticks] == ["0", "5", "10", "15", "20"]
    assert chart.line.startswith("M")
    with pytest.raises(ValueError, match="one value per label"):
        line_chart(["2008"], [1, 2])


def test_bars_are_largest_first_with_shares():
    assert [(bar.label, bar.share, bar.length) for bar in bars([("a", 1), ("b", 3)])] == [
        ("b", 75.0, 100.0),
        ("a", 25.0, 100 / 3),
    ]
    assert bars([]) == []
