from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict

import pytest

from fairdeid.corpora.synth import NOTE_TYPES, NoteGenerator, generate_notes
from fairdeid.document import Document
from fairdeid.locales import ALL_LOCALE_CODES
from fairdeid.locales.places import place_of, places
from fairdeid.replace.surrogates.address import find_addresses
from fairdeid.taxonomy import FINE_TO_COARSE

FINE = set(FINE_TO_COARSE) - {"OTHER"}


@pytest.fixture(scope="module")
def notes() -> list[Document]:
    return list(generate_notes(500, seed=11, with_text=True))


def test_deterministic_for_a_seed() -> None:
    a = [d.to_dict() for d in generate_notes(40, seed=3)]
    b = [d.to_dict() for d in generate_notes(40, seed=3)]
    c = [d.to_dict() for d in generate_notes(40, seed=4)]
    assert a == b
    assert a != c


def test_gold_spans_are_exact_and_do_not_overlap(notes: list[Document]) -> None:
    for doc in notes:
        for span in doc.spans:
            # attrs["text"] is the value the builder recorded while writing the span
            assert doc.span_text(span) == span.attrs["text"]
            assert span.label in FINE
            assert doc.span_text(span).strip() == doc.span_text(span)
        for a, b in zip(doc.spans, doc.spans[1:], strict=False):
            assert a.end <= b.start, (doc.id, a, b)


def test_all_fine_categories_and_note_types_appear(notes: list[Document]) -> None:
    labels = Counter(s.label for d in notes for s in d.spans)
    assert set(labels) >= FINE, sorted(FINE - set(labels))
    assert {d.meta["note_type"] for d in notes} == set(NOTE_TYPES)
    assert len(NOTE_TYPES) >= 11


def test_patients_have_several_consistent_notes(notes: list[Document]) -> None:
    by_patient: dict[str, list[Document]] = defaultdict(list)
    for doc in notes:
        by_patient[doc.meta["patient_id"]].append(doc)
    multi = [docs for docs in by_patient.values() if len(docs) > 1]
    assert len(multi) > 50
    for docs in multi:
        mrns = {d.span_text(s) for d in docs for s in d.spans if s.label == "MEDICALRECORD"}
        assert len(mrns) <= 1
        full = {
            d.span_text(s)
            for d in docs
            for s in d.spans
            if s.label == "PATIENT" and s.attrs.get("script") != "native"
        }
        # every patient-name form shares a token with the others (same person across notes)
        tokens = [set(re.findall(r"\w+", f.lower())) for f in full]
        assert len(tokens) <= 1 or set.union(*tokens)


def test_names_carry_locale_and_gender(notes: list[Document]) -> None:
    names = [s for d in notes for s in d.spans if s.label in ("PATIENT", "DOCTOR")]
    assert names and all(s.attrs["gender"] in ("female", "male") for s in names)
    locales = Counter(s.attrs["locale"] for s in names)
    assert len(locales) >= 10  # the default mix draws from every pool


def test_name_forms_and_titles_inside_spans(notes: list[Document]) -> None:
    """Titles go inside the gold names, as the default pipeline puts them (issue 16; the
    details are in test_synth_titles.py)."""
    texts = [d.span_text(s) for d in notes for s in d.spans if s.label in ("PATIENT", "DOCTOR")]
    assert any(re.fullmatch(r"[A-Z][A-Z'\- ]+, \w+", t) for t in texts)  # "ZHANG, Wei"
    assert any(re.fullmatch(r"\w\. [\w'\- ]+", t) for t in texts)  # "W. Zhang"
    assert any(t.startswith(("Dr. ", "Mr. ", "Mrs. ", "Ms. ")) for t in texts)


def test_titles_outside_spans_with_keep() -> None:
    notes = list(generate_notes(100, seed=11, name_titles="keep"))
    texts = [d.span_text(s) for d in notes for s in d.spans if s.label in ("PATIENT", "DOCTOR")]
    assert not any(t.startswith(("Dr.", "Mr.", "Mrs.", "Ms.")) for t in texts)
    joined = "\n".join(d.text for d in notes)
    assert "Dr. " in joined and "Mr. " in joined


def test_hard_negatives_are_present_and_unlabelled(notes: list[Document]) -> None:
    found: Counter[str] = Counter()
    for doc in notes:
        for word in (
            "Parkinson",
            "Foley",
            "Murphy",
            "Babinski",
            "5/5",
            "BP ",
            "mg",
            "ICD-10",
            "GCS",
            "2/6",
            "1/2",
        ):
            for m in re.finditer(re.escape(word), doc.text):
                if not any(s.start < m.end() and m.start() < s.end for s in doc.spans):
                    found[word] += 1
    assert all(found[w] > 0 for w in ("Parkinson", "Foley", "5/5", "BP ", "mg", "GCS")), found


def test_locale_restriction_and_note_type_choice() -> None:
    gen = NoteGenerator(seed=1, locales=["zh_CN"], note_types=["lab_report"])
    docs = list(gen.generate(20))
    assert {d.meta["note_type"] for d in docs} == {"lab_report"}
    locs = {s.attrs["locale"] for d in docs for s in d.spans if s.label in ("PATIENT", "DOCTOR")}
    assert locs == {"zh_CN"}
    with pytest.raises(ValueError, match="unknown note types"):
        NoteGenerator(note_types=["poem"])


#: sha256 of ``generate_notes(120, seed=7)`` as JSONL. The generator promises the same notes for a
#: seed, locale list and version; refactoring must keep this. If you change the notes on purpose
#: (new templates, data, draws), update the hash and say so in the changelog: models trained on
#: the old corpus can no longer be reproduced from the seed.
# Changed once in 0.2.0 on purpose: ZIPs follow the locale country and four hi_IN/zh_CN pool names
# changed gender (surrogate realism), which shifts the draws of later notes.
# Changed again on purpose: a patient's city, state and ZIP come from one place-table row, and the
# hospital's city is the city in its name (issue 13, coherent addresses).
# Changed again on purpose: titles go inside the gold names, as the default pipeline puts them
# (issue 16); with name_titles="keep" the output is the previous one, byte for byte.
GOLDEN_SEED_7 = "e1c65e591cf3b84360ed19810ce3c84e59381c5618ce2ff882a3a8cfe7ab0c53"
GOLDEN_SEED_7_KEEP = "ec366f5f01cb8fdf88a1063e7f9bc501373ea24d960f9a461ab8d55920729065"


@pytest.mark.parametrize(("name_titles", "golden"),
                         [(None, GOLDEN_SEED_7), ("keep", GOLDEN_SEED_7_KEEP)])
def test_output_for_a_seed_is_pinned(name_titles: str | None, golden: str) -> None:
    digest = hashlib.sha256()
    for doc in generate_notes(120, seed=7, name_titles=name_titles):
        digest.update((json.dumps(doc.to_dict(), ensure_ascii=False) + "\n").encode())
    assert digest.hexdigest() == golden


def test_note_types_keep_their_draw_order() -> None:
    # The generator draws a type by index from NOTE_TYPES: reordering changes every seed's notes.
    assert NOTE_TYPES == (
        "discharge_summary",
        "progress_note",
        "nursing_note",
        "radiology_report",
        "pathology_report",
        "ed_triage",
        "referral_letter",
        "consult_letter",
        "telephone_encounter",
        "medication_list",
        "lab_report",
    )


# -- coherent addresses (issue 13) ---------------------------------------------------------------


def _coherent(city: str, state: str | None, zip_code: str | None) -> bool:
    """Whether some locale's place table has ``city`` with this state and ZIP."""
    for locale in ALL_LOCALE_CODES:
        place = place_of(locale, city)
        if place is None:
            continue
        if state is not None and state not in (place.region, place.region_native, place.code):
            continue
        if zip_code is not None and not any(zip_code.startswith(p) for p in place.postcode):
            continue
        return True
    return False


def test_an_address_has_city_state_and_zip_of_one_place(notes: list[Document]) -> None:
    checked = 0
    for doc in notes:
        for address in set(find_addresses(doc.text, doc.spans).values()):
            parts = [address.city, address.state, address.zip]
            city, state, zip_code = (None if s is None else doc.text[s.start : s.end]
                                     for s in parts)
            assert city is not None and _coherent(city, state, zip_code), (doc.id, parts)
            checked += 1
    assert checked > 20


def test_a_hospital_named_after_a_city_is_in_that_city() -> None:
    gen = NoteGenerator(seed=5)
    seen = 0
    for _ in range(300):
        patient = gen.people.patient()
        for place in places(patient.site_locale):
            if re.search(rf"\b{re.escape(place.city)}\b", patient.hospital):
                assert patient.site_city == place.city, (patient.hospital, patient.site_city)
                seen += 1
                break
    assert seen > 10
