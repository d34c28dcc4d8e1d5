"""`manage.py flickr_url URL`: show what the portal makes of a Flickr URL (DESIGN 5.1, 5.4)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from flickr.urls import NotAFlickrUrl, UnrecognisedUrl, parse_flickr_url

BAD_INPUT_EXIT_CODE = 2


class Command(BaseCommand):
    help = (
        "Print, as JSON, what a Flickr URL points at (a photo, album, gallery, group pool, "
        "tag or member). Exits 2 for a URL that is not Flickr's or that names nothing to collect."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="a Flickr URL, such as https://flic.kr/p/2p4QbKN")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            parsed = parse_flickr_url(options["url"])
        except (NotAFlickrUrl, UnrecognisedUrl) as error:
            raise CommandError(str(error), returncode=BAD_INPUT_EXIT_CODE) from error
        self.stdout.write(json.dumps(parsed, indent=2, sort_keys=True))
