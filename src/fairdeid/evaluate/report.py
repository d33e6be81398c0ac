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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fairdeid.evaluate.missed import MissedSpan


@dataclass
class ReportData:
    """Everything a report may show; every part is optional."""

    title: str = "fairdeid evaluation report"
    system: str | None = None
    evaluation: dict[str, Any] | None = None
    missed: Sequence[MissedSpan] = ()
    audit: dict[str, Any] | None = None
    bench: Sequence[dict[str, Any]] = ()
    notes: list[str] = field(default_factory=list)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _ci(ci: Sequence[float | None] | None) -> str:
    if not ci or ci[0] is None or ci[1] is None:
        return "–"
    return f"[{_pct(ci[0])}, {_pct(ci[1])}]"


def _err(value: float | None, ci: Sequence[float | None]) -> tuple[float, float]:
    """Asymmetric error bar lengths (in %) from a point and its interval."""
    if value is None or not ci or ci[0] is None or ci[1] is None:
        return (0.0, 0.0)
    return (max(0.0, 100 * (value - ci[0])), max(0.0, 100 * (ci[1] - value)))


# -- plots ------------------------------------------------------------------------------------


def _figure(width: float = 6.4, height: float = 3.6) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), dpi=110)


def _png(fig: Any) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


Series = tuple[str, Sequence[float | None], Sequence[Sequence[float | None]]]


def _grouped_bars(names: Sequence[str], series: Sequence[Series], ylabel: str, title: str) -> bytes:
    """Side-by-side bars per name, one colour per series, with asymmetric 95% CI error bars."""
    fig, ax = _figure()
    width = 0.8 / len(series)
    offset = (len(series) - 1) / 2
    for k, (label, vals, cis) in enumerate(series):
        errs = [_err(v, c) for v, c in zip(vals, cis, strict=True)]
        ax.bar(
            [i + (k - offset) * width for i in range(len(names))],
            [100 * (v or 0) for v in vals],
            width,
            yerr=[[e[0] for e in errs], [e[1] for e in errs]],
            capsize=2,
            label=label,
        )
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 105)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return _png(fig)


def plot_by_label(evaluation: dict[str, Any]) -> bytes:
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
    return _grouped_bars(labels, series, "recall (%)", "Recall by label (95% bootstrap CI)")


def plot_locale_recall(audit: dict[str, Any]) -> bytes:
    rows = audit["locales"]
    series: list[Series] = [
        (label, [r[metric]["value"] for r in rows], [r[metric]["ci95"] for r in rows])
        for metric, label in (("name_recall", "NAME recall"), ("recall", "all PHI"))
    ]
    return _grouped_bars(
        [r["locale"] for r in rows],
        series,
        "token recall (%)",
        "Recall per locale (95% bootstrap CI)",
    )


def plot_locale_drop(audit: dict[str, Any]) -> bytes:
    rows = [r for r in audit["locales"] if "name_recall_relative_drop" in r]
    names = [r["locale"] for r in rows]
    fig, ax = _figure()
    vals = [r["name_recall_relative_drop"]["value"] for r in rows]
    errs = [
        _err(v, r["name_recall_relative_drop"]["ci95"]) for v, r in zip(vals, rows, strict=True)
    ]
    colors = [
        ("#c0392b" if (r["name_recall_gap"]["difference"] or 0) < 0 else "#27ae60")
        if r["name_recall_gap"]["significant"]
        else "#7f8c8d"
        for r in rows
    ]
    ax.bar(
        range(len(rows)),
        [100 * (v or 0) for v in vals],
        yerr=[[e[0] for e in errs], [e[1] for e in errs]],
        capsize=2,
        color=colors,
    )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_ylabel("relative drop vs en_US (%)")
    ax.set_title("NAME recall drop vs en_US (red/green: significantly worse/better)")
    return _png(fig)


def plot_gender_gap(audit: dict[str, Any]) -> bytes:
    rows = audit["gender_gap"]
    series: list[Series] = [
        (gender, [r[gender]["value"] for r in rows], [r[gender]["ci95"] for r in rows])
        for gender in ("female", "male")
    ]
    return _grouped_bars(
        [r["locale"] for r in rows],
        series,
        "NAME token recall (%)",
        "NAME recall by gender (95% bootstrap CI)",
    )


def plot_throughput(bench: Sequence[dict[str, Any]]) -> bytes:
    """Figure 1: privacy recall vs warm throughput, log x."""
    fig, ax = _figure()
    for b in bench:
        ev = b.get("evaluation") or {}
        recall = (ev.get("binary_token") or {}).get("recall")
        if recall is None or not b["words_per_second"] or math.isinf(b["words_per_second"]):
            continue
        ci = (ev.get("binary_token") or {}).get("ci95", {}).get("recall")
        lo, hi = _err(recall, ci or [None, None])
        ax.errorbar(b["words_per_second"], 100 * recall, yerr=[[lo], [hi]], fmt="o", capsize=3)
        ax.annotate(
            b["name"],
            (b["words_per_second"], 100 * recall),
            textcoords="offset points",
            xytext=(5, 5),
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_xlabel("words per second (warm, log scale)")
    ax.set_ylabel("binary token recall (%)")
    ax.set_ylim(0, 105)
    ax.set_title("Privacy recall vs throughput")
    return _png(fig)


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


@dataclass
class _Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)
    images: list[tuple[str, bytes]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


def _sections(data: ReportData) -> list[_Section]:
    out: list[_Section] = []
    ev = data.evaluation
    if ev:
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
                + [f"{_pct(m[k])} {_ci(m['ci95'][k])}" for k in ("precision", "recall", "f1")]
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
        out.append(s)
        if ev["by_label"]:
            s = _Section("By label")
            rows = []
            for label, e in ev["by_label"].items():
                rows.append(
                    [
                        label,
                        str(e["support"]),
                        f"{_pct(e['strict']['recall'])}",
                        f"{_pct(e['partial']['recall'])}",
                        f"{_pct(e['token']['recall'])}",
                        _pct(e["token_recall_any_label"]["value"]),
                        f"{_pct(e['strict']['f1'])}",
                    ]
                )
            s.tables.append(
                (
                    [
                        "label",
                        "gold spans",
                        "strict R",
                        "partial R",
                        "token R",
                        "token R (any label)",
                        "strict F1",
                    ],
                    rows,
                )
            )
            s.images.append(("by_label.png", plot_by_label(ev)))
            out.append(s)
    if data.missed:
        s = _Section("Worst missed spans")
        s.paragraphs.append(
            "PHI is never shown: the missed span is ■■■, other gold PHI is [LABEL], any known "
            "identifier string is [PHI] and digits are #."
        )
        s.tables.append(
            (
                ["label", "length", "chars leaked", "masked context"],
                [[m.label, str(m.length), str(m.leaked_chars), m.context] for m in data.missed],
            )
        )
        out.append(s)
    au = data.audit
    if au:
        s = _Section("Locale audit")
        s.paragraphs.append(
            f"The same {au['documents']} notes with identifiers from each locale; en_US is the "
            f"reference. Paired bootstrap over documents ({au['resamples']} resamples, "
            f"seed {au['seed']})."
        )
        rows = []
        for r in au["locales"]:
            gap = r.get("name_recall_gap")
            all_gap = r.get("recall_gap")
            drop = r.get("name_recall_relative_drop")
            rows.append(
                [
                    r["locale"],
                    f"{_pct(r['name_recall']['value'])} {_ci(r['name_recall']['ci95'])}",
                    "ref" if not drop else f"{_pct(drop['value'])} {_ci(drop['ci95'])}",
                    "ref" if not gap else ("yes" if gap["significant"] else "no"),
                    f"{_pct(r['recall']['value'])} {_ci(r['recall']['ci95'])}",
                    "ref" if not all_gap else ("yes" if all_gap["significant"] else "no"),
                ]
            )
        header = [
            "locale",
            "NAME recall",
            "NAME relative drop",
            "NAME gap significant",
            "all-PHI recall",
            "all-PHI gap significant",
        ]
        s.tables.append((header, rows))
        s.images.append(("locale_recall.png", plot_locale_recall(au)))
        if len(au["locales"]) > 1:
            s.images.append(("locale_drop.png", plot_locale_drop(au)))
        out.append(s)
        if au.get("gender_gap"):
            s = _Section("Gender gap")
            rows = [
                [
                    r["locale"],
                    f"{_pct(r['female']['value'])} {_ci(r['female']['ci95'])}",
                    f"{_pct(r['male']['value'])} {_ci(r['male']['ci95'])}",
                    f"{_pct(r['gap']['difference'])} {_ci(r['gap']['ci95'])}",
                    "yes" if r["gap"]["significant"] else "no",
                ]
                for r in au["gender_gap"]
            ]
            s.tables.append(
                (
                    [
                        "locale",
                        "female NAME recall",
                        "male NAME recall",
                        "female − male",
                        "significant",
                    ],
                    rows,
                )
            )
            s.images.append(("gender_gap.png", plot_gender_gap(au)))
            out.append(s)
        s = _Section("Verdicts")
        s.bullets = list(au["verdicts"])
        out.append(s)
    if data.bench:
        s = _Section("Throughput")
        s.paragraphs.append(
            "Warm words per second (whitespace-delimited input words, one untimed warm-up pass, "
            "median of the timed passes); model load reported separately; peak RSS per process."
        )
        rows = []
        for b in data.bench:
            ev_b = b.get("evaluation") or {}
            rec = (ev_b.get("binary_token") or {}).get("recall")
            rows.append(
                [
                    b["name"],
                    f"{b['words_per_second']:.0f}",
                    f"{b['load_seconds']:.2f}",
                    f"{b['peak_rss_mb']:.0f}",
                    _pct(rec),
                ]
            )
        s.tables.append((["system", "words/s", "load s", "peak RSS MB", "token recall %"], rows))
        if any((b.get("evaluation") or {}).get("binary_token") for b in data.bench):
            s.images.append(("recall_vs_throughput.png", plot_throughput(data.bench)))
        out.append(s)
    if data.notes:
        s = _Section("Notes")
        s.bullets = list(data.notes)
        out.append(s)
    return out


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
