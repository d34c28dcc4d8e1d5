"""The Flickr client the portal uses: the configured endpoint and key, the shared budget."""

from __future__ import annotations

from django.conf import settings

from flickr.client import FlickrClient
from flickr.ratelimit import CombinedBudget, LocalBudget, RateBudget
from lifeboats.budget import shared_budget


def portal_flickr_client(*, budget_percent: int = 100) -> FlickrClient:
    """A new client on `FLICKR_API_URL` with `FLICKR_API_KEY`, spending the key-wide budget.

    With `budget_percent` below 100 the client also keeps to that share of the key's
    rate, so a long background job (the Commons crawl) leaves the rest to lifeboat builds.
    The share is kept by this client alone: it holds for one chain of tasks at a time.
    Close the client when done (or use it as a context manager).
    """
    return FlickrClient(
        api_key=settings.FLICKR_API_KEY,
        api_url=settings.FLICKR_API_URL,
        budget=budget_with_share(budget_percent),
    )


def budget_with_share(percent: int) -> RateBudget:
    """The shared budget, behind a local one at `percent` of its rate when below 100."""
    if not 1 <= percent <= 100:
        raise ValueError(f"A share of the budget is between 1 and 100 per cent, got {percent!r}")
    if percent == 100:
        return shared_budget()
    own_share = LocalBudget(settings.FLICKR_RATE_LIMIT_PER_HOUR * percent / 100)
    return CombinedBudget(own_share, shared_budget())
