"""`fairdeid.runner.run_safely`: one policy for every caller that de-identifies many notes.

A stub pipeline stands in for the real one: what matters here is how exceptions and detector
failures become PHI-free record errors, not what the detectors find.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from fairdeid.document import Document
from fairdeid.errors import RecordError
from fairdeid.pipeline import Result
from fairdeid.runner import DetectorFailure, ProcessingFailure, run_safely

CANARY = "Philomena Thistlewood"


class StubPipeline:
    """Raises (quoting the note, as careless detectors do) on notes with BOOM; reports a
    detector failure on notes with FAIL; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[str] | None]] = []

    def deidentify_batch(
        self, docs: Sequence[Document], detectors: Iterable[str] | None = None
    ) -> list[Result]:
        self.calls.append(([d.id for d in docs], None if detectors is None else list(detectors)))
        for doc in docs:
            if "BOOM" in doc.text:
                raise RuntimeError(f"cannot parse {doc.text!r}")
        return [
            Result(doc, doc.text.upper(), (), ("llm: server error 500",) if "FAIL" in doc.text
                   else ())
            for doc in docs
        ]


def _docs(*texts: str) -> list[Document]:
    return [Document(id=f"d{i}", text=f"{t} {CANARY}") for i, t in enumerate(texts)]


def _run(pipeline: Any, docs: Sequence[Document], **kw: Any) -> list[Result | RecordError]:
    return run_safely(pipeline, docs, **kw)


def test_a_clean_batch_gives_results_in_order_in_one_call() -> None:
    stub = StubPipeline()
    out = _run(stub, _docs("a", "b", "c"))
    assert [r.document.id for r in out if isinstance(r, Result)] == ["d0", "d1", "d2"]
    assert stub.calls == [(["d0", "d1", "d2"], None)]


def test_a_raising_batch_is_retried_note_by_note(caplog: pytest.LogCaptureFixture) -> None:
    stub = StubPipeline()
    with caplog.at_level(logging.ERROR, logger="fairdeid"):
        out = _run(stub, _docs("a", "BOOM", "c"), locators=["f:1", "f:2", "f:3"])
    assert [type(o).__name__ for o in out] == ["Result", "ProcessingFailure", "Result"]
    failure = out[1]
    assert isinstance(failure, ProcessingFailure)
    assert failure.record == "f:2"
    assert failure.reason == (
        "RuntimeError in the pipeline (message withheld: it may quote the note)")
    assert isinstance(failure.original, RuntimeError)
    assert CANARY not in str(failure) and CANARY not in caplog.text
    assert "f:2" in caplog.text and "RuntimeError" in caplog.text
    assert stub.calls[1:] == [(["d0"], None), (["d1"], None), (["d2"], None)]


def test_a_result_with_detector_errors_is_withheld() -> None:
    out = _run(StubPipeline(), _docs("a", "FAIL"))
    assert isinstance(out[0], Result)
    failure = out[1]
    assert isinstance(failure, DetectorFailure)
    assert failure.record == "d1"
    assert failure.reason == "detector failed: llm: server error 500"
    assert failure.errors == ("llm: server error 500",)
    assert CANARY not in str(failure)


def test_without_retry_every_note_gets_the_batch_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stub = StubPipeline()
    with caplog.at_level(logging.ERROR, logger="fairdeid"):
        out = _run(stub, _docs("a", "BOOM"), retry=False, log_failures=False)
    assert all(isinstance(o, ProcessingFailure) for o in out)
    assert len(stub.calls) == 1 and caplog.text == ""


def test_detectors_are_passed_through_to_every_call() -> None:
    stub = StubPipeline()
    _run(stub, _docs("a", "BOOM"), detectors=("rules",))
    assert [call[1] for call in stub.calls] == [["rules"]] * 3


def test_one_locator_per_document_is_required() -> None:
    with pytest.raises(ValueError, match="one locator per document"):
        _run(StubPipeline(), _docs("a", "b"), locators=["only one"])


def test_an_interrupt_is_not_swallowed() -> None:
    class Interrupted(StubPipeline):
        def deidentify_batch(self, docs: Sequence[Document],
                             detectors: Iterable[str] | None = None) -> list[Result]:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(Interrupted(), _docs("a", "b"))


def test_the_real_pipeline_runs_through_it(toy_config_file: Any) -> None:
    from fairdeid.pipeline import Pipeline

    pipeline = Pipeline.from_config(toy_config_file)
    out = run_safely(pipeline, [Document(id="a", text="Dr. Lee")])
    assert isinstance(out[0], Result) and out[0].ok
