"""The permission-aware accessors: every view and API endpoint fetches objects through these.

Objects the user may not see answer 404, exactly like objects that do not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from portal.models import ApiToken, Organisation, User


class AuthenticatedRequest(HttpRequest):
    """A request on a page behind LoginRequiredMiddleware: `user` is a real `User`."""

    user: User


def get_organisation_for(user: User, slug: str) -> Organisation:
    """The organisation `slug` if `user` is one of its members or a foundation admin."""
    organisation = Organisation.objects.visible_to(user).filter(slug=slug).first()
    if organisation is None:
        raise Http404(f"No organisation {slug!r} that you can see.")
    return organisation


def get_api_token_for(user: User, pk: int) -> ApiToken:
    """One of `user`'s own API tokens."""
    token = ApiToken.objects.filter(user=user, pk=pk).first() if user.is_authenticated else None
    if token is None:
        raise Http404(f"No API token {pk!r} of yours.")
    return token
