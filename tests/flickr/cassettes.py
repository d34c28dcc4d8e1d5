"""Play the real recorded Flickr responses (../shared/flickr-recordings) to a FlickrClient.

    from tests.flickr.cassettes import recorded_client, use_recording

    def test_something():
        with use_recording("flickr-photos-api/TestGetSinglePhoto.test_get_single_photo.yml"):
            with recorded_client() as client:
                photo = client.get_photo_info("32812033543")

Requests are matched tolerantly: REST calls on the Flickr `method` plus the ids that
matter (photo_id, user_id, photoset_id, gallery_id, group_id, url, page), never on the
api_key, extras or per_page, nor on the endpoint's host; static files on host and path.
Both cassette layouts and gzip-compressed bodies are handled by vcrpy's httpx stubs; a few
recordings (52483149404, 51281775881) keep `content-encoding: gzip` over a body that was
stored already decompressed, so that header is dropped when the body is not gzip.
Each recorded response plays once, in order (so "500 then 200" plays as recorded), and
a request with no recording left fails the test instead of reaching the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import vcr
from vcr.cassette import Cassette
from vcr.request import Request

from flickr.client import FlickrClient
from tests.conftest import RECORDINGS

GZIP_MAGIC = b"\x1f\x8b"
IDENTIFYING_PARAMS = ("photo_id", "user_id", "photoset_id", "gallery_id", "group_id", "url", "page")

# Never resolvable, so a request made outside `use_recording` cannot reach anything.
RECORDED_API_URL = "https://api.flickr.invalid/services/rest/"


class SleepRecorder:
    """Stands in for time.sleep: remembers the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def recorded_client(
    *, sleep: SleepRecorder | None = None, api_key: str = "test-key", **options: Any
) -> FlickrClient:
    """A FlickrClient for use inside `use_recording`; its `sleep` records delays
    (read them back with `client.sleep.delays`)."""
    return FlickrClient(
        api_key=api_key,
        api_url=options.pop("api_url", RECORDED_API_URL),
        sleep=sleep if sleep is not None else SleepRecorder(),
        **options,
    )


def recording_path(name: str) -> Path:
    """The absolute path of a recording given by its path under the recordings folder."""
    if not RECORDINGS.is_dir():
        pytest.skip(f"missing dependency: the Flickr recordings at {RECORDINGS}")
    path = RECORDINGS / name
    if not path.is_file():
        raise FileNotFoundError(
            f"No recording {name!r} under {RECORDINGS}; see its INDEX.md for the file names"
        )
    return path


@contextmanager
def use_recording(name: str, *, allow_playback_repeats: bool = False) -> Iterator[Cassette]:
    """Serve HTTP requests made with httpx from the recording `name`
    (e.g. "flickr-photos-api/TestGetSinglePhoto.test_get_single_photo.yml")."""
    player = vcr.VCR(
        record_mode="none",
        match_on=["flickr"],
        before_record_response=drop_stale_gzip_header,
    )
    player.register_matcher("flickr", match_flickr_request)
    with player.use_cassette(
        str(recording_path(name)), allow_playback_repeats=allow_playback_repeats
    ) as cassette:
        yield cassette


def drop_stale_gzip_header(response: dict[str, Any]) -> dict[str, Any]:
    """Applied to each recorded response as it is loaded (vcrpy runs it on load too)."""
    body = response["body"]["string"] if "body" in response else response.get("content", b"")
    raw = body.encode() if isinstance(body, str) else body
    if raw[:2] != GZIP_MAGIC:
        response["headers"] = {
            name: values
            for name, values in response["headers"].items()
            if not (name.lower() == "content-encoding" and "gzip" in str(values).lower())
        }
    return response


def match_flickr_request(recorded: Request, made: Request) -> None:
    """vcrpy matcher: raises AssertionError saying why two requests differ."""
    if recorded.method != made.method:
        raise AssertionError(f"HTTP {recorded.method} != {made.method}")
    recorded_key, made_key = request_key(recorded.uri), request_key(made.uri)
    if recorded_key != made_key:
        raise AssertionError(f"{recorded_key} != {made_key}")


def request_key(uri: str) -> tuple[str, ...]:
    """What identifies a request: the API method and its ids, or a static file's location."""
    parts = urlsplit(uri)
    query = dict(parse_qsl(parts.query))
    method = query.get("method")
    if method is None:
        return ("static", parts.netloc.lower(), parts.path)
    ids = tuple(
        f"{name}={query.get(name, '1' if name == 'page' else '')}" for name in IDENTIFYING_PARAMS
    )
    return ("api", method, *ids)
