"""MIMIC-III placeholder notes -> annotated documents with realistic, consistent surrogates.

MIMIC-III's NOTEEVENTS replaced PHI with placeholders such as ``[**Known lastname 123**]`` or
``[**2151-3-4**]``. Training and evaluating on those teaches a model to find brackets, not names,
so we *fill* every placeholder with a locale surrogate of the right type and record its span and
fine label while writing the new text (offsets are exact by construction).

* An ordered pattern table covers the placeholder families; the first match wins. A family is the
  placeholder text with its trailing number removed ("Last Name (NamePattern1)"); it is what we
  count and report, never the surrounding text.
* Unknown families are never guessed: ``unknown="error"`` (default) turns the note into a
  ``RecordError`` naming the family; ``"skip"`` leaves the placeholder text as it is, unlabelled;
  ``"other"`` leaves it and labels it OTHER. ``MimicFiller.unknown`` counts them either way.
* Consistency: the same placeholder (same family and number) gets the same surrogate for the same
  patient (``SUBJECT_ID``) in every note; "Known firstname/lastname" are the patient's own name.
* Dates: MIMIC shifts years into 2100-2200. Each patient gets one year offset that lands the note's
  chart year in 2005-2022; day and month are kept, so intervals survive. DOBs of patients over 89
  (shifted ~300 years back in MIMIC) are clamped into the 1900s.
* Names that the family leaves ambiguous (NamePattern, NI, LF ...) are DOCTOR when the text right
  before says "Dr."/"Doctor"/"Dr" or right after says "MD"; otherwise PATIENT. The Doctor, MD,
  STitle, Attending and Dictator families are always DOCTOR.

Layout: ``reader`` (NOTEEVENTS CSV -> documents) uses ``filler`` (``MimicFiller``: patients,
consistency, writing through the synthetic notes' ``Builder``), which looks placeholders up in
``placeholders`` (the ordered rule table, ``data/placeholders.toml``) and fills them with
``values`` (one maker per family; plain "a new city/phone/hospital" values come from the
surrogate generators of ``fairdeid.replace.surrogates``).
"""

from __future__ import annotations

from fairdeid.corpora.mimic.filler import MimicFiller, Unknown
from fairdeid.corpora.mimic.placeholders import PLACEHOLDER, RULES, Rule, family_of, match_rule
from fairdeid.corpora.mimic.reader import iter_mimic

__all__ = [
    "PLACEHOLDER",
    "RULES",
    "MimicFiller",
    "Rule",
    "Unknown",
    "family_of",
    "iter_mimic",
    "match_rule",
]
