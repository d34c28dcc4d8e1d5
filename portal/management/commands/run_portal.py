"""Start everything a developer needs: the web server, the django-q2 workers (background tasks
and lifeboat builds) and, with no real Flickr key, the Flickr sandbox. Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Exit codes of a process that ended because it was told to: Ctrl-C or a polite kill.
STOPPED_AS_ASKED = {0, -signal.SIGINT, -signal.SIGTERM, 128 + signal.SIGINT}
SANDBOX_API_KEY = "sandbox-key"
SANDBOX_API_SECRET = "sandbox-secret"


@dataclass
class Service:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, port)) != 0


def manage(*args: str) -> list[str]:
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]


class Command(BaseCommand):
    help = (
        "Run the web server, a background worker and (without FLICKR_API_KEY) the Flickr sandbox."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--sandbox-port", type=int, default=8100)
        parser.add_argument("--sandbox-photos", type=int, default=500)
        parser.add_argument(
            "--sandbox-commons-members",
            type=int,
            default=None,
            metavar="N",
            help="Give the sandbox a Flickr Commons of N members who own every photo.",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        sandbox_port: int,
        sandbox_photos: int,
        sandbox_commons_members: int | None,
        **options,
    ):
        self.host, self.sandbox_port = host, sandbox_port
        services = self.plan(
            host, port, sandbox_port, sandbox_photos, commons_members=sandbox_commons_members
        )
        for service in services:
            if service.name in {"web", "sandbox"}:
                wanted = port if service.name == "web" else sandbox_port
                if not port_is_free(host, wanted):
                    raise CommandError(
                        f"Port {wanted} on {host} is already in use, so the {service.name} "
                        f"cannot start. Stop whatever is using it, or pass "
                        f"--{'port' if service.name == 'web' else 'sandbox-port'} with another."
                    )
        try:
            self.start_all(services)
        except BaseException:
            self.stop_all(services)
            raise
        self.stdout.write(self.style.SUCCESS(f"\nThe portal is running at http://{host}:{port}/"))
        self.stdout.write(
            "Log in with one of the demo accounts printed above. Ctrl-C stops everything.\n"
        )
        self.wait(services)

    def plan(
        self,
        host: str,
        port: int,
        sandbox_port: int,
        sandbox_photos: int,
        *,
        commons_members: int | None = None,
    ) -> list[Service]:
        env: dict[str, str] = {}
        services: list[Service] = []
        if not settings.FLICKR_API_KEY:
            base = f"http://{host}:{sandbox_port}"
            env = {
                "FLICKR_API_KEY": SANDBOX_API_KEY,
                "FLICKR_API_SECRET": SANDBOX_API_SECRET,
                "FLICKR_API_URL": f"{base}/services/rest/",
                "FLICKR_OAUTH_URL": f"{base}/services/oauth/",
                # The sandbox is not the real Flickr: let demo builds go ten times faster.
                "FLICKR_RATE_LIMIT_PER_HOUR": os.environ.get("FLICKR_RATE_LIMIT_PER_HOUR", "36000"),
            }
            sandbox = [
                "flickr_sandbox",
                "--port",
                str(sandbox_port),
                "--photos",
                str(sandbox_photos),
            ]
            if commons_members is not None:
                sandbox += ["--commons-members", str(commons_members)]
            services.append(Service("sandbox", manage(*sandbox)))
        services.append(Service("worker", manage("qcluster"), env))
        # Lifeboat builds run in short chunk tasks on their own cluster (docs/building.md).
        services.append(Service("builder", manage("qcluster"), {**env, "Q_CLUSTER_NAME": "builds"}))
        services.append(Service("web", manage("runserver", f"{host}:{port}"), env))
        return services

    def start_all(self, services: list[Service]) -> None:
        for service in services:
            self.stdout.write(f"Starting {service.name}: {' '.join(service.argv[1:])}")
            service.process = subprocess.Popen(service.argv, env={**os.environ, **service.env})
            if service.name == "sandbox":
                self.wait_until_listening(service, self.sandbox_port)

    def wait_until_listening(self, service: Service, port: int, timeout: float = 60) -> None:
        """Let the sandbox print its example URLs before the others start talking to it."""
        deadline = time.monotonic() + timeout
        while port_is_free(self.host, port):
            assert service.process is not None
            if service.process.poll() is not None or time.monotonic() > deadline:
                raise CommandError(f"The {service.name} did not start; its output above says why.")
            time.sleep(0.2)

    def wait(self, services: list[Service]) -> None:
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        try:
            while not any(self.has_stopped(service) for service in services):
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping...")
        finally:
            self.stop_all(services)

    def has_stopped(self, service: Service) -> bool:
        """A service that ended on Ctrl-C (the terminal signals every process at once) stopped
        as asked; one that ended on its own failed, and takes the others down with it."""
        assert service.process is not None
        code = service.process.poll()
        if code is None:
            return False
        if code in STOPPED_AS_ASKED:
            self.stdout.write(f"\nThe {service.name} stopped; stopping the others...")
            return True
        raise CommandError(
            f"The {service.name} stopped (exit code {code}), so the others are stopped too. "
            "Its output above says why."
        )

    def stop_all(self, services: list[Service]) -> None:
        for service in reversed(services):
            if service.process and service.process.poll() is None:
                service.process.terminate()
        for service in services:
            if service.process:
                try:
                    service.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    service.process.kill()
        self.stdout.write("Stopped.")
