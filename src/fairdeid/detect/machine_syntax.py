"""Keep learned detectors' spans off machine syntax: GDT field prefixes, OIDs, XML markup.

Why: notes pasted from device exports and clinical documents carry syntax that a CRF or an
encoder trained on prose reads as identifiers. On the fifth writers' German format set
(``de_blind5c``) the CRF tagged the 7-digit "length + field id" prefixes of GDT record lines
("0183101Lo Presti", "01380006310"), dotted object identifiers in CDA XML
("2.16.756.5.30.1.1.10.1.10" as a DATE) and XML attribute names (``root="``); on the fifth
writers' Italian and Spanish letters, the numbers of laws a certificate cites ("L. 104/92",
"D.Lgs. 82/2005", "Ley Orgánica 3/2018") as dates (a cue word of the language before
"number/year", ``[citation] cues`` in the data file), and the URL rule read the code systems
of FHIR resources (``"system": "http://loinc.org"``: ``[json] code_keys``). None of these
characters is ever PHI, whatever the language, so they are masked and each learned span loses
masked characters at its edges; a span left with none, or lying on a GDT line whose field is
never PHI (record type, sex, device code: ``structured/data/machine_syntax.toml``), is dropped.
Masked characters inside a span stay in it (privacy first). Rules and the structured readers
are untouched (they know the syntax they match), but for the rules that match a shape without
reading the syntax around it: any long digit run, any 12-19 digits, any URL, domain or dotted
quad, a letter-prefixed identifier, place and name lists (``sources`` in the data file).

The fifth writers' format sets of the other packs showed the same class in other standards:
the CRF read the tags of DICOM dumps ("(0008,0020)") as places, the rules read the code-system
URLs of FHIR ("system": "http://loinc.org") and XML namespaces as URLs, an OID ``root`` as an
IP address, and LOINC codes and names of HL7 OBX-3 as dates and places. DICOM tags are masked;
a span inside the value of a JSON code key (``system``), a code attribute (``root``,
``xmlns``, KMEHR ``S``/``SV``) or an HL7 code field (OBX-3, OBR-4, MSH-9) is dropped. Enabled
per pipeline by ``[resolve] machine_syntax = true`` (every language pack).

The sixth writers' format sets added two more: the commands of ZPL label jobs ("^FO30,20^A0N,
30,30^FD", read by the CRFs of every pack as places and identifiers) and the property names
and parameters of vCard and iCalendar blocks ("DTSTART;TZID=America/Managua:20261203T070000",
read as a country, a city and an identifier): both are masked, the data a label prints and a
property's value are not (a date-time keeps its date, its time of day is masked); and RTF
source ("{\\rtf1\\ansi ... \\par"), whose control words and font table the CRFs read as
identifiers and whose "\\par" they kept at a name's end: control words, braces and header
groups are masked, an escaped letter inside a word ("Alca\\'f1iz") is not. Exports and
tickets showed four more (``[export]``): the time of an ISO date-time ("2026-11-12T14" read
as a date), the syntax of SQL dump statements ("'VANG',NULL", "UNLOCK TABLES"), merge-field
placeholders of form letters ("{ MERGEFIELD Vorname }", "«Opnamedatum»") and the frames of
stack traces pasted into tickets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fairdeid.detect.learned_trim import LEARNED
from fairdeid.detect.structured.specs import load_data
from fairdeid.document import Span

#: a GDT record line: 3 digits length, 4 digits field id, the value (checked against the length)
_GDT_LINE = re.compile(r"^(\d{3})(\d{4})(.*?)\r?$", re.MULTILINE)
#: the tag name of an XML start or end tag, and an attribute name with its ``="``
_XML_TAG = re.compile(r"</?[A-Za-z_][\w:.-]*|/?>")
_XML_ATTR = re.compile(r"(?<=\s)[A-Za-z_][\w:.-]*=\"")
#: inside one XML tag (attributes between ``<name`` and ``>``)
_XML_ELEMENT = re.compile(r"</?[A-Za-z_][\w:.-]*(?:\s[^<>]*)?/?>")
#: a JSON key and its string value ("system": "http://loinc.org"), value in group 2
_JSON_PAIR = re.compile(r'"([A-Za-z_][\w-]*)"[ \t]*:[ \t]*"((?:[^"\\\n]|\\.)*)"')
#: an HL7 v2 segment line with the standard field separator ("OBX|1|NM|2823-3^K^LN|...")
_HL7_LINE = re.compile(r"^[ \t]*([A-Z][A-Z0-9]{2})\|[^\n]*", re.MULTILINE)
#: a DICOM dump's tag, value representation and opening bracket ("(0010,0010) PN [")
_DICOM_TAG = re.compile(
    r"\([0-9A-Fa-f]{4},[ \t]*[0-9A-Fa-f]{4}\)(?:[ \t]+[A-Z]{2}(?![\w])(?:[ \t]+\[)?)?")
#: the time of day and zone of an ISO 8601 date-time ("2026-11-12T14:10:33.118+01:00"): the
#: date stays readable; "T14" glued to it is no part of a date
_ISO_TIME = re.compile(r"(?<=\d{4}-\d\d-\d\d)T\d\d(?::\d\d(?::\d\d(?:[.,]\d{1,9})?)?)?"
                       r"(?:Z|[+-]\d\d:?\d\d)?(?!\d)")
#: an SQL dump statement's syntax: keywords, back-quoted names, quotes, brackets, commas, NULL
_SQL_STATEMENT = re.compile(
    r"^[ \t]*(?:INSERT[ \t]+INTO|(?:UN)?LOCK[ \t]+TABLES|CREATE[ \t]+TABLE)\b[^;]*;?",
    re.MULTILINE | re.IGNORECASE)
_SQL_SYNTAX = re.compile(r"\b(?:INSERT|INTO|VALUES|NULL|LOCK|UNLOCK|TABLES|WRITE|READ)\b"
                         r"|`[^`\n]*`|[(),;']")
#: a word processor's merge field ("{ MERGEFIELD Nachname }", "«Voorletters_HA»"): a
#: placeholder, never a value; in guillemets only a name joined by "_" (French quotes,
#: "« Le Petit Saigon »", hold text)
_MERGE_FIELD = re.compile(r"\{[ \t]*MERGEFIELD[ \t]+[^{}\n]*\}|«[\w.-]{0,30}_[\w.-]{1,30}»")
#: a frame of a Java or .NET stack trace ("at java.base/java.util.concurrent.Thread...
#: (ThreadPoolExecutor.java:1144)"): code, never PHI
_STACK_FRAME = re.compile(r"^[ \t]+at[ \t]+[\w$.<>/]+(?:\([^()\n]*\))?[ \t]*$", re.MULTILINE)
#: the rest of a dcmdump line after its value: the closing bracket and the comment with the
#: value's length, multiplicity and keyword ("]   #  28, 1 PatientName"); and dcmdump's own
#: comment lines ("# Dicom-Data-Set", "# Used TransferSyntax: Little Endian Explicit")
_DICOM_COMMENT = re.compile(r"\][ \t]*#[ \t]*\d+,[ \t]*\d+[ \t]+[A-Za-z][\w-]*"
                            r"|^#[ \t]*(?:Dicom-[\w-]+|Used TransferSyntax:[^\n]*)$",
                            re.MULTILINE)
#: a ZPL label job (``^XA`` ... ``^XZ``) and one of its commands: a caret or tilde, a
#: two-character command, and its parameters up to the next command or the line end; a field's
#: data (``^FD``/``^FV``) is the text printed on the label, not syntax
_ZPL_JOB = re.compile(r"\^XA(?:(?!\^XZ).)*(?:\^XZ)?", re.DOTALL)
_ZPL_COMMAND = re.compile(r"[\^~]([A-Z@][A-Z0-9@])([^\^~\n]*)")
#: a vCard / iCalendar content line's name and parameters ("DTSTART;TZID=Europe/Rome:"),
#: inside a BEGIN:VCARD / BEGIN:VCALENDAR block; the value after the colon is read as text
_CONTENT_LINE = re.compile(
    r"^([A-Za-z][A-Za-z0-9-]*(?:;[A-Za-z0-9-]+(?:=(?:\"[^\"\n]*\"|[^;:\n]*))?)*:)"
    r"(?:(?:19|20)\d{6}(T\d{6}Z?))?", re.MULTILINE)
_CARD_BLOCK = re.compile(r"^[ \t]*BEGIN:(VCARD|VCALENDAR)\b.*?^[ \t]*END:\1",
                         re.MULTILINE | re.DOTALL)
#: a person's common name in a calendar address's parameters: the name is PHI, not syntax
_COMMON_NAME = re.compile(r";CN=(\"[^\"\n]*\"|[^;:\n]*)")
#: RTF source: a control word with its parameter and the space it swallows ("\\par ",
#: "\\fs20"), a control symbol, a brace; not an escaped character ("\\'e9"), which is part
#: of the word it stands in
_RTF_CONTROL = re.compile(r"\\[a-z]{1,32}(?:-?\d{1,10})? ?|\\[~_|:*-]|[{}]")
#: an RTF group that holds no text of the document (font and colour tables, generator)
_RTF_GROUP = re.compile(r"\{\\(?:\*|fonttbl|colortbl|stylesheet|info)[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")


@dataclass(frozen=True)
class MachineSyntax:
    """What syntax is masked: GDT fields never PHI, and the arcs an OID needs."""

    never_phi_fields: frozenset[str]
    min_gdt_lines: int = 2
    min_arcs: int = 5
    #: XML attributes whose values are codes, never PHI ("code", "codeSystem")
    code_attributes: frozenset[str] = frozenset()
    #: what an HL7 / CDA timestamp follows ("|", ``value="``); empty: none is read
    timestamp_after: tuple[str, ...] = ()
    #: whose spans are trimmed: detector names ("crf") or source prefixes
    #: ("rules:id.long_number"); empty: the learned detectors
    sources: tuple[str, ...] = ()
    #: JSON keys whose string values are code systems or system URIs ("system"), never PHI
    json_code_keys: frozenset[str] = frozenset()
    #: HL7 v2 fields holding table or terminology codes ("OBX-3"), never PHI
    hl7_never_phi: frozenset[str] = frozenset()
    #: whether DICOM dump tags and value representations ("(0010,0010) PN") are masked
    dicom_tags: bool = False
    #: the words that cite a law or a regulation before its "number/year" ("L.", "Ley")
    citation_cues: tuple[str, ...] = ()
    #: whether ZPL label commands ("^FO30,20^A0N,30,30^FD") are masked, their data not
    zpl_commands: bool = False
    #: whether vCard / iCalendar property names and parameters ("DTSTART;TZID=Europe/Rome:")
    #: and the time of a date-time value are masked (a common name ``CN=`` is not)
    card_properties: bool = False
    #: whether RTF control words, braces and header groups ("\\par", "{\\fonttbl ...}")
    #: are masked
    rtf_controls: bool = False
    #: whether the time of an ISO date-time, SQL dump syntax, merge fields and stack-trace
    #: frames are masked (``[export]`` in the data file)
    iso_times: bool = False
    sql_syntax: bool = False
    merge_fields: bool = False
    stack_frames: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> MachineSyntax:
        """Settings from the table layout of ``structured/data/machine_syntax.toml``."""
        gdt, oid = data.get("gdt", {}), data.get("oid", {})
        xml, stamp = data.get("xml", {}), data.get("timestamp", {})
        json, hl7, dicom = data.get("json", {}), data.get("hl7", {}), data.get("dicom", {})
        return cls(frozenset(str(f) for f in gdt.get("never_phi_fields", ())),
                   int(gdt.get("min_lines", 2)), int(oid.get("min_arcs", 5)),
                   frozenset(str(a) for a in xml.get("code_attributes", ())),
                   tuple(str(a) for a in stamp.get("after", ())),
                   tuple(str(a) for a in data.get("sources", ())),
                   frozenset(str(k) for k in json.get("code_keys", ())),
                   frozenset(str(f) for f in hl7.get("never_phi_fields", ())),
                   bool(dicom.get("tag_mask", False)),
                   tuple(str(c) for c in data.get("citation", {}).get("cues", ())),
                   bool(data.get("zpl", {}).get("command_mask", False)),
                   bool(data.get("vcard", {}).get("property_mask", False)),
                   bool(data.get("rtf", {}).get("control_mask", False)),
                   *(bool(data.get("export", {}).get(key, False))
                     for key in ("iso_time_mask", "sql_mask", "merge_field_mask",
                                 "stack_frame_mask")))

    def judges(self, span: Span) -> bool:
        """Whether ``span`` is one this step trims (a learned model's, or a listed rule's)."""
        if not self.sources:
            return span.source.split(":", 1)[0] in LEARNED
        return any(span.source == s or span.source.startswith(s if ":" in s else s + ":")
                   for s in self.sources)

    def mask(self, text: str) -> tuple[bytearray, list[tuple[int, int]]]:
        """A per-character mask of ``text`` (1: syntax, never PHI), and the (start, end) of
        GDT lines whose field is never PHI."""
        mask = bytearray(len(text))
        dropped: list[tuple[int, int]] = []
        lines = [m for m in _GDT_LINE.finditer(text)
                 if int(m.group(1)) == len(m.group(0).rstrip("\r")) + 2]
        if len(lines) >= self.min_gdt_lines:
            for m in lines:
                mask[m.start() : m.start(3)] = b"\x01" * 7
                if m.group(2) in self.never_phi_fields:
                    dropped.append((m.start(), m.end()))
        oid = re.compile(rf"(?<![\w.])\d+(?:\.\d+){{{self.min_arcs - 1},}}(?![\w]|\.\d)")
        for m in oid.finditer(text):
            mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        for element in _XML_ELEMENT.finditer(text):
            body = element.group()
            for m in (*_XML_TAG.finditer(body), *_XML_ATTR.finditer(body)):
                start, end = element.start() + m.start(), element.start() + m.end()
                mask[start:end] = b"\x01" * (end - start)
                name = m.group()[:-2]
                if m.group().endswith('="') and (name in self.code_attributes
                                                 or name.split(":")[0] in self.code_attributes):
                    close = body.find('"', m.end())
                    if close > 0:  # the code itself: a span on it is dropped whole
                        dropped.append((end, element.start() + close))
        if self.json_code_keys and '"' in text:
            for m in _JSON_PAIR.finditer(text):
                if m.group(1) in self.json_code_keys:
                    dropped.append(m.span(2))
        if self.hl7_never_phi and "|" in text:
            dropped.extend(self._hl7_fields(text))
        if self.dicom_tags and "(" in text:
            for m in (*_DICOM_TAG.finditer(text), *_DICOM_COMMENT.finditer(text)):
                mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        if self.zpl_commands and "^XA" in text:
            for job in _ZPL_JOB.finditer(text):
                for m in _ZPL_COMMAND.finditer(text, job.start(), job.end()):
                    end = m.start(2) if m.group(1) in {"FD", "FV"} else m.end()
                    mask[m.start() : end] = b"\x01" * (end - m.start())
        if self.card_properties and "BEGIN:" in text:
            for block in _CARD_BLOCK.finditer(text):
                for m in _CONTENT_LINE.finditer(text, block.start(), block.end()):
                    mask[m.start(1) : m.end(1)] = b"\x01" * (m.end(1) - m.start(1))
                    for cn in _COMMON_NAME.finditer(m.group(1)):
                        start, end = m.start(1) + cn.start(1), m.start(1) + cn.end(1)
                        mask[start:end] = bytes(end - start)
                    if m.group(2):
                        mask[m.start(2) : m.end(2)] = b"\x01" * (m.end(2) - m.start(2))
        if self.rtf_controls and "{\\rtf" in text:
            for m in (*_RTF_GROUP.finditer(text), *_RTF_CONTROL.finditer(text)):
                mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        if self.iso_times and "T" in text:
            for m in _ISO_TIME.finditer(text):
                mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        if self.sql_syntax and ("INSERT" in text or "LOCK" in text):
            for statement in _SQL_STATEMENT.finditer(text):
                for m in _SQL_SYNTAX.finditer(text, statement.start(), statement.end()):
                    mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        if self.merge_fields and ("MERGEFIELD" in text or "«" in text):
            for m in _MERGE_FIELD.finditer(text):
                mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        if self.stack_frames and "at " in text:
            for m in _STACK_FRAME.finditer(text):
                mask[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        if self.timestamp_after:
            after = "|".join(re.escape(a) for a in self.timestamp_after)
            stamp = re.compile(rf"(?:{after})"
                               r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                               r"((?:[01]\d|2[0-3])[0-5]\d(?:[0-5]\d)?(?:[+-]\d{4})?)(?!\d)")
            for m in stamp.finditer(text):
                mask[m.start(1) : m.end(1)] = b"\x01" * (m.end(1) - m.start(1))
        if self.citation_cues:
            for m in _citation(self.citation_cues).finditer(text):
                mask[m.start(1) : m.end(1)] = b"\x01" * (m.end(1) - m.start(1))
        return mask, dropped

    def _hl7_fields(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of every HL7 v2 field on the never-PHI list (MSH counts its field
        separator as MSH-1, so its n-th cell after the id is MSH-(n+1))."""
        out: list[tuple[int, int]] = []
        for line in _HL7_LINE.finditer(text):
            segment = line.group(1)
            first = 2 if segment == "MSH" else 1
            pos = line.start() + line.group().index("|") + 1
            number = first
            while pos <= line.end():
                bar = text.find("|", pos, line.end())
                end = line.end() if bar < 0 else bar
                if f"{segment}-{number}" in self.hl7_never_phi:
                    out.append((pos, end))
                if bar < 0:
                    break
                pos, number = bar + 1, number + 1
        return out

    def apply(self, text: str, spans: Sequence[Span]) -> list[Span]:
        """``spans`` with learned spans trimmed off syntax (dropped when nothing is left)."""
        if not any(self.judges(s) for s in spans):
            return list(spans)
        mask, dropped = self.mask(text)
        out: list[Span] = []
        for span in spans:
            if not self.judges(span):
                out.append(span)
                continue
            start, end = span.start, span.end
            while start < end and (mask[start] or text[start].isspace()):
                start += 1
            while end > start and (mask[end - 1] or text[end - 1].isspace()):
                end -= 1
            if start == end or not any(c.isalnum() for c in text[start:end]):
                continue
            if any(s <= start and end <= e for s, e in dropped):
                continue
            out.append(span if (start, end) == (span.start, span.end)
                       else Span(start, end, span.label, span.source, span.score, span.attrs))
        return out


@lru_cache(maxsize=8)
def _citation(cues: tuple[str, ...]) -> re.Pattern[str]:
    """A law's "number/year" (group 1) after one of ``cues``: "L. 104/92", "D.Lgs. n. 82/2005",
    "Reg. (UE) 2016/679", "Ley Orgánica 3/2018"; the cue is matched case-sensitively, as
    printed, so "l." in running text does not start one. With a short year the number must be
    one no day can be (32 or more): "Reg. 14/11" may be a day and a month."""
    cue = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{cue})[ \t]*(?:\(?UE\)?[ \t]*)?(?:n(?:\.|°|º|r\.)?[ \t]*)?"
                      r"(\d{1,4}/(?:19|20)\d{2}|(?:3[2-9]|[4-9]\d|\d{3,4})/\d{2,3})(?![\w/])")


@lru_cache(maxsize=1)
def packaged_machine_syntax() -> MachineSyntax:
    """The settings shipped in ``structured/data/machine_syntax.toml`` (read once)."""
    return MachineSyntax.from_mapping(load_data("machine_syntax.toml"))


def trim_machine_syntax(
    text: str, spans: Sequence[Span], syntax: MachineSyntax | None
) -> list[Span]:
    """``syntax.apply`` when the pipeline trims machine syntax, else ``spans`` as they are."""
    return list(spans) if syntax is None else syntax.apply(text, spans)
