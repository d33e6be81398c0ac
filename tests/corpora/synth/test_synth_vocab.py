from __future__ import annotations

import string
from pathlib import Path

from fairdeid.corpora.synth import templates
from fairdeid.corpora.synth.notes import sentences
from fairdeid.corpora.synth.vocab import id_formats, vocab

DATA = Path(templates.__file__).parent / "data"


def test_word_lists_load_once_and_cannot_change() -> None:
    assert vocab() is vocab() and id_formats() is id_formats()
    words = vocab()
    for name in ("complaints", "conditions", "drugs", "labs", "professions", "departments"):
        value = getattr(words, name)
        assert isinstance(value, tuple) and value, name
    assert "parkinson disease" in {c.lower() for c in words.conditions}  # a hard negative
    assert "mark" in words.wordlike_names


def test_structured_entries_are_well_formed() -> None:
    words = vocab()
    for drug in words.drugs:
        assert drug.name and drug.strengths and drug.unit and drug.routes, drug
    for lab in words.labs:
        assert lab.low < lab.high and lab.digits >= 0, lab
    for score in words.scores:
        score.format(n=1, n2=2, g=3, n3=4)  # only the placeholders the writer fills
    fields = {name for _, name, _, _ in string.Formatter().parse("".join(words.scores)) if name}
    assert fields <= {"n", "n2", "g", "n3"}


def test_id_formats_use_the_fill_format_language() -> None:
    formats = id_formats()
    assert set(formats.vin_characters).isdisjoint("IOQ")
    assert all(formats.medical_record) and all(formats.license_plate)


def test_every_template_slot_exists() -> None:
    pools = [value for value in vars(sentences).values() if isinstance(value, list)]
    assert pools
    for pool in pools:
        for template in pool:
            templates._parse(template)  # raises KeyError on an unknown {SLOT}


def test_data_files_are_shipped_with_the_package() -> None:
    pyproject = Path(__file__).resolve().parents[3] / "pyproject.toml"
    assert '"corpora/synth/data/*"' in pyproject.read_text("utf-8")
    assert {p.name for p in DATA.iterdir()} >= {"clinical.toml", "people.toml", "formats.toml"}
