"""`manage.py lookup_photo URL_OR_ID`: which lifeboats hold a Flickr photo (DESIGN 5.1)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from flickr.urls import UnrecognisedUrl, parse_photo_reference
from lifeboats.index import lifeboats_holding

BAD_INPUT_EXIT_CODE = 2


class Command(BaseCommand):
    help = (
        "Print, as JSON, the approved lifeboats that hold a Flickr photo (or left it out, and "
        "why). Accepts a photo id or any URL of a single photo; exits 2 for anything else."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "photo", metavar="URL_OR_ID", help="a photo id (53208249252) or a photo's Flickr URL"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            photo_id = parse_photo_reference(options["photo"])
        except UnrecognisedUrl as error:
            raise CommandError(str(error), returncode=BAD_INPUT_EXIT_CODE) from error
        answer = {"photo_id": photo_id, "lifeboats": lifeboats_holding(photo_id)}
        self.stdout.write(json.dumps(answer, indent=2, cls=DjangoJSONEncoder))
