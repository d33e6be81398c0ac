"""Synthetic annotated clinical notes: the training data for the shipped model.

Why a generator and not a corpus: i2b2 and MIMIC are credentialed, and neither covers names from
the locales we audit. Every note here is built by *appending* pieces to a ``Builder`` that records
each PHI span's offsets as it writes it, so gold spans are exact by construction (nothing is ever
searched for afterwards, which would mislabel a surname that also occurs as an eponym).

What makes it useful for training:

* 11 note types (discharge summary, progress, nursing, radiology, pathology, ED triage, referral
  letter, consult letter, telephone encounter, medication list, lab report), each with several
  layouts (ALL-CAPS or Title Case or abbreviated headers, bullet styles, text tables, prose).
* Patients have several notes that share ``meta.patient_id``, name, DOB, MRN and address; ages
  are computed from DOB and note date, so they agree too.
* Names come from the locale mix (``fairdeid.locales``) in many forms ("Mr. Zhang", "ZHANG, Wei",
  "Dr. W. Zhang", "Zhang Wei", occasionally lower-case or misspelt); name spans carry ``locale``
  and ``gender`` attrs for the fairness audit. Titles ("Dr.", "Mr.") stay outside spans, as in
  i2b2. Names that are also common words are resampled most of the time.
* All 30 i2b2 fine labels occur; every AGE is labelled (i2b2 does; Safe Harbor only needs > 89).
  Family members' names are labelled PATIENT, as i2b2 does.
* Hard negatives everywhere: eponyms that are surnames (Parkinson, Foley, Wilson), doses, 5/5
  strength, BP 120/80, 2/6 murmurs, ICD codes, scores, lab tables.

Deterministic for a given seed, locale list and version; about 0.5 ms to 1 ms a note.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from fairdeid.corpora.synth_data import vocab as V
from fairdeid.document import Document, Span

NOTE_TYPES: tuple[str, ...] = (
    "discharge_summary",
    "progress_note",
    "nursing_note",
    "radiology_report",
    "pathology_report",
    "ed_triage",
    "referral_letter",
    "consult_letter",
    "telephone_encounter",
    "medication_list",
    "lab_report",
)


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


def _ascii(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value)
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in "-'")).replace("'", "")


class _Pools:
    """Locale pools loaded once per generator (``get_pool`` is cached too)."""

    def __init__(self, locales: Sequence[str]) -> None:
        from fairdeid.locales import get_pool

        self.codes = list(locales)
        self.pools = {code: get_pool(code) for code in self.codes}


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


def _fill(fmt: str, rng: random.Random) -> str:
    out = []
    for ch in fmt:
        if ch == "#":
            out.append(chr(48 + rng.randrange(10)))
        elif ch == "%":
            out.append(chr(49 + rng.randrange(9)))
        elif ch == "?":
            out.append(chr(65 + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


_MRN_FORMATS = [
    "#######",
    "########",
    "MRN-#######",
    "%######",
    "?#######",
    "##-###-###",
    "00######",
]
_PLAN_FORMATS = [
    "???#########",
    "W#########",
    "MCD-#######",
    "%########-##",
    "??-####-####",
    "XE#######",
]
_ACCOUNT_FORMATS = ["##########", "ACCT-########", "%###########", "#####-#####", "V########"]
_LICENSE_FORMATS = ["??#######", "MD-#####", "G#####", "RN-######", "L-%#####", "%#######"]
_DL_FORMATS = ["?###-####-####", "?#######", "%########", "??######"]
_IDNUM_FORMATS = [
    "S%#-#####",
    "ORD-########",
    "#########",
    "CLM-%#######",
    "ENC-#######",
    "REQ-######",
    "%#-???-####",
    "F####-##",
]
_DEVICE_FORMATS = ["???######?", "SN #####-####", "%##?###??", "PJN######", "RNB######S"]
_BIOID_FORMATS = ["FP-%#####??", "BIO-########", "DNA-%######", "RS-#####-##"]
_PLATE_FORMATS = ["%???###", "???-####", "??## ???", "%??-%##"]
_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


class NoteGenerator:
    """Generate annotated notes; ``generate(n)`` yields ``Document`` objects deterministically."""

    def __init__(
        self,
        seed: int = 0,
        locales: Sequence[str] | None = None,
        *,
        note_types: Sequence[str] | None = None,
        with_text: bool = False,
        id_prefix: str | None = None,
    ) -> None:
        from fairdeid.locales import LOCALE_CODES

        self.rng = random.Random(seed)
        self.locales = list(locales) if locales else list(LOCALE_CODES)
        self.pools = _Pools(self.locales)
        self.note_types = list(note_types) if note_types else list(NOTE_TYPES)
        unknown = set(self.note_types) - set(NOTE_TYPES)
        if unknown:
            raise ValueError(f"unknown note types {sorted(unknown)}; known: {NOTE_TYPES}")
        self.with_text = with_text
        # The seed is part of every id so that sets made with different seeds (train/dev) can be
        # merged without two different patients sharing a patient_id.
        self.id_prefix = id_prefix if id_prefix is not None else f"synth{seed}"
        self._n_patients = 0

    # ---------------------------------------------------------------- people

    def _name_ok(self, name: str) -> bool:
        return name.lower() not in V.WORDLIKE_NAMES or self.rng.random() < 0.1

    def person(self, locale: str | None = None, gender: str | None = None) -> Person:
        rng = self.rng
        locale = locale or rng.choice(self.locales)
        pool = self.pools.pools[locale]
        gender = gender or rng.choice(("female", "male"))
        for _ in range(4):
            first_obj = rng.choice(pool.first_names[gender])
            if self._name_ok(first_obj.romanised):
                break
        for _ in range(4):
            last_obj = rng.choice(pool.surnames)
            if self._name_ok(last_obj.romanised):
                break
        middle = ""
        if rng.random() < 0.25:
            middle = rng.choice(pool.first_names[gender]).romanised
        native = ""
        if first_obj.native != first_obj.romanised or last_obj.native != last_obj.romanised:
            if pool.family_name_first:
                native = last_obj.native + first_obj.native
            else:
                native = f"{first_obj.native} {last_obj.native}"
        return Person(first_obj.romanised, last_obj.romanised, gender, locale, middle, native)

    def patient(self) -> Patient:
        rng = self.rng
        self._n_patients += 1
        person = self.person()
        pool = self.pools.pools[person.locale]
        site_locale = person.locale if rng.random() < 0.6 else rng.choice(self.locales)
        site = self.pools.pools[site_locale]
        start = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 17 * 365))
        age_years = rng.choice((rng.randint(18, 89), rng.randint(40, 85), rng.randint(90, 103)))
        if rng.random() < 0.85 and age_years >= 90:
            age_years = rng.randint(25, 88)
        dob = start - dt.timedelta(days=age_years * 365 + rng.randrange(0, 365))
        user_base = _ascii(person.first[:1] + person.last).lower() or "user"
        email_user = rng.choice(
            (
                f"{_ascii(person.first)}.{_ascii(person.last)}",
                f"{_ascii(person.first)}{rng.randint(1, 99)}",
                f"{_ascii(person.first)[:1]}{_ascii(person.last)}{rng.randint(50, 99)}",
                f"{_ascii(person.last)}_{_ascii(person.first)}",
            )
        ).lower()
        relatives = []
        for _ in range(rng.randint(1, 2)):
            rel = rng.choice(V.RELATIONS)
            rel_gender = (
                "female"
                if rel in ("wife", "daughter", "mother", "sister", "niece", "granddaughter")
                else "male"
                if rel in ("husband", "son", "father", "brother", "nephew", "grandson")
                else None
            )
            relative = self.person(person.locale if rng.random() < 0.8 else None, rel_gender)
            if rel not in ("partner", "friend", "neighbor", "wife") and rng.random() < 0.8:
                relative.last = person.last
            relatives.append((rel, relative))
        vin = "".join(rng.choice(_VIN_CHARS) for _ in range(17))
        return Patient(
            pid=f"{self.id_prefix}-p{self._n_patients:06d}",
            person=person,
            dob=dob,
            mrn=_fill(rng.choice(_MRN_FORMATS), rng),
            ssn=f"{rng.randint(100, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}",
            healthplan=_fill(rng.choice(_PLAN_FORMATS), rng),
            account=_fill(rng.choice(_ACCOUNT_FORMATS), rng),
            street=f"{rng.randint(1, 9899)} {rng.choice(pool.streets)}",
            city=rng.choice(pool.cities),
            state=rng.choice(pool.states),
            zip=_fill(rng.choice(pool.zip_formats), rng),
            country=pool.country,
            phone=_fill(rng.choice(pool.phone_formats), rng),
            email=f"{email_user}@{rng.choice(V.EMAIL_DOMAINS)}",
            profession=rng.choice(V.PROFESSIONS),
            employer=f"{rng.choice(V.ORG_HEADS)} {rng.choice(V.ORG_TAILS)}",
            hospital=rng.choice(site.hospitals),
            site_city=rng.choice(site.cities),
            site_locale=site_locale,
            relatives=relatives,
            doctors=[self.person() for _ in range(rng.randint(2, 5))],
            staff=[self.person() for _ in range(2)],
            license_plate=_fill(rng.choice(_PLATE_FORMATS), rng),
            vin=vin,
            device_sn=_fill(rng.choice(_DEVICE_FORMATS), rng),
            bioid=_fill(rng.choice(_BIOID_FORMATS), rng),
            drivers_license=_fill(rng.choice(_DL_FORMATS), rng),
            portal_user=user_base + (str(rng.randint(1, 99)) if rng.random() < 0.5 else ""),
            start=start,
        )

    # ---------------------------------------------------------------- documents

    def generate(self, n: int) -> Iterator[Document]:
        """Yield ``n`` documents; patients get 1-4 notes each, in date order."""
        made = 0
        while made < n:
            patient = self.patient()
            k = min(n - made, self.rng.choice((1, 1, 2, 2, 3, 4)))
            day = patient.start
            for i in range(k):
                kind = self.rng.choice(self.note_types)
                yield self.note(patient, kind, day, index=i)
                day = day + dt.timedelta(days=self.rng.randint(1, 120))
                made += 1

    def note(self, patient: Patient, kind: str, day: dt.date, *, index: int = 0) -> Document:
        ctx = _Ctx(self, patient, day)
        _WRITERS[kind](ctx)
        b = ctx.b
        text = b.text()
        spans = []
        for start, end, label, attrs, value in b.spans:
            if self.with_text:
                attrs = dict(attrs, text=value)
            spans.append(Span(start, end, label, attrs=attrs))
        meta = {
            "patient_id": patient.pid,
            "note_type": kind,
            "generator": "fairdeid.synth",
            "locale": patient.person.locale,
        }
        return Document(id=f"{patient.pid}-n{index + 1}", text=text, meta=meta, spans=tuple(spans))


def generate_notes(
    n: int, *, seed: int = 0, locales: Sequence[str] | None = None, with_text: bool = False
) -> Iterator[Document]:
    """``n`` synthetic annotated notes (see the module docstring)."""
    yield from NoteGenerator(seed, locales, with_text=with_text).generate(n)


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


class _Ctx:
    """Everything one note's writers need: builder, patient, date, rng and a house style."""

    def __init__(self, gen: NoteGenerator, patient: Patient, day: dt.date) -> None:
        self.gen: NoteGenerator = gen
        self.rng: random.Random = gen.rng
        self.p: Patient = patient
        self.day: dt.date = day
        self.b: Builder = Builder()
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

    # ---------------------------------------------------------------- plain text

    def add(self, text: str) -> None:
        if self.typo_rate and self.rng.random() < self.typo_rate * 10:
            text = _typo_words(text, self.rng)
        self.b.add(text)

    def raw(self, text: str) -> None:
        self.b.add(text)

    def nl(self, n: int = 1) -> None:
        self.b.nl(n)

    def section(self, key: str) -> None:
        caps, title, abbr = _SECTION_NAMES[key]
        style = self.header_style
        b = self.b
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
            self.b.add(bullet)
            if isinstance(item, str):
                self.add(item)
            else:
                item()
            self.b.add("\n")

    # ---------------------------------------------------------------- PHI renderers

    def name(
        self, person: Person, label: str, form: str | None = None, *, title: bool = True
    ) -> None:
        """Write a name in one of many forms; titles stay outside the span."""
        rng = self.rng
        b = self.b
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
        self.name(self.p.person, "PATIENT", form)

    def doc(self, person: Person | None = None, form: str | None = None) -> None:
        self.name(person or self.rng.choice(self.p.doctors), "DOCTOR", form)

    def date(self, d: dt.date | None = None, *, short: bool = False) -> None:
        d = d or self.day
        rng = self.rng
        if short:
            text = rng.choice(_SHORT_DATE_STYLES)(d)
        elif rng.random() < 0.7:
            text = _DATE_STYLES[self.date_style](d)
        else:
            text = rng.choice(_DATE_STYLES)(d)
        self.b.phi(text, "DATE")

    def rel_date(self, days_back: int, *, short: bool = False) -> None:
        self.date(self.day - dt.timedelta(days=days_back), short=short)

    @property
    def age(self) -> int:
        d, b = self.day, self.p.dob
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

    def age_phrase(self) -> None:
        """ "67-year-old", "67 y/o", "67yo", "aged 67": only the number is the AGE span."""
        rng = self.rng
        form = rng.randrange(6)
        age = str(self.age)
        if form == 0:
            self.b.phi(age, "AGE")
            self.b.add("-year-old")
        elif form == 1:
            self.b.phi(age, "AGE")
            self.b.add(" y/o")
        elif form == 2:
            self.b.phi(age, "AGE")
            self.b.add("yo")
        elif form == 3:
            self.b.phi(age, "AGE")
            self.b.add(" year old")
        elif form == 4:
            self.b.phi(age, "AGE")
            self.b.add("-yr-old")
        else:
            self.b.phi(age, "AGE")
            self.b.add(" yo")

    def phi(self, text: str, label: str, attrs: dict[str, Any] | None = None) -> None:
        self.b.phi(text, label, attrs)

    def hospital(self) -> None:
        self.b.phi(self.p.hospital, "HOSPITAL")

    def phone(self, label: str = "PHONE") -> None:
        pool = self.gen.pools.pools[self.p.site_locale]
        self.b.phi(_fill(self.rng.choice(pool.phone_formats), self.rng), label)

    def staff_username(self, person: Person | None = None) -> None:
        person = person or self.rng.choice(self.p.staff)
        rng = self.rng
        base = rng.choice(
            (
                _ascii(person.first[:1] + person.last),
                _ascii(person.last + person.first[:1]),
                _ascii(person.first + "." + person.last)
                if rng.random() < 0.3
                else _ascii(person.first[:2] + person.last),
            )
        ).lower()
        self.b.phi(base + (str(rng.randint(1, 9)) if rng.random() < 0.4 else ""), "USERNAME")

    def room(self) -> None:
        rng = self.rng
        self.b.phi(
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
        self.b.phi(self.rng.choice(V.DEPARTMENTS), "DEPARTMENT")

    def idnum(self, label: str = "IDNUM") -> None:
        self.b.phi(_fill(self.rng.choice(_IDNUM_FORMATS), self.rng), label)

    def address_block(self, *, one_line: bool | None = None) -> None:
        p, b, rng = self.p, self.b, self.rng
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
        self.b.phi(
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
        slug = re.sub(r"[^a-z0-9]+", "", _ascii(self.p.hospital).lower())[:18] or "hospital"
        self.b.phi(
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
        self.b.phi(self.p.employer, "ORGANIZATION")

    def landmark(self) -> None:
        r = self.rng
        pool = self.gen.pools.pools[self.p.site_locale]
        head = r.choice((r.choice(pool.cities), r.choice(V.ORG_HEADS), self.gen.person().last))
        self.b.phi(f"{head} {r.choice(V.LANDMARK_TAILS)}", "LOCATION_OTHER")

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


# Note writers live in synth_data/notes.py to keep this module small; imported at the end
# because they use the helpers above.
from fairdeid.corpora.synth_data.notes import WRITERS as _WRITERS  # noqa: E402
