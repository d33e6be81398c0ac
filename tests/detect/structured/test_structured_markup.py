"""HTML and RTF source read through its rendered view, spans mapped back onto the note.

The snippets are invented, in the shapes a patient portal's HTML and a word processor's RTF
export take.
"""

from __future__ import annotations

import pytest

from fairdeid.detect.structured import StructuredDetector, markup
from fairdeid.document import Document

PORTAL = (
    "<html><head><title>Resumen de visita</title></head><body>\n"
    '<table class="pt">\n'
    "<tr><td>Paciente:</td><td>IBÁ&Ntilde;EZ DE LA TORRE, M&Oacute;NICA</td>"
    "<td>NHC:</td><td>HC00917734</td></tr>\n"
    "<tr><td>DNI:</td><td>51883204Q</td><td>F. nac.:</td><td>11/04/1948</td></tr>\n"
    "</table>\n<p>Control en 3 meses.</p></body></html>\n"
)

RTF = (
    "{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0\\fswiss Arial;}}\n"
    "\\pard\\f0\\fs20\\b Paciente:\\b0  Nu\\'f1ez Garc\\'eda, Sebasti\\'e1n\\tab\\b NHC:\\b0  "
    "0088127\\par\n"
    "Sin cambios respecto al estudio previo.\\par\n}"
)


def _found(text: str) -> list[tuple[str, str]]:
    spans = StructuredDetector().detect(Document("d", text))
    return [(s.label, text[s.start : s.end]) for s in spans]


def test_html_cells_are_fields_and_entities_stay_inside_the_name() -> None:
    found = _found(PORTAL)
    assert ("PATIENT", "IBÁ&Ntilde;EZ DE LA TORRE, M&Oacute;NICA") in found
    assert ("MEDICALRECORD", "HC00917734") in found and ("SSN", "51883204Q") in found
    assert ("DATE", "11/04/1948") in found
    # no tag is part of a span
    assert not any("<" in value or ">" in value for _, value in found)


def test_rtf_control_words_are_syntax_and_escapes_part_of_the_name() -> None:
    found = _found(RTF)
    assert ("PATIENT", "Nu\\'f1ez Garc\\'eda, Sebasti\\'e1n") in found
    assert ("MEDICALRECORD", "0088127") in found


def test_the_view_maps_each_character_back() -> None:
    view = markup.render(PORTAL)
    assert view is not None
    start = view.text.index("IBÑEZ") if "IBÑEZ" in view.text else view.text.index("IBÁÑEZ")
    a, b = view.to_note(start, start + len("IBÁÑEZ"))
    assert PORTAL[a:b] == "IBÁ&Ntilde;EZ"
    assert markup.render("Plain note: no markup < here.") is None


def test_without_the_view_the_name_is_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    # the tags and entities hide the fields from the export-field reader: the view finds them
    monkeypatch.setattr(markup, "render", lambda *args: None)
    assert not any(label == "PATIENT" for label, _ in _found(PORTAL))


def test_rtf_control_words_are_no_domain_logins() -> None:
    # "Pesaro\\par" has the shape of DOMAIN\\login; in RTF source it is a line end
    rtf = "{\\rtf1\\ansi\\pard Ospedale Civile - 61121 Pesaro\\par\nCordiali saluti\\par\n}"
    assert not any(label == "USERNAME" for label, _ in _found(rtf))
    # a login written in RTF (its backslash escaped) is read in the rendered view
    rtf = "{\\rtf1\\ansi\\pard Utente: ASLNORD\\\\mrossi2\\par\n}"
    assert ("USERNAME", "ASLNORD\\\\mrossi2") in _found(rtf)


def test_only_the_lines_with_markup_are_rendered() -> None:
    prose = "Anamnese ohne Besonderheiten.\n" * 40
    text = prose + PORTAL + prose
    (start, end), = markup.regions(text)
    assert text[start:end].strip() == PORTAL.strip()
    assert markup.regions("Keine Tabelle, nur Text.") == []
