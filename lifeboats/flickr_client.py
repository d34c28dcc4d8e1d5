"""The Flickr client the portal uses: the configured endpoint and key, the shared budget."""

from __future__ import annotations

from django.conf import settings

from flickr.client import FlickrClient
from lifeboats.budget import shared_budget


def portal_flickr_client() -> FlickrClient:
    """A new client on `FLICKR_API_URL` with `FLICKR_API_KEY`, spending the key-wide budget.

    Close it when done (or use it as a context manager).
    """
    return FlickrClient(
        api_key=settings.FLICKR_API_KEY,
        api_url=settings.FLICKR_API_URL,
        budget=shared_budget(),
    )
