"""Reports: ``report.md`` + a self-contained ``report.html`` (plots inlined) + the PNG files.

A report only ever contains numbers, labels, lengths and masked contexts (see ``missed.py``);
it never contains a document id or any text of a note outside those masked contexts, so it can be
shared with people who may not see the data.
"""

from __future__ import annotations

import base64
import html
import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fairdeid.evaluate.missed import MissedSpan
from fairdeid.evaluate.verdicts import (
    _pct,
    format_estimate,
    format_interval,
    verdict_lines,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass
class ReportData:
    """Everything a report may show; every part is optional."""

    title: str = "fairdeid evaluation report"
    system: str | None = None
    evaluation: dict[str, Any] | None = None
    missed: Sequence[MissedSpan] = ()
    audit: dict[str, Any] | None = None
    bench: Sequence[dict[str, Any]] = ()
    #: systems of a bench suite that could not run here: ``{"name", "skipped"}`` (the reason)
    bench_skipped: Sequence[dict[str, str]] = ()
    notes: list[str] = field(default_factory=list)


_ci = format_interval


def _err(value: float | None, ci: Sequence[float | None] | None) -> tuple[float, float]:
    """Asymmetric error bar lengths (in %) from a point and its interval."""
    if value is None or not ci or ci[0] is None or ci[1] is None:
        return (0.0, 0.0)
    return (max(0.0, 100 * (value - ci[0])), max(0.0, 100 * (ci[1] - value)))


# -- plots ------------------------------------------------------------------------------------
#
# Why these choices: recalls of 96% and 97% look identical on a 0-100 axis, so the value axis
# is fitted to the data (with a note and break marks when it does not start at 0); names sit on
# the category axis of horizontal bars, where long or many labels never collide; legends live
# outside the axes, where they cannot hide a bar. The layout is matplotlib's constrained engine,
# which is also what the tests query for text and bar bounding boxes.

_FIG_WIDTH = 7.0
_DPI = 110


def _figure(width: float = _FIG_WIDTH, height: float = 3.6) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


Series = tuple[str, Sequence[float | None], Sequence[Sequence[float | None] | None]]


def value_limits(
    points: Sequence[tuple[float | None, Sequence[float | None] | None]],
    *,
    floor: float | None = 0.0,
    ceiling: float | None = 100.0,
) -> tuple[float, float]:
    """Axis limits (in %) that hold every value and interval, with some room, on a 5-point grid.

    The axis keeps 0 when cutting it would save less than half of the axis (a small cut makes
    nothing more readable and still needs a note); ``floor``/``ceiling`` are the hard bounds of
    the quantity (0 and 100 for a recall, None for a signed drop).
    """
    values: list[float] = []
    for value, ci in points:
        if value is not None:
            values.append(100 * value)
        for bound in ci or ():
            if bound is not None:
                values.append(100 * bound)
    if not values:
        return (floor if floor is not None else 0.0, ceiling if ceiling is not None else 100.0)
    lo, hi = min(values), max(values)
    pad = max(1.0, 0.1 * (hi - lo))
    lo = 5 * math.floor((lo - pad) / 5)
    hi = 5 * math.ceil((hi + pad) / 5)
    if floor is not None:
        lo = floor if lo - floor < 0.5 * (hi - floor) else max(lo, floor)
    if ceiling is not None:
        hi = min(hi, ceiling)
    return float(lo), float(hi)


def _note_axis_start(ax: Axes, axis: str, start: float, label: str) -> None:
    """Say in the axis label, and with break marks on the axis, that it does not start at 0."""
    note = f"{label}\naxis starts at {start:g}, not 0"
    # Two short slashes of a fixed size (a marker, in points) at the start of the axis line.
    slash = [(-0.5, -1.0), (0.5, 1.0)]
    if axis == "x":
        ax.set_xlabel(note)
        xs, ys = [0.012, 0.03], [0.0, 0.0]
    else:
        ax.set_ylabel(note)
        xs, ys = [0.0, 0.0], [0.02, 0.05]
        slash = [(-1.0, -0.5), (1.0, 0.5)]
    ax.plot(xs, ys, transform=ax.transAxes, linestyle="none", marker=slash, markersize=9,
            markeredgecolor="black", markeredgewidth=1.2, clip_on=False)


def _set_value_axis(
    ax: Axes, axis: str, limits: tuple[float, float], label: str, *, signed: bool = False
) -> None:
    lo, hi = limits
    if axis == "x":
        ax.set_xlim(lo, hi)
    else:
        ax.set_ylim(lo, hi)
    if lo > 0 and not signed:
        _note_axis_start(ax, axis, lo, label)
    elif axis == "x":
        ax.set_xlabel(label)
    else:
        ax.set_ylabel(label)


def _bar_height(names: int, per_name: int) -> float:
    """Figure height that gives every category row room for its label and its bars."""
    return max(2.8, 1.6 + 0.22 * names * max(1.5, 0.9 * per_name))


def figure_grouped_bars(
    names: Sequence[str], series: Sequence[Series], value_label: str, title: str
) -> Figure:
    """Horizontal bars per name (top to bottom), one colour per series, asymmetric 95% CI
    error bars, value axis fitted to the data, legend above the axes."""
    fig, ax = _figure(height=_bar_height(len(names), len(series)))
    height = 0.8 / max(1, len(series))
    offset = (len(series) - 1) / 2
    for k, (label, vals, cis) in enumerate(series):
        errs = [_err(v, c) for v, c in zip(vals, cis, strict=True)]
        ax.barh(
            [i + (k - offset) * height for i in range(len(names))],
            [100 * (v or 0) for v in vals],
            height,
            xerr=[[e[0] for e in errs], [e[1] for e in errs]],
            capsize=2,
            label=label,
        )
    ax.set_yticks(range(len(names)), [_wrap(n) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)  # first name on top
    points = [(v, c) for _, vals, cis in series for v, c in zip(vals, cis, strict=True)]
    _set_value_axis(ax, "x", value_limits(points), value_label)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    if len(series) > 1:
        fig.legend(loc="outside upper center", ncols=len(series), fontsize=8, frameon=False)
    return fig


def _wrap(name: str, width: int = 22) -> str:
    """Long category names on two or more lines instead of pushing the axes off the figure."""
    return textwrap.fill(name, width, break_long_words=True) if len(name) > width else name


def figure_by_label(evaluation: dict[str, Any]) -> Figure:
    by_label = evaluation["by_label"]
    labels = list(by_label)
    series: list[Series] = [
        (
            kind,
            [by_label[lab][kind]["recall"] for lab in labels],
            [by_label[lab][kind]["ci95"]["recall"] for lab in labels],
        )
        for kind in ("strict", "partial", "token")
    ]
    return figure_grouped_bars(labels, series, "recall (%)", "Recall by label (95% bootstrap CI)")


def figure_locale_recall(audit: dict[str, Any]) -> Figure:
    rows = audit["locales"]
    series: list[Series] = [
        (label, [r[metric]["value"] for r in rows], [r[metric]["ci95"] for r in rows])
        for metric, label in (("name_recall", "NAME recall"), ("recall", "all PHI"))
    ]
    return figure_grouped_bars(
        [r["locale"] for r in rows],
        series,
        "token recall (%)",
        "Recall per locale (95% bootstrap CI)",
    )


_WORSE, _BETTER, _SAME = "#c0392b", "#27ae60", "#7f8c8d"


def figure_locale_drop(audit: dict[str, Any]) -> Figure:
    from matplotlib.patches import Patch

    rows = [r for r in audit["locales"] if "name_recall_relative_drop" in r]
    names = [r["locale"] for r in rows]
    fig, ax = _figure(height=_bar_height(len(rows), 1))
    vals = [r["name_recall_relative_drop"]["value"] for r in rows]
    cis = [r["name_recall_relative_drop"]["ci95"] for r in rows]
    errs = [_err(v, c) for v, c in zip(vals, cis, strict=True)]
    colors = [
        (_WORSE if (r["name_recall_gap"]["difference"] or 0) < 0 else _BETTER)
        if r["name_recall_gap"]["significant"]
        else _SAME
        for r in rows
    ]
    ax.barh(
        range(len(rows)),
        [100 * (v or 0) for v in vals],
        xerr=[[e[0] for e in errs], [e[1] for e in errs]],
        capsize=2,
        color=colors,
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(len(names) - 0.5, -0.5)
    limits = value_limits(list(zip(vals, cis, strict=True)) + [(0.0, None)], floor=None,
                          ceiling=None)
    _set_value_axis(ax, "x", limits, "relative drop vs en_US (% of en_US recall)", signed=True)
    ax.set_title("NAME recall drop vs en_US (95% bootstrap CI)")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(
        handles=[
            Patch(color=_WORSE, label="significantly worse"),
            Patch(color=_BETTER, label="significantly better"),
            Patch(color=_SAME, label="not significant"),
        ],
        loc="outside upper center",
        ncols=3,
        fontsize=8,
        frameon=False,
    )
    return fig


def figure_gender_gap(audit: dict[str, Any]) -> Figure:
    rows = audit["gender_gap"]
    series: list[Series] = [
        (gender, [r[gender]["value"] for r in rows], [r[gender]["ci95"] for r in rows])
        for gender in ("female", "male")
    ]
    return figure_grouped_bars(
        [r["locale"] for r in rows],
        series,
        "NAME token recall (%)",
        "NAME recall by gender (95% bootstrap CI)",
    )


def _compact_number(x: float, _pos: int | None = None) -> str:
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:g}{suffix}"
    return f"{x:g}"


_MARKERS = "osD^v<>pPXh*"


def _point_name(b: dict[str, Any], most: int) -> str:
    """A system measured on fewer documents than the others (``--llm-limit``) says so."""
    docs = int(b.get("documents") or 0)
    return f"{b['name']} ({docs} docs)" if 0 < docs < most else str(b["name"])


def figure_throughput(bench: Sequence[dict[str, Any]]) -> Figure:
    """Figure 1: privacy recall vs warm throughput, log x, one marker per system in a legend
    beside the axes (name labels next to the points collide when systems are close)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    fig, ax = _figure(width=_FIG_WIDTH + 1.5)
    points: list[tuple[float | None, Sequence[float | None] | None]] = []
    speeds: list[float] = []
    most = max((int(b.get("documents") or 0) for b in bench), default=0)
    for i, b in enumerate(bench):
        ev = b.get("evaluation") or {}
        recall = (ev.get("binary_token") or {}).get("recall")
        wps = b["words_per_second"]
        if recall is None or not wps or math.isinf(wps):
            continue
        ci = (ev.get("binary_token") or {}).get("ci95", {}).get("recall")
        lo, hi = _err(recall, ci or [None, None])
        ax.errorbar(
            wps,
            100 * recall,
            yerr=[[lo], [hi]],
            fmt=_MARKERS[i % len(_MARKERS)],
            capsize=3,
            label=_wrap(_point_name(b, most), 28),
        )
        points.append((recall, ci))
        speeds.append(wps)
    ax.set_xscale("log")
    if speeds:
        low = 10 ** math.floor(math.log10(min(speeds) / 1.5))
        high = 10 ** math.ceil(math.log10(max(speeds) * 1.5))
        ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(_compact_number))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("words per second (warm, log scale)")
    _set_value_axis(ax, "y", value_limits(points), "binary token recall (%)")
    ax.set_title("Privacy recall vs throughput (95% bootstrap CI)")
    ax.grid(alpha=0.3)
    if points:
        fig.legend(loc="outside right upper", fontsize=8, frameon=False)
    return fig


def plot_by_label(evaluation: dict[str, Any]) -> bytes:
    return _png(figure_by_label(evaluation))


def plot_locale_recall(audit: dict[str, Any]) -> bytes:
    return _png(figure_locale_recall(audit))


def plot_locale_drop(audit: dict[str, Any]) -> bytes:
    return _png(figure_locale_drop(audit))


def plot_gender_gap(audit: dict[str, Any]) -> bytes:
    return _png(figure_gender_gap(audit))


def plot_throughput(bench: Sequence[dict[str, Any]]) -> bytes:
    return _png(figure_throughput(bench))


# -- documents --------------------------------------------------------------------------------


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


UNITS_NOTE = (
    "Recalls are percentages. A gap is a difference of two recalls in percentage points "
    "(95.0% against 96.0% is −1.0 points); the relative drop is that difference as a percent "
    "of en_US recall (1.0 points of 96.0 is a 1.04% drop). Intervals are 95% bootstrap "
    "intervals, printed with enough decimals that a bound that is not 0 never shows as 0."
)


def _gap_cell(gap: dict[str, Any] | None) -> str:
    return "ref" if not gap else format_estimate(gap["difference"], gap["ci95"])


def _significant_cell(gap: dict[str, Any] | None) -> str:
    return "ref" if not gap else ("yes" if gap["significant"] else "no")


def _locale_row(r: dict[str, Any]) -> list[str]:
    drop = r.get("name_recall_relative_drop")
    return [
        r["locale"],
        format_estimate(r["name_recall"]["value"], r["name_recall"]["ci95"]),
        _gap_cell(r.get("name_recall_gap")),
        "ref" if not drop else format_estimate(drop["value"], drop["ci95"]),
        _significant_cell(r.get("name_recall_gap")),
        format_estimate(r["recall"]["value"], r["recall"]["ci95"]),
        _gap_cell(r.get("recall_gap")),
        _significant_cell(r.get("recall_gap")),
    ]


@dataclass
class _Section:
    """One heading of the report, written the same way to Markdown and to HTML."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)
    images: list[tuple[str, bytes]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


def _sections(data: ReportData) -> list[_Section]:
    """The report's sections in reading order; a part of ``data`` that is absent adds none."""
    out: list[_Section] = []
    if data.evaluation:
        out += _evaluation_sections(data.evaluation)
    if data.missed:
        out.append(_missed_section(data.missed))
    if data.audit:
        out += _audit_sections(data.audit)
    if data.bench or data.bench_skipped:
        out.append(_throughput_section(data.bench, data.bench_skipped))
    if data.notes:
        out.append(_Section("Notes", bullets=list(data.notes)))
    return out


def _evaluation_sections(ev: dict[str, Any]) -> list[_Section]:
    """Overall scores, then recall per label when the evaluation has any."""
    out = [_overall_section(ev)]
    if ev["by_label"]:
        out.append(_by_label_section(ev))
    return out


def _overall_section(ev: dict[str, Any]) -> _Section:
    s = _Section("Overall")
    s.paragraphs.append(
        f"{ev['documents']} documents, {ev['words']} words, detection took "
        f"{ev['seconds']:.2f} s. Percentages with 95% bootstrap intervals over documents."
    )
    rows = []
    for name in ("strict", "partial", "binary_token"):
        m = ev[name]
        rows.append(
            [name]
            + [format_estimate(m[k], m["ci95"][k]) for k in ("precision", "recall", "f1")]
        )
    s.tables.append((["metric", "precision", "recall", "F1"], rows))
    s.tables.append(
        (
            ["metric", "value", "95% CI"],
            [
                ["leak_rate", _pct(ev["leak_rate"]["value"]), _ci(ev["leak_rate"]["ci95"])],
                ["retention", _pct(ev["retention"]["value"]), _ci(ev["retention"]["ci95"])],
            ],
        )
    )
    return s


_BY_LABEL_HEADER = [
    "label",
    "gold spans",
    "strict R",
    "partial R",
    "token R",
    "token R (any label)",
    "strict F1",
]


def _by_label_section(ev: dict[str, Any]) -> _Section:
    s = _Section("By label")
    rows = [
        [
            label,
            str(e["support"]),
            f"{_pct(e['strict']['recall'])}",
            f"{_pct(e['partial']['recall'])}",
            f"{_pct(e['token']['recall'])}",
            _pct(e["token_recall_any_label"]["value"]),
            f"{_pct(e['strict']['f1'])}",
        ]
        for label, e in ev["by_label"].items()
    ]
    s.tables.append((list(_BY_LABEL_HEADER), rows))
    s.images.append(("by_label.png", plot_by_label(ev)))
    return s


def _missed_section(missed: Sequence[MissedSpan]) -> _Section:
    """The worst misses, masked: the contexts are the only note text a report ever holds."""
    s = _Section("Worst missed spans")
    s.paragraphs.append(
        "PHI is never shown: the missed span is ■■■, other gold PHI is [LABEL], any known "
        "identifier string is [PHI] and digits are #."
    )
    s.tables.append(
        (
            ["label", "length", "chars leaked", "masked context"],
            [[m.label, str(m.length), str(m.leaked_chars), m.context] for m in missed],
        )
    )
    return s


def _audit_sections(au: dict[str, Any]) -> list[_Section]:
    """The locale table, the gender gap when it was measured, and the verdicts in words."""
    out = [_locale_section(au)]
    if au.get("gender_gap"):
        out.append(_gender_gap_section(au))
    out.append(_Section("Verdicts", bullets=verdict_lines(au)))
    return out


_LOCALE_HEADER = [
    "locale",
    "NAME recall (%)",
    "NAME gap vs en_US (points)",
    "NAME relative drop (% of en_US)",
    "NAME gap significant",
    "all-PHI recall (%)",
    "all-PHI gap vs en_US (points)",
    "all-PHI gap significant",
]


def _locale_section(au: dict[str, Any]) -> _Section:
    s = _Section("Locale audit")
    s.paragraphs.append(
        f"The same {au['documents']} notes with identifiers from each locale; en_US is the "
        f"reference. Paired bootstrap over documents ({au['resamples']} resamples, "
        f"seed {au['seed']})."
    )
    s.paragraphs.append(UNITS_NOTE)
    s.tables.append((list(_LOCALE_HEADER), [_locale_row(r) for r in au["locales"]]))
    s.images.append(("locale_recall.png", plot_locale_recall(au)))
    if len(au["locales"]) > 1:
        s.images.append(("locale_drop.png", plot_locale_drop(au)))
    return s


_GENDER_HEADER = [
    "locale",
    "female NAME recall (%)",
    "male NAME recall (%)",
    "female − male (points)",
    "significant",
]


def _gender_gap_section(au: dict[str, Any]) -> _Section:
    s = _Section("Gender gap")
    rows = [
        [
            r["locale"],
            format_estimate(r["female"]["value"], r["female"]["ci95"]),
            format_estimate(r["male"]["value"], r["male"]["ci95"]),
            format_estimate(r["gap"]["difference"], r["gap"]["ci95"]),
            "yes" if r["gap"]["significant"] else "no",
        ]
        for r in au["gender_gap"]
    ]
    s.tables.append((list(_GENDER_HEADER), rows))
    s.images.append(("gender_gap.png", plot_gender_gap(au)))
    return s


BENCH_HEADER = (
    "system", "documents", "words/s", "load s", "peak RSS MB", "CPU s / 1k words",
    "token recall %", "token precision %", "leak rate %",
)  # fmt: skip


def _speed(words_per_second: float) -> str:
    """Whole words/s for fast systems, one decimal for the slow ones (an LLM reads 2-8); no
    thousands separator, so the tab-separated table on stdout parses as numbers."""
    return f"{words_per_second:.0f}" if words_per_second >= 100 else f"{words_per_second:.1f}"


def _documents(b: dict[str, Any]) -> str:
    failed = int(b.get("failed_documents") or 0)
    return f"{b.get('documents', '')}" + (f" ({failed} failed)" if failed else "")


def bench_rows(
    bench: Sequence[dict[str, Any]], skipped: Sequence[dict[str, str]] = ()
) -> tuple[list[str], list[list[str]]]:
    """The bench table (``fairdeid bench`` on stdout and in the report): one row per system
    measured, then one per system skipped, its reason in the first value column."""
    rows = []
    for b in bench:
        ev = b.get("evaluation") or {}
        token = ev.get("binary_token") or {}
        cpu = b.get("cpu_seconds_per_1k_words")
        rows.append([
            b["name"],
            _documents(b),
            _speed(b["words_per_second"]),
            f"{b['load_seconds']:.2f}",
            f"{b['peak_rss_mb']:.0f}",
            "" if cpu is None else f"{cpu:.3f}",
            _pct(token.get("recall")),
            _pct(token.get("precision")),
            _pct((ev.get("leak_rate") or {}).get("value"), 2),
        ])  # fmt: skip
    for s in skipped:
        rows.append([s["name"], s["skipped"], *([""] * (len(BENCH_HEADER) - 2))])
    return list(BENCH_HEADER), rows


def _throughput_section(
    bench: Sequence[dict[str, Any]], skipped: Sequence[dict[str, str]] = ()
) -> _Section:
    """Speed next to recall: a faster system is only better if it still finds the PHI."""
    s = _Section("Throughput")
    s.paragraphs.append(
        "Warm words per second (whitespace-delimited input words, one untimed warm-up pass, "
        "median of the timed passes); model load reported separately; peak RSS per process."
    )
    s.paragraphs.append(
        "CPU s / 1k words: process time of a timed pass (every thread, plus a model server the "
        "system talks to) per 1,000 words; it holds on a loaded machine, where words/s do not. "
        "Recall, precision: binary token level; leak rate: share of gold PHI tokens left in. "
        "Failed documents (LLM rows: a note the model looped on until max_tokens) are scored "
        "with the spans they got and never released by fairdeid deidentify."
    )
    s.tables.append(bench_rows(bench, skipped))
    if any((b.get("evaluation") or {}).get("binary_token") for b in bench):
        s.images.append(("recall_vs_throughput.png", plot_throughput(bench)))
    return s


_CSS = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}
img{max-width:100%;display:block;margin:1em 0}"""


def write_report(out_dir: str | Path, data: ReportData) -> dict[str, Path]:
    """Write report.md, report.html and the PNGs into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sections = _sections(data)
    md = [f"# {data.title}", ""]
    page = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(data.title)}"
        f"</title><style>{_CSS}</style></head><body><h1>{html.escape(data.title)}</h1>"
    ]
    if data.system:
        md += [f"System: `{data.system}`", ""]
        page.append(f"<p>System: <code>{html.escape(data.system)}</code></p>")
    written: dict[str, Path] = {}
    for s in sections:
        md += [f"## {s.title}", ""]
        page.append(f"<h2>{html.escape(s.title)}</h2>")
        for p in s.paragraphs:
            md += [p, ""]
            page.append(f"<p>{html.escape(p)}</p>")
        for header, rows in s.tables:
            md += [_md_table(header, rows), ""]
            page.append(_html_table(header, rows))
        for b in s.bullets:
            md.append(f"- {b}")
        if s.bullets:
            md.append("")
            page.append("<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in s.bullets) + "</ul>")
        for name, png in s.images:
            path = out / name
            path.write_bytes(png)
            written[name] = path
            md += [f"![{s.title}]({name})", ""]
            b64 = base64.b64encode(png).decode("ascii")
            page.append(f"<img alt='{html.escape(s.title)}' src='data:image/png;base64,{b64}'>")
    page.append("</body></html>")
    (out / "report.md").write_text("\n".join(md), encoding="utf-8")
    (out / "report.html").write_text("\n".join(page), encoding="utf-8")
    written["report.md"] = out / "report.md"
    written["report.html"] = out / "report.html"
    return written
