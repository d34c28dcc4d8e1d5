"""Small generated images and a stand-in video file for the sandbox's static URLs.

Every file is a pure function of the photo and the size, so repeated downloads give the
same bytes (and the same SHA-512) as long as Pillow's encoder does not change.
"""

from __future__ import annotations

import functools
import hashlib
import io

from PIL import Image, ImageDraw

from flickr.sandbox.data import Photo

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "mp4": "video/mp4"}
PILLOW_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF"}


@functools.lru_cache(maxsize=256)
def render_image(photo: Photo, suffix: str) -> tuple[bytes, str]:
    """(bytes, content type) of one size of a photo, at the width and height getSizes gives."""
    size = photo.size(suffix)
    if size is None:
        raise LookupError(f"Photo {photo.id!r} has no size with suffix {suffix!r}.")
    extension = photo.original_format if suffix == "o" else "jpg"
    palette = hashlib.sha256(photo.id.encode()).digest()
    image = Image.new("RGB", (size.width, size.height), tuple(palette[:3]))
    draw = ImageDraw.Draw(image)
    for band in range(4):
        colour = tuple(palette[3 + band * 3 : 6 + band * 3])
        top = size.height * band // 4
        draw.rectangle(
            [size.width * band // 8, top, size.width - 1, top + size.height // 8], fill=colour
        )
    buffer = io.BytesIO()
    if extension == "jpg":
        image.save(buffer, "JPEG", quality=70)
    else:
        image.save(buffer, PILLOW_FORMATS[extension])
    return buffer.getvalue(), CONTENT_TYPES[extension]


def render_video(photo: Photo) -> bytes:
    """A few kilobytes that start like an MP4 file (an `ftyp` box); not playable."""
    header = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    body = hashlib.sha512(f"sandbox video {photo.id}".encode()).digest() * 64
    return header + body
