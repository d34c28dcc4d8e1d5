"""Shared set-up for the build benchmarks: a throwaway database, a sandbox process, a lifeboat.

Each benchmark script runs the portal's own code against:

* a **throwaway database**: a SQLite file in a temporary folder, or a PostgreSQL database
  (`lb_bench_<script>` on the local server by default) that the script creates, migrates and drops;
* the **Flickr sandbox in its own process** (`SandboxProcess`), so that the process being
  measured holds only portal code, and killing it leaves the sandbox running. The sandbox
  can log every REST call and media request it serves, with the time and the API key;
* an **approved lifeboat** made through the portal's services, as a member and a foundation
  admin would: the organisation's agreement is published, signed and approved
  (`legal.services`), the licence policy includes every licence (so no photo waits for
  consent), `lifeboat_create` resolves the URLs, then `lifeboat_submit` and
  `lifeboat_approve`.

Configuration goes through the environment that `portal/settings.py` reads, so child
processes (workers, `manage.py qcluster`) get the same settings by inheriting it.

    python bench/_common.py sandbox --photos N [--seed S] [--log FILE] [--latency-ms MS]
                                    [--commons-members M]

runs the logging sandbox in the foreground (the scripts start it this way); it prints one
JSON line with its URLs once it listens.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_DIR / "bench"
PYTHON = sys.executable
if str(PROJECT_DIR) not in sys.path:
    sys.path.insert(0, str(PROJECT_DIR))

DEFAULT_POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
# One database per script (lb_bench_two_workers, ...), so that two benchmarks can run at once.
DEFAULT_POSTGRES_NAME = f"lb_bench_{Path(sys.argv[0]).stem.lstrip('_')}"
DATABASE_KINDS = ("sqlite", "postgres")


# --- the throwaway database -------------------------------------------------------------------


@dataclass
class ThrowawayDatabase:
    """A database for one benchmark run: `url` for DATABASE_URL; `drop()` removes it."""

    kind: str
    url: str
    postgres_server: str = DEFAULT_POSTGRES_SERVER
    postgres_name: str = DEFAULT_POSTGRES_NAME

    @classmethod
    def create(
        cls, kind: str, folder: Path, *, postgres_name: str = DEFAULT_POSTGRES_NAME
    ) -> ThrowawayDatabase:
        if kind == "sqlite":
            return cls(kind, f"sqlite:///{folder / 'bench.sqlite3'}")
        if kind != "postgres":
            raise ValueError(f"The database is 'sqlite' or 'postgres', got {kind!r}")
        server = os.environ.get("BENCH_POSTGRES_SERVER", DEFAULT_POSTGRES_SERVER).rstrip("/")
        database = cls(kind, f"{server}/{postgres_name}", server, postgres_name)
        database._run_admin_sql(
            f'DROP DATABASE IF EXISTS "{postgres_name}" WITH (FORCE)',
            f'CREATE DATABASE "{postgres_name}"',
        )
        return database

    def drop(self) -> None:
        if self.kind == "postgres":
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            self._run_admin_sql(f'DROP DATABASE IF EXISTS "{self.postgres_name}" WITH (FORCE)')

    def _run_admin_sql(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.postgres_server}/postgres", autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)  # type: ignore[arg-type]


def add_database_arguments(parser: argparse.ArgumentParser, *, default: str = "sqlite") -> None:
    parser.add_argument(
        "--database",
        choices=DATABASE_KINDS,
        default=default,
        help="a SQLite file in a temporary folder, or the PostgreSQL database "
        f"{DEFAULT_POSTGRES_NAME} "
        f"(created and dropped; server from BENCH_POSTGRES_SERVER, default "
        f"{DEFAULT_POSTGRES_SERVER}) (default: {default})",
    )


# --- settings, through the environment portal/settings.py reads --------------------------------


def bench_environment(
    *,
    database_url: str,
    media_root: Path,
    api_url: str = "http://127.0.0.1:9/services/rest/",
    rate_per_hour: int = 3600,
    api_key: str = "bench",
) -> dict[str, str]:
    """The environment for this process and its children: the project's settings module,
    pointed at the throwaway database, storage folder and sandbox."""
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_READ_DOTENV": "0",  # a developer's .env must not leak into the figures
        "DEBUG": "0",
        "SECRET_KEY": "benchmarks-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "LIFEBOAT_STORAGE": "filesystem",
        "FLICKR_API_URL": api_url,
        "FLICKR_API_KEY": api_key,
        "FLICKR_RATE_LIMIT_PER_HOUR": str(rate_per_hour),
        "REDIS_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(PROJECT_DIR),
    }


def setup_django(environment: dict[str, str], *, migrate: bool = False) -> None:
    """Configure Django in this process from `environment` (and migrate, if asked)."""
    os.environ.update(environment)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


# --- the sandbox in its own process -------------------------------------------------------------


class SandboxProcess:
    """`python bench/_common.py sandbox ...` in a child process; stopped on exit."""

    def __init__(
        self,
        *,
        photos: int,
        seed: int = 1,
        log: Path | None = None,
        latency_ms: float = 0,
        commons_members: int | None = None,
    ) -> None:
        command = [PYTHON, str(Path(__file__)), "sandbox", "--photos", str(photos)]
        command += ["--seed", str(seed), "--latency-ms", str(latency_ms)]
        if commons_members is not None:
            command += ["--commons-members", str(commons_members)]
        if log is not None:
            command += ["--log", str(log)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, text=True, cwd=PROJECT_DIR, start_new_session=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"The sandbox did not start (exit code {self.process.wait()!r}).")
        urls = json.loads(line)
        self.url: str = urls["url"]
        self.api_url: str = urls["api_url"]

    def stats(self) -> dict[str, Any]:
        import httpx

        return httpx.get(f"{self.url}/sandbox/stats", timeout=30).json()

    def total_calls(self) -> int:
        return int(self.stats()["total_calls"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@dataclass(frozen=True)
class LoggedRequest:
    """One line of the sandbox's log: a REST call (`method`) or a media request (`media`)."""

    at: float
    kind: str  # "rest" or "media"
    method: str
    photo_id: str
    api_key: str


def read_sandbox_log(path: Path) -> list[LoggedRequest]:
    requests = []
    for line in path.read_text().splitlines():
        at, kind, method, photo_id, api_key = line.split("\t")
        requests.append(LoggedRequest(float(at), kind, method, photo_id, api_key))
    return requests


def serve_logging_sandbox(
    photos: int,
    seed: int,
    log: Path | None,
    latency_ms: float,
    commons_members: int | None = None,
) -> None:
    """Serve a sandbox that appends `time kind method photo_id api_key` for every request."""
    from flickr.sandbox.data import SandboxWorld
    from flickr.sandbox.server import STATIC_PATH, VIDEO_PATH, SandboxServer

    log_file = open(log, "a", buffering=1) if log else None  # noqa: SIM115 (open while serving)
    log_lock = threading.Lock()

    def write(kind: str, method: str, photo_id: str, api_key: str, at: float = 0.0) -> None:
        if log_file is not None:
            line = f"{at or time.time():.6f}\t{kind}\t{method}\t{photo_id}\t{api_key}\n"
            with log_lock:
                log_file.write(line)

    class LoggingSandbox(SandboxServer):
        def handle_rest(self, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            received = time.time()
            status, headers, body = super().handle_rest(params)
            if status != 429:
                method, photo_id = params.get("method", ""), params.get("photo_id", "")
                write("rest", method, photo_id, params.get("api_key", ""), at=received)
            return status, headers, body

        def handle_static(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
            answer = super().handle_static(path)
            match = STATIC_PATH.match(path)
            if answer is not None and match is not None:
                write("media", "static", match.group(2), "")
            return answer

        def handle_video(self, path: str) -> tuple[int, dict[str, str], bytes] | None:
            answer = super().handle_video(path)
            match = VIDEO_PATH.match(path)
            if answer is not None and match is not None:
                write("media", "video", match.group(1), "")
            return answer

    world = SandboxWorld.generate(photos=photos, seed=seed, commons_members=commons_members)
    server = LoggingSandbox(world, latency_ms=latency_ms).start()
    print(json.dumps({"url": server.url, "api_url": server.api_url}), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()


# --- an approved lifeboat, through the services --------------------------------------------------


def approved_lifeboat(urls: list[str], *, api_url: str, name: str = "Bench lifeboat") -> Any:
    """A lifeboat of `urls` resolved on the sandbox and approved, as the portal's users would
    have it: the organisation signs the current agreement, a member creates and submits the
    request, a foundation admin approves it (which queues its build after the commit)."""
    from django.utils import timezone

    from flickr.client import FlickrClient
    from legal.models import AgreementVersion
    from legal.services import agreement_publish, agreement_sign, signature_approve
    from lifeboats.services import lifeboat_approve, lifeboat_create, lifeboat_submit
    from portal.models import Membership, Organisation, User

    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    organisation, created = Organisation.objects.get_or_create(
        slug="bench-archive",
        defaults={"name": "Bench Archive", "status": Organisation.Status.APPROVED},
    )
    member, _ = User.objects.get_or_create(
        username="bench-member", defaults={"first_name": "Bea", "last_name": "Bench"}
    )
    Membership.objects.get_or_create(
        organisation=organisation, user=member, defaults={"role": Membership.Role.MANAGER}
    )
    if created:
        version = AgreementVersion.objects.current() or agreement_publish(
            label="bench-1",
            text_markdown="# Agreement\n\nThe archive keeps its lifeboats safe.",
            effective_on=timezone.localdate(),
            by=admin,
        )
        signature = agreement_sign(
            organisation,
            version=version,
            by=member,
            signer_name="Bea Bench",
            signer_title="Head of Collections",
            ip="192.0.2.10",
        )
        signature_approve(signature, by=admin)
        include_every_licence(admin)
    with FlickrClient(api_key="bench", api_url=api_url) as client:
        lifeboat = lifeboat_create(
            organisation=organisation,
            by=member,
            name=name,
            purpose="Measure how the portal builds lifeboats.",
            readme_future="These photos come from the Flickr sandbox's generated world.",
            urls=urls,
            client=client,
        )
    lifeboat_submit(lifeboat, by=member)
    return lifeboat_approve(lifeboat, by=admin)


def include_every_licence(admin: Any) -> None:
    """The licence policy, as an admin would set it in the Django admin: include every
    licence, the sandbox's unknown ones too, so that no photo waits for its photographer's
    consent. The benchmarks measure the build; the consent workflow has its own tests."""
    from flickr.licenses import LICENCES_BY_ID
    from legal.models import LicenceDecision, LicencePolicy

    for licence_id in [*LICENCES_BY_ID, "unknown-99", "unknown-100"]:
        LicencePolicy.objects.update_or_create(
            licence_id=licence_id,
            defaults={
                "decision": LicenceDecision.INCLUDE,
                "note": "Benchmarks: every photo of the sandbox is included.",
                "updated_by": admin,
            },
        )


def sandbox_client(api_url: str, *, api_key: str = "bench") -> Any:
    """A client on the sandbox with no rate budget (for call counts and memory)."""
    from flickr.client import FlickrClient

    return FlickrClient(api_key=api_key, api_url=api_url)


# --- small helpers ------------------------------------------------------------------------------


@contextlib.contextmanager
def work_folder(keep: bool = False) -> Iterator[Path]:
    """A temporary folder for the database file, storage and logs."""
    folder = Path(tempfile.mkdtemp(prefix="lifeboat-bench-"))
    try:
        yield folder
    finally:
        if not keep:
            subprocess.run(["rm", "-rf", str(folder)], check=False)


def today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the logging Flickr sandbox.")
    commands = parser.add_subparsers(dest="command", required=True)
    sandbox = commands.add_parser("sandbox", help="serve the sandbox, logging every request")
    sandbox.add_argument("--photos", type=int, default=200)
    sandbox.add_argument("--seed", type=int, default=1)
    sandbox.add_argument("--log", type=Path)
    sandbox.add_argument("--latency-ms", type=float, default=0)
    sandbox.add_argument(
        "--commons-members", type=int, help="a Commons of N members owning every photo"
    )
    args = parser.parse_args(argv)
    serve_logging_sandbox(
        args.photos, args.seed, args.log, args.latency_ms, commons_members=args.commons_members
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
