"""`python manage.py flickr_sandbox`: serve the fake Flickr in the foreground (DESIGN 6.5)."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError

from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.server import SandboxServer


class Command(BaseCommand):
    help = (
        "Serve a deterministic fake Flickr (REST, static images, OAuth) for development and tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100, help="0 picks a free port.")
        parser.add_argument("--photos", type=int, default=200, help="How many photos to generate.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same world.")
        parser.add_argument(
            "--commons-members",
            type=int,
            default=None,
            metavar="N",
            help="Give the world a Flickr Commons of N members who own every photo "
            "(default: the usual world, whose Commons has 3 members).",
        )
        parser.add_argument("--latency-ms", type=float, default=0, help="Delay every REST call.")
        parser.add_argument(
            "--error-rate", type=float, default=0.0, help="Fraction of REST calls that fail (0-1)."
        )
        parser.add_argument(
            "--rate-limit-per-hour", type=int, default=None, help="Answer 429 past this many calls."
        )
        parser.add_argument("--api-key", default=None, help="Refuse other keys with error 100.")

    def handle(self, *args, **options):
        try:
            world = SandboxWorld.generate(
                photos=options["photos"],
                seed=options["seed"],
                commons_members=options["commons_members"],
            )
            sandbox = SandboxServer(
                world,
                host=options["host"],
                port=options["port"],
                latency_ms=options["latency_ms"],
                error_rate=options["error_rate"],
                rate_limit_per_hour=options["rate_limit_per_hour"],
                api_key=options["api_key"],
            )
            sandbox.start()
        except (ValueError, OSError) as error:
            raise CommandError(f"The Flickr sandbox cannot start: {error}") from error
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        self.print_banner(sandbox)
        try:
            sandbox.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
            self.stdout.write("Flickr sandbox stopped.")
            self.stdout.flush()

    def print_banner(self, sandbox: SandboxServer) -> None:
        world = sandbox.world
        lines = [
            f"Flickr sandbox: {world.photo_count} photos (seed {world.seed}) at {sandbox.url}",
            f"  export FLICKR_API_URL={sandbox.api_url}",
            f"  export FLICKR_OAUTH_URL={sandbox.oauth_url}",
            f"  call counts: {sandbox.url}/sandbox/stats",
            *self.commons_lines(world),
            "Example Flickr URLs that work against it:",
            *(f"  {label:<28} {url}" for label, url in world.example_urls()),
            "Ctrl-C stops it.",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()

    def commons_lines(self, world: SandboxWorld) -> list[str]:
        """How many Commons members, and the photostreams of the biggest and the smallest."""
        members = sorted(
            world.commons_members(), key=lambda member: len(world.indices_owned_by(member.nsid))
        )
        lines = [f"Flickr Commons: {len(members)} members (flickr.commons.getInstitutions)"]
        for label, member in (("biggest", members[-1]), ("smallest", members[0])):
            photos = len(world.indices_owned_by(member.nsid))
            lines.append(f"  {label + ' member':<28} {member.photos_url} ({photos:,} photos)")
        return lines


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt
