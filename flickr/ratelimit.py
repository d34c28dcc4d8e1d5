"""The Flickr API rate budget: one key, one budget, shared by every process that uses it.

Flickr allows about 3,600 calls an hour per API key, counted for all users of the key
together. Every API call first asks a budget for permission with `acquire()`.

The algorithm is reservation-based GCRA ("virtual scheduling"): the store keeps one number,
`next_free`, the earliest moment the next call may happen. Each caller atomically reserves
`slot = max(now, next_free)` and moves `next_free` to `slot + interval`, then sleeps until
its slot *after* releasing the store. Locks are held for one read-modify-write and never
while sleeping. Granted slots are at least `interval = 3600 / rate_per_hour` seconds apart,
so no window of time ever holds more than its share of the budget (no burst is allowed).

Implementations here:

* `LocalBudget`: in this process only (the command line, tests); thread-safe.
* `RedisBudget`: shared through Redis, computed by a Lua script on the Redis server's clock.
* `UnlimitedBudget`: never waits (tests);
* `CombinedBudget`: several at once, e.g. a job's own share inside the key-wide budget.

The database-backed budget lives in `lifeboats.budget`, since this package has no models.
"""

from __future__ import annotations

import math
import threading
import time
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import redis

SECONDS_PER_HOUR = 3600.0


@runtime_checkable
class RateBudget(Protocol):
    """What `FlickrClient` needs: permission for one API call."""

    def acquire(self) -> None:
        """Block until the caller may make one API call."""
        ...


# --- Pure slot arithmetic -----------------------------------------------------------------


def interval_for(rate_per_hour: float) -> float:
    """Seconds between two calls when `rate_per_hour` calls are spread evenly over an hour."""
    if isinstance(rate_per_hour, bool) or not isinstance(rate_per_hour, int | float):
        raise TypeError(f"The rate must be a number of calls per hour, got {rate_per_hour!r}")
    if not math.isfinite(rate_per_hour) or rate_per_hour <= 0:
        raise ValueError(
            "The rate must be a positive number of calls per hour "
            f"(FLICKR_RATE_LIMIT_PER_HOUR), got {rate_per_hour!r}"
        )
    return SECONDS_PER_HOUR / rate_per_hour


def reserve_slot(now: float, next_free: float, interval: float) -> tuple[float, float]:
    """Reserve the next free slot: return `(slot, new_next_free)`.

    The slot is `now` if the budget has been idle, otherwise the first free moment; the
    slot after it is one interval later, whatever the caller does with this one.
    """
    slot = max(now, next_free)
    return slot, slot + interval


def most_calls_in_any_window(timestamps: Sequence[float], window: float) -> int:
    """The largest number of `timestamps` inside any half-open window `[t, t + window)`.

    It is enough to try windows starting at each timestamp: sliding a window's start
    forward to its first call never loses a call from it.
    """
    ordered = sorted(timestamps)
    most = 0
    for first, start in enumerate(ordered):
        end = bisect_left(ordered, start + window, lo=first)
        most = max(most, end - first)
    return most


def most_calls_allowed(rate_per_hour: float, window: float) -> int:
    """How many calls a half-open window of `window` seconds may hold at `rate_per_hour`."""
    # Rounded first, so that 10 s at 36,000/h is 100 calls even if the product is 100.0000001.
    return math.ceil(round(window * rate_per_hour / SECONDS_PER_HOUR, 9))


# --- Budgets ------------------------------------------------------------------------------


class ReservingBudget(ABC):
    """A budget that reserves a slot in some store, then sleeps until it outside any lock.

    Subclasses implement `reserve()`; this class does the sleeping and counts the calls it
    granted (`granted`), safely across threads.
    """

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._sleep = sleep
        self._granted = 0
        self._granted_lock = threading.Lock()

    @abstractmethod
    def reserve(self) -> float:
        """Reserve the next free slot; return how many seconds remain until it."""

    def acquire(self) -> None:
        """Block until the caller may make one API call."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        with self._granted_lock:
            self._granted += 1

    @property
    def granted(self) -> int:
        """How many calls this budget object has granted so far."""
        return self._granted


class LocalBudget(ReservingBudget):
    """A budget for this process only, safe to share between its threads."""

    def __init__(
        self,
        rate_per_hour: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(sleep=sleep)
        self.rate_per_hour = rate_per_hour
        self.interval = interval_for(rate_per_hour)
        self._clock = clock
        self._next_free = -math.inf
        self._lock = threading.Lock()

    def reserve(self) -> float:
        with self._lock:
            now = self._clock()
            slot, self._next_free = reserve_slot(now, self._next_free, self.interval)
        return slot - now

    def __repr__(self) -> str:
        return f"LocalBudget({self.rate_per_hour!r})"


# KEYS[1]: the budget key, holding `next_free` in whole microseconds of the server clock.
# ARGV[1]: the interval in whole microseconds.
# Returns the microseconds until the reserved slot. TIME is read inside the script, so every
# machine shares the Redis server's clock whatever its own says; Redis 5+ replicates the
# script's effects, which makes TIME safe before a write.
RESERVE_SLOT_SCRIPT = """
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, next_free)
local new_next_free = slot + interval
local keep_ms = math.ceil((new_next_free - now) / 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.0f', new_next_free), 'PX', keep_ms)
return string.format('%.0f', slot - now)
"""


class RedisBudget(ReservingBudget):
    """A budget shared by every process that uses the same Redis server and key.

    The key expires a minute after its last reserved slot: an expired key means an idle
    budget, which is what a missing key means too.
    """

    def __init__(
        self,
        redis_url: str,
        rate_per_hour: float,
        *,
        key: str = "flickr:budget",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(sleep=sleep)
        self.rate_per_hour = rate_per_hour
        self.key = key
        # Rounded up: a slot a microsecond late is harmless, a microsecond early is not.
        self.interval_us = math.ceil(interval_for(rate_per_hour) * 1_000_000)
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=10)
        self._script = self._redis.register_script(RESERVE_SLOT_SCRIPT)

    def reserve(self) -> float:
        wait_us = self._script(keys=[self.key], args=[self.interval_us])
        return int(wait_us) / 1_000_000

    def close(self) -> None:
        """Close the connections to Redis."""
        self._redis.close()

    def __repr__(self) -> str:
        return f"RedisBudget(rate_per_hour={self.rate_per_hour!r}, key={self.key!r})"


class UnlimitedBudget(ReservingBudget):
    """A budget that never waits: for tests and for servers without a rate limit."""

    def reserve(self) -> float:
        return 0.0

    def __repr__(self) -> str:
        return "UnlimitedBudget()"


class CombinedBudget:
    """Every one of several budgets must grant the call, in the order given: e.g. a caller's
    own smaller share first, then the key-wide budget, so the share is never exceeded and
    the key's budget is spent only when the call is about to happen."""

    def __init__(self, *budgets: RateBudget) -> None:
        if not budgets:
            raise ValueError("A combined budget needs at least one budget to combine.")
        self.budgets = budgets

    def acquire(self) -> None:
        for budget in self.budgets:
            budget.acquire()

    def __repr__(self) -> str:
        return f"CombinedBudget({', '.join(map(repr, self.budgets))})"
