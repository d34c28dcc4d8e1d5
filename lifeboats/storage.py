"""Where packages live: the `"lifeboats"` storage (filesystem by default, S3 when configured).

Every file a lifeboat owns in that storage sits under one folder, `lifeboats/<id>/`: the
package itself at `lifeboats/<id>/<slug>.zip`, and whatever the build keeps while it works
(`lifeboats/<id>/work/...`). Expiry deletes the whole folder, so nothing a build leaves
behind outlives the lifeboat's download window.
"""

from __future__ import annotations

import logging

from django.core.files.storage import FileSystemStorage, Storage, storages

from lifeboats.models import Lifeboat

logger = logging.getLogger(__name__)

STORAGE_ALIAS = "lifeboats"


def lifeboat_storage() -> Storage:
    """The storage packages are written to and downloaded from (`STORAGES["lifeboats"]`)."""
    return storages[STORAGE_ALIAS]


def lifeboat_folder(lifeboat: Lifeboat) -> str:
    """The folder, in the lifeboats storage, that holds everything of this lifeboat."""
    return f"lifeboats/{lifeboat.pk}"


def package_key(lifeboat: Lifeboat) -> str:
    """The name of the lifeboat's zip in the lifeboats storage: `lifeboats/<id>/<slug>.zip`.

    Only the id and the slug (letters, digits, hyphens) make it up, never free text.
    """
    return f"{lifeboat_folder(lifeboat)}/{lifeboat.slug or 'lifeboat'}.zip"


def work_prefix(lifeboat: Lifeboat) -> str:
    """Where a build may keep work files (media, cached responses) in the lifeboats storage."""
    return f"{lifeboat_folder(lifeboat)}/work"


def stored_package_name(lifeboat: Lifeboat) -> str:
    """The package's name as the builder recorded it, or where it would be by convention."""
    return lifeboat.package_path or package_key(lifeboat)


def package_exists(lifeboat: Lifeboat) -> bool:
    return lifeboat_storage().exists(stored_package_name(lifeboat))


def delete_package(lifeboat: Lifeboat) -> bool:
    """Delete the lifeboat's zip; True if there was one. Safe to call when it is already gone."""
    storage = lifeboat_storage()
    name = stored_package_name(lifeboat)
    if not storage.exists(name):
        return False
    storage.delete(name)
    logger.info("Deleted the package %s of lifeboat %s", name, lifeboat.pk)
    return True


def delete_lifeboat_files(lifeboat: Lifeboat) -> int:
    """Delete the package and every work file of the lifeboat; return how many files went.

    Idempotent: a second call finds nothing and deletes nothing.
    """
    deleted = int(delete_package(lifeboat))
    deleted += _delete_tree(lifeboat_storage(), lifeboat_folder(lifeboat))
    return deleted


def _delete_tree(storage: Storage, folder: str) -> int:
    """Delete every file under `folder` (and, on a filesystem, the emptied folders).

    S3 has no folders, only prefixes: listing a prefix nobody wrote to gives nothing.
    """
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    deleted = 0
    for file_name in files:
        storage.delete(f"{folder}/{file_name}")
        deleted += 1
    for directory in directories:
        deleted += _delete_tree(storage, f"{folder}/{directory}")
    if isinstance(storage, FileSystemStorage) and storage.exists(folder):
        storage.delete(folder)  # removes the now empty directory
    return deleted
