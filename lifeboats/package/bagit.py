"""The BagIt 1.0 tag files (RFC 8493) of a Lifeboat package, written from known digests.

The writer never runs a BagIt tool over the package: it knows every file's SHA-512 already
(media digests were taken when the builder stored them; generated files are hashed as they
are made), so the manifests are written from those. The `bagit` package's full validation is
what the tests use to check the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

__all__ = [
    "BAGIT_TXT",
    "bag_info_txt",
    "human_size",
    "manifest_txt",
    "payload_oxum",
]

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SHA512_HEX = re.compile(r"[0-9a-f]{128}", re.ASCII)
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9-]*", re.ASCII)


def payload_oxum(octets: int, streams: int) -> str:
    """`<octet count>.<stream count>` of the payload (RFC 8493, 2.2.2)."""
    return f"{octets}.{streams}"


def human_size(octets: int) -> str:
    """A Bag-Size such as `12.3 MB` (decimal units, as RFC 8493 suggests no particular one)."""
    size = float(octets)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{octets} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def tag_value(value: str) -> str:
    """One line of text for a bag-info.txt value: line breaks and runs of white space become
    one space, control characters go, so no value can start a new label."""
    return _WHITESPACE.sub(" ", _CONTROL.sub(" ", value)).strip()


def bag_info_txt(
    *,
    source_organization: str,
    contact_name: str,
    contact_email: str,
    external_description: str,
    external_identifier: str,
    bagging_date: date,
    payload_octets: int,
    payload_streams: int,
) -> bytes:
    """bag-info.txt with the fields of DESIGN 5.5, in that order; empty values are left out."""
    fields: dict[str, str] = {
        "Source-Organization": source_organization,
        "Contact-Name": contact_name,
        "Contact-Email": contact_email,
        "External-Description": external_description,
        "External-Identifier": external_identifier,
        "Bagging-Date": bagging_date.isoformat(),
        "Payload-Oxum": payload_oxum(payload_octets, payload_streams),
        "Bag-Size": human_size(payload_octets),
    }
    return _tag_file(fields)


def _tag_file(fields: Mapping[str, str]) -> bytes:
    lines = []
    for label, value in fields.items():
        if not _LABEL.fullmatch(label):
            raise ValueError(f"Not a bag-info.txt label: {label!r}")
        cleaned = tag_value(value)
        if cleaned:
            lines.append(f"{label}: {cleaned}\n")
    return "".join(lines).encode("utf-8")


def manifest_txt(entries: Iterable[tuple[str, str]]) -> bytes:
    """A manifest: one `<sha512> <path>` line per (path, digest), sorted by path.

    Paths are relative to the bag's root with forward slashes. RFC 8493 asks for CR, LF and
    `%` in paths to be percent-encoded; package paths are built from digits and fixed names,
    so any such character is refused rather than encoded.
    """
    lines = []
    for path, digest in sorted(entries):
        if not SHA512_HEX.fullmatch(digest):
            raise ValueError(f"Not a lower-case hex SHA-512 digest for {path!r}: {digest!r}")
        if any(character in path for character in "\r\n%\\") or path.startswith("/"):
            raise ValueError(f"Refusing an unsafe path in a manifest: {path!r}")
        lines.append(f"{digest} {path}\n")
    return "".join(lines).encode("utf-8")
