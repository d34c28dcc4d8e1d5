"""The Lifeboat package, format v1 (DESIGN 5.5): a zip holding one BagIt 1.0 bag.

`write_package` is pure work: it takes plain data (the dataclasses below, an iterable of
photos, a function that opens stored media) and streams the zip to a binary file. The builder
gathers that data from the database; see docs/package-format.md for the format itself.
"""

from lifeboats.package.metadata import PhotoContext, photo_context_from_record, read_js_file
from lifeboats.package.writer import (
    PackageAgreement,
    PackageCreator,
    PackageError,
    PackageLifeboat,
    PackagePhoto,
    PackageResult,
    PackageSoftware,
    PhotoConsent,
    ReadmeAnswers,
    StoredFile,
    write_package,
)

__all__ = [
    "PackageAgreement",
    "PackageCreator",
    "PackageError",
    "PackageLifeboat",
    "PackagePhoto",
    "PackageResult",
    "PackageSoftware",
    "PhotoConsent",
    "PhotoContext",
    "ReadmeAnswers",
    "StoredFile",
    "photo_context_from_record",
    "read_js_file",
    "write_package",
]
