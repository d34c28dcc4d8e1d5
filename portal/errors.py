"""Errors the portal's services raise; views show their message, the API maps them to JSON."""

from __future__ import annotations


class PortalError(Exception):
    """Base for errors whose message is written for the person who caused them."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidTransition(PortalError):
    """The object is not in a state that allows the requested change (HTTP 409)."""

    status_code = 409


class NotFound(PortalError):
    """The object does not exist or the user may not know it exists (HTTP 404)."""

    status_code = 404


class Forbidden(PortalError):
    """The user is known but may not do this (HTTP 403)."""

    status_code = 403


class Gone(PortalError):
    """The object existed but is no longer available, e.g. an expired download (HTTP 410)."""

    status_code = 410
