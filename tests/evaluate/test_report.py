"""Reports are written, self-contained, and never contain gold PHI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from evaluate_fakes import NameListDetector, fake_localize
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.transforms import Bbox

from fairdeid.document import Document, Span
from fairdeid.evaluate import evaluate_pipeline
from fairdeid.evaluate.audit import run_audit
from fairdeid.evaluate.bench import System, bench_system
from fairdeid.evaluate.missed import PhiMasker, masked_context, worst_missed
from fairdeid.evaluate.report import (
    ReportData,
    figure_by_label,
    figure_gender_gap,
    figure_locale_drop,
    figure_locale_recall,
    figure_throughput,
    format_estimate,
    format_interval,
    value_limits,
    verdict_lines,
    write_report,
)
from fairdeid.pipeline import Pipeline

ASQ = Path(__file__).resolve().parents[3] / "shared" / "data" / "asq-phi" / "dev.jsonl"
_DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def assert_no_phi(report_dir: Path, gold: list[Document]) -> None:
    """No gold span string of 3+ characters appears in report.md or report.html."""
    secrets = {d.span_text(s).casefold() for d in gold for s in d.spans if s.length >= 3}
    secrets = {s for s in secrets if len(s.strip()) >= 3}
    for name in ("report.md", "report.html"):
        # Base64 image data is not text a reader sees, and random letters in it would match.
        text = _DATA_URI.sub("", (report_dir / name).read_text("utf-8")).casefold()
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{name} leaks {len(leaked)} gold string(s)"


def test_masked_context_hides_all_phi() -> None:
    text = "Robert Roe (MRN 55512) was seen. Robert called Dr. Mia Wu at 555-0199 today."
    gold = Document(
        "d",
        text,
        spans=(
            Span(0, 10, "PATIENT"),
            Span(16, 21, "MEDICALRECORD"),
            Span(51, 57, "DOCTOR"),
        ),
    )
    masker = PhiMasker(["Robert Roe", "55512", "Mia Wu", "Robert"])
    ctx = masked_context(gold, 2, masker, window=60)
    assert "■■■" in ctx and "[NAME]" in ctx and "[ID]" in ctx
    assert "Robert" not in ctx  # the unannotated second mention is masked too
    assert "0199" not in ctx and "###-####" in ctx  # unannotated digits become #
    assert "Mia" not in ctx


_PART_WORD = re.compile(r"\w(?:\[[A-Z]+\]|■■■)|(?:\[[A-Z]+\]|■■■)\w")


def test_masked_context_masks_whole_words() -> None:
    """A gold string inside a longer word ("Pat" in "Patient") masks that whole word, and a gold
    span that cuts a word ("MRN55512" annotated on the digits) masks the word, never a part."""
    text = "Patient Pat Roe (MRN55512) was seen by Dr. Lee; Patrick called Pat."
    gold = Document(
        "d",
        text,
        spans=(Span(8, 15, "PATIENT"), Span(20, 25, "MEDICALRECORD"), Span(43, 46, "DOCTOR")),
    )
    masker = PhiMasker(["Pat Roe", "Pat", "55512", "Lee"])
    ctx = masked_context(gold, 2, masker, window=80)
    assert not _PART_WORD.search(ctx), ctx
    assert "Pati" not in ctx and "rick" not in ctx and "MRN" not in ctx
    assert "■■■" in ctx and "[NAME]" in ctx and "[ID]" in ctx
    assert "was seen by" in ctx  # words that hold no PHI stay readable
    assert not _PART_WORD.search(masker.mask("Patient Patrick, pat-down"))


def test_worst_missed_orders_by_leaked_characters(gold_docs: list[Document]) -> None:
    pred = [d.with_spans(d.spans[1:2]) for d in gold_docs]  # only the dates found
    missed = worst_missed(gold_docs, pred, limit=3)
    assert [m.label for m in missed] == ["LOCATION"] * 3  # Springfield (11) before Robert Roe (10)
    assert missed[0].length == 11 and missed[0].leaked_chars == 11


def test_evaluation_report_files_and_no_phi(tmp_path: Path, gold_docs: list[Document]) -> None:
    result, pred = evaluate_pipeline(Pipeline({"n": NameListDetector()}), gold_docs, n_boot=50)
    paths = write_report(
        tmp_path,
        ReportData(
            system="namelist", evaluation=result.to_json(), missed=worst_missed(gold_docs, pred)
        ),
    )
    assert (tmp_path / "report.md").is_file() and (tmp_path / "by_label.png").is_file()
    assert paths["by_label.png"].read_bytes().startswith(b"\x89PNG")
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "data:image/png;base64," in page and "<img" in page
    assert "src='by_label.png'" not in page  # self-contained: nothing loaded from disk
    assert "Worst missed spans" in (tmp_path / "report.md").read_text("utf-8")
    assert_no_phi(tmp_path, gold_docs)


def test_audit_and_bench_report(tmp_path: Path, gold_docs: list[Document]) -> None:
    pipe = Pipeline({"n": NameListDetector()})
    audit = run_audit(
        pipe, gold_docs, ["zh_CN", "en_GB"], genders=True, n_boot=50, localize=fake_localize
    ).to_json()
    bench = bench_system(
        System("namelist", detector="namelist"), gold_docs, repeat=1, isolate=False
    ).to_json()
    write_report(tmp_path, ReportData(audit=audit, bench=[bench]))
    for png in (
        "locale_recall.png",
        "locale_drop.png",
        "gender_gap.png",
        "recall_vs_throughput.png",
    ):
        assert (tmp_path / png).is_file(), png
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "significantly lower than en_US" in md
    assert_no_phi(tmp_path, gold_docs)


@pytest.mark.skipif(not ASQ.is_file(), reason="shared asq-phi data not present")
def test_real_corpus_report_has_no_phi(tmp_path: Path) -> None:
    """On real annotated questions, with a detector that misses almost everything."""
    from fairdeid.corpora.jsonl import read_jsonl

    gold = read_jsonl(ASQ)[:120]
    result, pred = evaluate_pipeline(Pipeline({"n": NameListDetector()}), gold, n_boot=20)
    missed = worst_missed(gold, pred, limit=60)
    assert len(missed) == 60
    write_report(tmp_path, ReportData(evaluation=result.to_json(), missed=missed))
    assert_no_phi(tmp_path, gold)


# -- plots: layout checked on the rendered figure ---------------------------------------------

LOCALES = ["en_US", "en_GB", "en_IN", "en_AU", "en_CA", "en_NG", "zh_CN", "hi_IN", "bn_BD",
           "es_ES", "es_MX", "fr_FR"]


def _est(value: float, width: float = 0.006) -> dict[str, Any]:
    return {"value": value, "ci95": [value - width, min(1.0, value + width)]}


def high_recall_audit() -> dict[str, Any]:
    """Recalls of 96-97% (the case a 0-100 axis flattens), twelve locales, one significant."""
    rows: list[dict[str, Any]] = []
    for i, loc in enumerate(LOCALES):
        row: dict[str, Any] = {"locale": loc, "name_recall": _est(0.97 - 0.001 * i),
                               "recall": _est(0.965 - 0.0005 * i)}
        if loc != "en_US":
            diff = -0.001 * i
            sig = i == len(LOCALES) - 1
            row["name_recall_gap"] = {"difference": diff, "ci95": [diff - 0.004, diff + 0.004],
                                      "significant": sig}
            row["recall_gap"] = {"difference": diff / 2, "ci95": [diff - 0.01, diff + 0.01],
                                 "significant": False}
            row["name_recall_relative_drop"] = _est(0.001 * i, 0.004)
        rows.append(row)
    gender = [{"locale": loc, "female": _est(0.962), "male": _est(0.971),
               "gap": {"difference": -0.009, "ci95": [-0.015, -0.00004], "significant": True}}
              for loc in LOCALES]
    return {"documents": 200, "resamples": 1000, "seed": 0, "locales": rows,
            "gender_gap": gender, "verdicts": []}


def many_label_evaluation() -> dict[str, Any]:
    labels = ["PATIENT", "DOCTOR", "USERNAME", "PROFESSION", "ROOM", "DEPARTMENT", "HOSPITAL",
              "ORGANIZATION", "STREET", "CITY", "STATE", "COUNTRY", "ZIP", "LOCATION_OTHER",
              "AGE", "DATE", "PHONE", "FAX", "EMAIL", "URL", "SSN", "MEDICALRECORD",
              "HEALTHPLAN", "ACCOUNT", "LICENSE", "DEVICE", "BIOID", "IDNUM"]
    def kind(v: float) -> dict[str, Any]:
        return {"recall": v, "ci95": {"recall": [v - 0.01, min(1.0, v + 0.01)]}}
    return {"by_label": {lab: {"strict": kind(0.9), "partial": kind(0.95), "token": kind(0.97)}
                         for lab in labels}}


def close_bench() -> list[dict[str, Any]]:
    """Systems whose speeds and recalls are close, with long names (their labels collided)."""
    out = []
    for i, name in enumerate(["rules", "rules+crf", "rules+crf+transformer (onnx int8)",
                              "transformer (onnx int8, batch 32)", "llm-hybrid (qwen 7B)",
                              "crf-meddocan-es"]):
        recall = 0.96 + 0.002 * i
        out.append({"name": name, "words_per_second": 2200 + 150 * i,
                    "evaluation": {"binary_token": {"recall": recall,
                                                    "ci95": {"recall": [recall - 0.005,
                                                                        recall + 0.004]}}}})
    return out


def _layout(fig: Any) -> Any:
    fig.canvas.draw()
    assert type(fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    return fig.canvas.get_renderer()


def _overlapping(boxes: list[Any]) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].overlaps(boxes[j])]


def _tick_boxes(fig: Any, renderer: Any) -> list[list[Any]]:
    ax = fig.axes[0]
    return [[t.get_window_extent(renderer) for t in labels if t.get_text()]
            for labels in (ax.get_xticklabels(), ax.get_yticklabels())]


def _assert_clean(fig: Any) -> None:
    """No two tick labels of an axis overlap; no legend covers a bar, an error bar or a point;
    everything stays inside the figure."""
    renderer = _layout(fig)
    for boxes in _tick_boxes(fig, renderer):
        assert boxes and not _overlapping(boxes)
    ax = fig.axes[0]
    legends = list(fig.legends) + ([ax.get_legend()] if ax.get_legend() else [])
    marks = [p.get_window_extent(renderer) for p in ax.patches]
    marks += [line.get_window_extent(renderer) for line in ax.lines if len(line.get_xdata())]
    for collection in ax.collections:  # error bars: their segments, in display coordinates
        for segment in collection.get_segments():
            xy = ax.transData.transform(segment)
            marks.append(Bbox.from_extents(*xy.min(axis=0), *xy.max(axis=0)))
    page = fig.bbox
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert not [m for m in marks if box.overlaps(m)], "legend covers data"
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1


def test_bar_plots_have_no_overlapping_ticks_or_legend() -> None:
    audit = high_recall_audit()
    for fig in (figure_by_label(many_label_evaluation()), figure_locale_recall(audit),
                figure_locale_drop(audit), figure_gender_gap(audit)):
        _assert_clean(fig)


def test_bench_plot_has_no_overlapping_ticks_or_legend() -> None:
    fig = figure_throughput(close_bench())
    _assert_clean(fig)
    ax = fig.axes[0]
    assert not ax.texts, "names are in the legend, not written next to (and over) the points"
    assert not [t for t in ax.get_xticklabels(minor=True) if t.get_text()]


def test_high_recalls_get_a_fitted_axis_with_a_note() -> None:
    """96% vs 97% must be visible: the value axis is fitted and says it does not start at 0."""
    fig = figure_locale_recall(high_recall_audit())
    lo, hi = fig.axes[0].get_xlim()
    assert 80 <= lo < 95 and 97.6 <= hi <= 100
    assert "not 0" in fig.axes[0].get_xlabel()
    bench = figure_throughput(close_bench())
    lo, hi = bench.axes[0].get_ylim()
    assert 80 <= lo < 95 and "not 0" in bench.axes[0].get_ylabel()


def test_value_limits() -> None:
    assert value_limits([(0.5, [0.3, 0.7])]) == (0.0, 75.0)  # near 0: keep the 0 baseline
    assert value_limits([(0.965, [0.96, 0.97])]) == (95.0, 100.0)
    assert value_limits([(0.01, [-0.02, 0.03])], floor=None, ceiling=None) == (-5.0, 5.0)
    assert value_limits([(None, None)]) == (0.0, 100.0)


# -- audit numbers: units and precision -------------------------------------------------------

_BOUNDS = re.compile(r"\[(-?\d+\.\d+), (-?\d+\.\d+)\]")
_CI_WORDS = re.compile(r"95% CI (-?\d+\.\d+) to (-?\d+\.\d+)")


@given(
    st.floats(min_value=1e-6, max_value=0.5),
    st.floats(min_value=1e-6, max_value=0.5),
    st.booleans(),
)
def test_interval_that_excludes_zero_never_prints_zero(a: float, b: float, negative: bool) -> None:
    lo, hi = sorted((a, b))
    if negative:
        lo, hi = -hi, -lo
    lo, hi = round(lo, 6), round(hi, 6)  # the bootstrap rounds its bounds to 6 decimals
    printed = _BOUNDS.search(format_interval([lo, hi]))
    assert printed
    for bound in printed.groups():
        assert float(bound) != 0 and (float(bound) < 0) == negative, printed.group(0)
    assert _BOUNDS.search(format_estimate(0.001, [lo, hi]))


def test_interval_precision_examples() -> None:
    assert format_interval([0.0004, 0.008]) == "[0.04, 0.80]"
    assert format_interval([-0.015, -0.0000004]) == "[-1.50000, -0.00004]"
    assert format_interval([-0.01, 0.008]) == "[-1.0, 0.8]"  # includes 0: one decimal is enough
    assert format_estimate(-0.00001, [-0.01, 0.008]) == "0.0 [-1.0, 0.8]"  # never "-0.0"


def test_audit_tables_and_verdicts_say_points_and_never_show_a_zero_bound(tmp_path: Path) -> None:
    audit = high_recall_audit()
    lines = verdict_lines(audit)
    assert any("significantly" in line and "female names" in line for line in lines)
    write_report(tmp_path, ReportData(audit=audit))
    md = (tmp_path / "report.md").read_text("utf-8")
    assert "(points)" in md and "percentage points" in md and "% of en_US" in md
    for line in md.splitlines():
        if "significant" in line and "excludes" in line or "differs significantly" in line:
            lo, hi = (float(x) for x in _CI_WORDS.search(line).groups())  # type: ignore[union-attr]
            assert lo != 0 and hi != 0, line
    assert "| -0.900 [-1.500, -0.004] | yes |" in md  # the gender gap: three decimals
    for row in md.splitlines():
        if row.startswith("| ") and "| yes |" in row:
            for lo, hi in _BOUNDS.findall(row):
                if float(lo) * float(hi) >= 0 and (float(lo), float(hi)) != (0, 0):
                    assert float(lo) != 0 and float(hi) != 0, row
