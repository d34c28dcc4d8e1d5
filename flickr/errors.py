"""The errors the Flickr client raises, one class per thing a caller may want to handle.

Flickr reuses its numeric error codes across methods, so the meaning of a code is decided
per call site (code 1 is "photo not found" for photos.getInfo but "required parameter
missing" for a call without a photo id). `FlickrClient.call` takes that mapping from
the typed method that makes the call.
"""

from __future__ import annotations


class FlickrError(Exception):
    """Base class: anything that went wrong talking to Flickr."""

    def __init__(self, message: str, *, code: int | None = None, method: str | None = None):
        super().__init__(message)
        self.code = code
        self.method = method


class ResourceNotFound(FlickrError):
    """Code 1 where the call site says it means "not found (or now private)"."""


class PhotoNotFound(ResourceNotFound):
    """The photo does not exist, was deleted, or is not visible to this key."""


class ExifHidden(FlickrError):
    """Code 2 on flickr.photos.getExif: the owner does not share EXIF data."""


class UserDeleted(FlickrError):
    """Code 5: the Flickr account has been deleted."""


class InvalidApiKey(FlickrError):
    """Code 100: the key is wrong. Never retried; the whole job must stop."""


class FlickrUnavailable(FlickrError):
    """A transient failure (HTTP 429/5xx, network, bad XML, "not currently available")
    that was still happening after every retry."""


class UnexpectedFlickrError(FlickrError):
    """Flickr answered with an error code this call site does not expect."""


class InvalidPhotoId(ValueError):
    """A photo id that cannot be a Flickr photo id; refused before any request."""


class InvalidUserId(ValueError):
    """A user id that cannot be a Flickr NSID; refused before any request."""
