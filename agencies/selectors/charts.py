"""Geometry of the server-drawn SVG charts."""

from __future__ import annotations

from dataclasses import dataclass

BAR_SPACING = 24  # SVG units per bar; the template draws each bar 20 wide.


@dataclass
class Bar:
    label: str
    count: int
    x: int
    y: float
    height: float
    tick: str  # the axis label: a month's abbreviation, or a year
    subtick: str = ""  # the year under a month, shown where the year changes


def chart_bars(counts: list[tuple[str, int]], *, height: int = 60) -> list[Bar]:
    """Bars for a server-drawn SVG chart, scaled so the tallest fills the height."""
    tallest = max((count for _, count in counts), default=0) or 1
    bars = []
    for index, (label, count) in enumerate(counts):
        bar_height = round(height * count / tallest, 2)
        month, _, year = label.rpartition(" ")
        new_year = index == 0 or month == "Jan"
        bars.append(
            Bar(
                label,
                count,
                index * BAR_SPACING,
                round(height - bar_height, 2),
                bar_height,
                tick=month or year,
                subtick=year if month and new_year else "",
            )
        )
    return bars
