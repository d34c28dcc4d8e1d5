"""A listed photo as JSON, for `LifeboatPhoto.listing`, and back again for the builder.

The listing is what the bulk Flickr call said about a photo when the selection was
resolved; keeping it means the build needs no second listing call.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from flickr.records import DateTaken, Location
from flickr.walkers import ImageFile, ListedPhoto

DATETIME_FIELDS = ("date_uploaded", "last_update")
TUPLE_FIELDS = ("tags", "machine_tags")


def _datetime_to_json(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime_from_json(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def listed_photo_to_json(photo: ListedPhoto) -> dict[str, Any]:
    """Plain JSON-able data: datetimes as ISO 8601 strings, tuples as lists."""
    data = asdict(photo)
    for name in DATETIME_FIELDS:
        data[name] = _datetime_to_json(getattr(photo, name))
    if photo.date_taken is not None:
        data["date_taken"] = {
            "value": photo.date_taken.value.isoformat(),
            "granularity": photo.date_taken.granularity,
        }
    for name in TUPLE_FIELDS:
        data[name] = list(getattr(photo, name))
    return data


def _image_from_json(data: dict[str, Any] | None) -> ImageFile | None:
    return ImageFile(**data) if data else None


def _date_taken_from_json(data: dict[str, Any] | None) -> DateTaken | None:
    if not data:
        return None
    return DateTaken(value=datetime.fromisoformat(data["value"]), granularity=data["granularity"])


def listed_photo_from_json(data: dict[str, Any]) -> ListedPhoto:
    """The `ListedPhoto` that `listed_photo_to_json` was given."""
    if not isinstance(data, dict) or "id" not in data:
        raise ValueError(f"Not a stored listing (expected a dict with an 'id'): {data!r}")
    fields = dict(data)
    for name in DATETIME_FIELDS:
        fields[name] = _datetime_from_json(fields.get(name))
    for name in TUPLE_FIELDS:
        fields[name] = tuple(fields.get(name) or ())
    fields["date_taken"] = _date_taken_from_json(fields.get("date_taken"))
    fields["location"] = Location(**fields["location"]) if fields.get("location") else None
    fields["thumbnail"] = _image_from_json(fields.get("thumbnail"))
    fields["original"] = _image_from_json(fields.get("original"))
    return ListedPhoto(**fields)
