"""The note context: what one note's writers draw with and write through.

The generator makes patients and hands each note a ``NoteContext``; the writers (``notes``) and
the template slots (``templates``) only talk to that context. It reaches back to the generator
only through the small ``NoteSource`` protocol (the shared random stream, the locale pools and
"make me another person"), so nothing here imports the generator.

Everything draws from one ``random.Random`` in a fixed order, so a seed gives byte-identical
output: moving code here must never add, drop or reorder a draw.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from fairdeid.corpora.synth.builder import Builder
from fairdeid.corpora.synth.people import Patient, Person, fresh_value
from fairdeid.corpora.synth.vocab import Lab, id_formats, vocab
from fairdeid.locales import fill_format
from fairdeid.replace.surrogates.shape import to_ascii

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool


class NoteSource(Protocol):
    """What a note needs from its generator."""

    rng: random.Random
    locales: list[str]

    def pool(self, locale: str) -> LocalePool: ...

    def person(self, locale: str | None = None, gender: str | None = None) -> Person: ...


# --------------------------------------------------------------------------------------------
# Per-document context: rendering helpers for names, dates, ids and layout
# --------------------------------------------------------------------------------------------

#: English month and weekday names (``calendar`` keeps the C locale unless a program changes it).
MONTHS: tuple[str, ...] = tuple(calendar.month_name)[1:]
WEEKDAYS: tuple[str, ...] = tuple(calendar.day_name)
_MONTH_ABBR = [m[:3] for m in MONTHS]


def _ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


_DATE_STYLES: list[Callable[[dt.date], str]] = [
    lambda day: f"{day.month:02d}/{day.day:02d}/{day.year}",
    lambda day: f"{day.month}/{day.day}/{day.year}",
    lambda day: f"{day.month}/{day.day}/{day.year % 100:02d}",
    lambda day: day.isoformat(),
    lambda day: f"{MONTHS[day.month - 1]} {day.day}, {day.year}",
    lambda day: f"{_MONTH_ABBR[day.month - 1]} {day.day}, {day.year}",
    lambda day: f"{day.day} {MONTHS[day.month - 1]} {day.year}",
    lambda day: f"{day.day:02d}-{_MONTH_ABBR[day.month - 1]}-{day.year}",
    lambda day: f"{day.day:02d}.{day.month:02d}.{day.year}",
    lambda day: f"{day.day:02d}/{day.month:02d}/{day.year}",
    lambda day: f"{_MONTH_ABBR[day.month - 1].upper()} {day.day:02d} {day.year}",
    lambda day: f"{MONTHS[day.month - 1]} {_ordinal(day.day)}, {day.year}",
    lambda day: f"{day.year}{day.month:02d}{day.day:02d}",
    lambda day: f"{day.day}-{_MONTH_ABBR[day.month - 1]}-{day.year % 100:02d}",
]
_SHORT_DATE_STYLES: list[Callable[[dt.date], str]] = [
    lambda day: f"{day.month}/{day.day}",
    lambda day: f"{_MONTH_ABBR[day.month - 1]} {day.day}",
    lambda day: f"{MONTHS[day.month - 1]} {day.year}",
    lambda day: f"{day.month:02d}/{day.year}",
    lambda day: str(day.year),
    lambda day: f"{MONTHS[day.month - 1]} {_ordinal(day.day)}",
    lambda day: f"{day.day} {_MONTH_ABBR[day.month - 1]}",
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

    def any_locale(self) -> str:
        """A random locale of the run (for places and people unrelated to the patient); draws
        one choice from the shared stream."""
        return self.rng.choice(self.source.locales)

    def fresh(self, label: str, locale: str) -> str:
        """A new ``label`` value of ``locale`` from the surrogate generators."""
        return fresh_value(label, locale, self.rng)

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
        builder = self.builder
        if builder.pos:
            want = 1 if style == "abbr" else 2
            have = 2 if builder.ends_with("\n\n") else 1 if builder.ends_with("\n") else 0
            if want > have:
                builder.add("\n" * (want - have))
        if style == "caps":
            builder.add(f"{caps}:\n")
        elif style == "title":
            builder.add(f"{title}:\n")
        elif style == "abbr":
            builder.add(f"{abbr}: ")
        elif style == "eq":
            builder.add(f"== {title} ==\n")
        elif style == "underline":
            builder.add(f"{caps}\n{'-' * len(caps)}\n")
        else:
            builder.add(f"## {title}\n")

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
        """Write a name in one of many forms; titles are written outside the span (the
        generator's ``TitleConvention`` takes them in afterwards, as the pipeline does)."""
        rng = self.rng
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
        roll = rng.random()
        if roll < 0.015:
            value = value.lower()
        elif roll < 0.03:
            value = _typo_name(value, rng)
        self.builder.add(prefix)
        self.builder.phi(value, label, person.attrs)
        if suffix:
            self.builder.add(suffix)

    def title_of(self, person: Person) -> str:
        """The honorific for ``person``, fixed for the whole note ("Mrs." stays "Mrs.")."""
        key = id(person)
        title = self._titles.get(key)
        if title is None:
            title = self._titles[key] = self.rng.choice(_TITLES[person.gender])
        return title

    def patient_name(self, form: str | None = None) -> None:
        self.name(self.patient.person, "PATIENT", form)

    def doctor_name(self, person: Person | None = None, form: str | None = None) -> None:
        """``person``'s name, or a random doctor of the care team's."""
        self.name(person or self.rng.choice(self.patient.doctors), "DOCTOR", form)

    def date(self, day: dt.date | None = None, *, short: bool = False) -> None:
        """``day`` (the note's date when None), mostly in the note's own date style."""
        day = day or self.day
        rng = self.rng
        if short:
            text = rng.choice(_SHORT_DATE_STYLES)(day)
        elif rng.random() < 0.7:
            text = _DATE_STYLES[self.date_style](day)
        else:
            text = rng.choice(_DATE_STYLES)(day)
        self.builder.phi(text, "DATE")

    def rel_date(self, days_back: int, *, short: bool = False) -> None:
        self.date(self.day - dt.timedelta(days=days_back), short=short)

    @property
    def age(self) -> int:
        day, dob = self.day, self.patient.dob
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

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
        """A phone or fax number of the patient's hospital (its locale's format)."""
        self.builder.phi(self.fresh(label, self.patient.site_locale), label)

    def staff_username(self, person: Person | None = None) -> None:
        person = person or self.rng.choice(self.patient.staff)
        rng = self.rng
        base = rng.choice(
            (
                to_ascii(person.first[:1] + person.last),
                to_ascii(person.last + person.first[:1]),
                # No dot between the names: the corpus has always been generated this way.
                to_ascii(person.first + person.last)
                if rng.random() < 0.3
                else to_ascii(person.first[:2] + person.last),
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

    def department(self) -> None:
        self.builder.phi(self.rng.choice(vocab().departments), "DEPARTMENT")

    def idnum(self, label: str = "IDNUM") -> None:
        self.builder.phi(fill_format(self.rng.choice(id_formats().idnum), self.rng), label)

    def address_block(self, *, one_line: bool | None = None) -> None:
        patient, builder = self.patient, self.builder
        if one_line is None:
            one_line = self.rng.random() < 0.5
        builder.phi(patient.street, "STREET")
        builder.add(", " if one_line else "\n")
        builder.phi(patient.city, "CITY")
        builder.add(", ")
        builder.phi(patient.state, "STATE")
        builder.add(" ")
        builder.phi(patient.zip, "ZIP")
        if self.rng.random() < 0.4:
            builder.add(", " if one_line else "\n")
            builder.phi(patient.country, "COUNTRY")

    def ip(self) -> None:
        rng = self.rng
        self.builder.phi(
            rng.choice(
                (
                    f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                    f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                    ".".join(
                        str(x)
                        for x in (
                            rng.randint(11, 223),
                            rng.randint(0, 255),
                            rng.randint(0, 255),
                            rng.randint(1, 254),
                        )
                    ),
                )
            ),
            "IPADDR",
        )

    def url(self) -> None:
        rng = self.rng
        hospital = to_ascii(self.patient.hospital).lower()
        slug = re.sub(r"[^a-z0-9]+", "", hospital)[:18] or "hospital"
        self.builder.phi(
            rng.choice(
                (
                    f"https://www.{slug}.org/patient-portal",
                    f"www.{slug}.org",
                    f"http://portal.{slug}.health/login",
                    f"https://mychart.{slug}.com",
                    f"{slug}.org/records/{rng.randint(1000, 99999)}",
                )
            ),
            "URL",
        )

    def organization(self) -> None:
        self.builder.phi(self.patient.employer, "ORGANIZATION")

    def landmark(self) -> None:
        rng, words = self.rng, vocab()
        city = self.fresh("CITY", self.patient.site_locale)
        head = rng.choice((city, rng.choice(words.organization_heads), self.source.person().last))
        self.builder.phi(f"{head} {rng.choice(words.landmark_tails)}", "LOCATION_OTHER")

    # ---------------------------------------------------------------- non-PHI clinical text

    def drug(self) -> str:
        rng = self.rng
        drug = rng.choice(vocab().drugs)
        strength, route = rng.choice(drug.strengths), rng.choice(drug.routes)
        return f"{drug.name} {strength} {drug.unit} {route} {rng.choice(vocab().frequencies)}"

    def vitals(self) -> str:
        rng = self.rng
        sbp = rng.randint(95, 178)
        parts = [
            f"BP {sbp}/{rng.randint(55, min(sbp - 20, 105))}",
            f"HR {rng.randint(52, 128)}",
            f"RR {rng.randint(12, 28)}",
            f"T {rng.choice(('36.', '37.', '38.'))}{rng.randint(0, 9)} C"
            if rng.random() < 0.6
            else f"Temp {rng.randint(97, 102)}.{rng.randint(0, 9)} F",
            f"SpO2 {rng.randint(86, 100)}% on {rng.choice(('RA', '2L NC', '4L NC', 'room air'))}",
        ]
        if rng.random() < 0.4:
            parts.append(f"Wt {rng.randint(45, 130)} kg")
        sep = rng.choice((", ", "  ", " | ", "; "))
        return sep.join(parts)

    def lab_value(self, lab: Lab) -> str:
        value = self.rng.uniform(lab.low, lab.high)
        return f"{value:.{lab.digits}f}" if lab.digits else str(round(value))

    def score(self) -> str:
        rng = self.rng
        template = rng.choice(vocab().scores)
        n, n2, g = rng.randint(0, 8), rng.randint(3, 24), rng.randint(8, 15)
        return template.format(n=n, n2=n2, g=g, n3=rng.randint(0, 9) * 5)

    def conditions(self, k: int) -> list[str]:
        return self.rng.sample(vocab().conditions, k)


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
        word = m.group(0)
        typo = vocab().typos.get(word)
        return typo if typo and rng.random() < 0.5 else word

    return _WORD.sub(sub, text)
