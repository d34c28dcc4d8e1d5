"""FlickrClient: retries, error mapping, validation, budget, headers and downloads."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import time_machine
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException

from flickr.client import DEFAULT_USER_AGENT, FlickrClient
from flickr.errors import (
    ExifHidden,
    FlickrUnavailable,
    InvalidApiKey,
    InvalidPhotoId,
    InvalidUserId,
    PhotoNotFound,
    ResourceNotFound,
    UnexpectedFlickrError,
    UserDeleted,
)
from tests.flickr import data
from tests.flickr.cassettes import SleepRecorder, recorded_client, recording_path, use_recording

API_URL = "https://api.flickr.invalid/services/rest/"
GET_INFO = "flickr.photos.getInfo"


def rsp_ok(inner: str = "") -> httpx.Response:
    body = f'<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="ok">{inner}</rsp>'
    return httpx.Response(200, content=body.encode(), headers={"Content-Type": "text/xml"})


def rsp_fail(code: int, message: str) -> httpx.Response:
    body = f'<rsp stat="fail"><err code="{code}" msg="{message}" /></rsp>'
    return httpx.Response(200, content=body.encode(), headers={"Content-Type": "text/xml"})


class ScriptedFlickr:
    """A MockTransport handler that answers each request with the next scripted outcome."""

    def __init__(self, *outcomes: httpx.Response | Exception | Callable[..., httpx.Response]):
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.outcomes:
            raise AssertionError(f"unexpected request {request.url}")
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        if callable(outcome):
            return outcome(request)
        return outcome


def scripted_client(flickr: ScriptedFlickr, **options: object) -> FlickrClient:
    http = httpx.Client(transport=httpx.MockTransport(flickr))
    return FlickrClient(
        api_key="test-key",
        api_url=API_URL,
        http=http,
        sleep=options.pop("sleep", SleepRecorder()),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


class RecordingBudget:
    """A rate budget that notes each acquire() in a shared log."""

    def __init__(self, log: list[str]):
        self.log = log

    def acquire(self) -> None:
        self.log.append("acquire")


# -- transient failures are retried -----------------------------------------------------------


def test_a_5xx_response_then_success_is_retried() -> None:
    """An HTTP 500 followed by a good answer returns the photo after one retry."""
    with use_recording(data.RETRY_5XX_RECORDING), recorded_client() as client:
        photo = client.get_photo_info(data.ORDINARY_PHOTO)

    assert photo.title == "Puppy Kisses"
    assert client.calls[GET_INFO] == 2
    assert len(client.sleep.delays) == 1  # type: ignore[attr-defined]


def test_error_201_then_success_is_retried() -> None:
    """Error 201 "not currently available" is transient: the next attempt succeeds."""
    with use_recording(data.RETRY_201_RECORDING), recorded_client() as client:
        photo = client.get_photo_info(data.ORDINARY_PHOTO)

    assert photo.id == data.ORDINARY_PHOTO
    assert client.calls[GET_INFO] == 2


def test_an_unparseable_body_then_success_is_retried() -> None:
    """A body that is not XML (a JSON error recorded from Flickr) is retried."""
    with use_recording(data.RETRY_INVALID_XML_RECORDING), recorded_client() as client:
        photo = client.get_photo_info(data.ORDINARY_PHOTO)

    assert photo.id == data.ORDINARY_PHOTO
    assert client.calls[GET_INFO] == 2


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno 104] Connection reset by peer"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("The read operation timed out"),
        httpx.ConnectTimeout("timed out"),
    ],
    ids=["conn_reset", "disconnect", "read_timeout", "connect_timeout"],
)
def test_network_failures_are_retried(failure: Exception) -> None:
    """Connection resets, disconnects and timeouts are retried until a good answer."""
    flickr = ScriptedFlickr(failure, rsp_ok('<user id="1@N01" />'))
    with scripted_client(flickr) as client:
        rsp = client.call("flickr.test.login")

    assert rsp.find("user") is not None
    assert len(flickr.requests) == 2


@pytest.mark.parametrize(
    "recording",
    [
        data.PERSISTENT_5XX_RECORDING,
        data.PERSISTENT_201_RECORDING,
        data.PERSISTENT_INVALID_XML_RECORDING,
    ],
    ids=["http_500", "error_201", "invalid_xml"],
)
def test_a_persistent_transient_failure_raises_flickr_unavailable(recording: str) -> None:
    """A failure that lasts through every attempt raises FlickrUnavailable after max_attempts."""
    with (
        use_recording(recording),
        recorded_client(max_attempts=4) as client,
        pytest.raises(FlickrUnavailable) as raised,
    ):
        client.get_photo_info(data.ORDINARY_PHOTO)

    assert client.calls[GET_INFO] == 4
    assert len(client.sleep.delays) == 3  # type: ignore[attr-defined]
    assert raised.value.method == GET_INFO


@pytest.mark.parametrize("code", [0, 105])
def test_other_not_available_codes_are_retried(code: int) -> None:
    """Codes 0 and 105 with "not currently available" are transient too."""
    message = "Sorry, the Flickr API service is not currently available."
    flickr = ScriptedFlickr(rsp_fail(code, message), rsp_ok())
    with scripted_client(flickr) as client:
        client.call("flickr.test.echo")

    assert len(flickr.requests) == 2


def test_backoff_doubles_up_to_the_jitter_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Delays are drawn from [0, base * 2**(n-1)]: exponential backoff with full jitter."""
    drawn: list[tuple[float, float]] = []

    def highest(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    monkeypatch.setattr("flickr.client.random.uniform", highest)
    flickr = ScriptedFlickr(*[httpx.Response(503)] * 5)
    with scripted_client(flickr, backoff_base=0.5) as client, pytest.raises(FlickrUnavailable):
        client.call("flickr.test.echo")

    assert drawn == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0)]
    assert client.sleep.delays == [0.5, 1.0, 2.0, 4.0]  # type: ignore[attr-defined]


def test_429_waits_at_least_retry_after_seconds() -> None:
    """HTTP 429 is retried after no less than the Retry-After the server asked for."""
    flickr = ScriptedFlickr(httpx.Response(429, headers={"Retry-After": "7"}), rsp_ok())
    with scripted_client(flickr, backoff_base=0.01) as client:
        client.call("flickr.test.echo")

    assert len(flickr.requests) == 2
    assert client.sleep.delays[0] >= 7  # type: ignore[attr-defined]


def test_429_retry_after_may_be_an_http_date() -> None:
    """A Retry-After given as an HTTP date is waited for until that moment."""
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    flickr = ScriptedFlickr(httpx.Response(429, headers={"Retry-After": later}), rsp_ok())
    with time_machine.travel(now, tick=False), scripted_client(flickr, backoff_base=0.01) as client:
        client.call("flickr.test.echo")

    assert client.sleep.delays == [pytest.approx(30)]  # type: ignore[attr-defined]


# -- errors that are not retried ----------------------------------------------------------------


def test_an_invalid_key_raises_once_without_retrying() -> None:
    """Code 100 raises InvalidApiKey after a single request, naming the setting to fix."""
    with (
        use_recording(data.INVALID_KEY_RECORDING),
        recorded_client() as client,
        pytest.raises(InvalidApiKey, match="FLICKR_API_KEY") as raised,
    ):
        client.call("flickr.urls.lookupUser", url="https://www.flickr.com/photos/flickr/")

    assert client.calls["flickr.urls.lookupUser"] == 1
    assert client.sleep.delays == []  # type: ignore[attr-defined]
    assert raised.value.code == 100


def test_an_unknown_error_code_raises_unexpected_flickr_error() -> None:
    """Code 99 is not mapped anywhere: UnexpectedFlickrError carries its code and message."""
    with (
        use_recording(data.CODE_99_RECORDING),
        recorded_client() as client,
        pytest.raises(UnexpectedFlickrError, match="Insufficient permissions") as raised,
    ):
        client.call("flickr.test.null")

    assert (raised.value.code, raised.value.method) == (99, "flickr.test.null")
    assert client.calls["flickr.test.null"] == 1


def test_code_1_is_unexpected_where_the_call_site_does_not_map_it() -> None:
    """Code 1 ("Required parameter missing") is only "not found" where a call site says so."""
    with (
        use_recording(data.CODE_1_WITHOUT_PHOTO_RECORDING),
        recorded_client() as client,
        pytest.raises(UnexpectedFlickrError) as raised,
    ):
        client.call("flickr.galleries.getListForPhoto")

    assert raised.value.code == 1


def test_code_1_on_photo_info_is_photo_not_found() -> None:
    """A private photo answers code 1 to photos.getInfo: PhotoNotFound."""
    with (
        use_recording(data.PRIVATE_PHOTO_RECORDING),
        recorded_client() as client,
        pytest.raises(PhotoNotFound) as raised,
    ):
        client.get_photo_info(data.PRIVATE_PHOTO)

    assert (raised.value.code, raised.value.method) == (1, GET_INFO)


def test_code_1_on_sizes_is_photo_not_found() -> None:
    """photos.getSizes maps code 1 to PhotoNotFound too (a ResourceNotFound)."""
    with (
        use_recording(data.MISSING_PHOTO_SIZES_RECORDING),
        recorded_client() as client,
        pytest.raises(ResourceNotFound),
    ):
        client.get_sizes(data.MISSING_PHOTO)


def test_code_1_on_exif_is_photo_not_found_not_exif_hidden() -> None:
    """On photos.getExif, code 1 still means a missing photo."""
    with (
        use_recording(data.MISSING_PHOTO_EXIF_RECORDING),
        recorded_client() as client,
        pytest.raises(PhotoNotFound),
    ):
        client.get_exif(data.MISSING_PHOTO)


def test_code_2_on_exif_is_exif_hidden() -> None:
    """Code 2 on photos.getExif means the owner hides EXIF: ExifHidden, not retried."""
    with (
        use_recording(data.PHOTO_WITH_HIDDEN_EXIF_RECORDING),
        recorded_client() as client,
        pytest.raises(ExifHidden),
    ):
        client.get_exif(data.PHOTO_WITH_HIDDEN_EXIF)

    assert client.calls["flickr.photos.getExif"] == 1


def test_code_5_on_user_is_user_deleted() -> None:
    """people.getInfo for a deleted account raises UserDeleted."""
    with (
        use_recording(data.DELETED_USER_RECORDING),
        recorded_client() as client,
        pytest.raises(UserDeleted),
    ):
        client.get_user(data.DELETED_USER)


def test_an_unexpected_http_status_is_not_retried() -> None:
    """A 4xx other than 429 is a permanent error, raised after one request."""
    flickr = ScriptedFlickr(httpx.Response(403, text="Forbidden"))
    with scripted_client(flickr) as client, pytest.raises(UnexpectedFlickrError, match="403"):
        client.call("flickr.test.echo")

    assert len(flickr.requests) == 1


# -- bad input is refused before any request ----------------------------------------------------


@pytest.mark.parametrize(
    "photo_id",
    [
        "",
        "abc",
        "-1",
        "12ab",
        " 123",
        "123/",
        "\uff11\uff12\uff13",
        "\u0663\u0664\u0665",
        "0",
        None,
        1.5,
        True,
    ],
)
def test_a_non_numeric_photo_id_is_refused_before_any_request(photo_id: object) -> None:
    """Photo ids must be ASCII digits; anything else raises InvalidPhotoId naming it."""
    flickr = ScriptedFlickr()
    with (
        scripted_client(flickr) as client,
        pytest.raises(InvalidPhotoId, match="Not a Flickr photo"),
    ):
        client.get_photo_info(photo_id)  # type: ignore[arg-type]

    assert flickr.requests == []
    assert sum(client.calls.values()) == 0


@pytest.mark.parametrize(
    "method",
    [
        "get_sizes",
        "list_comments",
        "list_favorites",
        "get_contexts",
        "list_galleries_for_photo",
        "get_licence_history",
        "get_exif",
        "list_people",
    ],
)
def test_every_photo_method_validates_the_photo_id(method: str) -> None:
    """Each typed photo method refuses a bad id without calling Flickr."""
    flickr = ScriptedFlickr()
    with scripted_client(flickr) as client, pytest.raises(InvalidPhotoId, match="'not-a-photo'"):
        getattr(client, method)("not-a-photo")

    assert flickr.requests == []


@pytest.mark.parametrize("user_id", ["", "flickr", "12345@N", "@N01", "12345678@X01", None])
def test_a_malformed_user_id_is_refused_before_any_request(user_id: object) -> None:
    """User ids must look like an NSID (12345678@N01)."""
    flickr = ScriptedFlickr()
    with scripted_client(flickr) as client, pytest.raises(InvalidUserId):
        client.get_user(user_id)  # type: ignore[arg-type]

    assert flickr.requests == []


def test_a_photo_id_may_be_given_as_an_int() -> None:
    """A positive int photo id is sent as its decimal string."""
    flickr = ScriptedFlickr(rsp_ok("<sizes />"))
    with scripted_client(flickr) as client:
        client.get_sizes(32812033543)  # type: ignore[arg-type]

    assert flickr.requests[0].url.params["photo_id"] == "32812033543"


# -- budget, headers, counts ----------------------------------------------------------------------


def test_the_budget_is_acquired_before_every_attempt() -> None:
    """budget.acquire() precedes each HTTP attempt, retries included."""
    log: list[str] = []

    def answer(response: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
        def respond(request: httpx.Request) -> httpx.Response:
            log.append("request")
            return response

        return respond

    flickr = ScriptedFlickr(
        answer(httpx.Response(500)), answer(httpx.Response(502)), answer(rsp_ok())
    )
    with scripted_client(flickr, budget=RecordingBudget(log)) as client:
        client.call("flickr.test.echo")

    assert log == ["acquire", "request"] * 3


def test_requests_carry_the_user_agent_key_and_method() -> None:
    """Every API request sends the User-Agent, the api_key and the method as query params."""
    flickr = ScriptedFlickr(rsp_ok())
    with scripted_client(flickr) as client:
        client.call("flickr.test.echo", name="value", unset=None)

    request = flickr.requests[0]
    assert request.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert dict(request.url.params) == {
        "method": "flickr.test.echo",
        "api_key": "test-key",
        "name": "value",
    }
    assert str(request.url).startswith(API_URL)


def test_calls_counts_http_requests_per_method() -> None:
    """`calls` counts each HTTP request, retries included, by Flickr method."""
    flickr = ScriptedFlickr(httpx.Response(500), rsp_ok(), rsp_ok())
    with scripted_client(flickr) as client:
        client.call("flickr.photos.getInfo", photo_id="1")
        client.call("flickr.photos.getSizes", photo_id="1")

    assert client.calls == {"flickr.photos.getInfo": 2, "flickr.photos.getSizes": 1}


def test_favorites_are_fetched_from_every_page() -> None:
    """list_favorites walks pages until `pages`, asking for per_page faves each time."""

    def page(number: int) -> httpx.Response:
        person = f'<person nsid="{number}@N01" username="fan{number}" favedate="1700000000" />'
        return rsp_ok(f'<photo id="1" page="{number}" pages="3" perpage="2">{person}</photo>')

    flickr = ScriptedFlickr(page(1), page(2), page(3))
    with scripted_client(flickr) as client:
        faves = client.list_favorites("1", per_page=2)

    assert [fave.user_nsid for fave in faves] == ["1@N01", "2@N01", "3@N01"]
    assert [r.url.params["page"] for r in flickr.requests] == ["1", "2", "3"]
    assert {r.url.params["per_page"] for r in flickr.requests} == {"2"}


def test_a_client_closes_its_own_http_client_but_not_a_given_one() -> None:
    """close() releases the httpx client it created and leaves a caller's alone."""
    given = httpx.Client(transport=httpx.MockTransport(ScriptedFlickr()))
    with FlickrClient(api_key="k", http=given):
        pass
    own = FlickrClient(api_key="k")
    own.close()

    assert not given.is_closed
    assert own._http.is_closed
    given.close()


# -- static downloads ----------------------------------------------------------------------


def recorded_body_bytes(name: str) -> bytes:
    """The first response body of a recording as stored in the YAML."""
    interaction = yaml.load(recording_path(name).read_text(), Loader=yaml.CSafeLoader)[
        "interactions"
    ][0]
    body = interaction["response"]["body"]["string"]
    return body if isinstance(body, bytes) else body.encode()


def recorded_body(name: str) -> bytes:
    """The first response body of a recording, gunzipped if it was stored compressed."""
    raw = recorded_body_bytes(name)
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def test_download_streams_the_file_and_returns_size_digest_and_type(tmp_path) -> None:
    """download() writes the bytes and returns their size, SHA-512 and content type."""
    expected = recorded_body(data.DOWNLOADABLE_FILE_RECORDING)
    dest = tmp_path / "photo.jpg"
    with use_recording(data.DOWNLOADABLE_FILE_RECORDING), recorded_client() as client:
        size, digest, content_type = client.download(data.DOWNLOADABLE_FILE, dest)

    assert dest.read_bytes() == expected
    assert (size, digest) == (len(expected), hashlib.sha512(expected).hexdigest())
    assert content_type == "image/jpeg"


def test_a_missing_file_raises_resource_not_found_without_retrying(tmp_path) -> None:
    """A 404 from the static host is permanent: ResourceNotFound after one request."""
    with (
        use_recording(data.MISSING_FILE_RECORDING),
        recorded_client() as client,
        pytest.raises(ResourceNotFound, match=r"doesnotexist\.jpg"),
    ):
        client.download(data.MISSING_FILE, tmp_path / "missing.jpg")

    assert client.downloads == 1


def test_a_failed_download_restarts_the_file_and_takes_no_budget(tmp_path) -> None:
    """A retried download starts the file afresh, and static files never take budget."""
    log: list[str] = []

    def cut_off(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_BrokenStream(b"partial"))

    flickr = ScriptedFlickr(cut_off, httpx.Response(200, content=b"whole file"))
    dest = tmp_path / "photo.jpg"
    with scripted_client(flickr, budget=RecordingBudget(log)) as client:
        size, digest, _ = client.download("https://live.staticflickr.com/1/2_3_o.jpg", dest)

    assert dest.read_bytes() == b"whole file"
    assert (size, digest) == (10, hashlib.sha512(b"whole file").hexdigest())
    assert log == []


class _BrokenStream(httpx.SyncByteStream):
    """Yields some bytes, then the connection drops."""

    def __init__(self, first: bytes):
        self.first = first

    def __iter__(self):
        yield self.first
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


# -- the recording helper itself ---------------------------------------------------------------


def test_a_recording_does_not_serve_another_photo() -> None:
    """The tolerant matcher still tells photo ids apart, so no wrong answer is replayed."""
    with (
        use_recording(data.ORDINARY_PHOTO_RECORDING),
        recorded_client(max_attempts=1) as client,
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        client.get_photo_info(data.PHOTO_WITH_NOTES)


def test_a_gzipped_recording_plays_back() -> None:
    """Recordings whose bodies are gzip-compressed base64 play back as plain XML."""
    assert recorded_body_bytes(data.GZIPPED_PHOTO_RECORDING)[:2] == b"\x1f\x8b"
    with use_recording(data.GZIPPED_PHOTO_RECORDING), recorded_client() as client:
        photo = client.get_photo_info(data.PHOTO_WITH_NO_DATE_TAKEN)

    assert photo.title == "KSC-98PC-1602_2"
