"""The hand-written language dev sets (benchmarks/data/lang/*.markup) stay readable and sound.

Every language's targets are measured on these files, so a note that silently fails to parse or
two gold spans claiming the same characters would bend every figure reported from them.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from _scripts import load_script
from fairdeid.corpora.markup import iter_markup
from fairdeid.document import Document, Span
from fairdeid.errors import RecordError
from fairdeid.taxonomy import is_label

ROOT = Path(__file__).resolve().parents[2]
DEV_DIR = ROOT / "benchmarks" / "data" / "lang"
#: Files that must exist; every other *.markup in the folder is checked too (glob below).
EXPECTED = ("de", "fr", "nl")
MIN_NOTES = 20
#: a later held-out set (``<code>_heldout2.markup``: 12 notes, ``_heldout3``: 6; ``_blind3c``: 5
#: notes in unusual formats) may be smaller
MIN_HELDOUT_NOTES = 5
FILES = sorted(DEV_DIR.glob("*.markup"))
#: hand-written training notes for the learned models (never scored): as sound as the dev sets
TRAIN_FILES = sorted((DEV_DIR / "train").glob("*.markup"))
#: English training notes for a later learned-model round (never scored)
EN_TRAIN_FILES = sorted((ROOT / "benchmarks" / "data" / "en_train").glob("en_*.markup"))


def _script() -> ModuleType:
    return load_script("benchmarks/lang_devsets.py")


def _overlaps(spans: tuple[Span, ...]) -> bool:
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    return any(b.start < a.end for a, b in zip(ordered, ordered[1:], strict=False))


@pytest.mark.parametrize("code", EXPECTED)
def test_expected_dev_sets_exist(code: str) -> None:
    assert (DEV_DIR / f"{code}.markup").is_file()


def _sound_notes(path: Path, *, min_words: int = 40) -> list[Document]:
    items = list(iter_markup(path))
    errors = [item for item in items if isinstance(item, RecordError)]
    assert not errors, [f"{e.record}: {e.reason}" for e in errors]
    notes = [item for item in items if isinstance(item, Document)]
    assert len({note.id for note in notes}) == len(notes), "note ids repeat"
    for note in notes:
        assert note.meta.get("lang") == path.stem.split("_")[0], note.id
        assert note.meta.get("type"), f"{note.id}: no type="
        assert note.spans, f"{note.id}: no PHI at all"
        assert all(is_label(span.label) for span in note.spans), note.id
        assert not _overlaps(note.spans), f"{note.id}: overlapping spans"
        assert min_words <= len(note.text.split()) <= 800, f"{note.id}: length out of range"
    return notes


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_note_parses_and_is_sound(path: Path) -> None:
    notes = _sound_notes(path)
    assert len(notes) >= (MIN_HELDOUT_NOTES if "_" in path.stem else MIN_NOTES)


@pytest.mark.parametrize("path", TRAIN_FILES, ids=[p.stem for p in TRAIN_FILES])
def test_every_training_note_parses_and_is_sound(path: Path) -> None:
    assert len(_sound_notes(path, min_words=20)) >= MIN_HELDOUT_NOTES


@pytest.mark.parametrize("path", EN_TRAIN_FILES, ids=[p.stem for p in EN_TRAIN_FILES])
def test_every_english_training_note_parses_and_is_sound(path: Path) -> None:
    assert len(_sound_notes(path, min_words=20)) >= MIN_HELDOUT_NOTES


def test_there_are_english_training_notes() -> None:
    assert EN_TRAIN_FILES


def test_there_are_training_notes_for_every_pack_language() -> None:
    assert {p.stem.split("_")[0] for p in TRAIN_FILES} >= {"de", "fr", "nl", "it", "es"}


#: training-only writers per pack language (train/README.md: w1-w4, w5-w8, w9-w10)
TRAIN_WRITERS = 10


@pytest.mark.parametrize("code", ["de", "fr", "nl", "it", "es"])
def test_every_training_writer_wrote_for_every_pack_language(code: str) -> None:
    """The packs' CRFs are trained on every writer (scripts/train_pack_crfs.py); a writer's
    file missing for one language would leave that model a writer short without a word."""
    written = {int(p.stem.split("_w", 1)[1]) for p in TRAIN_FILES
               if p.stem.startswith(f"{code}_w")}
    assert written == set(range(1, TRAIN_WRITERS + 1))


def test_the_overlap_check_sees_an_overlap() -> None:
    spans = (Span(0, 5, "PATIENT"), Span(10, 12, "DATE"), Span(4, 8, "CITY"))
    assert _overlaps(spans)
    assert _script().overlapping(spans) == [(0, 2)]
    assert not _overlaps(spans[:2]) and not _script().overlapping(spans[:2])


def test_the_script_reports_a_bad_note_and_scores_characters(tmp_path: Path) -> None:
    script = _script()
    path = tmp_path / "de.markup"
    path.write_text("### de-1 lang=de type=x\nHerr [[PATIENT:Jan Ott]] kam.\n"
                    "### de-2 lang=fr type=x\nok\n### de-3 lang=de\n[[NAMES:x]]\n", "utf-8")
    dev = script.read_devset(path)
    assert [n.id for n in dev.notes] == ["de-1", "de-2"]
    assert len(dev.problems) == 2 and "Ott" not in " ".join(dev.problems)
    gold = dev.notes[0]
    pred = gold.with_spans((Span(5, 8, "PATIENT"), Span(13, 16, "OTHER")))  # "Jan", "kam"
    result = script.score([gold], [pred])
    assert result["char_recall"] == pytest.approx(3 / 6)  # the space inside the name not counted
    assert result["char_precision"] == pytest.approx(3 / 6)
    assert script.main([str(path), "--check"]) == 1


def test_a_later_held_out_file_counts_as_its_language_and_halves_split_by_number(
    tmp_path: Path,
) -> None:
    script = _script()
    path = tmp_path / "de_heldout2.markup"
    path.write_text("### de-h2-01 lang=de type=x\nHerr [[PATIENT:Jan Ott]] kam.\n"
                    "### de-h2-02 lang=de type=x\nFrau [[PATIENT:Eva Ott]] kam.\n", "utf-8")
    dev = script.read_devset(path)
    assert dev.language == "de" and not dev.problems
    assert [n.id for n in script.half(dev, "odd").notes] == ["de-h2-01"]
    assert [n.id for n in script.half(dev, "even").notes] == ["de-h2-02"]
    assert script.half(dev, None) is dev


def test_label_char_recall_counts_each_gold_labels_covered_characters() -> None:
    script = _script()
    text = "Anna Weber lives in Bonn, Hauptstr. 5."
    gold = Document(text=text, id="n1", spans=(
        Span(0, 10, "PATIENT"), Span(20, 24, "CITY"), Span(26, 37, "STREET"),
    ))
    # the prediction covers "Anna" only (another label: labels are ignored) and the whole street
    pred = Document(text=text, id="n1", spans=(Span(0, 4, "DOCTOR"), Span(26, 37, "STREET")))
    by_label = script.label_char_recall([gold], [pred])
    assert by_label == {"CITY": 0.0, "PATIENT": 4 / 9, "STREET": 1.0}  # the space is not counted
