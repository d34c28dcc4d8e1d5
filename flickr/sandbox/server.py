"""The sandbox over HTTP: REST endpoint, static media, OAuth 1.0a, faults and a rate limit.

with SandboxServer(SandboxWorld.generate(200), error_rate=0.1) as sandbox:
    httpx.get(sandbox.api_url, params={"method": "flickr.photos.getInfo", ...})
    sandbox.calls["flickr.photos.getInfo"]
"""

from __future__ import annotations

import collections
import contextlib
import html
import itertools
import json
import math
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from flickr.sandbox.data import SandboxWorld, User
from flickr.sandbox.media import render_image, render_video
from flickr.sandbox.responses import UNAVAILABLE, RequestContext, respond
from flickr.sandbox.xml import fail_response

FAILURE_KINDS = ("http_500", "unavailable", "slow")
ALL_FAILURE_KINDS = (*FAILURE_KINDS, "garbled")
UNAVAILABLE_CODES = (0, 105, 201)
WINDOW_SECONDS = 3600
STATIC_PATH = re.compile(r"^/static/(\d+)/(\d+)_([0-9a-f]+)(?:_([a-z0-9]+))?\.(jpg|png|gif)$")
VIDEO_PATH = re.compile(r"^/photos/[^/]+/(\d+)/play/[^/]+/([0-9a-f]+)/?$")
OAUTH_HEADER_FIELD = re.compile(r'(\w+)="([^"]*)"')


class SlidingWindowLimiter:
    """At most `limit` calls in any `window` seconds; past it, how long until the next fits."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, clock=time.monotonic) -> None:
        if limit < 1:
            raise ValueError(f"The rate limit must be at least 1 call per hour; got {limit!r}.")
        self.limit = limit
        self.window = window
        self.clock = clock
        self._times: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def acquire(self) -> int | None:
        """None if the call may go ahead (and it is counted), else the seconds to wait."""
        with self._lock:
            now = self.clock()
            while self._times and self._times[0] <= now - self.window:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return max(1, math.ceil(self._times[0] + self.window - now))
            self._times.append(now)
            return None


class FaultPlan:
    """Which REST calls fail: exactly `rate` of every 100 calls, at seeded random places."""

    BLOCK = 100

    def __init__(self, rate: float, seed: int, kinds: Iterable[str] = FAILURE_KINDS) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"The error rate is a fraction between 0 and 1; got {rate!r}.")
        self.kinds = tuple(kinds)
        unknown = set(self.kinds) - set(ALL_FAILURE_KINDS)
        if unknown or not self.kinds:
            raise ValueError(
                f"Unknown failure kinds {sorted(unknown)!r}; choose from {ALL_FAILURE_KINDS!r}."
            )
        self.rate = rate
        self._rng = random.Random(f"{seed}/faults")
        self._pending: list[str | None] = []
        self._lock = threading.Lock()

    def next(self) -> str | None:
        with self._lock:
            if not self._pending:
                self._pending = self._block()
            return self._pending.pop()

    def _block(self) -> list[str | None]:
        failures = round(self.BLOCK * self.rate)
        block: list[str | None] = [self._rng.choice(self.kinds) for _ in range(failures)]
        block += [None] * (self.BLOCK - failures)
        self._rng.shuffle(block)
        return block


@dataclass
class RequestToken:
    secret: str
    callback: str
    verifier: str | None = None
    user: str | None = None


class OAuthProvider:
    """Flickr's three OAuth 1.0a steps, without checking signatures."""

    def __init__(self, world: SandboxWorld) -> None:
        self.world = world
        self._requests: dict[str, RequestToken] = {}
        self._access: dict[str, tuple[str, str]] = {}  # token -> (secret, nsid)
        self._lock = threading.Lock()

    def request_token(self, callback: str) -> dict[str, str]:
        token, secret = f"sandbox-request-{secrets.token_hex(8)}", secrets.token_hex(8)
        with self._lock:
            self._requests[token] = RequestToken(secret, callback or "oob")
        return {
            "oauth_callback_confirmed": "true",
            "oauth_token": token,
            "oauth_token_secret": secret,
        }

    def authorize(self, token: str, nsid: str) -> str | None:
        """Log in as `nsid`; the URL to send the browser to (None for unknown token or user)."""
        user = self.world.user(nsid)
        with self._lock:
            request = self._requests.get(token)
            if request is None or user is None:
                return None
            request.user = user.nsid
            request.verifier = secrets.token_hex(8)
        query = urlencode({"oauth_token": token, "oauth_verifier": request.verifier})
        if request.callback == "oob":
            return f"oob:{request.verifier}"
        separator = "&" if "?" in request.callback else "?"
        return f"{request.callback}{separator}{query}"

    def access_token(self, token: str, verifier: str) -> dict[str, str] | None:
        with self._lock:
            request = self._requests.get(token)
            if request is None or request.verifier is None or request.verifier != verifier:
                return None
            del self._requests[token]
            access, secret = f"sandbox-access-{secrets.token_hex(8)}", secrets.token_hex(8)
            assert request.user is not None
            self._access[access] = (secret, request.user)
        user = self.world.user(request.user)
        assert user is not None
        return {
            "fullname": user.realname,
            "oauth_token": access,
            "oauth_token_secret": secret,
            "user_nsid": user.nsid,
            "username": user.username,
        }

    def user_for(self, access_token: str | None) -> User | None:
        if not access_token:
            return None
        with self._lock:
            entry = self._access.get(access_token)
        return self.world.user(entry[1]) if entry else None

    def has_request_token(self, token: str) -> bool:
        with self._lock:
            return token in self._requests


class SandboxServer:
    """A fake Flickr on a local port, in a background thread. Use as a context manager."""

    def __init__(
        self,
        world: SandboxWorld,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0,
        error_rate: float = 0.0,
        rate_limit_per_hour: int | None = None,
        api_key: str | None = None,
        seed: int | None = None,
        failure_kinds: Iterable[str] = FAILURE_KINDS,
        slow_response_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.world = world
        self.host = host
        self.port = port
        self.latency_ms = latency_ms
        self.api_key = api_key
        self.slow_response_s = slow_response_s
        self.faults = FaultPlan(error_rate, world.seed if seed is None else seed, failure_kinds)
        self.limiter = (
            SlidingWindowLimiter(rate_limit_per_hour, clock=clock) if rate_limit_per_hour else None
        )
        self.oauth = OAuthProvider(world)
        self.calls: collections.Counter[str] = collections.Counter()
        self.rate_limited: collections.Counter[str] = collections.Counter()
        self.injected_failures: collections.Counter[str] = collections.Counter()
        self.media_requests = 0
        self._stats_lock = threading.Lock()
        self._unavailable_codes = itertools.cycle(UNAVAILABLE_CODES)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            raise RuntimeError(f"The sandbox is already running at {self.url}.")
        self._httpd = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="flickr-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def serve_forever(self) -> None:
        """Start if needed, then block the calling thread until `stop()` (or Ctrl-C)."""
        if self._httpd is None:
            self.start()
        assert self._thread is not None
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=0.2)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/services/rest/"

    @property
    def oauth_url(self) -> str:
        return f"{self.url}/services/oauth/"

    # --- counters ----------------------------------------------------------------------------

    def stats(self) -> dict[str, object]:
        with self._stats_lock:
            return {
                "calls": dict(sorted(self.calls.items())),
                "total_calls": sum(self.calls.values()),
                "rate_limited": dict(sorted(self.rate_limited.items())),
                "injected_failures": dict(sorted(self.injected_failures.items())),
                "media_requests": self.media_requests,
            }

    def reset_stats(self) -> None:
        with self._stats_lock:
            self.calls.clear()
            self.rate_limited.clear()
            self.injected_failures.clear()
            self.media_requests = 0

    # --- request handling (called from the HTTP handler threads) -----------------------------

    def handle_rest(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        method = params.get("method", "")
        if self.limiter is not None:
            wait = self.limiter.acquire()
            if wait is not None:
                with self._stats_lock:
                    self.rate_limited[method] += 1
                body = b"Too many requests: the sandbox's hourly budget is spent.\n"
                return 429, {"Retry-After": str(wait), "Content-Type": "text/plain"}, body
        with self._stats_lock:
            self.calls[method] += 1
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        failure = self.faults.next()
        if failure is not None:
            with self._stats_lock:
                self.injected_failures[failure] += 1
            if failure == "slow":
                time.sleep(self.slow_response_s)
            else:
                return self._failure_response(failure)
        context = RequestContext(
            static_base=self.url,
            user=self.oauth.user_for(params.get("oauth_token")),
            expected_api_key=self.api_key,
        )
        return 200, _XML, respond(self.world, params, context).encode()

    def _failure_response(self, kind: str) -> tuple[int, dict[str, str], bytes]:
        if kind == "http_500":
            return 500, _XML, b"<error>Internal Server Error (sandbox fault)</error>"
        if kind == "garbled":
            return 200, _XML, b'{"stat":"fail","message":"' + UNAVAILABLE.encode() + b'"'
        with self._stats_lock:
            code = next(self._unavailable_codes)
        return 200, _XML, fail_response(code, UNAVAILABLE).encode()

    def handle_static(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
        match = STATIC_PATH.match(path)
        if match is None:
            return None
        _, photo_id, secret, suffix, extension = match.groups()
        suffix = suffix or ""
        photo = self.world.photo(photo_id)
        expected = None
        if photo is not None and photo.state != "deleted":
            expected = photo.original_secret if suffix == "o" else photo.secret
        wanted_extension = photo.original_format if photo and suffix == "o" else "jpg"
        if photo is None or secret != expected or extension != wanted_extension:
            return _not_found()
        if photo.size(suffix) is None:
            return _not_found()
        body, content_type = render_image(photo, suffix)
        with self._stats_lock:
            self.media_requests += 1
        return 200, {"Content-Type": content_type}, body

    def handle_video(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
        match = VIDEO_PATH.match(path)
        if match is None:
            return None
        photo = self.world.photo(match.group(1))
        if photo is None or photo.media != "video" or photo.secret != match.group(2):
            return _not_found()
        with self._stats_lock:
            self.media_requests += 1
        return 200, {"Content-Type": "video/mp4"}, render_video(photo)

    def handle_oauth(self, step: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self.api_key and params.get("oauth_consumer_key", self.api_key) != self.api_key:
            return _form(401, {"oauth_problem": "consumer_key_unknown"})
        if step == "request_token":
            return _form(200, self.oauth.request_token(params.get("oauth_callback", "oob")))
        if step == "access_token":
            answer = self.oauth.access_token(
                params.get("oauth_token", ""), params.get("oauth_verifier", "")
            )
            return _form(200, answer) if answer else _form(401, {"oauth_problem": "token_rejected"})
        if step == "authorize":
            return self._authorize(params)
        return _not_found()

    def _authorize(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        token = params.get("oauth_token", "")
        if not self.oauth.has_request_token(token):
            return _form(401, {"oauth_problem": "token_rejected"})
        if "user" not in params:
            return 200, {"Content-Type": "text/html; charset=utf-8"}, self._login_page(token)
        target = self.oauth.authorize(token, params["user"])
        if target is None:
            return _form(400, {"oauth_problem": "user_unknown"})
        if target.startswith("oob:"):
            page = f"<p>Your verifier code is <code>{target[4:]}</code>.</p>"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
        return 302, {"Location": target}, b""

    def _login_page(self, token: str) -> bytes:
        choices = []
        for user in [self.world.archive, *self.world.owners[1:9]]:
            link = f"/services/oauth/authorize?oauth_token={quote(token)}&user={quote(user.nsid)}"
            label = html.escape(f"{user.username} ({user.nsid})")
            choices.append(f'<li><a href="{html.escape(link)}">Log in as {label}</a></li>')
        page = (
            "<!doctype html><title>Flickr sandbox: log in</title>"
            "<h1>Flickr sandbox</h1><p>Pick the sandbox member to log in as "
            "(read permission).</p><ul>" + "".join(choices) + "</ul>"
        )
        return page.encode()


_XML = {"Content-Type": "text/xml; charset=utf-8"}


def _not_found() -> tuple[int, dict[str, str], bytes]:
    return 404, {"Content-Type": "text/plain"}, b"Not found\n"


def _form(status: int, values: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    body = urlencode(values, quote_via=quote).encode()
    return status, {"Content-Type": "text/plain; charset=utf-8"}, body


def _oauth_header_params(header: str | None) -> dict[str, str]:
    if not header or not header.startswith("OAuth "):
        return {}
    return {key: unquote(value) for key, value in OAUTH_HEADER_FIELD.findall(header)}


def _handler_for(sandbox: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FlickrSandbox/1.0"
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; without this, delayed ACKs add ~40 ms a call.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._dispatch()

        def do_POST(self) -> None:
            self._dispatch()

        def log_message(self, format: str, *args: object) -> None:
            pass  # one line per request would drown the example URLs

        def _params(self) -> dict[str, str]:
            params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                body = self.rfile.read(length).decode("utf-8", "replace")
                params.update(parse_qsl(body, keep_blank_values=True))
            params.update(_oauth_header_params(self.headers.get("Authorization")))
            return params

        def _dispatch(self) -> None:
            path = urlsplit(self.path).path
            params = self._params()
            try:
                answer = self._route(path, params)
            except BrokenPipeError:
                return
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                # The client may have given up already (a timeout test does exactly that).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def _route(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            if path.rstrip("/") == "/services/rest":
                return sandbox.handle_rest(params)
            if path.startswith("/services/oauth/"):
                return sandbox.handle_oauth(path.rstrip("/").rsplit("/", 1)[-1], params)
            if path == "/sandbox/stats":
                body = json.dumps(sandbox.stats(), indent=2).encode()
                return 200, {"Content-Type": "application/json"}, body
            return sandbox.handle_static(path) or sandbox.handle_video(path) or _not_found()

    return Handler
