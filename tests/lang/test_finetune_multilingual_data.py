"""The data step of the multilingual encoder fine-tune (``scripts/finetune_multilingual.sh`` and
``scripts/build_multilingual_train.py``): every input note ends in the training file or in the
error report, hand-written notes are repeated, blind sets are never trained on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from _scripts import load_script
from fairdeid.corpora.formats import read_documents
from fairdeid.document import Document, Span

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"

MARKUP = """Two invented German notes.

### de-t-01 lang=de type=befund
Patient: [[PATIENT:anna weber]], geb. [[DATE:03.02.1961]], aus [[CITY:Lindau]].

### de-t-02 lang=de type=befund
Vorgestellt bei Dr. [[DOCTOR:Kessler]] am [[DATE:4.5.2023]].
"""


def _builder() -> ModuleType:
    return load_script("scripts/build_multilingual_train.py")


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    generated = tmp_path / "gen-de.jsonl"
    docs = [Document("g1", "Herr Jan Ott kam.", {"lang": "de"}, (Span(5, 12, "PATIENT"),)),
            Document("g2", "Befund am 1.2.2020.", {"lang": "de"}, (Span(10, 18, "DATE"),))]
    generated.write_text("".join(json.dumps(d.to_dict()) + "\n" for d in docs), "utf-8")
    markup = tmp_path / "de.markup"
    markup.write_text(MARKUP, "utf-8")
    return generated, markup


def test_generated_once_handwritten_repeated_spans_kept(tmp_path: Path) -> None:
    build = _builder()
    generated, markup = _inputs(tmp_path)
    out = tmp_path / "train.jsonl"
    assert build.main(["-o", str(out), "--repeat", "3", str(generated), str(markup)]) == 0
    notes = [d for d in read_documents(out) if isinstance(d, Document)]
    assert len(notes) == 2 + 2 * 3
    assert len({n.id for n in notes}) == len(notes)
    weber = [n for n in notes if n.id.startswith("de.markup:de-t-01")]
    assert len(weber) == 3
    assert all(n.text[s.start:s.end] == "anna weber" for n in weber for s in n.spans
               if s.label == "PATIENT")
    assert (tmp_path / "train.errors.jsonl").read_text("utf-8") == ""


def test_same_inputs_same_file(tmp_path: Path) -> None:
    build = _builder()
    generated, markup = _inputs(tmp_path)
    for name in ("a.jsonl", "b.jsonl"):
        build.main(["-o", str(tmp_path / name), str(generated), str(markup)])
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_a_blind_set_is_refused(tmp_path: Path) -> None:
    build = _builder()
    _, markup = _inputs(tmp_path)
    blind = tmp_path / "de_blind1.markup"
    shutil.copy(markup, blind)
    with pytest.raises(SystemExit, match="blind set"):
        build.main(["-o", str(tmp_path / "t.jsonl"), str(markup), str(blind)])
    assert not (tmp_path / "t.jsonl").exists()


def test_a_bad_record_goes_to_the_error_report_without_its_text(tmp_path: Path) -> None:
    build = _builder()
    generated, markup = _inputs(tmp_path)
    with generated.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "g3", "text": "Frau Secret Name", "spans": [{"start": 9}]}\n')
    out = tmp_path / "train.jsonl"
    assert build.main(["-o", str(out), str(generated), str(markup)]) == 1
    errors = [json.loads(line) for line in
              (tmp_path / "train.errors.jsonl").read_text("utf-8").splitlines()]
    assert len(errors) == 1 and errors[0]["file"] == "gen-de.jsonl"
    assert "Secret" not in json.dumps(errors)
    assert sum(1 for _ in out.open(encoding="utf-8")) == 2 + 2 * 4


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_shell_script_builds_its_data_from_tiny_inputs(tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    lang.mkdir()
    _, markup = _inputs(tmp_path)
    shutil.copy(markup, lang / "de.markup")
    shutil.copy(markup, lang / "de_blind1.markup")  # must be left out
    env = {**os.environ, "LANG_DIR": str(lang), "DATA_ONLY": "1", "N_LANG": "1", "N_DEV": "1",
           "N_EN": "1", "N_STRESS": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    work = tmp_path / "work"
    done = subprocess.run(
        ["bash", str(SCRIPTS / "finetune_multilingual.sh"), str(work), "60", "1", "2"],
        env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    train = [d for d in read_documents(work / "data" / "train.jsonl") if isinstance(d, Document)]
    dev = [d for d in read_documents(work / "data" / "dev.jsonl") if isinstance(d, Document)]
    assert len(train) == 5 * 1 + 1 + 1 + 2 * 2  # generated per language, English, markup x2
    assert len(dev) == 5
    assert not any("blind" in d.id for d in train)
    languages = {d.meta.get("language", d.meta.get("lang")) for d in train}
    assert languages >= {"de", "fr", "nl", "it", "es"}
    assert not (work / "model").exists()  # DATA_ONLY: nothing trained
