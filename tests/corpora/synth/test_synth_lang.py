"""Synthetic notes in German, French, Dutch, Italian and Spanish (`generate --lang`)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.corpora.synth.lang import (
    SYNTH_LANGUAGES,
    LangNoteGenerator,
    generate_lang_notes,
    language_data,
)
from fairdeid.document import Document
from fairdeid.locales.places import place_of
from fairdeid.replace.surrogates.address import find_addresses
from fairdeid.replace.surrogates.dates import shift_date
from fairdeid.taxonomy import FINE_TO_COARSE

FAMILIES = {"NAME", "PROFESSION", "LOCATION", "AGE", "DATE", "CONTACT", "ID"}
NOTE_TYPES = {
    "de": {"arztbrief", "befund"},
    "fr": {"compte_rendu_hospitalisation", "lettre_de_liaison"},
    "nl": {"ontslagbrief", "verwijsbrief"},
    "it": {"lettera_di_dimissione", "referto"},
    "es": {"informe_de_alta", "informe_de_urgencias"},
}


@pytest.fixture(scope="module", params=SYNTH_LANGUAGES)
def notes(request: pytest.FixtureRequest) -> tuple[str, list[Document]]:
    lang = str(request.param)
    return lang, list(generate_lang_notes(lang, 50, seed=0, with_text=True))


def test_spans_are_exact_and_do_not_overlap(notes: tuple[str, list[Document]]) -> None:
    _, docs = notes
    for doc in docs:
        for span in doc.spans:
            assert doc.span_text(span) == span.attrs["text"]
            assert doc.span_text(span).strip() == doc.span_text(span)
            assert span.label in FINE_TO_COARSE
        for a, b in zip(doc.spans, doc.spans[1:], strict=False):
            assert a.end <= b.start, (doc.id, a, b)


def test_every_label_family_and_note_type_appears(notes: tuple[str, list[Document]]) -> None:
    lang, docs = notes
    families = {FINE_TO_COARSE[s.label] for d in docs for s in d.spans}
    assert families >= FAMILIES
    assert {d.meta["note_type"] for d in docs} == NOTE_TYPES[lang]
    assert {d.meta["language"] for d in docs} == {lang}


def test_names_come_from_the_country_and_from_other_origins(
        notes: tuple[str, list[Document]]) -> None:
    lang, docs = notes
    locales = Counter(s.attrs["locale"] for d in docs for s in d.spans
                      if s.label in ("PATIENT", "DOCTOR"))
    home = language_data(lang).locale
    assert locales.most_common(1)[0][0] == home
    assert len(locales) >= 3  # immigrant origins, beyond the country's own pool


def test_dates_are_in_the_languages_shapes_and_can_be_shifted(
        notes: tuple[str, list[Document]]) -> None:
    # Every written date is one the date surrogates read in that language (items 2 and 3 agree).
    lang, docs = notes
    dates = [d.span_text(s) for d in docs for s in d.spans if s.label == "DATE"]
    assert all(shift_date(text, 10, order="DMY", lang=lang) is not None for text in dates), [
        t for t in dates if shift_date(t, 10, order="DMY", lang=lang) is None][:5]
    assert any(any(c.isalpha() for c in text) for text in dates)  # month names occur


@pytest.mark.parametrize("lang", SYNTH_LANGUAGES)
def test_deterministic_by_seed(lang: str) -> None:
    a = [d.to_dict() for d in generate_lang_notes(lang, 15, seed=3)]
    b = [d.to_dict() for d in generate_lang_notes(lang, 15, seed=3)]
    c = [d.to_dict() for d in generate_lang_notes(lang, 15, seed=4)]
    assert a == b
    assert a != c


def test_unknown_language_and_note_type_are_refused() -> None:
    with pytest.raises(ValueError, match="no synthetic notes for language"):
        LangNoteGenerator("xx")
    with pytest.raises(ValueError, match="unknown note types"):
        LangNoteGenerator("de", note_types=["poem"])
    assert {d.meta["note_type"] for d in LangNoteGenerator(
        "de", 1, note_types=["befund"]).generate(5)} == {"befund"}


def test_cli_generate_lang(tmp_path: Path) -> None:
    out = tmp_path / "de.jsonl"
    result = CliRunner().invoke(app, ["generate", "--lang", "de", "-n", "6", "-o", str(out),
                                      "--seed", "2"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 6 and {r["meta"]["language"] for r in rows} == {"de"}
    bad = CliRunner().invoke(app, ["generate", "--lang", "xx", "-n", "1", "-o",
                                   str(tmp_path / "x.jsonl")])
    assert bad.exit_code != 0 and "no synthetic notes" in bad.output
    mixed = CliRunner().invoke(app, ["generate", "--lang", "fr", "--locales", "en_US", "-n", "1",
                                     "-o", str(tmp_path / "y.jsonl")])
    assert mixed.exit_code != 0 and "English notes only" in mixed.output


def test_postcode_and_city_of_an_address_are_one_place(notes: tuple[str, list[Document]]) -> None:
    lang, docs = notes
    locale = language_data(lang).locale
    checked = 0
    for doc in docs:
        for address in set(find_addresses(doc.text, doc.spans).values()):
            if address.zip is None:
                continue
            place = place_of(locale, doc.text[address.city.start : address.city.end])
            postcode = doc.text[address.zip.start : address.zip.end]
            assert place is not None and any(postcode.startswith(p) for p in place.postcode), (
                doc.id, postcode)
            checked += 1
    assert checked > 5


def test_numbered_wards_are_written_but_not_gold() -> None:
    """The packs keep numbered wards ("Station 4 Nord", docs/security.md): the German gold must
    not mark them DEPARTMENT, or a model trained on it learns the opposite convention. Named
    departments stay gold, and the text is what the seed always wrote."""
    docs = list(generate_lang_notes("de", 200, seed=3, with_text=True))
    texts = "".join(d.text for d in docs)
    assert "Station 4 Nord" in texts or "Intensivstation 3B" in texts
    gold = {d.span_text(s) for d in docs for s in d.spans if s.label == "DEPARTMENT"}
    assert gold, "named departments are still gold"
    assert not {g for g in gold if any(c.isdigit() for c in g)}
