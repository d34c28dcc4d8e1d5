"""`python manage.py build_lifeboat URL [URL ...] --name NAME --purpose TEXT [--output FILE.zip]`

Builds a lifeboat here and now, without the request workflow: a foundation tool (DESIGN 5.1).
The URLs are resolved on the Flickr API at `FLICKR_API_URL` (the sandbox, or any compatible
server), the lifeboat is recorded as submitted and approved by the command, and the same
builder the workers run fetches the photos and writes the package to the lifeboats storage.

Exit codes: 0 the package is ready; 2 bad input (the message names the bad URL); 1 the build
failed (the message says why).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError

from lifeboats.builder import build_in_process
from lifeboats.errors import FlickrTrouble, LifeboatError
from lifeboats.flickr_client import portal_flickr_client
from lifeboats.models import Lifeboat, LifeboatStatus
from lifeboats.services import lifeboat_create
from lifeboats.states import move
from lifeboats.storage import lifeboat_storage
from portal.models import Membership, Organisation, User

FOUNDATION_SLUG = "flickr-foundation"
FOUNDATION_NAME = "Flickr Foundation"
COMMAND_USERNAME = "build-lifeboat"
APPROVAL_NOTE = "Built with the build_lifeboat command, outside the request workflow."

BAD_INPUT = 2
BUILD_FAILED = 1


class ProgressBar:
    """`[#####     ] 52/100 photos` redrawn in place on a terminal; elsewhere a plain line
    at every tenth of the way."""

    def __init__(self, write: Callable[[str], None], *, interactive: bool, width: int = 30):
        self.write = write
        self.interactive = interactive
        self.width = width
        self.last_tenth = -1

    def update(self, done: int, total: int) -> None:
        if self.interactive:
            filled = round(self.width * done / total) if total else self.width
            bar = "#" * filled + " " * (self.width - filled)
            self.write(f"\r[{bar}] {done}/{total} photos" + ("\n" if done >= total else ""))
            return
        tenth = (10 * done // total) if total else 10
        if tenth != self.last_tenth or done >= total:
            self.last_tenth = tenth
            self.write(f"{done}/{total} photos\n")


class Command(BaseCommand):
    help = (
        "Build a Data Lifeboat from Flickr URLs now, without the approval workflow "
        "(a foundation tool). Exit 0 on success, 2 on bad input, 1 on a failed build."
    )

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="+", metavar="URL", help="Flickr URLs to rescue")
        parser.add_argument("--name", required=True, help="the lifeboat's name")
        parser.add_argument("--purpose", required=True, help="why this lifeboat exists")
        parser.add_argument("--output", help="also copy the package to this .zip file")
        parser.add_argument(
            "--organisation",
            help=f"slug of the organisation it is built for (default: {FOUNDATION_SLUG!r}, "
            "created on first use)",
        )
        parser.add_argument(
            "--user",
            help=f"username recorded as its creator (default: {COMMAND_USERNAME!r}, "
            "created on first use)",
        )

    def handle(self, *args, urls, name, purpose, output, organisation, user, **options):
        if not purpose.strip():
            raise CommandError(
                "--purpose is empty: say why this lifeboat exists; it becomes the package's "
                "External-Description and opens its README.",
                returncode=BAD_INPUT,
            )
        output_path = self.checked_output(output)
        owner, creator = self.organisation_and_user(organisation, user)
        with portal_flickr_client() as client:
            try:
                lifeboat = lifeboat_create(
                    organisation=owner,
                    by=creator,
                    name=name,
                    purpose=purpose,
                    urls=urls,
                    client=client,
                )
            except LifeboatError as exc:
                raise CommandError(str(exc), returncode=BAD_INPUT) from exc
            except FlickrTrouble as exc:
                raise CommandError(exc.message, returncode=BUILD_FAILED) from exc
            self.approve(lifeboat, creator)
            self.stdout.write(f"Building {lifeboat.name!r} ({lifeboat.photos_total} photos)")
            progress = ProgressBar(self.write_now, interactive=self.stdout.isatty())
            lifeboat = build_in_process(
                lifeboat.pk,
                client=client,
                on_progress=lambda boat: progress.update(boat.photos_done, boat.photos_total),
            )
        if lifeboat.status != LifeboatStatus.READY:
            raise CommandError(
                f"The build of lifeboat {lifeboat.pk} failed: {lifeboat.failure_message}",
                returncode=BUILD_FAILED,
            )
        self.report(lifeboat, output_path)

    def write_now(self, text: str) -> None:
        self.stdout.write(text, ending="")
        self.stdout.flush()

    def checked_output(self, output: str | None) -> Path | None:
        if output is None:
            return None
        path = Path(output)
        if path.suffix.lower() != ".zip":
            raise CommandError(
                f"--output must name a .zip file, got {output!r}", returncode=BAD_INPUT
            )
        if not path.parent.is_dir():
            raise CommandError(
                f"--output {output!r}: the folder {str(path.parent)!r} does not exist",
                returncode=BAD_INPUT,
            )
        return path

    def organisation_and_user(
        self, slug: str | None, username: str | None
    ) -> tuple[Organisation, User]:
        if slug is None:
            organisation, _ = Organisation.objects.get_or_create(
                slug=FOUNDATION_SLUG,
                defaults={"name": FOUNDATION_NAME, "status": Organisation.Status.APPROVED},
            )
        else:
            named = Organisation.objects.filter(slug=slug).first()
            if named is None:
                raise CommandError(f"There is no organisation {slug!r}.", returncode=BAD_INPUT)
            organisation = named
        if username is None:
            user, _ = User.objects.get_or_create(
                username=COMMAND_USERNAME,
                defaults={
                    "display_name": "The build_lifeboat command",
                    "password": make_password(None),
                },
            )
        else:
            found = User.objects.filter(username=username).first()
            if found is None:
                raise CommandError(f"There is no user {username!r}.", returncode=BAD_INPUT)
            user = found
        Membership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": Membership.Role.STAFF}
        )
        return organisation, user

    def approve(self, lifeboat: Lifeboat, user: User) -> None:
        """Recorded as submitted and approved by the command, so the events say how it came."""
        move(lifeboat.pk, LifeboatStatus.SUBMITTED, actor=user, note=APPROVAL_NOTE)
        move(lifeboat.pk, LifeboatStatus.APPROVED, actor=user, note=APPROVAL_NOTE)

    def report(self, lifeboat: Lifeboat, output_path: Path | None) -> None:
        included = lifeboat.photos.included().count()
        excluded = lifeboat.photos.excluded().count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Lifeboat {lifeboat.pk} is ready: {included} photos included, "
                f"{excluded} excluded, {lifeboat.api_calls} Flickr API calls."
            )
        )
        self.stdout.write(
            f"Package: {lifeboat.package_path} in the lifeboats storage, "
            f"{lifeboat.package_size} bytes, SHA-256 {lifeboat.package_sha256}"
        )
        if output_path is not None:
            with (
                lifeboat_storage().open(lifeboat.package_path, "rb") as stored,
                open(output_path, "wb") as copy,
            ):
                shutil.copyfileobj(stored, copy, 1024 * 1024)
            self.stdout.write(f"Copied to {output_path}")
