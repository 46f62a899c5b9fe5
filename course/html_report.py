"""The class's progress as one self-contained HTML page: jinja2, inline CSS and SVG, no external asset.

Charts are SVG drawn here (bars are all the page needs): pass rate per module, the checks that
fail most, the median time to pass per module. The page works offline and prints.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .gradebook import ClassProgress

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class Bar:
    label: str
    value: float
    text: str  # what the bar says, e.g. "12/40 (30%)"
    key: str = ""  # data-key for the page's tests


@dataclass
class BarChart:
    id: str
    title: str
    bars: list[Bar]
    maximum: float
    unit: str = ""
    row_height: int = 26
    label_width: int = 300
    bar_width: int = 420

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * self.row_height + 10

    def width_of(self, value: float) -> float:
        return 0.0 if not self.maximum else round(self.bar_width * value / self.maximum, 1)


def charts(progress: ClassProgress) -> list[BarChart]:
    stats = progress.module_stats
    pass_rate = BarChart("chart-pass-rate", "Pass rate per module (learners who passed / learners who tried)", [
        Bar(f"{s.module} {s.title}".strip(), round(100 * s.pass_rate, 1),
            f"{s.passed}/{s.tried} ({100 * s.pass_rate:.0f}%)", s.module) for s in stats], 100.0, "%")
    failing = BarChart("chart-failing-checks", "Checks failed most (learners whose latest attempt fails it)", [
        Bar(f"{f.module}: {f.title}", f.learners, str(f.learners), f"{f.module}/{f.check}")
        for f in progress.failing_checks], max((f.learners for f in progress.failing_checks), default=0))
    timed = [s for s in stats if s.median_minutes_to_pass is not None]
    time_to_pass = BarChart("chart-time-to-pass", "Median time to pass (first attempt to first pass)", [
        Bar(f"{s.module} {s.title}".strip(), s.median_minutes_to_pass, _duration(s.median_minutes_to_pass), s.module)
        for s in timed], max((s.median_minutes_to_pass for s in timed), default=0), "min")
    return [pass_rate, failing, time_to_pass]


def _duration(minutes: float) -> str:
    if minutes < 1:
        return f"{minutes * 60:.0f} s"
    if minutes < 120:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"


def render(progress: ClassProgress) -> str:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                              trim_blocks=True, lstrip_blocks=True)
    template = environment.get_template("report.html.j2")
    return template.render(progress=progress, charts=charts(progress), duration=_duration)
