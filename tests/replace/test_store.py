"""Surrogate scopes: id-less documents never share one, patients always do, memory stays bounded."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError, FairdeidError
from fairdeid.replace import build_replacer
from fairdeid.replace.mapping import read_mapping
from fairdeid.replace.store import SurrogateStore, patient_scope, scope_of
from fairdeid.replace.surrogates import SurrogateReplacer

KEY = "scope-test-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"
TEXT = "Seen 03/04/2021 by Dr. Anna Lee; John Miller, back 03/18/2021. Miller is well."
MARKS = [("03/04/2021", "DATE"), ("Anna Lee", "DOCTOR"), ("John Miller", "PATIENT"),
         ("03/18/2021", "DATE"), ("Miller", "PATIENT")]


def note(doc_id: str, meta: dict[str, object] | None = None, text: str = TEXT,
         marks: list[tuple[str, str]] = MARKS) -> Document:
    spans, cursor = [], 0
    for sub, label in marks:
        i = text.index(sub, cursor)
        cursor = i + len(sub)
        spans.append(Span(i, i + len(sub), label))
    return Document(doc_id, text, dict(meta or {}), tuple(spans))


def replacer(**extra: object) -> SurrogateReplacer:
    rep = build_replacer({"mode": "surrogate", "locales": ["en_US"], "key": KEY, **extra})
    assert isinstance(rep, SurrogateReplacer)
    return rep


def surrogates(rep: SurrogateReplacer, doc: Document) -> list[str]:
    out = rep.replace(doc, doc.spans)
    return [out.text[s.start : s.end] for s in out.spans]


def shift_of(rep: SurrogateReplacer, doc: Document) -> int:
    first = surrogates(rep, doc)[0]
    return (dt.datetime.strptime(first, "%m/%d/%Y").date() - dt.date(2021, 3, 4)).days


# -- item 5: documents without a patient id -------------------------------------------------


def test_id_less_documents_with_the_same_generated_id_get_independent_shifts() -> None:
    # The service names every id-less request "doc-0", the pipeline "text-0": these used to share
    # one scope, so one known real/surrogate date pair revealed every other request's dates.
    rep = replacer()
    shifts = {shift_of(rep, note("doc-0")) for _ in range(20)}
    assert len(shifts) > 1
    names = {surrogates(rep, note("text-0"))[2] for _ in range(20)}
    assert len(names) > 1


def test_id_less_scope_is_random_and_not_derived_from_the_id() -> None:
    doc = note("doc-0")
    first, second = scope_of(doc), scope_of(doc)
    assert first != second
    for scope in (first, second):
        assert re.fullmatch(r"doc:[0-9a-f]{32}", scope)
        assert "doc-0" not in scope


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_patient_id_is_no_patient_id(blank: str) -> None:
    # An empty CSV cell used to put every such row in the one scope "patient:".
    doc = note("row-1", {"patient_id": blank})
    assert patient_scope(doc) is None
    rep = replacer()
    assert len({shift_of(rep, doc) for _ in range(20)}) > 1
    assert rep.patient_shift(doc) is None


def test_id_less_document_is_consistent_within_itself() -> None:
    rep = replacer()
    for _ in range(10):
        first, doctor, full, second, lone = surrogates(rep, note("doc-0"))
        assert lone == full.split(" ")[-1]  # "Miller" alone → the surname of "John Miller"'s
        a = dt.datetime.strptime(first, "%m/%d/%Y").date()
        b = dt.datetime.strptime(second, "%m/%d/%Y").date()
        assert (b - a).days == 14  # one shift for all of the document's dates
        assert "Miller" not in full and "Lee" not in doctor


def test_patient_documents_keep_one_keyed_shift_across_documents_and_instances() -> None:
    one, two = replacer(), replacer()
    shifts = {shift_of(rep, note(doc_id, {"patient_id": "p7"}))
              for rep in (one, two) for doc_id in ("doc-0", "a", "b", "c")}
    assert len(shifts) == 1
    (shift,) = shifts
    assert shift == one.patient_shift(note("zz", {"patient_id": "p7"}))
    names = {surrogates(rep, note(doc_id, {"patient_id": "p7"}))[2]
             for rep in (one, two) for doc_id in ("a", "b")}
    assert len(names) == 1


def test_mapping_file_records_the_random_scope_and_the_doc_id(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "map.fdm"
    monkeypatch.setenv("FAIRDEID_MAPPING_KEY", "correct horse")
    rep = replacer(mapping_file=str(path))
    rep.replace(note("doc-0"), note("doc-0").spans)
    rep.replace(note("doc-0"), note("doc-0").spans)
    entries = read_mapping(path, "correct horse")
    assert len(entries) == 2 * len(MARKS)
    first, second = entries[: len(MARKS)], entries[len(MARKS) :]
    for batch in (first, second):
        assert {e["doc_id"] for e in batch} == {"doc-0"}
        assert len({e["scope"] for e in batch}) == 1  # one scope per document: auditable
        assert re.fullmatch(r"doc:[0-9a-f]{32}", batch[0]["scope"])
    assert first[0]["scope"] != second[0]["scope"]
    assert rep.store.entries == [] and rep.store.cached_scopes == 0


# -- item 14: bounded memory -------------------------------------------------------------------


def test_cached_scopes_stay_within_the_bound() -> None:
    rep = replacer(cache_scopes=25)
    for i in range(300):
        doc = note(f"d{i}", {"patient_id": f"p{i}"})
        rep.replace(doc, doc.spans)
        assert rep.store.cached_scopes <= 25
    assert rep.store.cached_scopes == 25
    assert rep.store.entries == []  # no mapping file: no mapping entries kept


def test_id_less_documents_leave_no_bookkeeping_behind() -> None:
    rep = replacer()
    for i in range(200):
        doc = note(f"d{i}")
        rep.replace(doc, doc.spans)
    assert rep.store.cached_scopes == 0
    assert rep.store.entries == []


def test_default_bound_is_documented_value() -> None:
    assert replacer().store.cache_scopes == 10_000


def test_surrogates_survive_eviction() -> None:
    # Interleaved patients with a one-scope cache give exactly what an unbounded cache gives:
    # every choice is keyed, the cache only remembers it.
    small, large = replacer(cache_scopes=1), replacer()
    docs = [note(f"d{i}", {"patient_id": f"p{i % 4}"}) for i in range(16)]
    assert [surrogates(small, d) for d in docs] == [surrogates(large, d) for d in docs]
    assert small.store.cached_scopes == 1


def test_collision_bookkeeping_holds_while_a_scope_is_cached() -> None:
    store = SurrogateStore(KEY.encode(), cache_scopes=2)
    assert store.claim("patient:a", "g", "smith", "Jones")
    assert not store.claim("patient:a", "g", "brown", "Jones")  # taken by another original
    store.claim("patient:b", "g", "x", "X")
    store.claim("patient:a", "g", "y", "Y")  # a is now the most recently used
    store.claim("patient:c", "g", "x", "X")  # evicts b, not a
    assert store.lookup("patient:a", "g", "smith") == "Jones"
    assert not store.claim("patient:a", "g", "brown", "Jones")
    assert store.lookup("patient:b", "g", "x") is None


@pytest.mark.parametrize("bad", [0, -1, "many", True, 2.5])
def test_bad_cache_scopes_is_a_config_error(bad: object) -> None:
    with pytest.raises(ConfigError, match="cache_scopes"):
        replacer(cache_scopes=bad)


def test_pipeline_requests_without_ids_do_not_share_a_date_shift(toy_config) -> None:  # type: ignore[no-untyped-def]
    # End to end: plain strings get generated ids ("text-0"), as every service request would.
    from fairdeid.pipeline import Pipeline

    pipe = Pipeline.from_config(toy_config, mode="surrogate",
                                overrides={"replace": {"key": KEY, "locales": ["en_US"]}})
    outs = {pipe.deidentify("Dr. Anna Lee saw her on 2021-03-04.").text for _ in range(20)}
    dates = {re.search(r"\d{4}-\d{2}-\d{2}", t).group(0) for t in outs}  # type: ignore[union-attr]
    assert len(dates) > 1


@pytest.mark.parametrize("odd", [True, False, {}, [], 1.0, {"mrn": "1"}])
def test_a_patient_id_that_is_not_a_string_or_integer_is_refused(odd: object) -> None:
    """``str()`` of ``true``, ``{}`` or ``[]`` is the same for every record that has it: unrelated
    notes shared one patient's date shift and surrogates."""
    with pytest.raises(FairdeidError, match="patient_id must be a string or an integer"):
        patient_scope(note("row-1", {"patient_id": odd}))


@pytest.mark.parametrize("good", ["P1", 7, 0])
def test_string_and_integer_patient_ids_keep_their_scope(good: object) -> None:
    assert patient_scope(note("row-1", {"patient_id": good})) == f"patient:{good}"
