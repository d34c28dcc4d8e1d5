"""Searching the catalogue: titles, descriptions, tags and comments of every member's photos.

Each photo keeps one plain-text `search_text` (built by `document_for` whenever the crawler
writes the photo or its comments). On PostgreSQL it is also kept as a `tsvector`
(`search_vector`, GIN-indexed) and searched with full-text search; on SQLite every word of
the query must appear in `search_text`.

Queries use the syntax of PostgreSQL's `websearch_to_tsquery` on both backends: words are
all required, `"a phrase"` is kept together, `-word` leaves out photos with that word, and
`this or that` accepts either.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from commons.models import CommonsPhoto

# Commons captions are mostly English; the English configuration stems "boats" to "boat".
SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 500

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# A quoted phrase (the closing quote may be missing, as websearch_to_tsquery allows) or a word,
# either with a leading "-" to exclude it.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD_EDGES = re.compile(r"^\W+|\W+$")


def plain_words(text: str) -> str:
    """Flickr's HTML as plain words: tags dropped, entities decoded, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text or ""))).strip()


def document_for(*, title: str, description: str, tags: str, comments: Iterable[str]) -> str:
    """The text a photo is found by."""
    parts = [title, description, tags, *comments]
    return " ".join(words for part in parts if (words := plain_words(part)))


def refresh_search_vectors(photo_pks: Iterable[int]) -> None:
    """Bring `search_vector` up to date with `search_text` (PostgreSQL only)."""
    pks = list(photo_pks)
    if connection.vendor != "postgresql" or not pks:
        return
    from django.contrib.postgres.search import SearchVector

    CommonsPhoto.objects.filter(pk__in=pks).update(
        search_vector=SearchVector(F("search_text"), config=SEARCH_CONFIG)
    )


# --- Reading a query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One word or quoted phrase of a query, lower-cased."""

    text: str
    phrase: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """A query as clauses that must all match (each clause: any one of its terms), and terms
    that must not appear."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        """True when nothing is asked for: no words at all, or only words to leave out."""
        return not self.clauses

    @property
    def wanted_terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]


def parse_query(query: str) -> ParsedQuery:
    """Read `query` the way websearch_to_tsquery does: words, "phrases", -exclusions, `or`."""
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for match in _TOKEN.finditer(query[:MAX_QUERY_LENGTH]):
        negated = bool(match.group(1) or match.group(3))
        phrase = match.group(2) is not None
        raw = match.group(2) if phrase else match.group(4)
        text = _SPACE.sub(" ", raw).strip().lower() if phrase else _WORD_EDGES.sub("", raw.lower())
        if not phrase and not negated and text == "or" and clauses:
            join_next = True
            continue
        if not text:
            continue
        term = Term(text=text, phrase=phrase and " " in text)
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    return ParsedQuery(tuple(tuple(clause) for clause in clauses), tuple(excluded))


def light_stem(word: str) -> str:
    """A rough English stem for substring matching: "boats" -> "boat", "churches" -> "church",
    "ferries" -> "ferr", "sailing" -> "sail". Short words are left alone."""
    if len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] if len(word) > 5 else word
    if (word.endswith("es") and word[-3] in "sxz") or word.endswith(("ches", "shes")):
        return word[:-2]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# --- Searching --------------------------------------------------------------------------------


def search_photos(query: str) -> QuerySet[CommonsPhoto]:
    """The catalogued photos matching `query`, newest upload first: full-text search on
    PostgreSQL, the substring fallback elsewhere. A query with nothing to look for (empty,
    or only words to leave out) finds nothing."""
    if connection.vendor == "postgresql":
        return full_text_search(query)
    return substring_search(query)


def full_text_search(query: str) -> QuerySet[CommonsPhoto]:
    """PostgreSQL: `search_vector @@ websearch_to_tsquery(SEARCH_CONFIG, query)`, through the
    GIN index, so words match by their stem ("boats" finds "boat") and stop words are
    ignored."""
    from django.contrib.postgres.search import SearchQuery

    query = query.strip()[:MAX_QUERY_LENGTH]
    if parse_query(query).is_empty:
        return CommonsPhoto.objects.none()
    return CommonsPhoto.objects.filter(
        search_vector=SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    ).order_by("-date_uploaded", "-pk")


def substring_search(query: str) -> QuerySet[CommonsPhoto]:
    """Any database: each word (roughly stemmed) or phrase must appear in `search_text`,
    ignoring case; each clause of `or` alternatives needs one of them; no excluded word may
    appear. Without an index this reads every row: fine for development and tests."""
    parsed = parse_query(query.strip()[:MAX_QUERY_LENGTH])
    if parsed.is_empty:
        return CommonsPhoto.objects.none()

    def contains(term: Term) -> Q:
        needle = term.text if term.phrase else light_stem(term.text)
        return Q(search_text__icontains=needle)

    wanted = [reduce(or_, (contains(term) for term in clause)) for clause in parsed.clauses]
    unwanted = [~contains(term) for term in parsed.excluded]
    return CommonsPhoto.objects.filter(reduce(and_, [*wanted, *unwanted])).order_by(
        "-date_uploaded", "-pk"
    )


# When PostgreSQL expects at most this many matches, sorting them all costs less than reading
# the upload-date index newest first, which could pass over most of the table before it meets
# a page of matches if they are all old (a member's name, say, in its photos of 2008).
SORT_MATCHES_UP_TO = 10_000
# The upload date as an expression no index serves, to make PostgreSQL sort the matches.
UNINDEXED_UPLOAD_DATE = "uploaded_sort_key"


@dataclass(frozen=True)
class SearchResults:
    """What a results page needs: the matching photos, newest upload first, ready to be
    paged through by `order_field`; and how many there are, counted no further than a cap."""

    photos: QuerySet[CommonsPhoto]
    count: int
    more: bool  # there are more than `count`
    order_field: str = "date_uploaded"


def find_photos(query: str, *, cap: int) -> SearchResults:
    """`search_photos(query)` in the shape that stays fast with millions of photos.

    Newest first, a page of matches can come from two plans: sort every match that the
    GIN index gives (quick when matches are few), or read the upload-date index newest
    first, checking each photo (quick when matches are many and spread over time). The
    planner picks by its estimate of the number of matches, which is poor for words it has
    no statistics on. So one query first asks for the ids of at most `cap + 1` matches,
    which the GIN index answers quickly either way. If that is all of them, the results
    are those ids. If not, PostgreSQL's estimate decides: up to SORT_MATCHES_UP_TO the
    matches are sorted (`UNINDEXED_UPLOAD_DATE`), beyond it the index is read.
    """
    matches = search_photos(query)
    pks = list(matches.order_by().values_list("pk", flat=True)[: cap + 1])
    if len(pks) <= cap:
        few = CommonsPhoto.objects.filter(pk__in=pks).order_by("-date_uploaded", "-pk")
        return SearchResults(photos=few, count=len(pks), more=False)
    if connection.vendor == "postgresql" and estimated_rows(matches) <= SORT_MATCHES_UP_TO:
        sorted_matches = matches.annotate(
            **{UNINDEXED_UPLOAD_DATE: F("date_uploaded") + Value(timedelta(0))}
        ).order_by(f"-{UNINDEXED_UPLOAD_DATE}", "-pk")
        return SearchResults(
            photos=sorted_matches, count=cap, more=True, order_field=UNINDEXED_UPLOAD_DATE
        )
    return SearchResults(photos=matches, count=cap, more=True)


def estimated_rows(photos: QuerySet[CommonsPhoto]) -> float:
    """How many rows PostgreSQL expects `photos` to hold (EXPLAIN: planned, not run)."""
    explained = json.loads(photos.order_by().explain(format="json"))
    plan = explained[0] if isinstance(explained, list) else explained  # as the driver gives it
    return float(plan["Plan"]["Plan Rows"])


# --- Showing where a query matched ------------------------------------------------------------

SNIPPET_BEFORE = 60
SNIPPET_LENGTH = 220


def snippet(text: str, query: str) -> SafeString:
    """A short extract of `text` around the first match of `query`, the matches in <mark>.

    Matching here is approximate (prefixes of roughly stemmed words), good enough to show
    the reader why a photo was found; an empty string when nothing in `text` matches.
    """
    pattern = _highlight_pattern(parse_query(query))
    first = pattern.search(text) if pattern else None
    if pattern is None or first is None:
        return mark_safe("")
    start = _word_start(text, max(0, first.start() - SNIPPET_BEFORE), limit=first.start())
    end = _word_end(text, min(len(text), start + SNIPPET_LENGTH))
    extract = text[start:end]
    pieces: list[str] = ["…" if start > 0 else ""]
    position = 0
    for match in pattern.finditer(extract):
        pieces.append(escape(extract[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(extract[position:]))
    pieces.append("…" if end < len(text) else "")
    return mark_safe("".join(pieces))  # every piece of the text went through escape()


def _highlight_pattern(parsed: ParsedQuery) -> re.Pattern[str] | None:
    alternatives = []
    for term in sorted(parsed.wanted_terms, key=lambda term: -len(term.text)):
        if term.phrase:
            alternatives.append(r"\s+".join(re.escape(word) for word in term.text.split()))
        else:
            alternatives.append(re.escape(light_stem(term.text)) + r"\w*")
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _word_start(text: str, index: int, *, limit: int) -> int:
    """Move `index` forward to the start of a word, but not past `limit`."""
    if index == 0:
        return 0
    space = text.find(" ", index, limit)
    return index if space == -1 else space + 1


def _word_end(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    space = text.rfind(" ", 0, index)
    return index if space <= 0 else space
