"""The dashboard's charts, drawn by matplotlib as SVG on the server so they need no JavaScript.

Figures are made with matplotlib's object interface, never pyplot, whose global state is not safe across the
web server's threads.

Each chart is shown with alternative text and the same figures as a table, so nothing is known only from a
picture. Colours are GOV.UK's blue with dark text, which meet the contrast WCAG asks of graphics.

A chart is drawn once for each set of figures and kept (keyed on the figures themselves, so a change to any
case that moves a figure draws it afresh, and nothing else does): matplotlib takes far longer than the query.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

BLUE = "#1d70b8"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
matplotlib.rcParams.update({
    "font.family": "sans-serif", "font.size": 11, "text.color": TEXT, "axes.labelcolor": TEXT,
    "xtick.color": TEXT, "ytick.color": TEXT, "axes.edgecolor": TEXT, "svg.fonttype": "none",
    "svg.hashsalt": "ehcp",  # stable element ids, so the same figures give the same file
})


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


CHARTS_KEPT = 64


def monthly_rate(months: Sequence[str], rates: Sequence[float | None], year: int) -> bytes:
    """Percentage of new plans issued within 20 weeks, month by month; months with no plans show no bar."""
    return _monthly_rate(tuple(months), tuple(rates), year)


def open_by_stage(stages: Sequence[str], counts: Sequence[int]) -> bytes:
    """Open cases at each stage of the workflow, in workflow order."""
    return _open_by_stage(tuple(stages), tuple(counts))


@functools.lru_cache(maxsize=CHARTS_KEPT)
def _monthly_rate(months: tuple[str, ...], rates: tuple[float | None, ...], year: int) -> bytes:
    figure = Figure(figsize=(8, 3.6))
    axes = figure.subplots()
    labels = [m[-2:] for m in months]
    axes.bar(labels, [r or 0 for r in rates], color=BLUE)
    for index, rate in enumerate(rates):
        axes.annotate("none" if rate is None else f"{rate:.0f}%", (index, rate or 0), ha="center", va="bottom",
                      xytext=(0, 3), textcoords="offset points", fontsize=9)
    axes.set_ylim(0, 110)
    axes.set_ylabel("% within 20 weeks")
    axes.set_xlabel(f"Month of {year}")
    axes.grid(axis="y", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)


@functools.lru_cache(maxsize=CHARTS_KEPT)
def _open_by_stage(stages: tuple[str, ...], counts: tuple[int, ...]) -> bytes:
    figure = Figure(figsize=(8, 0.5 * max(3, len(stages)) + 0.8))
    axes = figure.subplots()
    positions = list(range(len(stages)))[::-1]
    axes.barh(positions, counts, color=BLUE)
    axes.set_yticks(positions, stages)
    for position, count in zip(positions, counts, strict=True):
        axes.annotate(str(count), (count, position), va="center", xytext=(4, 0), textcoords="offset points",
                      fontsize=9)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # cases are counted, never fractions
    axes.set_xlabel("Open cases")
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure)
