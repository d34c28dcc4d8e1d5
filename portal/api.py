"""The REST API: one Django Ninja instance for the whole portal, mounted at /api/.

Authentication is an API token (`Authorization: Bearer <token>`) or the browser session
(with CSRF on unsafe methods). Every error is JSON `{"detail": "..."}`.

Other apps contribute endpoints with a module `<app>/api.py` that defines
`router = ninja.Router()`; every such router is mounted here at /api/.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from portal.errors import PortalError
from portal.models import User
from portal.services import api_token_authenticate

AUTHENTICATION_HINT = (
    "Authentication required: send a valid API token as 'Authorization: Bearer <token>' "
    "(create one with `python manage.py create_api_token USERNAME` or on your profile page), "
    "or log in."
)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <secret>` with a token made by `api_token_create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session; unsafe methods must carry the CSRF token.

    A request that sends an Authorization header is judged by its token alone, and a request
    without a session is simply unauthenticated (401), rather than failing the CSRF check.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if "authorization" in request.headers or not request.user.is_authenticated:
            return None
        super()._get_key(request)  # raises HttpError(403) when the CSRF check fails
        return "session"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None or not request.user.is_active:
            return None
        return request.user


api = NinjaAPI(
    title="Data Lifeboat Portal API",
    version="1",
    description="Ask for Data Lifeboats, follow their builds and look up which lifeboats hold "
    "a Flickr photo.",
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


# --- Errors: always {"detail": "..."} --------------------------------------------------------


def detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = detail(request, AUTHENTICATION_HINT, 401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return detail(request, str(exc), exc.status_code)


@api.exception_handler(PortalError)
def portal_error(request: HttpRequest, exc: PortalError) -> HttpResponse:
    return detail(request, exc.message, exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return detail(request, str(exc) or "Not found.", 404)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return detail(request, str(exc) or "You may not do this.", 403)


@api.exception_handler(DjangoValidationError)
def invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return detail(request, " ".join(exc.messages), 400)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors
    )
    return api.create_response(
        request, {"detail": f"Invalid request: {problems}", "errors": exc.errors}, status=400
    )


# --- Endpoints --------------------------------------------------------------------------------


class MembershipOut(Schema):
    slug: str
    name: str
    status: str
    role: str


class MeOut(Schema):
    username: str
    display_name: str
    email: str
    is_foundation_admin: bool
    organisations: list[MembershipOut]


@api.get("/me", response=MeOut, summary="Who am I? (check a token)", tags=["accounts"])
def me(request: HttpRequest) -> dict:
    user = cast(User, request.user)
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    return {
        "username": user.username,
        "display_name": user.get_short_name(),
        "email": user.email,
        "is_foundation_admin": user.is_foundation_admin,
        "organisations": [
            {
                "slug": membership.organisation.slug,
                "name": membership.organisation.name,
                "status": membership.organisation.status,
                "role": membership.role,
            }
            for membership in memberships
        ],
    }


# --- Mounting: other apps' routers, and the URLs -----------------------------------------------


def mount_app_routers(ninja_api: NinjaAPI) -> list[str]:
    """Add `router` from every installed app's `api` module; return the modules mounted."""
    mounted = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.api"
        if app_config.name == "portal" or importlib.util.find_spec(module_name) is None:
            continue
        router = getattr(importlib.import_module(module_name), "router", None)
        if router is not None:
            ninja_api.add_router("/", router)
            mounted.append(module_name)
    return mounted


def exempt_from_login_required(urls: Any) -> Any:
    """Mark every API view `login_not_required`: the API answers 401 itself, never a redirect."""
    patterns = urls[0] if isinstance(urls, tuple) else urls
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            exempt_from_login_required(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return urls


mount_app_routers(api)
