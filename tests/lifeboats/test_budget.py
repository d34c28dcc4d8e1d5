"""The shared Flickr budget: the database store, the choice of store, and the proof with
several processes that the budget holds across them (DESIGN 6.3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse

from flickr.ratelimit import (
    CombinedBudget,
    LocalBudget,
    RateBudget,
    RedisBudget,
    interval_for,
    most_calls_allowed,
    most_calls_in_any_window,
)
from lifeboats.budget import DatabaseBudget, database_now, shared_budget
from lifeboats.flickr_client import portal_flickr_client
from lifeboats.models import FlickrBudget

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"


# --- DatabaseBudget -----------------------------------------------------------------------


@pytest.mark.django_db
def test_database_budget_is_a_rate_budget():
    """DatabaseBudget satisfies the RateBudget protocol that FlickrClient takes."""
    assert isinstance(DatabaseBudget(3600), RateBudget)


@pytest.mark.django_db
def test_database_budget_creates_its_row_on_first_use():
    """The first reservation creates the row and grants the current moment."""
    wait = DatabaseBudget(3600, name="first-use").reserve()
    row = FlickrBudget.objects.get(name="first-use")
    assert wait == 0.0
    assert row.next_free_at == pytest.approx(database_now() + 1.0, abs=0.5)


@pytest.mark.django_db
def test_database_budget_spaces_reservations_by_the_interval():
    """A reservation right after another waits one interval, less the time in between."""
    budget = DatabaseBudget(3600, name="spacing")
    budget.reserve()
    assert 0.5 < budget.reserve() <= 1.0


@pytest.mark.django_db
def test_database_budget_honours_a_slot_reserved_by_another_process():
    """A slot already taken in the row (by any process) makes the next caller wait for it."""
    FlickrBudget.objects.create(name="taken", next_free_at=database_now() + 30.0)
    assert DatabaseBudget(3600, name="taken").reserve() == pytest.approx(30.0, abs=0.5)


@pytest.mark.django_db
def test_database_budgets_with_different_names_are_independent():
    """Each name is its own budget: a busy one does not delay another."""
    DatabaseBudget(3600, name="busy").reserve()
    assert DatabaseBudget(3600, name="idle").reserve() == 0.0


@pytest.mark.django_db
def test_database_budget_acquire_sleeps_until_the_slot_and_counts():
    """acquire() sleeps for the reserved wait, and `granted` counts the calls."""
    sleeps: list[float] = []
    budget = DatabaseBudget(3600, name="sleepy", sleep=sleeps.append)
    budget.acquire()
    budget.acquire()
    assert len(sleeps) == 1
    assert 0.5 < sleeps[0] <= 1.0
    assert budget.granted == 2


@pytest.mark.django_db
def test_database_budget_refuses_a_rate_that_is_not_positive():
    """A budget of zero calls an hour is a configuration error, named as such."""
    with pytest.raises(ValueError, match="FLICKR_RATE_LIMIT_PER_HOUR"):
        DatabaseBudget(0)


@pytest.mark.django_db
def test_database_now_is_the_current_time():
    """The database clock reads as seconds since the epoch, close to this machine's clock."""
    assert database_now() == pytest.approx(time.time(), abs=2.0)


# --- shared_budget ------------------------------------------------------------------------


def test_shared_budget_is_the_database_without_redis(settings):
    """Without REDIS_URL, every worker shares the database budget at the configured rate."""
    settings.REDIS_URL = ""
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 1234
    budget = shared_budget()
    assert isinstance(budget, DatabaseBudget)
    assert budget.rate_per_hour == 1234


def test_shared_budget_is_redis_when_configured(settings):
    """With REDIS_URL set, every worker shares the Redis budget at the configured rate."""
    settings.REDIS_URL = REDIS_URL
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 4321
    budget = shared_budget()
    assert isinstance(budget, RedisBudget)
    assert budget.rate_per_hour == 4321
    budget.close()


def test_a_client_with_a_share_keeps_to_it_inside_the_shared_budget(settings):
    """`portal_flickr_client(budget_percent=50)` paces itself at half the key's rate before
    asking the budget every worker shares; at 100 it uses the shared budget alone."""
    settings.REDIS_URL = ""
    settings.FLICKR_RATE_LIMIT_PER_HOUR = 3600

    with portal_flickr_client(budget_percent=50) as client:
        assert isinstance(client.budget, CombinedBudget)
        own_share, key_wide = client.budget.budgets
        assert isinstance(own_share, LocalBudget)
        assert own_share.rate_per_hour == 1800
        assert isinstance(key_wide, DatabaseBudget)
        assert key_wide.rate_per_hour == 3600
    with portal_flickr_client() as client:
        assert isinstance(client.budget, DatabaseBudget)


@pytest.mark.parametrize("percent", [0, 101])
def test_a_share_of_the_budget_is_a_percentage(percent):
    with pytest.raises(ValueError, match="between 1 and 100"):
        portal_flickr_client(budget_percent=percent)


# --- admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_lists_budgets_with_their_next_free_slot(admin_client):
    """The admin list shows each budget's name and next free slot."""
    FlickrBudget.objects.create(name="flickr-api", next_free_at=1_800_000_000.0)
    response = admin_client.get(reverse("admin:lifeboats_flickrbudget_changelist"))
    assert response.status_code == 200
    assert b"flickr-api" in response.content
    assert b"2027" in response.content  # 1,800,000,000 s is in January 2027


@pytest.mark.django_db
def test_admin_does_not_let_anyone_add_a_budget(admin_client):
    """Budgets are written by workers only: the admin has no add page."""
    response = admin_client.get(reverse("admin:lifeboats_flickrbudget_add"))
    assert response.status_code == 403


# --- Several processes sharing one budget (DESIGN 6.3) ------------------------------------
#
# For each store, three worker processes run at once for DURATION seconds at RATE: two share
# one budget and one has a budget of its own. Each records the moment every acquire()
# returned. The workers of both stores run side by side, so the wall time is one run.

RATE = 36_000  # calls an hour: one every 0.1 s
DURATION = 12.0
START_MARGIN = 0.2  # seconds between the last worker being ready and the common start
WINDOWS = (10.0, 10.5, 11.0, 11.5)


@dataclass(frozen=True)
class Worker:
    store: str
    name: str
    env: dict[str, str]
    migrate: bool = False

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "tests.lifeboats.budget_worker"]
        command += [self.store, self.name, str(RATE), str(DURATION)]
        return [*command, "--migrate"] if self.migrate else command


@dataclass(frozen=True)
class WorkerRun:
    started: float
    stamps: list[float]


@dataclass(frozen=True)
class SharedRun:
    pair: tuple[WorkerRun, WorkerRun]
    solo: WorkerRun


def run_side_by_side(workers: list[Worker]) -> list[WorkerRun]:
    """Start the workers, let them all begin at one moment once ready, collect their runs."""
    processes = [
        subprocess.Popen(
            worker.command(),
            cwd=PROJECT_DIR,
            env={**os.environ, **worker.env},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in workers
    ]
    try:
        ready = [process.stdout.readline().strip() for process in processes]
        start_at = time.time() + START_MARGIN
        for process, said in zip(processes, ready, strict=True):
            if said == "ready":
                process.stdin.write(f"{start_at!r}\n")
                process.stdin.flush()
        outputs = [process.communicate(timeout=DURATION + 60) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    return [
        finished_run(process, *output) for process, output in zip(processes, outputs, strict=True)
    ]


def finished_run(process: subprocess.Popen, stdout: str, stderr: str) -> WorkerRun:
    assert process.returncode == 0, f"budget worker failed:\n{stderr}"
    report = json.loads(stdout)
    return WorkerRun(started=report["started"], stamps=report["stamps"])


def in_memory_sqlite() -> bool:
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def refuse_unless_test_database() -> None:
    """Stop before worker processes write to a database that is not the test database."""
    name = str(connection.settings_dict["NAME"])
    test_name = connection.settings_dict["TEST"]["NAME"]
    if not (in_memory_sqlite() or name.startswith("test_") or name == test_name):
        raise RuntimeError(f"The budget workers would write to {name!r}, not a test database")


def database_workers(tmp_path: Path) -> list[Worker]:
    """Workers on the test database; on a file beside it if the test database is in memory."""
    refuse_unless_test_database()
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    database = {key: connection.settings_dict[key] for key in keys}
    if in_memory_sqlite():
        # Other processes cannot open this process's in-memory database: give them a file,
        # whose table the first worker creates before it says it is ready.
        database["NAME"] = str(tmp_path / "budget.sqlite3")
    env = {**worker_env(tmp_path), "BUDGET_TEST_DATABASE": json.dumps(database)}
    shared, solo = f"shared-{uuid.uuid4().hex}", f"solo-{uuid.uuid4().hex}"
    return [
        Worker("database", shared, env, migrate=in_memory_sqlite()),
        Worker("database", shared, env),
        Worker("database", solo, env),
    ]


def redis_workers(tmp_path: Path) -> list[Worker]:
    env = {**worker_env(tmp_path), "BUDGET_TEST_REDIS_URL": REDIS_URL}
    shared = f"flickr:budget:test:shared-{uuid.uuid4().hex}"
    solo = f"flickr:budget:test:solo-{uuid.uuid4().hex}"
    return [Worker("redis", shared, env), Worker("redis", shared, env), Worker("redis", solo, env)]


def worker_env(tmp_path: Path) -> dict[str, str]:
    """Environment for the workers: test settings, and a temporary folder pytest cleans."""
    return {"DJANGO_SETTINGS_MODULE": "tests.settings", "TMPDIR": str(tmp_path)}


def redis_is_running() -> bool:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
    finally:
        client.close()


@pytest.fixture(scope="module")
def shared_runs(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict]:
    """The runs of the database workers and, if Redis is running, of the Redis workers."""
    workers = {"database": database_workers(tmp_path_factory.mktemp("database-workers"))}
    if redis_is_running():
        workers["redis"] = redis_workers(tmp_path_factory.mktemp("redis-workers"))
    runs = iter(run_side_by_side([worker for group in workers.values() for worker in group]))
    yield {store: SharedRun(pair=(next(runs), next(runs)), solo=next(runs)) for store in workers}
    names = [worker.name for worker in workers["database"]]
    with django_db_blocker.unblock():
        FlickrBudget.objects.filter(name__in=names).delete()
    if "redis" in workers:
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(*{worker.name for worker in workers["redis"]})
        client.close()


@pytest.fixture(params=["database", "redis"])
def shared_run(request, shared_runs) -> SharedRun:
    if request.param not in shared_runs:
        pytest.skip(f"missing dependency: no Redis server at {REDIS_URL}")
    return shared_runs[request.param]


def share_of_budget_used(run: WorkerRun) -> float:
    """Calls made, over the calls the budget allowed from the start to the last call."""
    slots_available = (run.stamps[-1] - run.started) / interval_for(RATE) + 1
    return len(run.stamps) / slots_available


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_together_never_exceed_the_budget_in_any_window(shared_run):
    """Two processes sharing a budget never make more calls than it allows in 10 s or more.

    The granted slots are exactly one interval apart, so a half-open window holds at most
    its share of slots. A call is observed a little after its slot (waking from sleep, the
    commit), by less than one interval, so a window of observed calls spans slots from a
    window one interval longer: that is the one call allowed on top, and no more.
    """
    stamps = shared_run.pair[0].stamps + shared_run.pair[1].stamps
    for window in WINDOWS:
        assert most_calls_in_any_window(stamps, window) <= most_calls_allowed(RATE, window) + 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_really_share_the_budget(shared_run):
    """Both processes get a fair part of the calls (the test above is not one process alone)."""
    first, second = (len(run.stamps) for run in shared_run.pair)
    assert min(first, second) >= (first + second) / 3


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_processes_together_use_the_budget_fully(shared_run):
    """Two processes with work use at least 90 % of the budget they share."""
    pair = shared_run.pair
    together = WorkerRun(
        started=min(run.started for run in pair),
        stamps=sorted(pair[0].stamps + pair[1].stamps),
    )
    assert share_of_budget_used(together) >= 0.9


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_single_process_uses_at_least_90_percent_of_the_budget(shared_run):
    """A process alone on a budget, with work to do, uses at least 90 % of it."""
    assert share_of_budget_used(shared_run.solo) >= 0.9
