from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.corpora.formats import read_documents
from fairdeid.corpora.markup import parse_markup
from fairdeid.document import Document
from fairdeid.errors import RecordError


def test_tags_become_gold_spans_at_the_right_offsets() -> None:
    doc = parse_markup("Frau [[PATIENT:Ayşe Yılmaz]], geb. [[DATE:3. März 1961]].", "de-1")
    assert doc.text == "Frau Ayşe Yılmaz, geb. 3. März 1961."
    assert [(doc.text[s.start:s.end], s.label, s.source) for s in doc.spans] == [
        ("Ayşe Yılmaz", "PATIENT", "gold"), ("3. März 1961", "DATE", "gold")]


@pytest.mark.parametrize("bad", ["[[NAMES:Jo]]", "[[NAME: Jo]]", "[[NAME:]]", "a [[NAME:Jo b",
                                 "[[NAME:Jo [[DATE:1]]]]"])
def test_bad_tags_are_refused_without_echoing_text(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_markup(bad, "n1")
    assert "Jo" not in str(caught.value)


def test_a_file_of_notes_reads_with_meta_and_reports_a_bad_note(tmp_path: Path) -> None:
    path = tmp_path / "dev.markup"
    path.write_text("notes by hand\n### fr-1 lang=fr patient_id=p1\nM. [[PATIENT:Jean Dupont]]\n"
                    "\n### fr-2\nbad [[NOM:x]]\n### fr-3\nrien\n", encoding="utf-8")
    items = list(read_documents(path))
    assert isinstance(items[0], Document) and items[0].meta == {"lang": "fr", "patient_id": "p1"}
    assert items[0].text == "M. Jean Dupont" and len(items[0].spans) == 1
    assert isinstance(items[1], RecordError) and items[1].record == "dev.markup:5"
    assert isinstance(items[2], Document) and items[2].text == "rien" and not items[2].spans
