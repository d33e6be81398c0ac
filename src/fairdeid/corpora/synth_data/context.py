"""What one synthetic note is written with: the builder, people, ID formats and the note context.

Both the generator (``fairdeid.corpora.synth``) and the note writers (``synth_data.notes``) import
this module, and it imports neither of them, so there is no import cycle: the generator makes
patients and hands each note a ``NoteContext``; the writers only talk to that context. The
context reaches back to the generator only through the small ``NoteSource`` protocol (the shared
random stream, the locale pools and "make me another person").

Everything draws from one ``random.Random`` in a fixed order, so a seed gives byte-identical
output: moving code here must never add, drop or reorder a draw.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from fairdeid.corpora.synth_data import vocab as V
from fairdeid.locales import fill_format

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool


class NoteSource(Protocol):
    """What a note needs from its generator."""

    rng: random.Random
    locales: list[str]

    def pool(self, locale: str) -> LocalePool: ...

    def person(self, locale: str | None = None, gender: str | None = None) -> Person: ...


# --------------------------------------------------------------------------------------------
# Builder: append text, record spans as they are written
# --------------------------------------------------------------------------------------------


class Builder:
    """Accumulates text pieces and the offsets of PHI pieces."""

    __slots__ = ("parts", "pos", "spans")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[tuple[int, int, str, dict[str, Any], str]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def phi(self, text: str, label: str, attrs: dict[str, Any] | None = None) -> None:
        """Append ``text`` as one PHI span (empty strings are not spans)."""
        if not text:
            return
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        self.spans.append((start, self.pos, label, attrs or {}, text))

    def nl(self, n: int = 1) -> None:
        self.add("\n" * n)

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------------------------
# People and patients
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    first: str
    last: str
    gender: str
    locale: str
    middle: str = ""
    native: str = ""  # full name in native script, when the locale has one

    @property
    def attrs(self) -> dict[str, Any]:
        return {"locale": self.locale, "gender": self.gender}


@dataclass(slots=True)
class Patient:
    pid: str
    person: Person
    dob: dt.date
    mrn: str
    ssn: str
    healthplan: str
    account: str
    street: str
    city: str
    state: str
    zip: str
    country: str
    phone: str
    email: str
    profession: str
    employer: str
    hospital: str
    site_city: str
    site_locale: str
    relatives: list[tuple[str, Person]]
    doctors: list[Person]
    staff: list[Person]
    license_plate: str
    vin: str
    device_sn: str
    bioid: str
    drivers_license: str
    portal_user: str
    start: dt.date
    note_dates: list[dt.date] = field(default_factory=list)


def ascii_fold(value: str) -> str:
    """ASCII letters, digits and hyphens of a name ("Zoë O'Neil" -> "ZoeONeil"): e-mail
    addresses, user names and URL slugs are ASCII even for names from non-Latin locales."""
    folded = unicodedata.normalize("NFKD", value)
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in "-'")).replace("'", "")


# --------------------------------------------------------------------------------------------
# Identifier formats: "#" any digit, "%" a digit 1-9, "?" an upper-case letter, else literal;
# filled by ``fairdeid.locales.fill_format``, the one implementation of that format language.
# --------------------------------------------------------------------------------------------


MRN_FORMATS = [
    "#######",
    "########",
    "MRN-#######",
    "%######",
    "?#######",
    "##-###-###",
    "00######",
]
PLAN_FORMATS = [
    "???#########",
    "W#########",
    "MCD-#######",
    "%########-##",
    "??-####-####",
    "XE#######",
]
ACCOUNT_FORMATS = ["##########", "ACCT-########", "%###########", "#####-#####", "V########"]
LICENSE_FORMATS = ["??#######", "MD-#####", "G#####", "RN-######", "L-%#####", "%#######"]
DL_FORMATS = ["?###-####-####", "?#######", "%########", "??######"]
IDNUM_FORMATS = [
    "S%#-#####",
    "ORD-########",
    "#########",
    "CLM-%#######",
    "ENC-#######",
    "REQ-######",
    "%#-???-####",
    "F####-##",
]
DEVICE_FORMATS = ["???######?", "SN #####-####", "%##?###??", "PJN######", "RNB######S"]
BIOID_FORMATS = ["FP-%#####??", "BIO-########", "DNA-%######", "RS-#####-##"]
PLATE_FORMATS = ["%???###", "???-####", "??## ???", "%??-%##"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


# --------------------------------------------------------------------------------------------
# Per-document context: rendering helpers for names, dates, ids and layout
# --------------------------------------------------------------------------------------------

_MONTH_ABBR = [m[:3] for m in V.MONTHS]


def _ordinal(d: int) -> str:
    if 10 <= d % 100 <= 20:
        return f"{d}th"
    return f"{d}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(d % 10, 'th') }"


_DATE_STYLES: list[Callable[[dt.date], str]] = [
    lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    lambda d: f"{d.month}/{d.day}/{d.year}",
    lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
    lambda d: d.isoformat(),
    lambda d: f"{V.MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{_MONTH_ABBR[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{d.day} {V.MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{d.day:02d}-{_MONTH_ABBR[d.month - 1]}-{d.year}",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    lambda d: f"{_MONTH_ABBR[d.month - 1].upper()} {d.day:02d} {d.year}",
    lambda d: f"{V.MONTHS[d.month - 1]} {_ordinal(d.day)}, {d.year}",
    lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
    lambda d: f"{d.day}-{_MONTH_ABBR[d.month - 1]}-{d.year % 100:02d}",
]
_SHORT_DATE_STYLES: list[Callable[[dt.date], str]] = [
    lambda d: f"{d.month}/{d.day}",
    lambda d: f"{_MONTH_ABBR[d.month - 1]} {d.day}",
    lambda d: f"{V.MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{d.month:02d}/{d.year}",
    lambda d: str(d.year),
    lambda d: f"{V.MONTHS[d.month - 1]} {_ordinal(d.day)}",
    lambda d: f"{d.day} {_MONTH_ABBR[d.month - 1]}",
]

_HEADER_STYLES = ("caps", "title", "abbr", "eq", "underline", "hash")
_SECTION_NAMES = {
    "cc": ("CHIEF COMPLAINT", "Chief Complaint", "CC"),
    "hpi": ("HISTORY OF PRESENT ILLNESS", "History of Present Illness", "HPI"),
    "pmh": ("PAST MEDICAL HISTORY", "Past Medical History", "PMH"),
    "psh": ("PAST SURGICAL HISTORY", "Past Surgical History", "PSH"),
    "meds": ("MEDICATIONS", "Medications", "Meds"),
    "dcmeds": ("DISCHARGE MEDICATIONS", "Discharge Medications", "D/C Meds"),
    "all": ("ALLERGIES", "Allergies", "All"),
    "sh": ("SOCIAL HISTORY", "Social History", "SH"),
    "fh": ("FAMILY HISTORY", "Family History", "FH"),
    "ros": ("REVIEW OF SYSTEMS", "Review of Systems", "ROS"),
    "exam": ("PHYSICAL EXAMINATION", "Physical Exam", "PE"),
    "labs": ("LABORATORY DATA", "Labs", "Labs"),
    "imaging": ("IMAGING", "Imaging", "Rads"),
    "course": ("HOSPITAL COURSE", "Hospital Course", "Hosp Course"),
    "ap": ("ASSESSMENT AND PLAN", "Assessment and Plan", "A/P"),
    "dx": ("DISCHARGE DIAGNOSES", "Discharge Diagnoses", "Dx"),
    "fu": ("FOLLOW-UP", "Follow-up", "F/U"),
    "dispo": ("DISPOSITION", "Disposition", "Dispo"),
    "vitals": ("VITAL SIGNS", "Vital Signs", "VS"),
    "subj": ("SUBJECTIVE", "Subjective", "S"),
    "obj": ("OBJECTIVE", "Objective", "O"),
    "clin": ("CLINICAL HISTORY", "Clinical History", "Hx"),
    "tech": ("TECHNIQUE", "Technique", "Tech"),
    "comp": ("COMPARISON", "Comparison", "Comp"),
    "find": ("FINDINGS", "Findings", "Findings"),
    "imp": ("IMPRESSION", "Impression", "Impr"),
    "gross": ("GROSS DESCRIPTION", "Gross Description", "Gross"),
    "micro": ("MICROSCOPIC DESCRIPTION", "Microscopic Description", "Micro"),
    "final": ("FINAL DIAGNOSIS", "Final Diagnosis", "Dx"),
    "reason": ("REASON FOR REFERRAL", "Reason for Referral", "RFR"),
}
_BULLETS = ("- ", "* ", "• ", "o ", "", "#")
_TITLES = {"female": ("Ms.", "Mrs.", "Ms", "Miss"), "male": ("Mr.", "Mr")}


class NoteContext:
    """Everything one note's writers need: builder, patient, date, rng and a house style."""

    def __init__(self, source: NoteSource, patient: Patient, day: dt.date) -> None:
        self.source: NoteSource = source
        self.rng: random.Random = source.rng
        self.patient: Patient = patient
        self.day: dt.date = day
        self.builder: Builder = Builder()
        rng = self.rng
        self.header_style: str = rng.choice(_HEADER_STYLES)
        self.bullet: str = rng.choice(_BULLETS)
        self.date_style: int = rng.randrange(len(_DATE_STYLES))
        self.typo_rate: float = 0.0 if rng.random() < 0.7 else 0.03
        female = patient.person.gender == "female"
        self.he: str = "she" if female else "he"
        self.his: str = "her" if female else "his"
        self.sex_word: str = rng.choice(
            ("woman", "female", "F") if patient.person.gender == "female" else ("man", "male", "M")
        )
        self.attending: Person = rng.choice(patient.doctors)
        self._titles: dict[int, str] = {}

    def any_pool(self) -> LocalePool:
        """The pool of a random locale of the run (for places and people unrelated to the
        patient); draws one choice from the shared stream."""
        return self.source.pool(self.rng.choice(self.source.locales))

    # ---------------------------------------------------------------- plain text

    def add(self, text: str) -> None:
        if self.typo_rate and self.rng.random() < self.typo_rate * 10:
            text = _typo_words(text, self.rng)
        self.builder.add(text)

    def raw(self, text: str) -> None:
        self.builder.add(text)

    def nl(self, n: int = 1) -> None:
        self.builder.nl(n)

    def section(self, key: str) -> None:
        caps, title, abbr = _SECTION_NAMES[key]
        style = self.header_style
        b = self.builder
        if b.pos:
            last = b.parts[-1]
            want = 1 if style == "abbr" else 2
            have = 2 if last.endswith("\n\n") else 1 if last.endswith("\n") else 0
            if want > have:
                b.add("\n" * (want - have))
        if style == "caps":
            b.add(f"{caps}:\n")
        elif style == "title":
            b.add(f"{title}:\n")
        elif style == "abbr":
            b.add(f"{abbr}: ")
        elif style == "eq":
            b.add(f"== {title} ==\n")
        elif style == "underline":
            b.add(f"{caps}\n{'-' * len(caps)}\n")
        else:
            b.add(f"## {title}\n")

    def items(self, items: Sequence[str | Callable[[], None]]) -> None:
        """A list in the note's bullet style; callables write their own (PHI-bearing) item."""
        for i, item in enumerate(items, start=1):
            bullet = f"{i}. " if self.bullet == "#" else self.bullet
            self.builder.add(bullet)
            if isinstance(item, str):
                self.add(item)
            else:
                item()
            self.builder.add("\n")

    # ---------------------------------------------------------------- PHI renderers

    def name(
        self, person: Person, label: str, form: str | None = None, *, title: bool = True
    ) -> None:
        """Write a name in one of many forms; titles stay outside the span."""
        rng = self.rng
        b = self.builder
        if form is None:
            if label == "DOCTOR":
                form = rng.choice(
                    (
                        "dr_full",
                        "dr_full",
                        "dr_last",
                        "dr_initial",
                        "full_md",
                        "full",
                        "last_comma",
                        "dr_full_middle",
                        "initial_last_md",
                    )
                )
            else:
                form = rng.choice(
                    (
                        "full",
                        "full",
                        "title_last",
                        "title_last",
                        "last_comma",
                        "caps_comma",
                        "family_first",
                        "first",
                        "full_middle",
                        "title_full",
                        "initials",
                    )
                )
        first, last, mid = person.first, person.last, person.middle
        prefix = suffix = ""
        if form == "dr_full":
            prefix, value = "Dr. ", f"{first} {last}"
        elif form == "dr_last":
            prefix, value = rng.choice(("Dr. ", "Dr ", "DR. ")), last
        elif form == "dr_initial":
            prefix, value = "Dr. ", f"{first[:1]}. {last}"
        elif form == "dr_full_middle":
            prefix, value = "Dr. ", f"{first} {mid[:1] or 'J'}. {last}"
        elif form == "full_md":
            value, suffix = (
                f"{first} {last}",
                rng.choice((", MD", ", M.D.", " MD", ", DO", ", MBBS")),
            )
        elif form == "initial_last_md":
            value, suffix = f"{first[:1]}. {last}", ", MD"
        elif form == "title_last":
            prefix, value = self.title_of(person) + " ", last
        elif form == "title_full":
            prefix, value = self.title_of(person) + " ", f"{first} {last}"
        elif form == "last_comma":
            value = f"{last}, {first}"
        elif form == "caps_comma":
            value = f"{last.upper()}, {first.upper() if rng.random() < 0.5 else first}"
        elif form == "family_first":
            value = f"{last} {first}"
        elif form == "first":
            value = first
        elif form == "last":
            value = last
        elif form == "full_middle":
            value = f"{first} {mid} {last}" if mid else f"{first} {last}"
        elif form == "initials":
            value = f"{first[:1]}. {last}"
        elif form == "upper":
            value = f"{first} {last}".upper()
        else:
            value = f"{first} {last}"
        if not title:
            prefix = ""
        r = rng.random()
        if r < 0.015:
            value = value.lower()
        elif r < 0.03:
            value = _typo_name(value, rng)
        b.add(prefix)
        b.phi(value, label, person.attrs)
        if suffix:
            b.add(suffix)

    def title_of(self, person: Person) -> str:
        """The honorific for ``person``, fixed for the whole note ("Mrs." stays "Mrs.")."""
        key = id(person)
        title = self._titles.get(key)
        if title is None:
            title = self._titles[key] = self.rng.choice(_TITLES[person.gender])
        return title

    def pt(self, form: str | None = None) -> None:
        self.name(self.patient.person, "PATIENT", form)

    def doc(self, person: Person | None = None, form: str | None = None) -> None:
        self.name(person or self.rng.choice(self.patient.doctors), "DOCTOR", form)

    def date(self, d: dt.date | None = None, *, short: bool = False) -> None:
        d = d or self.day
        rng = self.rng
        if short:
            text = rng.choice(_SHORT_DATE_STYLES)(d)
        elif rng.random() < 0.7:
            text = _DATE_STYLES[self.date_style](d)
        else:
            text = rng.choice(_DATE_STYLES)(d)
        self.builder.phi(text, "DATE")

    def rel_date(self, days_back: int, *, short: bool = False) -> None:
        self.date(self.day - dt.timedelta(days=days_back), short=short)

    @property
    def age(self) -> int:
        d, b = self.day, self.patient.dob
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

    def age_phrase(self) -> None:
        """ "67-year-old", "67 y/o", "67yo", "aged 67": only the number is the AGE span."""
        rng = self.rng
        form = rng.randrange(6)
        age = str(self.age)
        if form == 0:
            self.builder.phi(age, "AGE")
            self.builder.add("-year-old")
        elif form == 1:
            self.builder.phi(age, "AGE")
            self.builder.add(" y/o")
        elif form == 2:
            self.builder.phi(age, "AGE")
            self.builder.add("yo")
        elif form == 3:
            self.builder.phi(age, "AGE")
            self.builder.add(" year old")
        elif form == 4:
            self.builder.phi(age, "AGE")
            self.builder.add("-yr-old")
        else:
            self.builder.phi(age, "AGE")
            self.builder.add(" yo")

    def phi(self, text: str, label: str, attrs: dict[str, Any] | None = None) -> None:
        self.builder.phi(text, label, attrs)

    def hospital(self) -> None:
        self.builder.phi(self.patient.hospital, "HOSPITAL")

    def phone(self, label: str = "PHONE") -> None:
        pool = self.source.pool(self.patient.site_locale)
        self.builder.phi(fill_format(self.rng.choice(pool.phone_formats), self.rng), label)

    def staff_username(self, person: Person | None = None) -> None:
        person = person or self.rng.choice(self.patient.staff)
        rng = self.rng
        base = rng.choice(
            (
                ascii_fold(person.first[:1] + person.last),
                ascii_fold(person.last + person.first[:1]),
                ascii_fold(person.first + "." + person.last)
                if rng.random() < 0.3
                else ascii_fold(person.first[:2] + person.last),
            )
        ).lower()
        self.builder.phi(base + (str(rng.randint(1, 9)) if rng.random() < 0.4 else ""), "USERNAME")

    def room(self) -> None:
        rng = self.rng
        self.builder.phi(
            rng.choice(
                (
                    f"{rng.randint(2, 12)}{rng.randint(0, 3)}{rng.randint(1, 9)}",
                    f"{rng.randint(100, 999)}{rng.choice('AB')}",
                    f"{rng.randint(1, 40)}",
                    f"{rng.choice(('East', 'West', 'North', 'South'))} {rng.randint(2, 9)}",
                    f"{rng.randint(2, 8)}-{rng.randint(10, 60)}",
                )
            ),
            "ROOM",
        )

    def dept(self) -> None:
        self.builder.phi(self.rng.choice(V.DEPARTMENTS), "DEPARTMENT")

    def idnum(self, label: str = "IDNUM") -> None:
        self.builder.phi(fill_format(self.rng.choice(IDNUM_FORMATS), self.rng), label)

    def address_block(self, *, one_line: bool | None = None) -> None:
        p, b, rng = self.patient, self.builder, self.rng
        if one_line is None:
            one_line = rng.random() < 0.5
        b.phi(p.street, "STREET")
        b.add(", " if one_line else "\n")
        b.phi(p.city, "CITY")
        b.add(", ")
        b.phi(p.state, "STATE")
        b.add(" ")
        b.phi(p.zip, "ZIP")
        if rng.random() < 0.4:
            b.add(", " if one_line else "\n")
            b.phi(p.country, "COUNTRY")

    def ip(self) -> None:
        r = self.rng
        self.builder.phi(
            r.choice(
                (
                    f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                    f"192.168.{r.randint(0, 255)}.{r.randint(1, 254)}",
                    ".".join(
                        str(x)
                        for x in (
                            r.randint(11, 223),
                            r.randint(0, 255),
                            r.randint(0, 255),
                            r.randint(1, 254),
                        )
                    ),
                )
            ),
            "IPADDR",
        )

    def url(self) -> None:
        r = self.rng
        hospital = ascii_fold(self.patient.hospital).lower()
        slug = re.sub(r"[^a-z0-9]+", "", hospital)[:18] or "hospital"
        self.builder.phi(
            r.choice(
                (
                    f"https://www.{slug}.org/patient-portal",
                    f"www.{slug}.org",
                    f"http://portal.{slug}.health/login",
                    f"https://mychart.{slug}.com",
                    f"{slug}.org/records/{r.randint(1000, 99999)}",
                )
            ),
            "URL",
        )

    def org(self) -> None:
        self.builder.phi(self.patient.employer, "ORGANIZATION")

    def landmark(self) -> None:
        r = self.rng
        pool = self.source.pool(self.patient.site_locale)
        head = r.choice((r.choice(pool.cities), r.choice(V.ORG_HEADS), self.source.person().last))
        self.builder.phi(f"{head} {r.choice(V.LANDMARK_TAILS)}", "LOCATION_OTHER")

    # ---------------------------------------------------------------- non-PHI clinical text

    def drug(self) -> str:
        r = self.rng
        name, strengths, unit, routes = r.choice(V.DRUGS)
        return f"{name} {r.choice(strengths)} {unit} {r.choice(routes)} {r.choice(V.FREQS)}"

    def vitals(self) -> str:
        r = self.rng
        sbp = r.randint(95, 178)
        parts = [
            f"BP {sbp}/{r.randint(55, min(sbp - 20, 105))}",
            f"HR {r.randint(52, 128)}",
            f"RR {r.randint(12, 28)}",
            f"T {r.choice(('36.', '37.', '38.'))}{r.randint(0, 9)} C"
            if r.random() < 0.6
            else f"Temp {r.randint(97, 102)}.{r.randint(0, 9)} F",
            f"SpO2 {r.randint(86, 100)}% on {r.choice(('RA', '2L NC', '4L NC', 'room air'))}",
        ]
        if r.random() < 0.4:
            parts.append(f"Wt {r.randint(45, 130)} kg")
        sep = r.choice((", ", "  ", " | ", "; "))
        return sep.join(parts)

    def lab_value(self, lab: tuple[str, float, float, str, int]) -> str:
        name, lo, hi, unit, digits = lab
        value = self.rng.uniform(lo, hi)
        return f"{value:.{digits}f}" if digits else str(round(value))

    def score(self) -> str:
        r = self.rng
        return r.choice(V.SCORES).format(
            n=r.randint(0, 8), n2=r.randint(3, 24), g=r.randint(8, 15), n3=r.randint(0, 9) * 5
        )

    def conds(self, k: int) -> list[str]:
        return self.rng.sample(V.CONDITIONS, k)


def _typo_name(value: str, rng: random.Random) -> str:
    if len(value) < 4:
        return value
    i = rng.randrange(1, len(value) - 1)
    if value[i] == " " or value[i - 1] == " " or value[i + 1] == " ":
        return value
    if rng.random() < 0.5:
        return value[:i] + value[i + 1 :]
    return value[: i - 1] + value[i] + value[i - 1] + value[i + 1 :]


_WORD = re.compile(r"[A-Za-z]+")


def _typo_words(text: str, rng: random.Random) -> str:
    def sub(m: re.Match[str]) -> str:
        w = m.group(0)
        t = V.TYPOS.get(w)
        return t if t and rng.random() < 0.5 else w

    return _WORD.sub(sub, text)
