"""The stress profile: its note types, vocabulary, CLI option and the shipped layout-stress set."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.corpora.synth import ALL_NOTE_TYPES, NOTE_TYPES, NoteGenerator, generate_notes
from fairdeid.corpora.synth.noise import TRANSFORMS
from fairdeid.corpora.synth.profiles import PROFILES, get_profile
from fairdeid.corpora.synth.stress import age_words, stress_vocab

NEW_TYPES = ("operative_note", "email_chain", "medication_table", "face_sheet")
STRESS_SET = Path(__file__).parents[3] / "benchmarks" / "data" / "layout_stress.jsonl"


@pytest.mark.parametrize("kind", NEW_TYPES)
def test_new_note_types_have_exact_spans_and_are_deterministic(kind: str) -> None:
    docs = list(NoteGenerator(9, with_text=True, note_types=[kind]).generate(30))
    assert {d.meta["note_type"] for d in docs} == {kind}
    labels: Counter[str] = Counter()
    for doc in docs:
        previous = 0
        for span in doc.spans:
            assert doc.span_text(span) == span.attrs["text"]
            assert doc.span_text(span).strip() == doc.span_text(span)
            assert span.start >= previous
            previous = span.end
            labels[span.label] += 1
    assert {"PATIENT", "DOCTOR", "DATE"} <= set(labels) or kind == "face_sheet"
    again = list(NoteGenerator(9, with_text=True, note_types=[kind]).generate(30))
    assert [d.to_dict() for d in docs] == [d.to_dict() for d in again]


def test_stress_profile_draws_every_type_and_applies_every_transform() -> None:
    docs = list(generate_notes(150, seed=4, profile="stress", with_text=True))
    assert {d.meta["note_type"] for d in docs} == set(ALL_NOTE_TYPES)
    assert all(d.meta["noise"] == list(TRANSFORMS) and d.meta["profile"] == "stress" for d in docs)
    text = "\n".join(d.text for d in docs)
    assert "-\n" in text and "|" in text and "\t" in text
    labels = {s.label for d in docs for s in d.spans}
    assert len(labels) == 30
    # the noise draws from its own streams: the clean notes under it are the default writers'
    clean = list(NoteGenerator(4, note_types=ALL_NOTE_TYPES).generate(150))
    assert [d.meta["note_type"] for d in clean] == [d.meta["note_type"] for d in docs]
    assert [len(d.spans) for d in clean] == [len(d.spans) for d in docs]


def test_default_profile_is_the_classic_generator() -> None:
    assert PROFILES["default"].note_types == NOTE_TYPES and not PROFILES["default"].noise
    assert set(PROFILES["stress"].note_types) == set(ALL_NOTE_TYPES)
    a = [d.to_dict() for d in generate_notes(20, seed=7)]
    b = [d.to_dict() for d in NoteGenerator(7, profile="default").generate(20)]
    assert a == b and all("profile" not in d["meta"] for d in a)
    with pytest.raises(ValueError, match="unknown profile"):
        get_profile("chaos")


def test_stress_vocabulary() -> None:
    words = stress_vocab()
    assert len(set(words.professions)) == len(words.professions) >= 300
    assert len(words.institutions) >= 12 and len(words.pack_hospitals) == 5
    assert all(words.pack_hospitals.values()) and all(words.pack_cities.values())
    assert age_words(92) == "ninety-two" and age_words(40) == "forty"
    assert age_words(101) == "one hundred and one" and age_words(17) == "seventeen"
    assert any("Mon/Wed/Fri" in s for s in words.hard_negatives)


def test_ages_come_in_many_shapes_and_only_the_number_is_the_span() -> None:
    docs = list(NoteGenerator(2, note_types=["face_sheet", "operative_note"]).generate(200))
    ages = [d.span_text(s) for d in docs for s in d.spans if s.label == "AGE"]
    assert any(re.fullmatch(r"[a-z]+(-[a-z]+)?", a) for a in ages)  # "ninety-two"
    assert all(re.fullmatch(r"\d+|[a-z -]+", a) for a in ages)
    contexts = {d.text[s.end : s.end + 3] for d in docs for s in d.spans if s.label == "AGE"}
    assert {"M", "F"} & {c[:1] for c in contexts}


def test_cli_generate_profile(tmp_path: Path) -> None:
    out = tmp_path / "s.jsonl"
    result = CliRunner().invoke(
        app, ["generate", "-n", "8", "-o", str(out), "--seed", "5", "--profile", "stress"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 8 and {r["meta"]["profile"] for r in rows} == {"stress"}
    bad = CliRunner().invoke(app, ["generate", "-n", "1", "-o", str(out), "--profile", "chaos"])
    assert bad.exit_code != 0 and "unknown profile" in bad.output
    fr = CliRunner().invoke(
        app, ["generate", "--lang", "fr", "--profile", "stress", "-n", "1", "-o", str(out)]
    )
    assert fr.exit_code != 0 and "English notes only" in fr.output


def test_the_shipped_layout_stress_set_is_the_generator_output_for_seed_303() -> None:
    """benchmarks/data/layout_stress.jsonl is ``generate -n 300 --seed 303 --profile stress``;
    if the generator changes on purpose, regenerate it with benchmarks/layout_stress.py."""
    digest = hashlib.sha256()
    for doc in generate_notes(300, seed=303, profile="stress"):
        digest.update((json.dumps(doc.to_dict(), ensure_ascii=False) + "\n").encode())
    assert hashlib.sha256(STRESS_SET.read_bytes()).hexdigest() == digest.hexdigest()
