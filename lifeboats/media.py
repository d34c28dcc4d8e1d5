"""Media files of a build: streamed from Flickr into the lifeboats storage, with their digests.

A file is downloaded into a temporary file, hashed with SHA-512 while it streams
(`FlickrClient.download`), and only then put into place under its final name. On a local
filesystem the temporary file sits in the storage's own folder and is renamed into place,
so a reader never sees half a file; on S3 the finished file is uploaded in one `save`.

A file already in storage is trusted on resume only if its size and SHA-512 match what the
database recorded (`stored_file_matches`): a worker killed in the middle of a write leaves
at most a file that fails that check and is fetched again.

Every failure of the storage itself (a full disk, a refused bucket) is raised as
`StorageFailure`, so the builder can tell it from a Flickr failure and stop the build with
a message rather than exclude a photo.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

from django.core.files import File
from django.core.files.storage import Storage

READ_CHUNK_BYTES = 1024 * 1024
EXTENSION = re.compile(r"[a-z0-9]{1,5}", re.ASCII)
# Flickr serves these; anything else falls back to the content type, then to "bin".
KNOWN_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "gif", "mp4", "mov", "webm", "avi", "m4v"})
CONTENT_TYPE_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
}
PARTIAL_FOLDER = ".partial"


class StorageFailure(Exception):
    """The lifeboats storage could not be written or read; the message says which file."""


class Downloader(Protocol):
    """What storing a file needs from `flickr.client.FlickrClient`."""

    def download(self, url: str, dest_file: Any) -> tuple[int, str, str]: ...


@dataclass(frozen=True)
class StoredMedia:
    """One file in the lifeboats storage, as the database records it."""

    name: str
    size: int
    sha512: str
    content_type: str
    extension: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "sha512": self.sha512,
            "contentType": self.content_type,
            "extension": self.extension,
        }


def extension_for(url: str, content_type: str) -> str:
    """The file's extension from its URL (`..._o.png` -> `png`), else from its content type.

    Only a short run of ASCII letters and digits is accepted, so nothing Flickr sends can
    put a strange name into a package.
    """
    suffix = Path(urlsplit(url).path).suffix.lstrip(".").lower()
    if suffix in KNOWN_EXTENSIONS:
        return "jpg" if suffix == "jpeg" else suffix
    by_type = CONTENT_TYPE_EXTENSIONS.get(content_type.lower())
    if by_type:
        return by_type
    guessed = (mimetypes.guess_extension(content_type) or "").lstrip(".").lower()
    return guessed if EXTENSION.fullmatch(guessed) else "bin"


def download_to_storage(
    client: Downloader,
    url: str,
    storage: Storage,
    *,
    name_for: Callable[[str], str],
) -> StoredMedia:
    """Download `url` and put it in `storage` under `name_for(extension)`.

    Flickr errors (`ResourceNotFound` for a missing file, `FlickrUnavailable`) propagate as
    the client raises them; storage errors become `StorageFailure`.
    """
    with _partial_file(storage) as partial_path:
        size, sha512, content_type = client.download(url, partial_path)
        extension = extension_for(url, content_type)
        name = name_for(extension)
        _put_in_place(storage, name, partial_path)
    return StoredMedia(name, size, sha512, content_type, extension)


def stored_file_matches(storage: Storage, name: str, *, size: int, sha512: str) -> bool:
    """Whether `storage` holds `name` with exactly this size and SHA-512 (read in chunks)."""
    try:
        if not storage.exists(name) or storage.size(name) != size:
            return False
        digest = hashlib.sha512()
        with storage.open(name, "rb") as stored:
            for chunk in iter(lambda: stored.read(READ_CHUNK_BYTES), b""):
                digest.update(chunk)
    except Exception as exc:
        raise StorageFailure(f"Could not read {name!r} from the lifeboats storage: {exc}") from exc
    return digest.hexdigest() == sha512


def stored_size(storage: Storage, name: str) -> int | None:
    """The size of `name` in storage, or None if it is not there."""
    try:
        if not storage.exists(name):
            return None
        return storage.size(name)
    except Exception as exc:
        raise StorageFailure(f"Could not read {name!r} from the lifeboats storage: {exc}") from exc


@contextlib.contextmanager
def storage_writer(storage: Storage, name: str) -> Iterator[BinaryIO]:
    """A binary file to write `name` into; it appears in storage only if the block succeeds.

    Used for the package: written into a temporary file, then put in place like media.
    """
    with _partial_file(storage) as partial_path:
        try:
            out = open(partial_path, "w+b")  # noqa: SIM115 - closed below, before the move
        except OSError as exc:
            raise StorageFailure(f"Could not start writing {name!r}: {exc}") from exc
        try:
            yield out
        finally:
            out.close()
        _put_in_place(storage, name, partial_path)


# --- internals --------------------------------------------------------------------------------


def _local_root(storage: Storage) -> Path | None:
    """The storage's folder on this machine, or None for remote storage such as S3."""
    try:
        return Path(storage.path(""))
    except NotImplementedError:
        return None


@contextlib.contextmanager
def _partial_file(storage: Storage) -> Iterator[str]:
    """A temporary file path, on the same filesystem as the storage when it is local (so that
    putting it in place is a rename); removed afterwards if it was not moved."""
    root = _local_root(storage)
    folder: Path | None = None
    if root is not None:
        folder = root / PARTIAL_FOLDER
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageFailure(f"Could not create {str(folder)!r}: {exc}") from exc
    try:
        handle, path = tempfile.mkstemp(prefix="download-", dir=folder)
    except OSError as exc:
        raise StorageFailure(f"Could not create a temporary file for a download: {exc}") from exc
    os.close(handle)
    try:
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


class _MovableFile(File):
    """A finished temporary file: FileSystemStorage renames it into place instead of copying."""

    def __init__(self, path: str) -> None:
        super().__init__(open(path, "rb"), name=os.path.basename(path))  # noqa: SIM115
        self._path = path

    def temporary_file_path(self) -> str:
        return self._path


def _put_in_place(storage: Storage, name: str, partial_path: str) -> None:
    """Replace whatever is stored as `name` by the finished file at `partial_path`."""
    try:
        if storage.exists(name):
            storage.delete(name)
        with _MovableFile(partial_path) as content:
            saved = storage.save(name, content)
    except Exception as exc:
        raise StorageFailure(f"Could not write {name!r} to the lifeboats storage: {exc}") from exc
    if saved != name:
        raise StorageFailure(
            f"The lifeboats storage saved {name!r} as {saved!r}; it must not rename files "
            "(for S3, check that nothing else writes under the lifeboats/ prefix)"
        )
