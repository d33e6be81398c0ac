"""Identifiers and dates inside the names of files a note mentions.

Why: notes that list attachments or paste a command line name files the way the systems that
wrote them do, after the record they belong to: "sumehr_krasniqi_20261125.xml",
"promemoria_120A403918217.pdf", "GMT20261126-150212_Recording.transcript.vtt". The parts of
such a name are glued by "_", "-" and ".", so the prose rules, which read whole words, see one
token that is no number and no date. A file name is a word ending in a known extension; its
parts are read by shape: a date of eight digits (alone or after a short prefix, "GMT20261126")
is a DATE, and a part of five characters or more with three digits or more is an identifier
(IDNUM): a record, accession or prescription number. A six-digit part right after a date is
its time of day and is left alone, as are version and sequence numbers ("v3", "0001") and
words (a surname in a file name has no shape to tell it from a document type).
"""

from __future__ import annotations

import re

from fairdeid.detect.structured.common import Hit

#: a file name: a word of letters, digits, "_", "-", "." ending in an extension that systems
#: write (documents, images, messages, exports, logs)
_FILE = re.compile(
    r"(?<![\w.\\/-])[\w][\w.-]*\.(?:xml|pdf|rtf|dcm|vtt|srt|txt|docx?|odt|xlsx?|csv|jpe?g|png|"
    r"tiff?|gif|bmp|log|hl7|json|zip|ics|vcf|html?|msg|eml|dat|gdt|bdt|ldt|p7m|xps)(?![\w])",
    re.IGNORECASE)
_PART = re.compile(r"[^_.-]+")
_DATE = re.compile(r"^[A-Za-z]{0,4}((?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))$")
_TIME = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d[0-5]\d")
_MIN_ID = 5
_MIN_DIGITS = 3


def find(text: str) -> list[Hit]:
    """The dates and identifiers in the parts of every file name in ``text``."""
    if "." not in text:
        return []
    hits: list[Hit] = []
    for name in _FILE.finditer(text):
        stem_end = name.start() + name.group().rindex(".")
        after_date = False
        for part in _PART.finditer(text, name.start(), stem_end):
            value = part.group()
            date = _DATE.search(value)
            if date is not None:
                hits.append(Hit(part.start() + date.start(1), part.start() + date.end(1),
                                "DATE", "filename.date"))
                after_date = True
                continue
            if after_date and _TIME.fullmatch(value):
                after_date = False
                continue  # the time of day after a date ("20261126-150212")
            after_date = False
            if len(value) >= _MIN_ID and sum(ch.isdigit() for ch in value) >= _MIN_DIGITS:
                hits.append(Hit(part.start(), part.end(), "IDNUM", "filename.id"))
    return hits
