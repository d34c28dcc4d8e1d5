"""Searching the Commons catalogue: `commons.search` on PostgreSQL (full-text) and on any
database (the substring fallback), and the search page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse

from commons import search, views
from commons.models import CommonsPhoto
from commons.paging import keyset_page
from commons.search import (
    UNINDEXED_UPLOAD_DATE,
    ParsedQuery,
    Term,
    find_photos,
    light_stem,
    parse_query,
    search_photos,
    snippet,
    substring_search,
)
from tests.factories import (
    make_commons_comment,
    make_commons_crawl,
    make_commons_member,
    make_commons_photo,
)

SEARCH_URL = reverse("commons:search")

# The search the page uses on this backend, and the fallback, which runs on any backend.
BOTH_SEARCHES = [
    pytest.param(search_photos, id="search_photos"),
    pytest.param(substring_search, id="substring_search"),
]


def found(search, query: str) -> list[str]:
    """The titles `search` finds for `query`, in its order."""
    return [photo.title for photo in search(query)]


# --- What a query means (no database) ----------------------------------------------------------


def test_words_are_all_required():
    """Each plain word is a clause of its own: all must match."""
    assert parse_query("Harbour lighthouse") == ParsedQuery(
        clauses=((Term("harbour"),), (Term("lighthouse"),)), excluded=()
    )


def test_quoted_phrase_stays_together_and_an_unclosed_quote_runs_to_the_end():
    """ "steam engine" is one term; a quote left open takes the rest of the query."""
    assert parse_query('"Steam  engine" works').clauses == (
        (Term("steam engine", phrase=True),),
        (Term("works"),),
    )
    assert parse_query('pier "paddle steamer').clauses == (
        (Term("pier"),),
        (Term("paddle steamer", phrase=True),),
    )


def test_minus_excludes_and_or_joins_alternatives():
    """`-word` leaves out; `a or b` makes one clause of two alternatives."""
    parsed = parse_query("ship OR boat -postcard harbour")
    assert parsed.clauses == ((Term("ship"), Term("boat")), (Term("harbour"),))
    assert parsed.excluded == (Term("postcard"),)


def test_punctuation_around_words_is_dropped():
    """Commas and full stops typed around words do not become part of them."""
    assert parse_query("boat, (1890).").clauses == ((Term("boat"),), (Term("1890"),))


def test_a_query_of_only_exclusions_asks_for_nothing():
    assert parse_query("-postcard").is_empty
    assert parse_query("   ").is_empty
    assert not parse_query("or").is_empty  # a lone "or" is just a word


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("boats", "boat"),
        ("churches", "church"),
        ("boxes", "box"),
        ("sailing", "sail"),
        ("stories", "stor"),
        ("glass", "glass"),
        ("bus", "bus"),
        ("map", "map"),
    ],
)
def test_light_stem(word, stem):
    """The fallback's rough stemming, so that "boats" finds "boat" on SQLite too."""
    assert light_stem(word) == stem


def test_snippet_marks_the_matches_and_escapes_the_text():
    """The extract shows the matched words in <mark> and no HTML from the text itself."""
    text = "A <b>harbour</b> view. " + "filler " * 40 + "Two boats by the lighthouse, 1890."
    extract = snippet(text, "boat lighthouse")
    assert "<mark>boats</mark>" in extract
    assert "<mark>lighthouse</mark>" in extract
    assert "<b>" not in extract
    assert extract.startswith("…")


def test_snippet_is_empty_when_nothing_in_the_text_matches():
    assert snippet("A view of the pier", "lighthouse") == ""
    assert snippet("A view of the pier", "") == ""


# --- Finding photos ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("search", BOTH_SEARCHES)
def test_finds_words_in_titles_descriptions_tags_and_comments(search):
    """Each part of a photo's text is searched, whatever the case of the words."""
    make_commons_photo(title="Lighthouse at dusk")
    make_commons_photo(title="Untitled view", description="<p>The old <i>Pier</i> in 1910</p>")
    make_commons_photo(title="Shelf 4", tags="glassplatenegative quayside")
    commented = make_commons_photo(title="Crowd on a Sunday")
    make_commons_comment(commented, text="My grandmother is third from the <b>left</b>!")
    make_commons_photo(title="Nothing to see")

    assert found(search, "LIGHTHOUSE") == ["Lighthouse at dusk"]
    assert found(search, "pier") == ["Untitled view"]
    assert found(search, "quayside") == ["Shelf 4"]
    assert found(search, "grandmother") == ["Crowd on a Sunday"]


@pytest.mark.django_db
@pytest.mark.parametrize("search", BOTH_SEARCHES)
def test_every_word_must_match(search):
    """Two words find the photos that have both, wherever each of them is."""
    make_commons_photo(title="Harbour lighthouse")
    make_commons_photo(title="Harbour", tags="lighthouse")
    make_commons_photo(title="Harbour at noon")
    make_commons_photo(title="Lighthouse keeper")

    assert sorted(found(search, "harbour lighthouse")) == ["Harbour", "Harbour lighthouse"]


@pytest.mark.django_db
@pytest.mark.parametrize("search", BOTH_SEARCHES)
def test_plural_finds_singular(search):
    """ "boats" finds a photo that only says "boat" (PostgreSQL stems; the fallback too)."""
    make_commons_photo(title="A fishing boat")
    make_commons_photo(title="A fishing net")

    assert found(search, "boats") == ["A fishing boat"]


@pytest.mark.django_db
@pytest.mark.parametrize("search", BOTH_SEARCHES)
def test_phrase_exclusion_and_alternatives(search):
    """Quotes keep words together, a minus leaves photos out, `or` accepts either word."""
    make_commons_photo(title="The steam engine shed")
    make_commons_photo(title="An engine powered by steam")
    make_commons_photo(title="Bridge over the river")
    make_commons_photo(title="Bridge, a postcard")
    make_commons_photo(title="A ship in dock")

    assert found(search, '"steam engine"') == ["The steam engine shed"]
    assert found(search, "bridge -postcard") == ["Bridge over the river"]
    assert sorted(found(search, "ship or bridge -postcard")) == [
        "A ship in dock",
        "Bridge over the river",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("search", BOTH_SEARCHES)
def test_across_all_members_newest_upload_first(search):
    """Results come from every member, the latest upload first."""
    older = make_commons_photo(title="Tram 1", date_uploaded=datetime(2012, 1, 1, tzinfo=UTC))
    newer = make_commons_photo(title="Tram 2", date_uploaded=datetime(2019, 1, 1, tzinfo=UTC))
    assert older.member != newer.member

    assert found(search, "tram") == ["Tram 2", "Tram 1"]


@pytest.mark.django_db
@pytest.mark.parametrize("search", BOTH_SEARCHES)
def test_no_results_and_nothing_to_look_for(search):
    """A word found nowhere, an empty query and a query of exclusions all find nothing."""
    make_commons_photo(title="Harbour")

    assert found(search, "zeppelin") == []
    assert found(search, "") == []
    assert found(search, "-zeppelin") == []


@pytest.mark.django_db
def test_search_photos_uses_full_text_search_on_postgresql_and_the_fallback_elsewhere():
    """On PostgreSQL the query is a `@@` match on the GIN-indexed vector; elsewhere LIKE."""
    sql = str(search_photos("harbour").query)
    if connection.vendor == "postgresql":
        assert "@@" in sql
        assert "websearch_to_tsquery" in sql
    else:
        assert "LIKE" in sql.upper()


@pytest.mark.django_db
@pytest.mark.parametrize(("cap", "count", "more"), [(10, 4, False), (4, 4, False), (3, 3, True)])
def test_find_photos_counts_up_to_the_cap_and_finds_the_same_photos(cap, count, more):
    """Up to the cap the count is exact; beyond it, the cap and "more". Either way the
    photos are those search_photos finds, in its order."""
    for number in range(4):
        make_commons_photo(title=f"Tram {number}")
    make_commons_photo(title="Bus")

    results = find_photos("tram", cap=cap)
    assert (results.count, results.more) == (count, more)
    assert list(results.photos) == list(search_photos("tram"))


# --- The search page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_page_without_a_query_explains_what_can_be_searched(client):
    make_commons_photo()
    make_commons_crawl()
    response = client.get(SEARCH_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-help"' in content
    assert "?q=%22steam+engine%22" in content


@pytest.mark.django_db
def test_search_page_on_an_empty_catalogue_says_how_to_fill_it(client):
    content = client.get(SEARCH_URL).content.decode()
    assert 'id="empty-catalogue"' in content
    assert "python manage.py crawl_commons" in content


@pytest.mark.django_db
def test_search_page_shows_results_count_snippets_and_the_launch_form(client):
    """Each result is in the grid with where it matched; the launch form carries the query."""
    member = make_commons_member(name="Harbour Museum")
    make_commons_photo(member, title="Tram depot", description="Trams lined up at dawn")
    make_commons_photo(member, title="Tram on the hill")
    make_commons_photo(member, title="Harbour wall")
    make_commons_crawl()

    response = client.get(SEARCH_URL, {"q": "trams"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 photos match <strong>trams</strong>" in content
    assert "Tram depot" in content
    assert "Tram on the hill" in content
    assert "Harbour wall" not in content
    assert "<mark>Trams</mark> lined up" in content
    assert 'name="source" value="search"' in content
    assert 'name="q" value="trams"' in content


@pytest.mark.django_db
def test_search_page_caps_the_count(client, monkeypatch):
    """Past the cap the page says "more than", rather than counting every match."""
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    for _ in range(3):
        make_commons_photo(title="Tram")
    content = client.get(SEARCH_URL, {"q": "tram"}).content.decode()
    assert "More than 2 photos match" in content


@pytest.mark.django_db
def test_search_page_with_no_results_suggests_what_to_try(client):
    make_commons_photo(title="Harbour")
    make_commons_crawl()
    response = client.get(SEARCH_URL, {"q": "zeppelin airship"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "No photos match “zeppelin airship”" in content
    assert 'class="search-suggestions"' in content
    assert 'name="source" value="search"' not in content


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [1000, 1], ids=["few matches", "more than the cap"])
def test_search_results_are_paginated(client, monkeypatch, cap):
    """Older results are a link away; the second page holds the rest, and links back."""
    monkeypatch.setattr(views, "PHOTOS_PER_PAGE", 2)
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", cap)
    for number in range(3):
        make_commons_photo(title=f"Tram {number}")

    first = client.get(SEARCH_URL, {"q": "tram"})
    assert [photo.title for photo in first.context["page"].items] == ["Tram 2", "Tram 1"]
    older = first.context["page"].older
    assert older is not None

    second = client.get(SEARCH_URL, {"q": "tram", "before": str(older)})
    assert [photo.title for photo in second.context["page"].items] == ["Tram 0"]
    assert second.context["page"].newer is not None
    back = client.get(SEARCH_URL, {"q": "tram", "after": str(second.context["page"].newer)})
    assert [photo.title for photo in back.context["page"].items] == ["Tram 2", "Tram 1"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner only")
@pytest.mark.parametrize(
    ("sort_up_to", "order_field"),
    [(10_000, UNINDEXED_UPLOAD_DATE), (0, "date_uploaded")],
    ids=["sorted", "index read newest first"],
)
def test_many_matches_are_read_by_the_plan_their_estimate_suits(
    monkeypatch, sort_up_to, order_field
):
    """Past the cap, matches PostgreSQL expects to be few are sorted, others are read from
    the upload-date index; either way every page holds the right photos in order."""
    monkeypatch.setattr(search, "SORT_MATCHES_UP_TO", sort_up_to)
    expected = [make_commons_photo(title=f"Tram {number}").pk for number in range(5)][::-1]

    results = find_photos("tram", cap=2)
    assert results.order_field == order_field
    seen: list[int] = []
    before = None
    for _ in range(3):
        page = keyset_page(
            results.photos, field=results.order_field, size=2, before=before, after=None
        )
        seen += [photo.pk for photo in page.items]
        before = str(page.older) if page.older else None
    assert seen == expected
    assert before is None


@pytest.mark.django_db
def test_search_page_queries_are_bounded(client, django_assert_max_num_queries):
    """The page costs the same few queries however many photos match."""
    for number in range(30):
        make_commons_photo(title=f"Tram {number}")
    make_commons_crawl()
    with django_assert_max_num_queries(4):
        response = client.get(SEARCH_URL, {"q": "tram"})
    assert len(response.context["page"].items) == 30


@pytest.mark.django_db
def test_catalogue_rows_are_searchable_as_the_crawler_leaves_them():
    """A comment added later is found once the photo is re-indexed (as the crawler does)."""
    photo = make_commons_photo(title="Street scene")
    assert found(search_photos, "omnibus") == []
    make_commons_comment(photo, text="That is a horse-drawn omnibus.")
    assert CommonsPhoto.objects.get(pk=photo.pk).search_text.endswith("horse-drawn omnibus.")
    assert found(search_photos, "omnibus") == ["Street scene"]
