"""Errors raised by the legal services; every message is written for the person who acted."""

from __future__ import annotations


class AgreementError(ValueError):
    """Something about an agreement, signature or decision cannot be done as asked."""


class NotAllowed(AgreementError):
    """The person acting does not have the role this action needs."""


class WrongState(AgreementError):
    """The signature or organisation is not in a state that allows this action."""


class VersionNotCurrent(AgreementError):
    """Only the agreement version currently in effect can be signed."""


class InvalidInput(AgreementError):
    """A required value is missing or malformed."""
