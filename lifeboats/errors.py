"""Errors for bad lifeboat input: each message tells the person what to change."""

from __future__ import annotations

from flickr.errors import FlickrError, InvalidApiKey
from portal.errors import PortalError


class LifeboatError(PortalError, ValueError):
    """A lifeboat request cannot be made or changed as asked (HTTP 400); nothing was saved."""


class InvalidSelection(LifeboatError):
    """The pasted URLs cannot be turned into a selection of photos."""


class MissingAnswer(LifeboatError):
    """A required field (name, purpose, README answer, note, reason) is empty."""


class NotReadyToSubmit(LifeboatError):
    """The request or its organisation does not yet meet the conditions for submitting."""


class FlickrTrouble(PortalError):
    """Flickr failed us (down, or refusing the portal's key) while looking up photos (HTTP 503);
    the URLs may be fine, and nothing was saved."""

    status_code = 503

    @classmethod
    def from_error(cls, error: FlickrError) -> FlickrTrouble:
        if isinstance(error, InvalidApiKey):
            return cls(
                "The portal's Flickr API key was refused, so no photos could be looked up. "
                "Nothing was saved; please tell the foundation."
            )
        return cls(
            "Flickr did not answer properly while we looked up your photos, so nothing was "
            f"saved. Please try again in a few minutes. (Flickr said: {error})"
        )
