"""The English default pipeline trims its encoder's names, places and dates
(``[resolve] trim_learned`` with the packaged English lists, ``fairdeid.detect.learned_trim``).

Each case is an invented sentence of a class of text the encoder tagged on the hand-written
English sets: specialties and services, clinical abbreviations, languages and peoples,
greetings, degrees after a name, row numbers, clinical shorthand read as dates; and the pieces
of real names and places that must stay (a facility named after a person, a street the encoder
cut in two)."""

from __future__ import annotations

import pytest

from fairdeid.detect.learned_trim import LearnedTrim
from fairdeid.document import Document, Span
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline, load_config

MODEL = "transformer:minilm-mc-deid"


@pytest.fixture(scope="module")
def english() -> LearnedTrim:
    return LearnedTrim.from_config(load_config(None))


def _span(text: str, part: str, label: str, source: str = MODEL) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), label, source, 0.9)


def _kept(trim: LearnedTrim, text: str, parts: list[tuple[str, str]]) -> list[str]:
    spans = [_span(text, part, label) for part, label in parts]
    return [text[s.start : s.end] for s in trim.apply(text, spans)]


def test_the_default_config_trims_with_the_packaged_english_lists(english: LearnedTrim) -> None:
    assert english.english
    assert {"rheumatology", "outpatients", "chw", "hi", "sho"} <= english.never
    assert {"ward", "hospital", "clinic", "department"} <= english.facility
    pipeline = Pipeline.from_config(None, mode="tag", language="en")
    assert pipeline.learned_trim is not None and pipeline.learned_trim.english
    # a pack's own lists and rules stay as they were
    french = LearnedTrim.from_config(load_pack("fr").config)
    assert not french.english and not french.facility


@pytest.mark.parametrize(
    ("text", "parts", "kept"),
    [
        # a service without a proper name is no place; one with a facility noun stays
        ("Dr Fiona Reid\nRheumatology Outpatients\nThe Royal Infirmary",
         [("Rheumatology Outpatients", "LOCATION")], []),
        ("Plan discussed with Internal Medicine overnight.",
         [("Internal Medicine", "LOCATION")], []),
        # ... unless the note places the patient there ([places] service_cues)
        ("42 yo woman known to Oncology with cirrhosis", [("Oncology", "LOCATION")],
         ["Oncology"]),
        ("Transferred to Internal Medicine on Monday", [("Internal Medicine", "LOCATION")],
         ["Internal Medicine"]),
        ("Admitted to General Hospital on the 3rd.", [("General Hospital", "LOCATION")],
         ["General Hospital"]),
        # two pieces of one street or hospital the encoder cut apart both stay, also over a
        # line break
        ("Address: 4 Hospital Rd, Upper Hill", [("Hospital", "LOCATION"), ("Rd", "LOCATION")],
         ["Hospital", "Rd"]),
        ("a CT from Metcalfe Private\nHospital dated 2021",
         [("Metcalfe Private", "LOCATION"), ("Hospital", "LOCATION")],
         ["Metcalfe Private", "Hospital"]),
        # a ward named after a person, labelled NAME by the encoder, is a place: never cut
        ("Ward: Kowhai Ward, bed 3", [("Kowhai Ward", "NAME")], ["Kowhai Ward"]),
        # greetings, kinship words, degrees and grades leave the name
        ("Hi Mereana, your results are back.", [("Hi Mereana", "NAME")], ["Mereana"]),
        ("Subject: Mum - Lan Pham - results", [("Mum - Lan Pham", "NAME")], ["Lan Pham"]),
        ("Night: Thandiwe Mokoena ENA (in charge)", [("Thandiwe Mokoena ENA", "NAME")],
         ["Thandiwe Mokoena"]),
        ("Signed: Dr Aroha Tane, SHO", [("Aroha Tane, SHO", "NAME")], ["Aroha Tane"]),
        ("Completed by: Parveen Sandhu, RPh", [("Parveen Sandhu, RPh", "NAME")],
         ["Parveen Sandhu"]),
        # initials stay, and a surname after one; a comma before the given name is resolve's
        ("Seen by Rangi Tane MK at 10:00", [("Rangi Tane MK", "NAME")], ["Rangi Tane MK"]),
        ("Reconciled by I. Day (iday4)", [("I. Day", "NAME")], ["I. Day"]),
        ("agree w/ the plan. -- Chacón,\nGenaro", [("Chacón,", "NAME"), ("Genaro", "NAME")],
         ["Chacón,", "Genaro"]),
        ("> thanks,\n> A 0wolabi", [("0wolabi", "NAME")], ["0wolabi"]),
        # abbreviations, languages and row numbers alone are no name
        ("SMS from CHW at 10:02", [("CHW", "NAME")], []),
        ("V2611 | Tamil interpreter booked", [("Tamil", "NAME")], []),
        ("1 | 412788D | SELVARAJ, Murugan", [("1", "NAME")], []),
        # clinical shorthand read as a date goes; a date, or a piece of one, stays
        ("O/E: GCS 13/15, PR 118", [("13", "DATE")], []),
        ("G4P3 at 34/40, BP 168/112", [("34/40", "DATE")], []),
        ("Cr peaked 164 on 20 Nov", [("164", "DATE"), ("20", "DATE"), ("Nov", "DATE")],
         ["20", "Nov"]),
        ("Seen 5/5 in clinic", [("5/5", "DATE")], ["5/5"]),
        ("review on 20 no-\nvember 2016", [("20", "DATE")], ["20"]),
        ("Theatre 6 - WED 25-11-2026", [("6", "DATE")], []),
    ],
)
def test_english_learned_spans(english: LearnedTrim, text: str, parts: list[tuple[str, str]],
                               kept: list[str]) -> None:
    assert _kept(english, text, parts) == kept


def test_rule_spans_are_never_trimmed(english: LearnedTrim) -> None:
    text = "Seen in Rheumatology Outpatients; GCS 13/15"
    spans = [_span(text, "Rheumatology Outpatients", "DEPARTMENT", "rules:location.ward"),
             _span(text, "13", "DATE", "rules:date.numeric")]
    assert english.apply(text, spans) == spans


def test_the_pipeline_trims_before_resolve() -> None:
    # the encoder's proposals as it made them on such a note; a rule's name stays tagged
    pipeline = Pipeline.from_config(None, mode="tag", language="en")
    # (a greeting, a language and a service alone go; the name a rule found stays)
    text = "Hi Mereana, Marshallese interpreter booked for Rheumatology Outpatients."
    doc = Document(id="t", text=text)
    proposals = [_span(text, "Hi Mereana", "NAME"), _span(text, "Marshallese", "NAME"),
                 _span(text, "Rheumatology Outpatients", "LOCATION"),
                 _span(text, "Mereana", "PATIENT", "rules:name.dictionary_first")]
    tagged = [text[s.start : s.end] for s in pipeline.resolve_proposals(doc, proposals)]
    assert tagged == ["Mereana"]
