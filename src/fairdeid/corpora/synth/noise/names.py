"""Name order: "SURNAME, Given", "Given SURNAME", "G. Surname", "Surname G." and "Surname Given".

Why: registration systems, letters and dictation write the same person in different orders, and
a detector that has only seen "Given Surname" misses the rest. Only two-part names written
"Given Surname" or "Surname, Given" are rewritten (which part is which is known from the form);
the whole span is replaced, so it keeps covering the name.
"""

from __future__ import annotations

import random
import re

from fairdeid.corpora.synth.noise.base import Transform
from fairdeid.corpora.synth.noise.edits import Edit
from fairdeid.document import Document

_LABELS = frozenset({"PATIENT", "DOCTOR"})
_WORD = r"[^\W\d_][^\W\d_'-]*(?:[-'][^\W\d_]+)?"
_GIVEN_SURNAME = re.compile(rf"({_WORD}) ({_WORD})")
_SURNAME_COMMA = re.compile(rf"({_WORD}), ({_WORD})")


def _forms(given: str, surname: str) -> tuple[str, ...]:
    return (
        f"{surname.upper()}, {given}",
        f"{given} {surname.upper()}",
        f"{given[:1]}. {surname}",
        f"{surname} {given[:1]}.",
        f"{surname}, {given[:1]}.",
        f"{surname} {given}",
        f"{given[:1]}{surname[:1]}",
    )


def _names(doc: Document, rng: random.Random, rate: float) -> list[Edit]:
    edits = []
    for span in doc.spans:
        if span.label not in _LABELS or rng.random() >= rate:
            continue
        value = doc.span_text(span)
        if m := _GIVEN_SURNAME.fullmatch(value):
            given, surname = m.group(1), m.group(2)
        elif m := _SURNAME_COMMA.fullmatch(value):
            surname, given = m.group(1), m.group(2)
        else:
            continue
        # Two-letter initials ("JS") only now and then: they are the hardest form.
        forms = _forms(given, surname)
        new = rng.choice(forms if rng.random() < 0.1 else forms[:-1])
        if new != value:
            edits.append(Edit(span.start, span.end, new))
    return edits


def _tokens(value: str) -> list[str]:
    return [t for t in re.split(r"[\s,.]+", value.lower()) if t]


def _same_person(old: str, new: str) -> bool:
    """Every part of ``new`` is a part of ``old`` or its initial (or ``new`` is two initials)."""
    parts = _tokens(old)
    initials = {p[:1] for p in parts}
    got = _tokens(new)
    if len(got) == 1 and len(got[0]) == len(parts) and set(got[0]) <= initials:
        return True
    return all(t in parts or (len(t) == 1 and t in initials) for t in got)


NAMES = Transform("names", _names, _same_person, "name order, capitals and initials")
