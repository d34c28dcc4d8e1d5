"""Charts drawn on the server: plain data in, coordinates out, for the templates to draw as
inline SVG or CSS bars. No JavaScript, and each chart comes with its figures as text."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class YearTotal:
    year: int
    joined: int
    total: int


def cumulative_by_year(dates: Iterable[datetime], *, until_year: int) -> list[YearTotal]:
    """For each year from the first date's year to `until_year`: how many dates fall in it and
    how many fall in it or before. Empty when there are no dates."""
    per_year = Counter(date.year for date in dates)
    if not per_year:
        return []
    totals = []
    running = 0
    for year in range(min(per_year), max(until_year, max(per_year)) + 1):
        running += per_year[year]
        totals.append(YearTotal(year=year, joined=per_year[year], total=running))
    return totals


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: int


@dataclass(frozen=True)
class LineChart:
    """A line chart's geometry in SVG user units (origin top left)."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    points: list[Point]
    x_ticks: list[Tick]
    y_ticks: list[Tick]

    @property
    def y_label_x(self) -> float:
        """Where the y axis labels end (they are right-aligned against the plot)."""
        return self.left - 8

    @property
    def x_label_y(self) -> float:
        """The baseline of the x axis labels."""
        return self.bottom + 22

    @property
    def line(self) -> str:
        """The SVG path of the line through every point."""
        return " ".join(
            f"{'M' if index == 0 else 'L'}{point.x:.1f},{point.y:.1f}"
            for index, point in enumerate(self.points)
        )

    @property
    def area(self) -> str:
        """The SVG path of the area under the line."""
        if not self.points:
            return ""
        first, last = self.points[0], self.points[-1]
        return f"{self.line} L{last.x:.1f},{self.bottom:.1f} L{first.x:.1f},{self.bottom:.1f} Z"


def nice_step(maximum: int, *, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` steps to `maximum`."""
    if maximum <= ticks:
        return 1
    rough = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= rough:
            return multiple * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def line_chart(
    labels: list[str],
    values: list[int],
    *,
    width: int = 640,
    height: int = 260,
    max_x_labels: int = 12,
) -> LineChart:
    """Place `values` (one per label, evenly spaced) on a chart whose y axis starts at 0."""
    if len(labels) != len(values):
        raise ValueError(f"line_chart needs one value per label, got {labels!r} and {values!r}")
    left, top, right, bottom = 48.0, 16.0, width - 16.0, height - 36.0
    step = nice_step(max(values, default=0))
    y_max = max(step, math.ceil(max(values, default=0) / step) * step)

    def x_of(index: int) -> float:
        if len(labels) == 1:
            return (left + right) / 2
        return left + (right - left) * index / (len(labels) - 1)

    def y_of(value: int) -> float:
        return bottom - (bottom - top) * value / y_max

    every = max(1, math.ceil(len(labels) / max_x_labels))
    return LineChart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        points=[
            Point(x=x_of(index), y=y_of(value), label=label, value=value)
            for index, (label, value) in enumerate(zip(labels, values, strict=True))
        ],
        x_ticks=[
            Tick(position=x_of(index), label=label)
            for index, label in enumerate(labels)
            if (len(labels) - 1 - index) % every == 0  # counted from the end: the last is labelled
        ],
        y_ticks=[
            Tick(position=y_of(value), label=f"{value:,}") for value in range(0, y_max + 1, step)
        ],
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    share: float  # of the total, 0-100
    length: float  # of the longest bar, 0-100


def bars(counts: Iterable[tuple[str, int]]) -> list[Bar]:
    """Horizontal bars for labelled counts, the largest first."""
    rows = sorted(counts, key=lambda row: (-row[1], row[0]))
    total = sum(value for _, value in rows)
    longest = max((value for _, value in rows), default=0)
    return [
        Bar(
            label=label,
            value=value,
            share=100 * value / total if total else 0.0,
            length=100 * value / longest if longest else 0.0,
        )
        for label, value in rows
    ]
