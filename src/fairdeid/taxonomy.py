"""The i2b2-2014 label taxonomy, its coarse categories, HIPAA Safe Harbor mapping and presets.

Every corpus, detector and metric speaks these labels. Fine labels are what annotators and
detectors produce when they can; coarse labels are what evaluation compares, because corpora
disagree on fine distinctions (is "Mt. Sinai" a HOSPITAL or an ORGANIZATION?) far more often than
on whether something is a location at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fairdeid.errors import UnknownLabelError

COARSE_TO_FINE: dict[str, tuple[str, ...]] = {
    "NAME": ("PATIENT", "DOCTOR", "USERNAME"),
    "PROFESSION": ("PROFESSION",),
    "LOCATION": (
        "ROOM",
        "DEPARTMENT",
        "HOSPITAL",
        "ORGANIZATION",
        "STREET",
        "CITY",
        "STATE",
        "COUNTRY",
        "ZIP",
        "LOCATION_OTHER",
    ),
    "AGE": ("AGE",),
    "DATE": ("DATE",),
    "CONTACT": ("PHONE", "FAX", "EMAIL", "URL", "IPADDR"),
    "ID": (
        "SSN",
        "MEDICALRECORD",
        "HEALTHPLAN",
        "ACCOUNT",
        "LICENSE",
        "VEHICLE",
        "DEVICE",
        "BIOID",
        "IDNUM",
    ),
    "OTHER": ("OTHER",),
}

COARSE_LABELS: tuple[str, ...] = tuple(COARSE_TO_FINE)
FINE_TO_COARSE: dict[str, str] = {
    fine: coarse for coarse, fines in COARSE_TO_FINE.items() for fine in fines
}
#: Every label a span may carry: fine labels plus the coarse ones (a coarse label is valid).
ALL_LABELS: frozenset[str] = frozenset(FINE_TO_COARSE) | frozenset(COARSE_LABELS)

#: The HIPAA Safe Harbor identifier (45 CFR 164.514(b)(2)) each fine label falls under.
#: PROFESSION and COUNTRY are not among the 18; i2b2 still annotates them, so we still remove
#: them under safe_harbor (a profession can identify in a small town), but reports can tell.
HIPAA_CATEGORY: dict[str, str | None] = {
    "PATIENT": "names",
    "DOCTOR": "names",
    "USERNAME": "names",
    "PROFESSION": None,
    "ROOM": "geographic subdivisions",
    "DEPARTMENT": "geographic subdivisions",
    "HOSPITAL": "geographic subdivisions",
    "ORGANIZATION": "geographic subdivisions",
    "STREET": "geographic subdivisions",
    "CITY": "geographic subdivisions",
    "STATE": None,
    "COUNTRY": None,
    "ZIP": "geographic subdivisions",
    "LOCATION_OTHER": "geographic subdivisions",
    "AGE": "ages over 89",
    "DATE": "dates",
    "PHONE": "telephone numbers",
    "FAX": "fax numbers",
    "EMAIL": "email addresses",
    "URL": "web URLs",
    "IPADDR": "IP addresses",
    "SSN": "social security numbers",
    "MEDICALRECORD": "medical record numbers",
    "HEALTHPLAN": "health plan beneficiary numbers",
    "ACCOUNT": "account numbers",
    "LICENSE": "certificate/license numbers",
    "VEHICLE": "vehicle identifiers",
    "DEVICE": "device identifiers",
    "BIOID": "biometric identifiers",
    "IDNUM": "any other unique identifying number",
    "OTHER": None,
}


def is_label(label: str) -> bool:
    return label in ALL_LABELS


def coarse(label: str) -> str:
    """Map a fine or coarse label to its coarse category; unknown labels are an error."""
    if label in FINE_TO_COARSE:
        return FINE_TO_COARSE[label]
    if label in COARSE_TO_FINE:
        return label
    raise UnknownLabelError(f"unknown label {label!r}; known: {sorted(ALL_LABELS)}")


def fine_labels_of(label: str) -> tuple[str, ...]:
    """The fine labels a (fine or coarse) label stands for."""
    if label in COARSE_TO_FINE:
        return COARSE_TO_FINE[label]
    coarse(label)
    return (label,)


def map_label(label: str, mapping: Mapping[str, str]) -> str:
    """Map a corpus-specific label through ``mapping`` (then check it is ours)."""
    target = mapping.get(label, label)
    if not is_label(target):
        raise UnknownLabelError(f"label {label!r} has no mapping to the fairdeid taxonomy")
    return target


@dataclass(frozen=True, slots=True)
class Preset:
    """Which labels a de-identification policy removes. Labels in ``keep`` stay in the text."""

    name: str
    keep: frozenset[str]
    description: str
    #: AGE spans whose number is below this stay in the text (Safe Harbor: only ages over 89
    #: are identifiers). ``None`` removes every age a detector finds.
    min_age: int | None = None

    def removes(self, label: str) -> bool:
        """Whether spans with ``label`` leave the text.

        A coarse label is kept only if the whole category is (``limited_data_set`` keeps CITY but
        removes a bare LOCATION, which may be a street): with no fine label known, privacy first.
        ``resolve`` first re-cuts coarse spans along fine spans from other detectors, so a coarse
        "Boston, MA 02114" that the rules split into CITY, STATE and ZIP can still stay.
        """
        if label in self.keep:
            return False
        return coarse(label) not in self.keep


PRESETS: dict[str, Preset] = {
    "safe_harbor": Preset(
        "safe_harbor",
        frozenset(),
        "HIPAA Safe Harbor: remove every identifier the taxonomy knows; ages only from 90 up.",
        min_age=90,
    ),
    "strict": Preset(
        "strict",
        frozenset(),
        "Remove every identifier the taxonomy knows, every age included (i2b2 convention).",
    ),
    "limited_data_set": Preset(
        "limited_data_set",
        frozenset({"DATE", "AGE", "CITY", "STATE", "ZIP", "COUNTRY"}),
        "HIPAA limited data set: dates (and so ages), city, state, ZIP and country may stay; "
        "names, street addresses, contacts and IDs go.",
    ),
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownLabelError(f"unknown preset {name!r}; known: {sorted(PRESETS)}") from None


def labels_in(labels: Iterable[str]) -> list[str]:
    """Validate a list of labels from configuration, returning it as a list."""
    out = []
    for label in labels:
        coarse(label)
        out.append(label)
    return out
