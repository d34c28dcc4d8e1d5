"""Log in with Flickr: the OAuth 1.0a client flow (RFC 5849) with `perms=read`.

Three steps against `FLICKR_OAUTH_URL` (Flickr, or the sandbox, which implements the same flow):

1. `request_token`: ask for a temporary token, naming the page Flickr sends the browser back to;
2. send the browser to `authorize?oauth_token=...&perms=read`, where the member says yes;
3. `access_token`: trade the temporary token and the verifier Flickr handed back for the member's
   identity (`user_nsid`, `username`, `fullname`).

The Flickr NSID is the photographer's identity in the portal. The access token Flickr returns is
not kept: the portal only needs to know who the member is.

Every request is signed with HMAC-SHA1 (RFC 5849 section 3.4.2) using `FLICKR_API_KEY` and
`FLICKR_API_SECRET`; the signing is written out here so that it can be read and tested against
the RFC's own examples.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from portal.models import NSID_PATTERN, User

TIMEOUT_SECONDS = 10.0
USER_AGENT = "DataLifeboatPortal/1.0 (+https://www.flickr.org/) log-in-with-flickr"
USERNAME_MAX_LENGTH = 150
USERNAME_UNSAFE = re.compile(r"[^\w.@+-]+", re.ASCII)


class FlickrLoginError(Exception):
    """Log in with Flickr cannot go on; the message says why and what the person can do."""


@dataclass(frozen=True)
class Consumer:
    """The portal's Flickr API key and its secret."""

    key: str
    secret: str


@dataclass(frozen=True)
class RequestToken:
    """The temporary token of step 1; its secret signs step 3 and never leaves the server."""

    token: str
    secret: str


@dataclass(frozen=True)
class FlickrIdentity:
    """Who the Flickr member is, from the access-token answer."""

    nsid: str
    username: str
    fullname: str


# --- RFC 5849 signing ----------------------------------------------------------------------------


def percent_encode(value: str) -> str:
    """RFC 5849 section 3.6: UTF-8, then every byte but ALPHA, DIGIT, "-", ".", "_", "~" escaped."""
    return quote(value.encode("utf-8"), safe="-._~")


def base_string_uri(url: str) -> str:
    """RFC 5849 section 3.4.1.2: scheme and host in lower case, no default port, no query."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, parts.path or "/", "", ""))


def normalised_parameters(params: Iterable[tuple[str, str]]) -> str:
    """RFC 5849 section 3.4.1.3.2: encode each name and value, sort, join with "=" and "&"."""
    encoded = sorted((percent_encode(name), percent_encode(value)) for name, value in params)
    return "&".join(f"{name}={value}" for name, value in encoded)


def signature_base_string(method: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """RFC 5849 section 3.4.1: method, base URI and parameters, each encoded, joined by "&".

    `params` are every query, form-body and `oauth_*` parameter except `oauth_signature`; the
    query of `url` itself is included too.
    """
    everything = [*parse_qsl(urlsplit(url).query, keep_blank_values=True), *params]
    return "&".join(
        (
            percent_encode(method.upper()),
            percent_encode(base_string_uri(url)),
            percent_encode(normalised_parameters(everything)),
        )
    )


def hmac_sha1_signature(base_string: str, consumer_secret: str, token_secret: str = "") -> str:
    """RFC 5849 section 3.4.2: base64 of HMAC-SHA1 keyed with both secrets, encoded and joined."""
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode("ascii"), base_string.encode("ascii"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_parameters(
    method: str,
    url: str,
    *,
    consumer: Consumer,
    token: RequestToken | None = None,
    extra: Mapping[str, str] | None = None,
    nonce: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    """The `oauth_*` parameters (and `extra` ones) for one request, `oauth_signature` included."""
    params = {
        "oauth_consumer_key": consumer.key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(int(time.time()) if timestamp is None else timestamp),
        "oauth_version": "1.0",
        **(extra or {}),
    }
    if token is not None:
        params["oauth_token"] = token.token
    base = signature_base_string(method, url, params.items())
    params["oauth_signature"] = hmac_sha1_signature(
        base, consumer.secret, token.secret if token else ""
    )
    return params


# --- The three steps -----------------------------------------------------------------------------


def configured_consumer() -> Consumer:
    """The key and secret from settings; a clear error when Flickr login is not set up."""
    key, secret = settings.FLICKR_API_KEY, settings.FLICKR_API_SECRET
    if not key or not secret:
        raise FlickrLoginError(
            "Log in with Flickr is not set up on this portal: FLICKR_API_KEY and "
            "FLICKR_API_SECRET must both be set. Please tell the foundation."
        )
    return Consumer(key=key, secret=secret)


def endpoint(step: str) -> str:
    """`request_token`, `authorize` or `access_token` under `FLICKR_OAUTH_URL`."""
    return settings.FLICKR_OAUTH_URL.rstrip("/") + "/" + step


def fetch_request_token(
    *, callback_url: str, consumer: Consumer, http: httpx.Client | None = None
) -> RequestToken:
    """Step 1: a temporary token for a browser that will come back to `callback_url`."""
    answer = _signed_get(
        endpoint("request_token"),
        consumer=consumer,
        extra={"oauth_callback": callback_url},
        http=http,
        what="start the log-in",
    )
    if answer.get("oauth_callback_confirmed") != "true":
        raise FlickrLoginError(
            "Flickr did not confirm where to send you back after logging in, so the log-in "
            "was stopped. Please try again in a moment."
        )
    token, secret = _required(answer, "oauth_token"), _required(answer, "oauth_token_secret")
    return RequestToken(token=token, secret=secret)


def authorize_url(token: RequestToken) -> str:
    """Step 2: where to send the browser; `perms=read` is all the portal asks for."""
    return endpoint("authorize") + "?" + urlencode({"oauth_token": token.token, "perms": "read"})


def fetch_identity(
    *,
    token: RequestToken,
    verifier: str,
    consumer: Consumer,
    http: httpx.Client | None = None,
) -> FlickrIdentity:
    """Step 3: trade the authorised token for the member's identity; the access token is dropped."""
    answer = _signed_get(
        endpoint("access_token"),
        consumer=consumer,
        token=token,
        extra={"oauth_verifier": verifier},
        http=http,
        what="finish the log-in",
    )
    nsid = _required(answer, "user_nsid")
    if not NSID_PATTERN.match(nsid):
        raise FlickrLoginError(
            f"Flickr answered with an account id we do not understand ({nsid!r}), so you were "
            "not logged in. Please try again, or tell the foundation if it keeps happening."
        )
    return FlickrIdentity(
        nsid=nsid,
        username=answer.get("username", "").strip(),
        fullname=answer.get("fullname", "").strip(),
    )


def _signed_get(
    url: str,
    *,
    consumer: Consumer,
    extra: Mapping[str, str],
    what: str,
    token: RequestToken | None = None,
    http: httpx.Client | None = None,
) -> dict[str, str]:
    params = signed_parameters("GET", url, consumer=consumer, token=token, extra=extra)
    # Encode exactly as signed: percent-encoding per RFC 5849, not the form encoding of "+".
    query = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
    client = http or httpx.Client(timeout=TIMEOUT_SECONDS, headers={"User-Agent": USER_AGENT})
    try:
        response = client.get(f"{url}?{query}")
    except httpx.HTTPError as error:
        raise FlickrLoginError(
            f"We could not reach Flickr to {what} ({type(error).__name__}). Flickr may be "
            "busy or down: please try again in a few minutes."
        ) from error
    finally:
        if http is None:
            client.close()
    answer = dict(parse_qsl(response.text, keep_blank_values=True))
    if response.status_code != 200:
        problem = answer.get("oauth_problem") or f"HTTP {response.status_code}"
        raise FlickrLoginError(
            f"Flickr refused to {what} ({problem!r}). Start again from the log-in page; if it "
            "keeps happening, tell the foundation."
        )
    return answer


def _required(answer: Mapping[str, str], name: str) -> str:
    value = answer.get(name, "")
    if not value:
        raise FlickrLoginError(
            f"Flickr's answer had no {name!r}, so the log-in could not go on. Please try again."
        )
    return value


# --- The portal account --------------------------------------------------------------------------


def photographer_account_get_or_create(*, identity: FlickrIdentity) -> User:
    """The user whose `flickr_nsid` is the member's NSID; a new account the first time.

    A new account has a username derived from the Flickr username (made safe and unique), the
    Flickr full name as display name, and no usable password: it logs in with Flickr only.
    Nothing else from Flickr is stored.
    """
    existing = User.objects.filter(flickr_nsid=identity.nsid).first()
    if existing is not None:
        return existing
    user = User(
        username=_free_username(identity),
        display_name=(identity.fullname or identity.username)[:150],
        flickr_nsid=identity.nsid,
        password=make_password(None),
    )
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The same member finished logging in twice at once: the other request created it.
        return User.objects.get(flickr_nsid=identity.nsid)
    return user


def _free_username(identity: FlickrIdentity) -> str:
    """The Flickr username with only the characters Django allows, not yet taken."""
    base = USERNAME_UNSAFE.sub("-", identity.username).strip("-.") or "flickr"
    base = base[: USERNAME_MAX_LENGTH - 20]
    candidates = [base, f"{base}-flickr", f"{base}-{identity.nsid.replace('@', '-')}"]
    for candidate in candidates:
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    return f"{base}-{secrets.token_hex(4)}"
