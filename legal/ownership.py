"""Who owns a Flickr photo, for the photographer's own actions (opt-outs, removal requests).

The owner is taken from the index when the photo is in any lifeboat (`lifeboats.index.owners_of`:
the owner Flickr's listing gave), and otherwise asked of Flickr (`photos.getInfo`, one call per
photo, on the shared budget).
"""

from __future__ import annotations

from flickr.client import FlickrClient
from flickr.errors import FlickrError, ResourceNotFound
from lifeboats import index
from portal.errors import PortalError


def photo_owners(
    photo_ids: list[str], *, flickr: FlickrClient | None = None
) -> dict[str, set[str]]:
    """Photo id -> its owner NSIDs (an empty set when Flickr has no public photo by that id).

    `flickr` answers for photos no lifeboat holds; by default the portal's client. Call it
    outside any transaction. Raises `PortalError` when Flickr cannot be asked.
    """
    owners = index.owners_of(photo_ids)
    to_ask = [photo_id for photo_id in photo_ids if photo_id not in owners]
    if to_ask:
        owners.update(_owners_on_flickr(to_ask, flickr))
    return owners


def _owners_on_flickr(photo_ids: list[str], flickr: FlickrClient | None) -> dict[str, set[str]]:
    if flickr is None:
        from lifeboats.flickr_client import portal_flickr_client

        with portal_flickr_client() as client:
            return _owners_on_flickr(photo_ids, client)
    owners: dict[str, set[str]] = {}
    for photo_id in photo_ids:
        try:
            owners[photo_id] = {flickr.get_photo_info(photo_id).owner.nsid}
        except ResourceNotFound:
            owners[photo_id] = set()
        except FlickrError as error:
            raise PortalError(
                f"We could not ask Flickr who owns photo {photo_id!r} ({error}). Please try "
                "again in a few minutes. Nothing was changed."
            ) from error
    return owners
