"""Chart geometry computed at build time; the SVG markup itself is in templates/site/chart_*.svg.j2.

Two charts: entries per year stacked by section, and a topic × year grid. The numbers here are
positions and sizes in SVG user units; the templates only draw them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from alignhub.catalog import Catalog
from alignhub.site.views import name_in


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str
    count: int


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    plot_left: int
    plot_top: int
    plot_bottom: int
    plot_right: int
    segments: list[Segment]
    totals: list[Segment]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    legend: list[str]


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    size: float
    count: int
    shade: float
    label: str


@dataclass(frozen=True)
class GridRow:
    y: float
    label: str
    section: int
    total: int


@dataclass(frozen=True)
class TopicChart:
    width: int
    height: int
    label_width: int
    top: int
    cell: int
    rows: list[GridRow]
    cells: list[Cell]
    columns: list[Tick]
    total_x: float


def _years(catalog: Catalog) -> list[int]:
    years = [item.entry.year for item in catalog.entries]
    return list(range(min(years), max(years) + 1)) if years else []


def _nice_step(maximum: int) -> int:
    """A round tick step giving at most about five ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if maximum / step <= 5:
            return step
    return 10000


def year_chart(catalog: Catalog, lang: str) -> YearChart:
    """Entries per year, one bar per year stacked by section in taxonomy order."""
    sections = catalog.taxonomy.sections
    years = _years(catalog)
    counts = Counter((item.section, item.entry.year) for item in catalog.entries)
    totals = Counter(item.entry.year for item in catalog.entries)
    width = 720
    left, right, top, bottom = 44, 12, 18, 250
    top_count = max(totals.values(), default=1)
    step = _nice_step(top_count)
    scale_max = max(step, -(-top_count // step) * step)
    unit = (bottom - top) / scale_max
    slot = (width - left - right) / max(len(years), 1)
    bar = slot * 0.7
    legend_rows = -(-len(sections) // 4)
    height = bottom + 40 + legend_rows * 16
    segments, total_marks, x_ticks = [], [], []
    every = max(1, -(-len(years) // 12))  # at most about twelve year labels
    for i, year in enumerate(years):
        x = left + i * slot + (slot - bar) / 2
        y = float(bottom)
        for index, section in enumerate(sections):
            n = counts.get((section.id, year), 0)
            if n:
                h = n * unit
                y -= h
                segments.append(Segment(round(x, 2), round(y, 2), round(bar, 2), round(h, 2), index,
                                        f"{name_in(section, lang)} {year}: {n}", n))
        if totals.get(year):
            total_marks.append(Segment(round(x + bar / 2, 2), round(y - 4, 2), 0, 0, -1, str(year), totals[year]))
        if i % every == 0 or i == len(years) - 1:
            x_ticks.append(Tick(round(x + bar / 2, 2), str(year)))
    y_ticks = [Tick(round(bottom - v * unit, 2), str(v)) for v in range(0, scale_max + 1, step)]
    return YearChart(width, height, left, top, bottom, width - right, segments, total_marks, x_ticks, y_ticks,
                     [name_in(s, lang) for s in sections])


def topic_chart(catalog: Catalog, lang: str) -> TopicChart:
    """A grid of topics (rows, grouped by section) by years (columns), shaded by count."""
    years = _years(catalog)
    counts = Counter((item.entry.topic, item.entry.year) for item in catalog.entries)
    per_topic = Counter(item.entry.topic for item in catalog.entries)
    # Wide enough for the longest topic name at 12 px (a Han character is about 12 px wide, a Latin
    # letter about 7), so no name runs into the grid.
    longest = max((name_in(t, lang) for s in catalog.taxonomy.sections for t in s.topics), key=len, default="")
    label_width = 24 + len(longest) * (12 if lang == "zh" else 7)
    cell, top = 26, 24
    rows, cells = [], []
    top_count = max(counts.values(), default=1)
    index = 0
    for section_index, section in enumerate(catalog.taxonomy.sections):
        for topic in section.topics:
            y = top + index * cell
            name = name_in(topic, lang)
            rows.append(GridRow(y, name, section_index, per_topic.get(topic.id, 0)))
            for column, year in enumerate(years):
                n = counts.get((topic.id, year), 0)
                if n:
                    cells.append(Cell(label_width + column * cell, y, cell - 2, n,
                                      round(0.15 + 0.85 * n / top_count, 3), f"{name} {year}: {n}"))
            index += 1
    columns = [Tick(label_width + i * cell + (cell - 2) / 2, str(year)[2:]) for i, year in enumerate(years)]
    total_x = label_width + len(years) * cell + 8
    return TopicChart(int(total_x + 40), top + index * cell + 8, label_width, top, cell, rows, cells, columns,
                      total_x)
