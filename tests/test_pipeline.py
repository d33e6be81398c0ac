from __future__ import annotations

import pytest

from fairdeid import Document, Pipeline
from fairdeid.errors import ConfigError
from fairdeid.pipeline import load_config


def test_pipeline_from_mapping(toy_config) -> None:  # type: ignore[no-untyped-def]
    pipe = Pipeline.from_config(toy_config)
    result = pipe.deidentify("Seen by Dr. Lee on 2021-03-04, call 555-123-4567.")
    assert result.text == "Seen by Dr. [NAME] on [DATE], call [CONTACT]."
    assert [s.label for s in result.spans] == ["DOCTOR", "DATE", "PHONE"]
    assert all(s.source.startswith("toy:") for s in result.spans)


def test_pipeline_from_toml_file_and_mode_override(toy_config_file) -> None:  # type: ignore[no-untyped-def]
    pipe = Pipeline.from_config(toy_config_file, mode="redact")
    assert pipe.deidentify("Dr. Lee").text == "Dr. ***"


def test_detect_batch_keeps_order_and_ids(toy_config) -> None:  # type: ignore[no-untyped-def]
    pipe = Pipeline.from_config(toy_config)
    docs = [Document("a", "nothing here"), Document("b", "Dr. Kim")]
    out = pipe.detect_batch(docs)
    assert [d.id for d in out] == ["a", "b"]
    assert out[0].spans == () and out[1].spans[0].label == "DOCTOR"


def test_per_call_detector_selection(toy_config) -> None:  # type: ignore[no-untyped-def]
    pipe = Pipeline.from_config(toy_config)
    with pytest.raises(ConfigError, match="not in this pipeline"):
        pipe.detect("x", detectors=["rules2"])


def test_config_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="unknown detector"):
        Pipeline.from_config({"pipeline": {"detectors": ["nope"]}})
    with pytest.raises(ConfigError, match="unknown config sections"):
        Pipeline.from_config({"pipeline": {"detectors": ["toy"]}, "oops": {}})
    bad = tmp_path / "bad.toml"
    bad.write_text("[pipeline\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml")


def test_packaged_default_config_parses() -> None:
    config = load_config(None)
    assert "rules" in config["pipeline"]["detectors"]


class _FlakyDetector:
    """Fails on documents whose text contains "FAIL", like a remote LLM answering 500."""

    name = "flaky"

    def detect(self, doc):  # type: ignore[no-untyped-def]
        return self.detect_batch([doc])[0]

    def detect_batch(self, docs):  # type: ignore[no-untyped-def]
        return self.detect_batch_with_errors(docs)[0]

    def detect_batch_with_errors(self, docs):  # type: ignore[no-untyped-def]
        from fairdeid.errors import RecordError

        errors = [RecordError(d.id, "server error 500") for d in docs if "FAIL" in d.text]
        return [[] for _ in docs], errors


def test_per_document_detector_failures_are_flagged(toy_config) -> None:  # type: ignore[no-untyped-def]
    from fairdeid.detect import register_detector

    register_detector("flaky", lambda cfg: _FlakyDetector())
    pipe = Pipeline.from_config({"pipeline": {"detectors": ["toy", "flaky"]}})
    ok, bad = pipe.deidentify_batch([Document("a", "Dr. Lee"), Document("b", "Dr. Kim FAIL")])
    assert ok.errors == () and ok.text == "[NAME]"  # the title inside the name (name_titles)
    assert bad.errors == ("flaky: server error 500",)


def test_narrowing_to_a_detector_the_config_lacks_says_so() -> None:
    """Regression: `deidentify -d crf` with the built-in (English) config ended in
    "[detectors.crf] needs 'model'", which did not say that this pipeline has no CRF."""
    with pytest.raises(ConfigError, match=r"detector 'crf' is not configured in this pipeline "
                                          r"\(it runs rules, transformer"):
        Pipeline.from_config(None, detectors=["crf"])


def test_resolve_proposals_finishes_proposals_as_detect_does() -> None:
    # the rule detector's name propagation runs after resolve: "Okafor" alone is found only
    # because "Dr. Adaeze Okafor" was, so the finish must include the after-resolve steps
    pipe = Pipeline.from_config({"pipeline": {"detectors": ["rules"]}})
    doc = Document("n1", "Seen by Dr. Adaeze Okafor on 03/04/2021. Okafor will call back.")
    detected = pipe.detect(doc).spans
    proposed = pipe.propose([doc])[0].spans
    assert pipe.resolve_proposals(doc, proposed) == list(detected)
    assert pipe.resolve_proposals(doc, proposed, ["rules"]) == list(detected)
    assert sum(doc.text[s.start : s.end] == "Okafor" for s in detected) == 1
