"""The "Log in with Flickr" pages: start the OAuth 1.0a flow, and come back from Flickr.

The request token's secret waits in the session between the two pages; a callback whose
`oauth_token` is not the one this browser started with is refused, so another site cannot log
someone in as a different Flickr member.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import flickr_login
from portal.flickr_login import FlickrLoginError, RequestToken

SESSION_KEY = "flickr_login"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def flickr_login_start(request: HttpRequest) -> HttpResponse:
    """GET explains what logging in with Flickr means; POST sends the browser to Flickr."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET":
        return render(request, "portal/flickr_login.html", {"next": next_url})
    try:
        consumer = flickr_login.configured_consumer()
        token = flickr_login.fetch_request_token(
            callback_url=request.build_absolute_uri(reverse("flickr_login_callback")),
            consumer=consumer,
        )
    except FlickrLoginError as error:
        return _failed(request, str(error), status=502)
    request.session[SESSION_KEY] = {"token": token.token, "secret": token.secret, "next": next_url}
    return redirect(flickr_login.authorize_url(token))


@login_not_required
@never_cache
@require_GET
def flickr_login_callback(request: HttpRequest) -> HttpResponse:
    """Flickr sends the browser back here with `oauth_token` and `oauth_verifier`."""
    pending = request.session.pop(SESSION_KEY, None)
    returned_token = request.GET.get("oauth_token", "")
    verifier = request.GET.get("oauth_verifier", "")
    if not isinstance(pending, dict):
        return _failed(
            request,
            "This page only works straight after Flickr asks you to allow the portal, and this "
            "log-in was already finished or never started here. Start again below.",
            status=400,
        )
    if not hmac.compare_digest(returned_token.encode(), str(pending["token"]).encode()):
        return _failed(
            request,
            "The answer from Flickr does not belong to the log-in you started in this browser, "
            "so nobody was logged in. Start again below.",
            status=400,
        )
    if not verifier:
        return _failed(
            request,
            "Flickr did not confirm the log-in: perhaps you chose not to allow the portal. "
            "Nobody was logged in. You can start again below whenever you like.",
            status=400,
        )
    try:
        identity = flickr_login.fetch_identity(
            token=RequestToken(token=pending["token"], secret=pending["secret"]),
            verifier=verifier,
            consumer=flickr_login.configured_consumer(),
        )
    except FlickrLoginError as error:
        return _failed(request, str(error), status=502)
    user = flickr_login.photographer_account_get_or_create(identity=identity)
    if not user.is_active:
        return _failed(
            request,
            f"The portal account for the Flickr member {identity.nsid} is switched off. "
            "Contact the foundation if you think this is a mistake.",
            status=403,
        )
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, f"You are logged in with your Flickr account {identity.nsid}.")
    return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)


def _failed(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(request, "portal/flickr_login_failed.html", {"reason": reason}, status=status)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    """`next` when it points into this site, else empty (never an open redirect)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""
