"""The patient's name on ZPL label jobs (wristbands, sample and file labels) pasted into a note.

Why: a print queue or a label complaint pastes the job the printer received,
"^FO30,20^A0N,30,30^FDBRANDSTÄTTER, HEIKE^FS": the text a label prints sits in ``^FD`` ...
``^FS`` fields glued to the printer's commands, so the prose rules see "FDBRANDSTÄTTER" and
the learned models read the commands as places (``machine_syntax`` masks them for the models).
A label names its patient the way identification standards ask, "SURNAME, Given": a field whose
text starts with a family name in capitals, a comma and given names (or an initial) is read as
the patient's name. The rest of a label (dates, numbers, wards, allergies) is left to the
other detectors, which read the field text as they read any line.
"""

from __future__ import annotations

import re

from fairdeid.detect.structured.common import Hit

_JOB = re.compile(r"\^XA(?:(?!\^XZ).)*", re.DOTALL)
#: a field's data: after ^FD (or ^FV), up to ^FS, the next command or the line end
_FIELD = re.compile(r"\^F[DV](?P<data>[^\^~\n]*)")
#: "SURNAME, Given" at the start of the data: a family name in capitals (several words,
#: particles and hyphens allowed), a comma, given names or initials, up to a gap or a digit
_NAME = re.compile(
    r"[ \t]*(?P<name>[^\W\d_a-z](?:[^\W\d_a-z]|['’ -])*[^\W\d_a-z],[ \t]?"
    r"[^\W\d_](?:[^\W\d_]|['’.-])*(?:[ ][^\W\d_](?:[^\W\d_]|['’.-])*){0,3})"
    r"(?=[ \t]{2,}|[ \t]*[*(\d]|[ \t]*$)")


def find(text: str) -> list[Hit]:
    """The patient name of every label field that starts "SURNAME, Given"."""
    if "^XA" not in text:
        return []
    hits: list[Hit] = []
    for job in _JOB.finditer(text):
        for field in _FIELD.finditer(text, job.start(), job.end()):
            name = _NAME.match(text, field.start("data"), field.end("data"))
            if name is not None:
                hits.append(Hit(name.start("name"), name.end("name"), "PATIENT", "zpl.name"))
    return hits
