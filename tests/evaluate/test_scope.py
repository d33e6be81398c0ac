"""``--scope preset``: score against the gold the policy promises to remove, and say what was
left out. Small hand-made notes, the policy of the pipeline that handled each note."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from evaluate_fakes import NameListDetector
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.corpora.jsonl import write_jsonl
from fairdeid.document import Document, Span
from fairdeid.evaluate import evaluate_pipeline
from fairdeid.evaluate.scope import scope_to_policy
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import ResolveConfig, Resolver

TEXT = "John Smith, varón de 34 años; su abuelo murió a los 95 años el 02/03/2021."


def _span(text: str, piece: str, label: str, *, after: int = 0) -> Span:
    start = text.index(piece, after)
    return Span(start, start + len(piece), label)


def _gold(doc_id: str = "n1") -> Document:
    spans = (
        _span(TEXT, "John Smith", "PATIENT"),
        _span(TEXT, "varón", "OTHER"),
        _span(TEXT, "34 años", "AGE"),
        _span(TEXT, "95 años", "AGE"),
        _span(TEXT, "02/03/2021", "DATE"),
    )
    return Document(doc_id, TEXT, spans=spans)


def _safe_harbor(ignore: Sequence[str] = ("OTHER",)) -> Resolver:
    return Resolver(ResolveConfig(preset="safe_harbor", ignore_labels=list(ignore)))


def test_resolver_keeps_what_the_policy_leaves_in_the_text() -> None:
    doc = _gold()
    by_text = {doc.span_text(s): s for s in doc.spans}
    resolver = _safe_harbor()
    assert resolver.keeps(TEXT, by_text["varón"])  # ignored label
    assert resolver.keeps(TEXT, by_text["34 años"])  # an age under 90
    assert not resolver.keeps(TEXT, by_text["95 años"])
    assert not resolver.keeps(TEXT, by_text["John Smith"])
    strict = Resolver(ResolveConfig(preset="strict"))
    assert not strict.keeps(TEXT, by_text["34 años"])
    assert not strict.keeps(TEXT, by_text["varón"])


def test_scope_drops_kept_gold_and_predictions_and_counts_them() -> None:
    gold = _gold()
    # a detector without the policy: it also tags the young age and the sex
    pred = gold.with_spans(
        (_span(TEXT, "John Smith", "PATIENT"), _span(TEXT, "34 años", "AGE"),
         _span(TEXT, "varón", "OTHER"), _span(TEXT, "95 años", "AGE"))
    )
    scoped_gold, scoped_pred, report = scope_to_policy([gold], [pred], [_safe_harbor()])
    assert [scoped_gold[0].span_text(s) for s in scoped_gold[0].spans] == [
        "John Smith", "95 años", "02/03/2021"]
    assert [scoped_pred[0].span_text(s) for s in scoped_pred[0].spans] == ["John Smith", "95 años"]
    assert report.gold_dropped == {"AGE": 1, "OTHER": 1}
    assert report.pred_dropped == {"AGE": 1, "OTHER": 1}
    assert report.to_json()["name"] == "preset"


def test_scope_refuses_unpaired_inputs() -> None:
    with pytest.raises(ValueError, match="pair up"):
        scope_to_policy([_gold()], [], [_safe_harbor()])


class _Everything:
    """Finds the name, the old age and the date: everything the safe_harbor policy removes."""

    name = "everything"

    def detect(self, doc: Document) -> list[Span]:
        return [_span(doc.text, piece, label) for piece, label in
                (("John Smith", "PATIENT"), ("95 años", "AGE"), ("02/03/2021", "DATE"))]

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return [self.detect(d) for d in docs]


def test_evaluate_pipeline_scores_both_ways() -> None:
    pipe = Pipeline({"everything": _Everything()},
                    Resolver(ResolveConfig(preset="safe_harbor", ignore_labels=["OTHER"])))
    gold = [_gold("a"), _gold("b")]
    everything, _ = evaluate_pipeline(pipe, gold, n_boot=10)
    assert everything.strict["recall"].value == pytest.approx(3 / 5)
    assert "scope" not in everything.to_json()  # the default object is unchanged
    scoped, pred = evaluate_pipeline(pipe, gold, n_boot=10, scope="preset")
    assert scoped.strict["recall"].value == pytest.approx(1.0)
    assert scoped.strict["precision"].value == pytest.approx(1.0)
    assert scoped.to_json()["scope"] == {
        "name": "preset", "gold_dropped": {"AGE": 2, "OTHER": 2}, "pred_dropped": {}}
    assert len(pred[0].spans) == 3  # the predictions are the pipeline's
    with pytest.raises(ValueError, match="unknown scope"):
        evaluate_pipeline(pipe, gold, scope="everything")


SPANISH = ("Paciente varón de 45 años que ingresa en el servicio de urgencias por dolor "
           "torácico. Refiere antecedentes de hipertensión arterial y diabetes mellitus "
           "tipo dos en tratamiento con metformina desde hace varios años.")
ENGLISH = ("Male patient of 45 years admitted through the emergency department with chest "
           "pain. He reports a history of arterial hypertension and type two diabetes "
           "treated with metformin for several years.")


def _with_sex(doc_id: str, text: str, word: str) -> Document:
    return Document(doc_id, text, spans=(_span(text, word, "OTHER", after=0),))


def test_scope_asks_the_policy_of_the_pack_that_handled_the_note() -> None:
    """The Spanish pack ignores OTHER (the patient's sex); the English config does not."""
    pipe = Pipeline.from_config(None, detectors=["rules"], mode="tag", language="auto")
    gold = [_with_sex("es1", SPANISH, "varón"), _with_sex("en1", ENGLISH, "Male")]
    result, _ = evaluate_pipeline(pipe, gold, n_boot=10, scope="preset")
    assert result.to_json()["scope"]["gold_dropped"] == {"OTHER": 1}
    assert result.by_label["OTHER"]["support"] == 1  # the English note's stays in the gold


def test_cli_scope_option(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    text = "Seen John Smith, 34 years old, on 02/03/2021."
    write_jsonl([Document("c1", text, spans=(
        _span(text, "John Smith", "PATIENT"), _span(text, "34 years old", "AGE"),
        _span(text, "02/03/2021", "DATE")))], gold)
    runner = CliRunner()
    base = ["evaluate", str(gold), "-d", "namelist", "--json", "--no-progress",
            "--resamples", "10"]
    assert NameListDetector.name == "namelist"  # registered by importing evaluate_fakes
    res = runner.invoke(app, [*base, "--scope", "preset"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["scope"]["gold_dropped"] == {"AGE": 1}
    assert out["strict"]["recall"] == pytest.approx(1.0)
    res = runner.invoke(app, base)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert "scope" not in out
    assert out["strict"]["recall"] == pytest.approx(2 / 3)
    human = runner.invoke(app, [*base[:-4], "--no-progress", "--resamples", "10",
                                "--scope", "preset"])
    assert human.exit_code == 0, human.output
    assert re.search(r"scope preset: .*gold AGE 1", human.stdout)
    bad = runner.invoke(app, [*base, "--scope", "everything"])
    assert bad.exit_code == 2
    assert "--scope must be one of" in bad.output
