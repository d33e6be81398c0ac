"""The spaCy component: doc.spans["phi"], doc.ents where free, provenance, widening alignment."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from spacy.language import Language  # noqa: E402

from fairdeid.document import Span as PhiSpan  # noqa: E402
from fairdeid.errors import ConfigError, DetectionFailedError  # noqa: E402
from fairdeid.integrations import spacy as fd_spacy  # noqa: E402
from fairdeid.integrations.spacy import FairdeidComponent, _token_span  # noqa: E402
from fairdeid.pipeline import Pipeline  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TEXT = (
    "Seen by Dr. Wei Zhang in Chicago on March 3, 2021. Call 212-555-0199 or "
    "write to wz@example.org; SSN 123-45-6789."
)


@pytest.fixture(scope="module")
def rules_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("fairdeid", config={"detectors": ["rules"]})
    return nlp


def test_add_pipe_sets_phi_spans_with_our_labels_and_provenance(rules_nlp: Language) -> None:
    doc = rules_nlp(TEXT)
    found = {s.text: s for s in doc.spans["phi"]}
    assert found["Dr. Wei Zhang"].label_ == "DOCTOR"
    assert found["wz@example.org"].label_ == "EMAIL"
    assert found["123-45-6789"].label_ == "SSN"
    assert found["March 3, 2021"].label_ == "DATE"
    for span in doc.spans["phi"]:
        assert span._.fairdeid_source.startswith("rules:")
        assert 0 < span._.fairdeid_score <= 1
        assert isinstance(span._.fairdeid_also, list)
    # the same spans, in order, as fairdeid's own answer
    pipeline = Pipeline.from_config(None, detectors=["rules"])
    expected = [(s.start, s.end, s.label) for s in pipeline.detect(TEXT).spans]
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["phi"]] == expected
    # and as entities, since a blank pipeline has none of its own
    assert [(e.text, e.label_) for e in doc.ents] == [(s.text, s.label_) for s in doc.spans["phi"]]


def test_pipe_gives_the_same_answer_as_call(rules_nlp: Language) -> None:
    texts = [TEXT, "nothing to see here", "Call 212-555-0199."]
    piped = list(rules_nlp.pipe(texts, batch_size=2))
    for text, doc in zip(texts, piped, strict=True):
        one = rules_nlp(text)
        assert [(s.start, s.end, s.label_) for s in doc.spans["phi"]] == [
            (s.start, s.end, s.label_) for s in one.spans["phi"]
        ]
    assert len(piped[1].spans["phi"]) == 0


def test_offsets_inside_tokens_widen_to_whole_tokens(fixed_config) -> None:  # type: ignore[no-untyped-def]
    # "Zhang2000" is one token: a name that ends inside it takes the whole token (never less)
    text = "Dr. Wei Zhang2000 came."
    start, end = text.index("ei"), text.index("2000")
    nlp = spacy.blank("en")
    nlp.add_pipe("fairdeid", config={"config": fixed_config([(start, end, "DOCTOR")])})
    doc = nlp(text)
    (span,) = doc.spans["phi"]
    assert span.text == "Wei Zhang2000"
    assert span.start_char <= start and span.end_char >= end
    assert span._.fairdeid_source == "fixed:doctor"


_TOKENIZE = spacy.blank("en")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab1 .-'\n\u00e9\u4e2d"), min_size=1, max_size=40),
    st.data(),
)
def test_alignment_always_covers_the_characters(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    fd_spacy.register_extensions()
    doc = _TOKENIZE(text)
    span = _token_span(doc, PhiSpan(start, end, "NAME", "fixed:x"))
    inner = text[start:end]
    if span is None:  # only for pure whitespace, which identifies nobody
        assert not inner.strip()
        return
    if inner.strip():  # every character that is not whitespace is inside the span
        first = start + len(inner) - len(inner.lstrip())
        last = start + len(inner.rstrip())
        assert span.start_char <= first and span.end_char >= last
    assert span.label_ == "NAME"
    # widened only to the tokens the characters touch (a token's trailing space counts)
    for token in (span[0], span[-1]):
        assert token.idx < end and start < token.idx + len(token.text_with_ws)


def test_existing_entities_are_kept_and_phi_still_complete(fixed_config) -> None:  # type: ignore[no-untyped-def]
    text = "Wei Zhang lives in Chicago."
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Chicago"}])
    city = (text.index("Chicago"), text.index("Chicago") + 7, "CITY")
    name = (0, 9, "PATIENT")
    nlp.add_pipe("fairdeid", config={"config": fixed_config([name, city])})
    doc = nlp(text)
    assert [(e.text, e.label_) for e in doc.ents] == [("Wei Zhang", "PATIENT"), ("Chicago", "GPE")]
    assert [(s.text, s.label_) for s in doc.spans["phi"]] == [
        ("Wei Zhang", "PATIENT"),
        ("Chicago", "CITY"),
    ]


def test_set_ents_false_and_custom_spans_key(fixed_config) -> None:  # type: ignore[no-untyped-def]
    nlp = spacy.blank("en")
    cfg = {"config": fixed_config([(0, 3, "NAME")]), "spans_key": "pii", "set_ents": False}
    nlp.add_pipe("fairdeid", config=cfg)
    doc = nlp("Ann went home.")
    assert doc.ents == ()
    assert "phi" not in doc.spans
    assert [s.text for s in doc.spans["pii"]] == ["Ann"]


def test_a_failed_detector_raises_naming_the_doc_not_its_text(fixed_config) -> None:  # type: ignore[no-untyped-def]
    nlp = spacy.blank("en")
    path = fixed_config([(0, 3, "NAME")], detectors=("fixed", "broken"))
    nlp.add_pipe("fairdeid", config={"config": path})
    with pytest.raises(DetectionFailedError) as info:
        nlp("Ann went home.")
    assert "doc-0" in str(info.value) and "broken" in str(info.value)
    assert "Ann" not in str(info.value)
    with pytest.raises(DetectionFailedError) as info:
        list(nlp.pipe(["x", "Ann went home."], batch_size=1))
    assert "doc-0" in str(info.value) and "Ann" not in str(info.value)


def test_unknown_detector_fails_when_the_component_is_built(fixed_config) -> None:  # type: ignore[no-untyped-def]
    pipeline = Pipeline.from_config(fixed_config([]))
    with pytest.raises(ConfigError, match="not in the pipeline"):
        FairdeidComponent(pipeline, detectors=["nope"])
    with pytest.raises(ConfigError):
        spacy.blank("en").add_pipe("fairdeid", config={"detectors": ["nope"]})


def test_saved_pipeline_loads_with_its_settings(tmp_path: Path, fixed_config) -> None:  # type: ignore[no-untyped-def]
    nlp = spacy.blank("en")
    nlp.add_pipe("fairdeid", config={"config": fixed_config([(0, 3, "NAME")]), "spans_key": "x"})
    nlp.to_disk(tmp_path / "nlp")
    again = spacy.load(tmp_path / "nlp")
    assert again.pipe_names == ["fairdeid"]
    doc = again("Ann went home.")
    assert [s.text for s in doc.spans["x"]] == ["Ann"]


def test_factory_is_registered_and_declared_as_an_entry_point() -> None:
    assert Language.has_factory("fairdeid")
    meta = Language.get_factory_meta("fairdeid")
    assert meta.default_config == fd_spacy.DEFAULT_CONFIG
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    target = pyproject["project"]["entry-points"]["spacy_factories"]["fairdeid"]
    module, _, attr = target.partition(":")
    assert module == fd_spacy.__name__ and getattr(fd_spacy, attr) is fd_spacy.make_component
    assert pyproject["project"]["optional-dependencies"]["spacy"] == ["spacy>=3.7"]
