"""The Flickr rate budget: slot arithmetic, the in-process budget and the Redis budget."""

from __future__ import annotations

import itertools
import math
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from flickr.ratelimit import (
    CombinedBudget,
    LocalBudget,
    RateBudget,
    RedisBudget,
    UnlimitedBudget,
    interval_for,
    most_calls_allowed,
    most_calls_in_any_window,
    reserve_slot,
)

REDIS_URL = "redis://127.0.0.1:6379/0"


class FakeTime:
    """A clock that only moves when something sleeps (or the test advances it)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def local_budget(rate_per_hour: float, fake: FakeTime) -> LocalBudget:
    return LocalBudget(rate_per_hour, clock=fake.clock, sleep=fake.sleep)


# --- interval_for -------------------------------------------------------------------------


def test_interval_spreads_the_hourly_rate_evenly():
    """3,600 calls an hour are one a second; 36,000 are one every tenth of a second."""
    assert interval_for(3600) == 1.0
    assert interval_for(36_000) == pytest.approx(0.1)


@pytest.mark.parametrize("rate", [0, -5, math.nan, math.inf])
def test_interval_refuses_a_rate_that_is_not_positive_and_finite(rate):
    """A zero, negative or non-finite rate is refused, naming the setting and the value."""
    with pytest.raises(ValueError, match="FLICKR_RATE_LIMIT_PER_HOUR") as error:
        interval_for(rate)
    assert repr(rate) in str(error.value)


@pytest.mark.parametrize("rate", ["3600", None, True])
def test_interval_refuses_a_rate_that_is_not_a_number(rate):
    """A string, None or a boolean is not a rate; the message shows what was given."""
    with pytest.raises(TypeError) as error:
        interval_for(rate)
    assert repr(rate) in str(error.value)


# --- reserve_slot -------------------------------------------------------------------------


def test_an_idle_budget_grants_the_current_moment():
    """When the next free slot is in the past, the slot is now."""
    assert reserve_slot(now=100.0, next_free=40.0, interval=1.0) == (100.0, 101.0)


def test_a_busy_budget_grants_the_next_free_slot():
    """When the next free slot is in the future, the caller gets it, however early it asks."""
    assert reserve_slot(now=100.0, next_free=103.5, interval=1.0) == (103.5, 104.5)


def test_idle_time_is_not_saved_up_as_a_burst():
    """After a long idle spell, two calls in the same instant are still one interval apart."""
    first, next_free = reserve_slot(now=5000.0, next_free=10.0, interval=2.0)
    second, _ = reserve_slot(now=5000.0, next_free=next_free, interval=2.0)
    assert second - first == 2.0


# --- windows ------------------------------------------------------------------------------


def test_most_calls_in_any_window_counts_the_busiest_window():
    """The busiest half-open window is found wherever it starts."""
    stamps = [0.0, 5.0, 20.0, 20.5, 21.0, 25.0, 29.9, 30.0, 45.0]
    assert most_calls_in_any_window(stamps, window=10.0) == 5  # 20.0 to 29.9, or 20.5 to 30.0


def test_most_calls_in_any_window_excludes_the_far_edge():
    """A call exactly one window after another falls outside the window it starts."""
    assert most_calls_in_any_window([0.0, 10.0, 20.0], window=10.0) == 1


def test_most_calls_in_any_window_accepts_unsorted_timestamps():
    """Timestamps gathered from several processes need not be sorted."""
    assert most_calls_in_any_window([3.0, 1.0, 2.0, 50.0], window=10.0) == 3


def test_most_calls_allowed_is_the_share_of_the_hourly_rate():
    """Ten seconds at 36,000 an hour hold 100 calls; a part of an interval rounds up."""
    assert most_calls_allowed(36_000, 10.0) == 100
    assert most_calls_allowed(3600, 10.5) == 11


# --- LocalBudget --------------------------------------------------------------------------


def test_local_budget_is_a_rate_budget():
    """LocalBudget satisfies the RateBudget protocol that FlickrClient takes."""
    assert isinstance(LocalBudget(3600), RateBudget)


def test_local_budget_grants_the_first_call_at_once():
    """The first call of an idle budget does not wait."""
    fake = FakeTime()
    local_budget(3600, fake).acquire()
    assert fake.sleeps == []


def test_local_budget_spaces_calls_by_the_interval():
    """Back-to-back calls each wait until one interval after the previous one."""
    fake = FakeTime()
    budget = local_budget(1800, fake)
    granted_at = []
    for _ in range(4):
        budget.acquire()
        granted_at.append(fake.now)
    assert [b - a for a, b in itertools.pairwise(granted_at)] == [2.0, 2.0, 2.0]


def test_local_budget_waits_only_for_what_is_left_of_the_interval():
    """A caller that did other work since its last call waits only for the remainder."""
    fake = FakeTime()
    budget = local_budget(3600, fake)
    budget.acquire()
    fake.now += 0.25
    budget.acquire()
    assert fake.sleeps == [0.75]


def test_local_budget_counts_the_calls_it_granted():
    """`granted` is the number of acquire() calls that returned."""
    fake = FakeTime()
    budget = local_budget(3600, fake)
    for _ in range(7):
        budget.acquire()
    assert budget.granted == 7


def test_local_budget_never_exceeds_the_rate_in_any_window_with_irregular_callers():
    """With callers that pause at random, no ten-second window holds more than its share."""
    fake = FakeTime()
    budget = local_budget(360, fake)
    pauses = random.Random(6_3).choices([0.0, 0.0, 3.0, 9.9, 10.0, 25.0], k=400)
    granted_at = []
    for pause in pauses:
        fake.now += pause
        budget.acquire()
        granted_at.append(fake.now)
    assert most_calls_in_any_window(granted_at, 10.0) <= most_calls_allowed(360, 10.0)
    assert most_calls_in_any_window(granted_at, 60.0) <= most_calls_allowed(360, 60.0)


def test_local_budget_gives_threads_distinct_slots():
    """Threads that ask at the same instant each get their own slot, one interval apart."""
    frozen = FakeTime()
    waits: list[float] = []
    waits_lock = threading.Lock()

    def record_wait(seconds: float) -> None:
        with waits_lock:
            waits.append(seconds)

    budget = LocalBudget(3600, clock=frozen.clock, sleep=record_wait)

    def take_200_slots() -> None:
        for _ in range(200):
            budget.acquire()

    threads = [threading.Thread(target=take_200_slots) for _ in range(8)]
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to provoke races
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch_interval)
    # The first call does not sleep; the others wait 1, 2, ... 1599 seconds, each exactly once.
    assert sorted(waits) == [float(n) for n in range(1, 1600)]
    assert budget.granted == 1600


# --- UnlimitedBudget ----------------------------------------------------------------------


def test_unlimited_budget_never_waits_and_counts():
    """UnlimitedBudget grants every call at once and still counts them."""
    budget = UnlimitedBudget()
    for _ in range(1000):
        budget.acquire()
    assert isinstance(budget, RateBudget)
    assert budget.granted == 1000


# --- RedisBudget --------------------------------------------------------------------------


@pytest.fixture
def redis_key() -> Iterator[str]:
    """A Redis key for this test alone, deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        client.close()
        pytest.skip(f"missing dependency: no Redis server at {REDIS_URL}")
    key = f"flickr:budget:test:{uuid.uuid4().hex}"
    yield key
    client.delete(key)
    client.close()


@pytest.fixture
def redis_budget(redis_key) -> Iterator[Callable[..., RedisBudget]]:
    """Make RedisBudgets on this test's key; their connections are closed afterwards."""
    budgets: list[RedisBudget] = []

    def make(rate_per_hour: float, **options) -> RedisBudget:
        budgets.append(RedisBudget(REDIS_URL, rate_per_hour, key=redis_key, **options))
        return budgets[-1]

    yield make
    for budget in budgets:
        budget.close()


def test_redis_budget_is_a_rate_budget(redis_budget):
    """RedisBudget satisfies the RateBudget protocol that FlickrClient takes."""
    assert isinstance(redis_budget(3600), RateBudget)


def test_redis_budget_grants_the_first_call_at_once(redis_budget):
    """An unused Redis key is an idle budget: the first slot is now."""
    assert redis_budget(3600).reserve() == 0.0


def reservations(budgets, rounds: int) -> tuple[list[float], float]:
    """Each budget's `reserve()` in turn, `rounds` times: the waits (sorted), and how long the
    calls took. A wait is counted from its own call, so the slots' spacing is known to within
    the time the calls took."""
    started = time.monotonic()
    waits = [budget.reserve() for _ in range(rounds) for budget in budgets]
    return sorted(waits), time.monotonic() - started


def test_redis_budget_spaces_reservations_by_the_interval(redis_budget):
    """Reservations made in quick succession are one interval apart on the server's clock."""
    waits, took = reservations([redis_budget(360)], rounds=3)
    assert waits[0] == 0.0
    for earlier, later in itertools.pairwise(waits):
        assert 10.0 - took - 0.001 <= later - earlier <= 10.0 + 0.001


def test_redis_budgets_on_one_key_share_the_slots(redis_budget):
    """Two budget objects on one key (as in two processes) never get the same slot."""
    waits, took = reservations([redis_budget(3600), redis_budget(3600)], rounds=2)
    for earlier, later in itertools.pairwise(waits):
        assert 1.0 - took - 0.001 <= later - earlier <= 1.0 + 0.001


def test_redis_budget_key_expires_about_a_minute_after_its_last_slot(redis_budget, redis_key):
    """The key does not outlive its last reserved slot by more than about a minute."""
    redis_budget(3600).reserve()
    client = redis.Redis.from_url(REDIS_URL)
    ttl_ms = client.pttl(redis_key)
    client.close()
    assert 60_000 < ttl_ms <= 61_000


def test_redis_budget_counts_the_calls_it_granted(redis_budget):
    """`granted` counts acquire() calls, slept or not."""
    sleeps: list[float] = []
    budget = redis_budget(3600, sleep=sleeps.append)
    budget.acquire()
    budget.acquire()
    assert budget.granted == 2
    assert len(sleeps) == 1


# --- CombinedBudget -----------------------------------------------------------------------


class RecordingBudget:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log

    def acquire(self) -> None:
        self.log.append(self.name)


def test_combined_budget_asks_every_budget_in_order():
    """Each call is granted by the job's own share first, then by the key-wide budget."""
    log: list[str] = []
    budget = CombinedBudget(RecordingBudget("share", log), RecordingBudget("key", log))

    budget.acquire()
    budget.acquire()

    assert isinstance(budget, RateBudget)
    assert log == ["share", "key", "share", "key"]


def test_combined_budget_keeps_to_the_smallest_rate():
    """A share at half the key's rate spaces the calls twice as far apart as the key would."""
    fake = FakeTime()
    budget = CombinedBudget(local_budget(1800, fake), local_budget(3600, fake))

    for _ in range(5):
        budget.acquire()

    assert fake.now - 1000.0 == pytest.approx(4 * 2.0)


def test_combined_budget_needs_a_budget():
    with pytest.raises(ValueError, match="at least one budget"):
        CombinedBudget()
