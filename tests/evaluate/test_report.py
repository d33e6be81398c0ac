"""Reports are written, self-contained, and never contain gold PHI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from evaluate_fakes import NameListDetector, fake_localize

from fairdeid.document import Document, Span
from fairdeid.evaluate import evaluate_pipeline
from fairdeid.evaluate.audit import run_audit
from fairdeid.evaluate.bench import System, bench_system
from fairdeid.evaluate.missed import PhiMasker, masked_context, worst_missed
from fairdeid.evaluate.report import ReportData, write_report
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
