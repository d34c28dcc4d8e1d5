"""The Flickr REST client: one logical call, retried when Flickr is having a bad moment.

`FlickrClient.call` is the one place that talks HTTP to the API (DESIGN 6.1): it takes the
shared rate budget before every attempt, retries transient failures with exponential
backoff and full jitter, and turns Flickr's error codes into the exceptions of
`flickr.errors`, using a per-call-site mapping because Flickr reuses codes across methods.
The typed methods (`get_photo_info`, ...) validate their ids before any request and hand
the `<rsp>` element to the pure parsers in `flickr.parsers`.
"""

from __future__ import annotations

import collections
import email.utils
import hashlib
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import BinaryIO, Protocol, TypeVar
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
import httpx
from defusedxml import DefusedXmlException

from flickr import parsers
from flickr.errors import (
    ExifHidden,
    FlickrError,
    FlickrUnavailable,
    InvalidApiKey,
    InvalidPhotoId,
    InvalidUserId,
    PhotoNotFound,
    ResourceNotFound,
    UnexpectedFlickrError,
    UserDeleted,
)
from flickr.records import (
    Comment,
    CommonsInstitution,
    ExifTag,
    Favorite,
    GalleryRef,
    Licence,
    LicenceChange,
    PersonInPhoto,
    PhotoContexts,
    PhotoInfo,
    Size,
    UserInfo,
)

DEFAULT_API_URL = "https://api.flickr.com/services/rest/"
DEFAULT_USER_AGENT = (
    "DataLifeboatPortal/0.1 (Flickr Foundation Data Lifeboat; +https://www.flickr.org/)"
)

ErrorMap = Mapping[int, type[FlickrError]]

# Codes that hold for every method; a call site adds what its own codes mean.
GLOBAL_ERRORS: ErrorMap = {5: UserDeleted, 100: InvalidApiKey}
PHOTO_ERRORS: ErrorMap = {1: PhotoNotFound}
USER_ERRORS: ErrorMap = {1: ResourceNotFound, 5: UserDeleted}

# "Sorry, the Flickr API service is not currently available." has been seen with each of
# these codes (201 in the recording test_retries_error_code_201); all mean "try again".
UNAVAILABLE_CODES = frozenset({0, 105, 201})
UNAVAILABLE_MESSAGE = "not currently available"

MAX_BACKOFF_SECONDS = 120.0
MAX_RETRY_AFTER_SECONDS = 3600.0
DOWNLOAD_CHUNK_BYTES = 1024 * 1024

_T = TypeVar("_T")

PHOTO_ID = re.compile(r"[0-9]+", re.ASCII)
NSID = re.compile(r"([0-9]+)@[Nn]([0-9]{2})", re.ASCII)


class ApiBudget(Protocol):
    """The shared rate budget (`flickr.ratelimit.RateBudget` satisfies it)."""

    def acquire(self) -> None: ...


class _Transient(Exception):
    """One failed attempt that is worth repeating."""

    def __init__(self, reason: str, *, code: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.retry_after = retry_after


class FlickrClient:
    """A Flickr REST client for one job. Use it as a context manager, or call `close()`."""

    def __init__(
        self,
        *,
        api_key: str,
        api_url: str = DEFAULT_API_URL,
        budget: ApiBudget | None = None,
        http: httpx.Client | None = None,
        timeout: float = 30,
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts!r}")
        self.api_key = api_key
        self.api_url = api_url
        self.budget = budget
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.sleep = sleep
        self.user_agent = user_agent
        self.timeout = httpx.Timeout(timeout)
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=self.timeout)
        self.calls: collections.Counter[str] = collections.Counter()
        self.downloads = 0

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> FlickrClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the one logical API call ------------------------------------------------------

    def call(self, method: str, *, error_map: ErrorMap | None = None, **params: object) -> Element:
        """Call `method` with `params` and return the `<rsp stat="ok">` element.

        `error_map` says what Flickr's codes mean at this call site (e.g. `{1: PhotoNotFound}`);
        codes 5 and 100 always mean a deleted user and an invalid key. Parameters given as
        None are left out. Transient failures are retried up to `max_attempts` times, then
        raise `FlickrUnavailable`.
        """
        errors = {**GLOBAL_ERRORS, **(error_map or {})}
        query = {
            "method": method,
            "api_key": self.api_key,
            **{name: str(value) for name, value in params.items() if value is not None},
        }
        return self._with_retries(
            method, lambda: self._attempt_call(method, query, errors), budgeted=True
        )

    def _attempt_call(self, method: str, query: dict[str, str], errors: ErrorMap) -> Element:
        self.calls[method] += 1
        try:
            response = self._http.get(
                self.api_url,
                params=query,
                headers={"User-Agent": self.user_agent},
                timeout=self.timeout,
            )
        except httpx.TransportError as exc:
            raise _Transient(f"{type(exc).__name__} calling {method}: {exc}") from exc
        _raise_for_transient_status(response)
        if response.status_code != 200:
            raise UnexpectedFlickrError(
                f"Flickr answered HTTP {response.status_code} to {method}; "
                f"body starts {response.text[:200]!r}",
                method=method,
            )
        rsp = _parse_rsp(response.content, method)
        if rsp.get("stat") == "ok":
            return rsp
        raise _error_from_failed_rsp(rsp, method, errors)

    def _with_retries(self, label: str, attempt: Callable[[], _T], *, budgeted: bool) -> _T:
        last: _Transient | None = None
        for number in range(1, self.max_attempts + 1):
            if budgeted and self.budget is not None:
                self.budget.acquire()
            try:
                return attempt()
            except _Transient as exc:
                last = exc
            if number < self.max_attempts:
                self.sleep(self._delay_before_retry(number, last.retry_after))
        assert last is not None
        raise FlickrUnavailable(
            f"Flickr is unavailable for {label} after {self.max_attempts} attempts "
            f"(last error: {last.reason}); try again later",
            code=last.code,
            method=label,
        )

    def _delay_before_retry(self, failed_attempts: int, retry_after: float | None) -> float:
        """Exponential backoff with full jitter; never shorter than Flickr's Retry-After."""
        ceiling = min(MAX_BACKOFF_SECONDS, self.backoff_base * 2 ** (failed_attempts - 1))
        delay = random.uniform(0, ceiling)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    # -- static media ------------------------------------------------------------------

    def download(
        self, url: str, dest_file: BinaryIO | str | os.PathLike[str]
    ) -> tuple[int, str, str]:
        """Stream `url` into `dest_file`, hashing as it goes: returns (size, sha512 hex,
        content type). Static files are not API calls, so they take no budget; transient
        failures are retried, starting the file again from the beginning."""
        with _open_for_writing(dest_file) as out:
            return self._with_retries(url, lambda: self._attempt_download(url, out), budgeted=False)

    def _attempt_download(self, url: str, out: BinaryIO) -> tuple[int, str, str]:
        self.downloads += 1
        out.seek(0)
        out.truncate()
        digest = hashlib.sha512()
        size = 0
        try:
            with self._http.stream(
                "GET",
                url,
                headers={"User-Agent": self.user_agent},
                timeout=self.timeout,
                follow_redirects=True,
            ) as response:
                _raise_for_transient_status(response)
                _raise_for_missing_media(response, url)
                for chunk in response.iter_bytes(DOWNLOAD_CHUNK_BYTES):
                    out.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                content_type = response.headers.get("Content-Type", "")
        except httpx.TransportError as exc:
            raise _Transient(f"{type(exc).__name__} downloading {url!r}: {exc}") from exc
        out.flush()
        return size, digest.hexdigest(), content_type.split(";")[0].strip()

    # -- typed methods -----------------------------------------------------------------

    def get_photo_info(self, photo_id: str) -> PhotoInfo:
        rsp = self._photo_call("flickr.photos.getInfo", photo_id)
        return parsers.parse_photo_info(rsp)

    def get_sizes(self, photo_id: str) -> list[Size]:
        return parsers.parse_sizes(self._photo_call("flickr.photos.getSizes", photo_id))

    def list_comments(self, photo_id: str) -> list[Comment]:
        """Every comment: flickr.photos.comments.getList is not paginated."""
        return parsers.parse_comments(self._photo_call("flickr.photos.comments.getList", photo_id))

    def list_favorites(self, photo_id: str, *, per_page: int = 50) -> list[Favorite]:
        """Every fave, walking all pages (Flickr allows at most 50 a page)."""
        favorites: list[Favorite] = []
        page, pages = 1, 1
        while page <= pages:
            rsp = self._photo_call(
                "flickr.photos.getFavorites", photo_id, page=page, per_page=per_page
            )
            favorites.extend(parsers.parse_favorites(rsp))
            pages = parsers.page_count(rsp, "photo")
            page += 1
        return favorites

    def get_contexts(self, photo_id: str) -> PhotoContexts:
        return parsers.parse_contexts(self._photo_call("flickr.photos.getAllContexts", photo_id))

    def list_galleries_for_photo(self, photo_id: str) -> list[GalleryRef]:
        """Every gallery holding the photo, walking all pages of 500."""
        galleries: list[GalleryRef] = []
        page, pages = 1, 1
        while page <= pages:
            rsp = self._photo_call(
                "flickr.galleries.getListForPhoto", photo_id, page=page, per_page=500
            )
            galleries.extend(parsers.parse_galleries_for_photo(rsp))
            pages = parsers.page_count(rsp, "galleries")
            page += 1
        return galleries

    def get_licence_history(self, photo_id: str) -> list[LicenceChange]:
        rsp = self._photo_call("flickr.photos.licenses.getLicenseHistory", photo_id)
        return parsers.parse_licence_history(rsp)

    def get_exif(self, photo_id: str) -> list[ExifTag]:
        """EXIF tags; raises ExifHidden when the owner hides them (the caller decides)."""
        rsp = self._photo_call("flickr.photos.getExif", photo_id, extra_errors={2: ExifHidden})
        return parsers.parse_exif(rsp)

    def list_people(self, photo_id: str) -> list[PersonInPhoto]:
        return parsers.parse_people(self._photo_call("flickr.photos.people.getList", photo_id))

    def get_user(self, user_id: str) -> UserInfo:
        nsid = validate_user_id(user_id)
        rsp = self.call("flickr.people.getInfo", error_map=USER_ERRORS, user_id=nsid)
        return parsers.parse_user(rsp)

    def list_commons_institutions(self) -> list[CommonsInstitution]:
        """Every member of Flickr Commons (one call: the method is not paginated)."""
        return parsers.parse_commons_institutions(self.call("flickr.commons.getInstitutions"))

    def get_licences(self) -> dict[str, Licence]:
        return parsers.parse_licences(self.call("flickr.photos.licenses.getInfo"))

    def _photo_call(
        self, method: str, photo_id: str, *, extra_errors: ErrorMap | None = None, **params: object
    ) -> Element:
        checked_id = validate_photo_id(photo_id)
        errors = {**PHOTO_ERRORS, **(extra_errors or {})}
        return self.call(method, error_map=errors, photo_id=checked_id, **params)


# -- validation ------------------------------------------------------------------------


def validate_photo_id(photo_id: object) -> str:
    """A Flickr photo id is a string of ASCII digits (a positive int is accepted too)."""
    if isinstance(photo_id, int) and not isinstance(photo_id, bool) and photo_id > 0:
        return str(photo_id)
    if isinstance(photo_id, str) and PHOTO_ID.fullmatch(photo_id) and photo_id.strip("0"):
        return photo_id
    raise InvalidPhotoId(
        f"Not a Flickr photo id: {photo_id!r}. A photo id is a number such as '32812033543'."
    )


def validate_user_id(user_id: object) -> str:
    """A Flickr user id (NSID) looks like '12345678@N01'; returned with an upper-case N."""
    match = NSID.fullmatch(user_id) if isinstance(user_id, str) else None
    if match is None:
        raise InvalidUserId(
            f"Not a Flickr user id: {user_id!r}. A user id (NSID) looks like '12345678@N01'."
        )
    return f"{match[1]}@N{match[2]}"


# -- response handling -----------------------------------------------------------------


def _raise_for_transient_status(response: httpx.Response) -> None:
    if response.status_code == 429:
        raise _Transient(
            "HTTP 429 Too Many Requests",
            retry_after=_retry_after_seconds(response.headers.get("Retry-After")),
        )
    if response.status_code >= 500:
        raise _Transient(f"HTTP {response.status_code}")


def _raise_for_missing_media(response: httpx.Response, url: str) -> None:
    if response.status_code in {403, 404, 410}:
        raise ResourceNotFound(
            f"Flickr has no file at {url!r} (HTTP {response.status_code}); "
            "the photo may have been deleted or made private"
        )
    if response.status_code != 200:
        raise UnexpectedFlickrError(f"Flickr answered HTTP {response.status_code} for {url!r}")


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def _parse_rsp(body: bytes, method: str) -> Element:
    try:
        root = defusedxml.ElementTree.fromstring(body)
    except (ParseError, DefusedXmlException) as exc:
        raise _Transient(f"unparseable response to {method}: {body[:80]!r}") from exc
    if root.tag != "rsp":
        raise _Transient(f"response to {method} is not an <rsp> document: {body[:80]!r}")
    return root


def _error_from_failed_rsp(rsp: Element, method: str, errors: ErrorMap) -> Exception:
    err = rsp.find("err")
    if err is None:
        return _Transient(f"failed response to {method} without an <err> element")
    message = err.get("msg", "")
    try:
        code = int(err.get("code", ""))
    except ValueError:
        return _Transient(f"failed response to {method} with code {err.get('code')!r}")
    if code in UNAVAILABLE_CODES or UNAVAILABLE_MESSAGE in message:
        return _Transient(f"error {code}: {message}", code=code)
    error_class = errors.get(code)
    if error_class is InvalidApiKey:
        return InvalidApiKey(
            f"Flickr rejected the API key ({message}); check the FLICKR_API_KEY setting",
            code=code,
            method=method,
        )
    if error_class is None:
        return UnexpectedFlickrError(
            f"Flickr error {code} from {method}: {message}", code=code, method=method
        )
    return error_class(f"{message} ({method}, error {code})", code=code, method=method)


@contextmanager
def _open_for_writing(dest: BinaryIO | str | os.PathLike[str]) -> Iterator[BinaryIO]:
    if isinstance(dest, str | os.PathLike):
        with open(dest, "w+b") as out:
            yield out
    else:
        yield dest
