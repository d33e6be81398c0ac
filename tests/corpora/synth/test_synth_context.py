from __future__ import annotations

import datetime as dt
import random

from fairdeid.corpora.synth import Builder, NoteGenerator
from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.people import fresh_value
from fairdeid.locales import get_pool


def _context(locale: str = "en_US") -> NoteContext:
    gen = NoteGenerator(1, [locale])
    patient = gen.patient()
    return NoteContext(gen, patient, patient.start)


def test_names_are_spans_and_titles_stay_outside() -> None:
    ctx = _context()
    ctx.patient_name("title_last")
    [written] = ctx.builder.spans
    text = ctx.builder.text()
    assert text[written.start : written.end] == written.text == ctx.patient.person.last
    assert text[: written.start].rstrip() in ("Ms.", "Mrs.", "Ms", "Miss", "Mr.", "Mr")
    assert written.label == "PATIENT"
    assert written.attrs == {"locale": "en_US", "gender": ctx.patient.person.gender}


def test_builder_records_offsets_while_writing() -> None:
    builder = Builder()
    builder.add("Seen by ")
    builder.phi("Dr Who", "DOCTOR", {"locale": "en_GB"})
    builder.phi("", "DATE")  # an empty value is never a span
    builder.nl()
    (span,) = builder.document_spans()
    assert (span.start, span.end, span.label) == (8, 14, "DOCTOR")
    assert "text" not in span.attrs
    (with_text,) = builder.document_spans(with_text=True)
    assert with_text.attrs == {"locale": "en_GB", "text": "Dr Who"}
    assert builder.text() == "Seen by Dr Who\n"


def test_sections_start_on_a_fresh_paragraph() -> None:
    ctx = _context()
    ctx.header_style = "caps"
    ctx.raw("Line")
    ctx.section("cc")
    ctx.section("hpi")
    assert ctx.builder.text() == "Line\n\nCHIEF COMPLAINT:\n\nHISTORY OF PRESENT ILLNESS:\n"


def test_ages_follow_from_birth_date_and_note_date() -> None:
    ctx = _context()
    ctx.patient.dob = dt.date(1950, 6, 15)
    ctx.day = dt.date(2020, 6, 14)
    assert ctx.age == 69
    ctx.day = dt.date(2020, 6, 15)
    assert ctx.age == 70


def test_places_and_phones_come_from_the_surrogate_generators() -> None:
    # One source of fake values: the same draws as the locale pool's own helpers.
    pool = get_pool("es_MX")
    for label, direct in (
        ("CITY", lambda rng: rng.choice(pool.cities)),
        ("HOSPITAL", lambda rng: rng.choice(pool.hospitals)),
        ("STATE", lambda rng: rng.choice(pool.states)),
        ("PHONE", pool.phone),
        ("ZIP", pool.zip_code),
        ("COUNTRY", lambda rng: pool.country),
    ):
        assert fresh_value(label, "es_MX", random.Random(3)) == direct(random.Random(3)), label
