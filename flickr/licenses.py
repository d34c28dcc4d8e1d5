"""Flickr's licences, by the stable ids the Lifeboat format uses (DESIGN 5.5).

Flickr numbers its licences 0-16; the package and the portal speak of them by id
(`cc-by-2.0`, `nkcr`, ...). A number Flickr adds later becomes `unknown-<n>` and is
flagged for review rather than crashing a build.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    id: str
    label: str
    url: str


# Flickr's numeric licence id -> our licence, in Flickr's order (flickr.photos.licenses.getInfo).
LICENCES_BY_FLICKR_NUMBER: dict[int, Licence] = {
    number: Licence(id=licence_id, label=label, url=url)
    for number, (licence_id, label, url) in enumerate(
        [
            (
                "all-rights-reserved",
                "All Rights Reserved",
                "https://www.flickrhelp.com/hc/en-us/articles/10710266545556-Using-Flickr-images-shared-by-other-members",
            ),
            (
                "cc-by-nc-sa-2.0",
                "CC BY-NC-SA 2.0",
                "https://creativecommons.org/licenses/by-nc-sa/2.0/",
            ),
            ("cc-by-nc-2.0", "CC BY-NC 2.0", "https://creativecommons.org/licenses/by-nc/2.0/"),
            (
                "cc-by-nc-nd-2.0",
                "CC BY-NC-ND 2.0",
                "https://creativecommons.org/licenses/by-nc-nd/2.0/",
            ),
            ("cc-by-2.0", "CC BY 2.0", "https://creativecommons.org/licenses/by/2.0/"),
            ("cc-by-sa-2.0", "CC BY-SA 2.0", "https://creativecommons.org/licenses/by-sa/2.0/"),
            ("cc-by-nd-2.0", "CC BY-ND 2.0", "https://creativecommons.org/licenses/by-nd/2.0/"),
            ("nkcr", "No known copyright restrictions", "https://www.flickr.com/commons/usage/"),
            ("usgov", "United States Government Work", "https://www.usa.gov/government-copyright"),
            (
                "cc0-1.0",
                "Public Domain Dedication (CC0)",
                "https://creativecommons.org/publicdomain/zero/1.0/",
            ),
            ("pdm", "Public Domain Mark", "https://creativecommons.org/publicdomain/mark/1.0/"),
            ("cc-by-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
            ("cc-by-sa-4.0", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
            ("cc-by-nd-4.0", "CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
            ("cc-by-nc-4.0", "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
            (
                "cc-by-nc-sa-4.0",
                "CC BY-NC-SA 4.0",
                "https://creativecommons.org/licenses/by-nc-sa/4.0/",
            ),
            (
                "cc-by-nc-nd-4.0",
                "CC BY-NC-ND 4.0",
                "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            ),
        ]
    )
}
LICENCES_BY_ID: dict[str, Licence] = {lic.id: lic for lic in LICENCES_BY_FLICKR_NUMBER.values()}
FLICKR_NUMBER_BY_ID: dict[str, int] = {
    lic.id: number for number, lic in LICENCES_BY_FLICKR_NUMBER.items()
}
UNKNOWN_PREFIX = "unknown-"


def licence_id_for_number(number: int | str) -> str:
    """Map Flickr's numeric licence to our id; an unseen number becomes `unknown-<n>`."""
    try:
        return LICENCES_BY_FLICKR_NUMBER[int(number)].id
    except (KeyError, ValueError):
        return f"{UNKNOWN_PREFIX}{number}"


def is_unknown(licence_id: str) -> bool:
    return licence_id.startswith(UNKNOWN_PREFIX)


def licence_label(licence_id: str) -> str:
    licence = LICENCES_BY_ID.get(licence_id)
    return licence.label if licence else f"Unknown licence ({licence_id})"
