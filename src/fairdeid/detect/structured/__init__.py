"""The structured-formats detector: HL7 v2 segments, FHIR JSON and hand-made JSON (by key),
DICOM header dumps, XML (CDA, KMEHR), EDIFACT messages, ASTM E1394 laboratory records, vCard
and iCalendar blocks, SQL dumps (INSERT rows by column name), video-meeting chats and
transcripts (senders, speakers), dates and numbers in file names, logins in brackets after
their owner's name, the patient's name on ZPL label jobs, headed tables and export fields
("Name.......: value | PID: value", logins, chat senders) inside notes, also inside HTML and
RTF source (read through its rendered view, ``markup.py``).

Why a detector of its own: notes that leave hospital systems carry pasted machine formats
(an ADT message, a FHIR resource, an exported list), where the prose rules and the learned
models lose 10-25 points of recall: names sit between ``^`` or quotes, dates are compact
timestamps, and no sentence says what a value is. But the format itself says it, by position
(HL7 v2 field numbers), by element (FHIR paths, XML), by tag (DICOM), by segment (EDIFACT) or
by column header, the same in every language. This detector reads that structure and nothing
else; the other detectors still read the prose around it, and resolve merges all proposals as
for any detector.

Cost: tables are read only in a note with one of ``|``, ``^``, ``{``, ``;``, tab or ``,``, and
each format checks for its own mark (``|`` or an MSH for HL7, ``{"`` for JSON, ``(`` for
DICOM, ``</`` for XML, ``UNB``/``UNH`` for EDIFACT, ``H|\\^&`` for ASTM, ``BEGIN:`` for
vCard and iCalendar, ``INSERT`` for SQL) before reading lines; export fields and logins
(``fields``) are read in every note, since a dictation's footer ("operatore
lbaldoni2") has no punctuation at all, with one set lookup per word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.structured import (
    astm,
    dicom,
    edifact,
    fhir,
    fields,
    filenames,
    hl7,
    jsonfields,
    logins,
    markup,
    meetings,
    sql,
    tables,
    vcard,
    xml,
    zpl,
)
from fairdeid.detect.structured.common import Hit
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

#: the formats this detector reads, by the name ``formats`` and ``disabled=`` use
FORMATS = ("hl7", "fhir", "json", "dicom", "xml", "edifact", "astm", "vcard", "sql",
           "meeting", "filename", "login", "zpl", "table", "fields")
_KEYS = frozenset({"formats", "header_words", "score"})
_MARKS = frozenset("|^{;\t,")
#: the score of a span found by structure: the standards and headers are explicit, but a
#: pasted fragment can be mislabelled by its writer, so it stays below a rule's certainty
DEFAULT_SCORE = 0.9

__all__ = ["FORMATS", "StructuredDetector"]


class StructuredDetector(BaseDetector):
    """Proposes the PHI a note's HL7 v2, FHIR JSON and headed-table blocks mark by structure."""

    name = "structured"
    #: one pass over the text, linear in its length: a long note is read whole, so a table or
    #: a message is never cut by a window edge
    handles_long_documents = True

    def __init__(
        self,
        formats: Iterable[str] = FORMATS,
        header_words: Sequence[str] = (),
        score: float = DEFAULT_SCORE,
    ) -> None:
        chosen = tuple(formats)
        unknown = sorted(set(chosen) - set(FORMATS))
        if unknown:
            raise ConfigError(f"[detectors.structured] unknown formats {unknown}; known: "
                              f"{list(FORMATS)}")
        if not 0.0 <= score <= 1.0:
            raise ConfigError("[detectors.structured] score must be between 0 and 1")
        self.formats = chosen
        self.header_words = tuple(str(p) for p in header_words)
        self.score = float(score)
        # every data file is read and checked now: a bad file fails when the pipeline is built
        self._hl7 = hl7.load_spec() if "hl7" in chosen else None
        self._fhir = fhir.load_spec() if "fhir" in chosen else None
        self._dicom = dicom.load_spec() if "dicom" in chosen else None
        self._xml = xml.load_spec() if "xml" in chosen else None
        self._edifact = edifact.load_spec() if "edifact" in chosen else None
        self._vcard = vcard.load_spec() if "vcard" in chosen else None
        self._astm = astm.load_spec() if "astm" in chosen else None
        self._headers = (tables.load_headers(self.header_words)
                         if {"table", "fields", "xml", "sql", "json"} & set(chosen) else None)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> StructuredDetector:
        """``[detectors.structured]``, every key optional: ``formats`` (which of ``"hl7"``,
        ``"fhir"``, ``"json"``, ``"dicom"``, ``"xml"``, ``"edifact"``, ``"astm"``, ``"vcard"``,
        ``"sql"``, ``"meeting"``, ``"filename"``, ``"login"``, ``"zpl"``, ``"table"``,
        ``"fields"`` to read; default all fifteen,
        ``[]`` reads none), ``header_words`` (more header-word files for tables and export
        fields, in the format of the packaged ones), ``score`` (of
        every span, default 0.9). ``disabled=["structured:fhir"]`` turns a format off for one
        call. What each format labels: docs/structured-formats.md."""
        unknown = set(config) - _KEYS
        if unknown:
            raise ConfigError(f"unknown [detectors.structured] keys: {sorted(unknown)}; "
                              f"known: {sorted(_KEYS)}")
        formats = config.get("formats", FORMATS)
        words = config.get("header_words", ())
        for key, value in (("formats", formats), ("header_words", words)):
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"[detectors.structured] {key} must be a list of strings")
        score = config.get("score", DEFAULT_SCORE)
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise ConfigError("[detectors.structured] score must be a number")
        return cls(formats, words, float(score))

    def with_disabled(self, parts: Sequence[str]) -> StructuredDetector:
        """This detector without some formats for one call (``disabled=["structured:fhir"]``)."""
        unknown = sorted(set(parts) - set(FORMATS))
        if unknown:
            raise ConfigError(f"structured: no format {unknown} to disable; known: "
                              f"{list(FORMATS)}")
        return StructuredDetector([f for f in self.formats if f not in parts],
                                  self.header_words, self.score)

    def _rendered(self, text: str, headers: tables.HeaderWords) -> list[Hit]:
        """Tables and export fields of HTML or RTF source, read in its rendered view
        (``markup.py``) and mapped back onto the note's characters."""
        out: list[Hit] = []
        for start, end in markup.regions(text):
            view = markup.render(text, start, end)
            if view is None or not view.text:
                continue
            found: list[Hit] = []
            if "table" in self.formats:
                found += tables.find(view.text, headers)
            if "fields" in self.formats:
                found += fields.find(view.text, headers)
            out += [Hit(*view.to_note(h.start, h.end), h.label, h.where) for h in found]
        return out

    def detect(self, doc: Document) -> list[Span]:
        text = doc.text
        if not self.formats:
            return []
        marked = not _MARKS.isdisjoint(text)
        hits: list[Hit] = []
        if self._hl7 is not None and ("|" in text or "MSH" in text):
            hits += hl7.find(text, self._hl7)
        if self._fhir is not None and "{" in text:
            hits += fhir.find(text, self._fhir)
        if self._headers is not None and "json" in self.formats and "{" in text and '"' in text:
            hits += jsonfields.find(text, self._headers)
        if self._dicom is not None and "(" in text:
            hits += dicom.find(text, self._dicom)
        if self._edifact is not None and ("UNB" in text or "UNH" in text):
            hits += edifact.find(text, self._edifact)
        if self._xml is not None and self._headers is not None and "</" in text:
            hits += xml.find(text, self._headers, self._xml)
        if self._astm is not None and "H|\\^&" in text:
            hits += astm.find(text, self._astm)
        if self._vcard is not None and "BEGIN:" in text:
            hits += vcard.find(text, self._vcard)
        if "meeting" in self.formats and ":" in text:
            hits += meetings.find(text)
        if "zpl" in self.formats and "^XA" in text:
            hits += zpl.find(text)
        if "login" in self.formats:
            hits += logins.find(text)
        if "filename" in self.formats:
            hits += filenames.find(text)
        if self._headers is not None and "sql" in self.formats:
            hits += sql.find(text, self._headers)
        if self._headers is not None and "table" in self.formats and marked:
            hits += tables.find(text, self._headers)
        if self._headers is not None and "fields" in self.formats:
            hits += fields.find(text, self._headers)
        if self._headers is not None and {"table", "fields"} & set(self.formats):
            hits += self._rendered(text, self._headers)
        seen: set[tuple[int, int, str]] = set()
        spans: list[Span] = []
        for h in sorted(hits, key=lambda h: (h.start, h.end, h.label)):
            if (h.start, h.end, h.label) in seen:
                continue
            seen.add((h.start, h.end, h.label))
            spans.append(Span(h.start, h.end, h.label, f"{self.name}:{h.where}", self.score))
        return spans
