"""Errors for bad lifeboat input: each message tells the person what to change."""

from __future__ import annotations

from portal.errors import PortalError


class LifeboatError(PortalError, ValueError):
    """A lifeboat request cannot be made or changed as asked (HTTP 400); nothing was saved."""


class InvalidSelection(LifeboatError):
    """The pasted URLs cannot be turned into a selection of photos."""


class MissingAnswer(LifeboatError):
    """A required field (name, purpose, README answer, note, reason) is empty."""


class NotReadyToSubmit(LifeboatError):
    """The request or its organisation does not yet meet the conditions for submitting."""
