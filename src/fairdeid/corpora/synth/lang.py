"""Synthetic notes in German, French, Dutch, Italian and Spanish, written from data.

One generic writer fills the note types of ``data/<lang>/notes.toml``: each note type is a list
of parts, each part a list of template variants with ``{SLOT}`` markers. The words, section
headers, letter formulas and note layouts are data; this module only knows how to fill a slot.
That keeps a language reviewable by someone who reads it, and adding one means adding a folder.

Slots that write PHI (each becomes one gold span, recorded while it is written, so offsets are
exact by construction): PATIENT, PATIENT_LAST (title written outside the span), PATIENT_FIRST,
DOCTOR, DOCTOR_LAST, RELATIVE, DATE, DATE_SHORT, DATE_PAST, DOB, AGE, HOSPITAL, HOSPITAL_OTHER,
DEPARTMENT, ROOM, STREET, ZIP, CITY, CITY_OTHER, STATE, COUNTRY, PHONE, FAX, EMAIL, URL, MRN,
CASE, INSURANCE, NATID, PROFESSION, ORGANIZATION, USERNAME. Titles stay outside the gold names
(the packs' "keep") unless ``name_titles="include"``, when ``titles`` takes them in as the
pipeline would.
Slots that write plain words: ``{G:female|male}`` (by the patient's gender), ``{V:list}`` (one
word of ``[vocab] list``), ``{LIST:list:min:max}`` (a list in the note's bullet style),
``{H:Header}`` (a section header in the note's style), ``{DRUG}``, ``{LAB}``, ``{N:lo:hi}``.

The mess of real notes: header styles (CAPS, Title, with or without colon, underlined),
bullet styles, names in several forms (some upper-case surnames, a few lower-case or misspelt),
typos in the prose, abbreviations from the vocabulary, dates in the shapes each country writes
(month names from Babel). Patients come from the country's pool (which mixes in its main
immigrant origins) and, for a share of them, from other pools.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from fairdeid.corpora.synth.builder import Builder
from fairdeid.corpora.synth.people import PeopleMaker, Person, fresh_value
from fairdeid.corpora.synth.titles import ConfigSource, TitleConvention
from fairdeid.document import Document
from fairdeid.locales import fill_format, get_pool
from fairdeid.replace.surrogates.address import fresh_address
from fairdeid.replace.surrogates.shape import to_ascii

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool

#: Languages with synthetic notes (``en`` is the English generator, ``generator.py``).
SYNTH_LANGUAGES: tuple[str, ...] = ("de", "fr", "nl", "it", "es")

_SLOT = re.compile(r"\{([A-Z_]+)(?::([^{}]*))?\}")
#: a ward or unit named by a number or code ("Station 4 Nord", "Intensivstation 3B"): not PHI
_NUMBERED_WARD = re.compile(r"\d")


@dataclass(frozen=True)
class LanguageData:
    """One language's notes.toml, read once."""

    code: str
    locale: str
    other_locales: tuple[str, ...]
    other_share: float
    titles: Mapping[str, tuple[str, ...]]
    date_styles: tuple[str, ...]
    short_date_styles: tuple[str, ...]
    formats: Mapping[str, Any]
    vocab: Mapping[str, tuple[str, ...]]
    note_types: Mapping[str, tuple[str, ...]]
    parts: Mapping[str, tuple[str, ...]]


@cache
def language_data(code: str) -> LanguageData:
    """The data of language ``code``; ValueError names the languages that have some."""
    if code not in SYNTH_LANGUAGES:
        raise ValueError(f"no synthetic notes for language {code!r}; known: en, "
                         f"{', '.join(SYNTH_LANGUAGES)}")
    path = resources.files("fairdeid.corpora.synth").joinpath("data", code, "notes.toml")
    raw = tomllib.loads(path.read_text("utf-8"))
    lang = raw["language"]
    return LanguageData(
        code=code,
        locale=lang["locale"],
        other_locales=tuple(lang.get("other_locales", ())),
        other_share=float(lang.get("other_share", 0.0)),
        titles={k: tuple(v) for k, v in raw["titles"].items()},
        date_styles=tuple(raw["dates"]["styles"]),
        short_date_styles=tuple(raw["dates"]["short"]),
        formats=raw["formats"],
        vocab={k: tuple(v) for k, v in raw["vocab"].items()},
        note_types={k: tuple(v["parts"]) for k, v in raw["notes"].items()},
        parts={k: tuple(v) for k, v in raw["parts"].items()},
    )


@dataclass
class LangPatient:
    """A patient of a language's notes, with the identifiers its notes repeat."""

    pid: str
    person: Person
    dob: dt.date
    start: dt.date
    street: str
    zip: str
    city: str
    phone: str
    email: str
    mrn: str
    case: str
    insurance: str
    natid: str
    profession: str
    employer: str
    hospital: str
    relatives: list[tuple[str, Person]]
    doctors: list[Person]
    staff: list[Person] = field(default_factory=list)


class LangNoteGenerator:
    """Annotated notes of one language; ``generate(n)`` is deterministic for a seed."""

    def __init__(self, lang: str, seed: int = 0, *, note_types: list[str] | None = None,
                 with_text: bool = False, id_prefix: str | None = None,
                 name_titles: str | None = None, config: ConfigSource = None) -> None:
        """``name_titles`` and ``config`` as for ``NoteGenerator``; by default the gold
        follows ``lang``'s pack ("keep": titles outside the names, as its annotated sets)."""
        self.data = language_data(lang)
        self.rng = random.Random(f"{lang}:{seed}")
        known = tuple(self.data.note_types)
        self.note_types = list(note_types) if note_types else list(known)
        unknown = set(self.note_types) - set(known)
        if unknown:
            raise ValueError(f"unknown note types {sorted(unknown)} for {lang}; known: {known}")
        self.with_text = with_text
        self.id_prefix = id_prefix if id_prefix is not None else f"synth-{lang}{seed}"
        self.locales = [self.data.locale, *self.data.other_locales]
        self.pools: dict[str, LocalePool] = {c: get_pool(c) for c in self.locales}
        self.people = PeopleMaker(self.rng, self.locales, self.pools, self.id_prefix)
        self.count = 0
        self.titles = TitleConvention.of(lang, name_titles, config)

    def person(self, gender: str | None = None) -> Person:
        """Mostly the country's pool; ``other_share`` of people come from the other pools."""
        data = self.data
        if data.other_locales and self.rng.random() < data.other_share:
            locale = self.rng.choice(data.other_locales)
        else:
            locale = data.locale
        return self.people.person(locale, gender)

    def patient(self) -> LangPatient:
        rng, data = self.rng, self.data
        local = data.locale
        self.count += 1
        person = self.person()
        start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 15 * 365))
        age = rng.choice((rng.randint(18, 89), rng.randint(45, 88), rng.randint(1, 17)))
        dob = start - dt.timedelta(days=age * 365 + rng.randrange(0, 365))
        fmt = data.formats
        first, last = to_ascii(person.first).lower(), to_ascii(person.last).lower()
        relatives = []
        for _ in range(rng.randint(1, 2)):
            gender = rng.choice(("female", "male"))
            relative = self.person(gender)
            if rng.random() < 0.7:
                relative.last = person.last
            relatives.append((rng.choice(data.vocab[f"relations_{gender}"]), relative))
        address = fresh_address(local, rng)  # postcode and city of one place
        return LangPatient(
            pid=f"{self.id_prefix}-p{self.count:06d}",
            person=person,
            dob=dob,
            start=start,
            street=fmt["street"].format(street=rng.choice(self.pools[local].streets),
                                        no=rng.randint(1, 180)),
            zip=address.postcode,
            city=address.city,
            phone=fresh_value("PHONE", local, rng),
            email=rng.choice((f"{first}.{last}", f"{first[:1]}{last}{rng.randint(1, 99)}",
                              f"{last}.{first}")) + "@" + rng.choice(fmt["email_domains"]),
            mrn=fill_format(rng.choice(fmt["mrn"]), rng),
            case=fill_format(rng.choice(fmt["case"]), rng),
            insurance=fill_format(rng.choice(fmt["insurance"]), rng),
            natid=fill_format(rng.choice(self.pools[local].id_formats), rng),
            profession=rng.choice(data.vocab["professions"]),
            employer=rng.choice(data.vocab["employers"]).format(
                surname=self.person().last, city=fresh_value("CITY", local, rng)),
            hospital=fresh_value("HOSPITAL", local, rng),
            relatives=relatives,
            doctors=[self.person() for _ in range(rng.randint(2, 4))],
            staff=[self.person() for _ in range(2)],
        )

    def generate(self, n: int) -> Iterator[Document]:
        """``n`` notes; patients get 1-3 notes each, in date order, note types in turn."""
        made = 0
        while made < n:
            patient = self.patient()
            day = patient.start
            for i in range(min(n - made, self.rng.choice((1, 1, 2, 3)))):
                kind = self.note_types[(made + self.count) % len(self.note_types)]
                yield self.note(patient, kind, day, index=i)
                day = day + dt.timedelta(days=self.rng.randint(1, 90))
                made += 1

    def note(self, patient: LangPatient, kind: str, day: dt.date, *, index: int = 0) -> Document:
        writer = LangNoteWriter(self, patient, day)
        for part in self.data.note_types[kind]:
            optional = part.endswith("?")
            name = part.rstrip("?")
            if optional and self.rng.random() < 0.35:
                continue
            writer.template(self.rng.choice(self.data.parts[name]))
        meta = {"patient_id": patient.pid, "note_type": kind, "generator": "fairdeid.synth",
                "language": self.data.code, "locale": patient.person.locale}
        doc = Document(id=f"{patient.pid}-n{index + 1}", text=writer.builder.text().strip("\n")
                       + "\n", meta=meta,
                       spans=writer.builder.document_spans(with_text=self.with_text))
        return self.titles.apply(doc)


_HEADER_STYLES = ("caps_colon", "title_colon", "caps", "title", "underline", "inline")
_BULLETS = ("- ", "* ", "• ", "", "#", "– ")


class LangNoteWriter:
    """Fills templates for one note, in a house style drawn once per note."""

    def __init__(self, gen: LangNoteGenerator, patient: LangPatient, day: dt.date) -> None:
        self.gen, self.data, self.rng = gen, gen.data, gen.rng
        self.patient, self.day = patient, day
        self.builder = Builder()
        rng = self.rng
        self.header_style = rng.choice(_HEADER_STYLES)
        self.bullet = rng.choice(_BULLETS)
        self.date_style = rng.choice(self.data.date_styles)
        self.typo_rate = 0.0 if rng.random() < 0.6 else 0.02
        self.caps_surnames = rng.random() < 0.25
        self.slots: dict[str, Callable[[str], None]] = {
            "PATIENT": lambda a: self.name(patient.person, "PATIENT"),
            "PATIENT_LAST": lambda a: self.name(patient.person, "PATIENT", "title_last"),
            "PATIENT_FIRST": lambda a: self.name(patient.person, "PATIENT", "first"),
            "DOCTOR": lambda a: self.name(self.doctor(a), "DOCTOR"),
            "DOCTOR_LAST": lambda a: self.name(self.doctor(a), "DOCTOR", "dr_last"),
            "RELATIVE": self.relative,
            "DATE": lambda a: self.date(self.day),
            "DATE_PAST": lambda a: self.date(self.day - dt.timedelta(
                days=self.rng.randint(2, 30 * int(a or 12)))),
            "DATE_SHORT": lambda a: self.date(self.day - dt.timedelta(
                days=self.rng.randint(0, 400)), short=True),
            "DOB": lambda a: self.date(patient.dob, style=self.rng.choice(
                self.data.date_styles[:3])),
            "AGE": lambda a: self.phi(str(self.age), "AGE"),
            "HOSPITAL": lambda a: self.phi(patient.hospital, "HOSPITAL"),
            "HOSPITAL_OTHER": lambda a: self.phi(self.fresh("HOSPITAL"), "HOSPITAL"),
            "DEPARTMENT": lambda a: self.department(),
            "ROOM": lambda a: self.phi(self.room(), "ROOM"),
            "STREET": lambda a: self.phi(patient.street, "STREET"),
            "ZIP": lambda a: self.phi(patient.zip, "ZIP"),
            "CITY": lambda a: self.phi(patient.city, "CITY"),
            "CITY_OTHER": lambda a: self.phi(self.fresh("CITY"), "CITY"),
            "STATE": lambda a: self.phi(self.fresh("STATE"), "STATE"),
            "COUNTRY": lambda a: self.phi(self.word("countries"), "COUNTRY"),
            "PHONE": lambda a: self.phi(patient.phone if a == "patient"
                                        else self.fresh("PHONE"), "PHONE"),
            "FAX": lambda a: self.phi(self.fresh("PHONE"), "FAX"),
            "EMAIL": lambda a: self.phi(patient.email, "EMAIL"),
            "URL": lambda a: self.phi(self.url(), "URL"),
            "MRN": lambda a: self.phi(patient.mrn, "MEDICALRECORD"),
            "CASE": lambda a: self.phi(patient.case, "ACCOUNT"),
            "INSURANCE": lambda a: self.phi(patient.insurance, "HEALTHPLAN"),
            "NATID": lambda a: self.phi(patient.natid, "IDNUM"),
            "PROFESSION": lambda a: self.phi(patient.profession, "PROFESSION"),
            "ORGANIZATION": lambda a: self.phi(patient.employer, "ORGANIZATION"),
            "USERNAME": lambda a: self.phi(self.username(), "USERNAME"),
            "G": lambda a: self.add(a.split("|")[0 if patient.person.gender == "female" else 1]),
            "V": lambda a: self.add(self.word(a)),
            "LIST": self.items,
            "H": self.header,
            "DRUG": lambda a: self.add(self.drug()),
            "LAB": lambda a: self.add(self.lab()),
            "N": lambda a: self.add(str(self.rng.randint(*(int(x) for x in a.split(":"))))),
        }

    # ------------------------------------------------------------------ templates

    def template(self, text: str) -> None:
        cursor = 0
        for m in _SLOT.finditer(text):
            self.add(text[cursor:m.start()])
            slot, arg = m.group(1), m.group(2) or ""
            if slot not in self.slots:
                raise ValueError(f"unknown slot {slot!r} in {self.data.code} notes.toml")
            self.slots[slot](arg)
            cursor = m.end()
            if slot == "H" and self.header_style == "inline" and text.startswith("\n", cursor):
                cursor += 1  # "Befund: text" on one line
        self.add(text[cursor:])

    def add(self, text: str) -> None:
        if not text:
            return
        if self.typo_rate:
            text = _typos(text, self.rng, self.typo_rate)
        self.builder.add(text)

    def phi(self, text: str, label: str, attrs: dict[str, Any] | None = None) -> None:
        self.builder.phi(text, label, attrs)

    def word(self, name: str) -> str:
        return self.rng.choice(self.data.vocab[name])

    def department(self) -> None:
        """A department from the language's list; a numbered ward ("Station 4 Nord",
        "Intensivstation 3B") is written as plain text, not PHI.

        Why: the packs keep numbered wards (docs/security.md, "Numbered wards are kept"), so
        gold that marks them teaches a model the opposite convention. The ward is added without
        the typo pass, as a PHI piece was, so every seed writes the same text as before.
        """
        text = self.word("departments")
        if _NUMBERED_WARD.search(text):
            self.builder.add(text)
        else:
            self.phi(text, "DEPARTMENT")

    def fresh(self, label: str) -> str:
        return fresh_value(label, self.data.locale, self.rng)

    def header(self, title: str) -> None:
        """A section header in the note's style, after a blank line (none for "inline")."""
        style, builder = self.header_style, self.builder
        if builder.pos:
            want = 1 if style == "inline" else 2
            have = 2 if builder.ends_with("\n\n") else 1 if builder.ends_with("\n") else 0
            if want > have:
                builder.add("\n" * (want - have))
        if style == "caps_colon":
            self.builder.add(f"{title.upper()}:")
        elif style == "title_colon":
            self.builder.add(f"{title}:")
        elif style == "caps":
            self.builder.add(title.upper())
        elif style == "title":
            self.builder.add(title)
        elif style == "underline":
            self.builder.add(f"{title}\n{'-' * len(title)}")
        else:
            self.builder.add(f"{title}: ")

    def items(self, arg: str) -> None:
        name, lo, hi = (arg.split(":") + ["1", "3"])[:3]
        picks = self.rng.sample(self.data.vocab[name], min(self.rng.randint(int(lo), int(hi)),
                                                          len(self.data.vocab[name])))
        for i, item in enumerate(picks, 1):
            self.builder.add(f"{i}. " if self.bullet == "#" else self.bullet)
            if "{" in item:
                self.template(item)
            else:
                self.add(item)
            self.builder.add("\n")

    # ------------------------------------------------------------------ PHI renderers

    def doctor(self, arg: str) -> Person:
        doctors = self.patient.doctors
        return doctors[0] if arg == "main" else self.rng.choice(doctors)

    def name(self, person: Person, label: str, form: str | None = None) -> None:
        rng, titles = self.rng, self.data.titles
        if form is None:
            forms = titles["doctor_forms"] if label == "DOCTOR" else titles["patient_forms"]
            form = rng.choice(forms)
        first, last = person.first, person.last
        if self.caps_surnames and label == "PATIENT":
            last = last.upper()
        prefix = ""
        if form == "full":
            value = f"{first} {last}"
        elif form == "last_first":
            value = f"{last}, {first}"
        elif form == "last_first_nocomma":
            value = f"{last} {first}"
        elif form == "title_last":
            prefix, value = rng.choice(titles[person.gender]) + " ", last
        elif form == "title_full":
            prefix, value = rng.choice(titles[person.gender]) + " ", f"{first} {last}"
        elif form == "initial_last":
            value = f"{first[:1]}. {last}"
        elif form == "first":
            value = first
        elif form == "dr_last":
            prefix, value = rng.choice(titles["doctor"]) + " ", last
        elif form == "dr_full":
            prefix, value = rng.choice(titles["doctor"]) + " ", f"{first} {last}"
        elif form == "dr_initial":
            prefix, value = rng.choice(titles["doctor"]) + " ", f"{first[:1]}. {last}"
        else:
            raise ValueError(f"unknown name form {form!r} in {self.data.code} notes.toml")
        roll = rng.random()
        if roll < 0.02:
            value = value.lower()
        elif roll < 0.035 and len(value) > 5:
            value = _swap_letters(value, rng)
        self.builder.add(prefix)
        self.phi(value, label, person.attrs)

    def relative(self, arg: str) -> None:
        relation, person = self.rng.choice(self.patient.relatives)
        self.add(f"{relation} ")
        self.name(person, "PATIENT", self.rng.choice(("full", "full", "first", "title_last")))

    @property
    def age(self) -> int:
        day, dob = self.day, self.patient.dob
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def date(self, day: dt.date, *, short: bool = False, style: str | None = None) -> None:
        rng = self.rng
        if style is None:
            if short:
                style = rng.choice(self.data.short_date_styles)
            else:
                style = self.date_style if rng.random() < 0.7 else \
                    rng.choice(self.data.date_styles)
        self.phi(format_date(style, day, self.data.code), "DATE")

    def room(self) -> str:
        rng = self.rng
        return rng.choice((f"{rng.randint(1, 6)}{rng.randint(0, 4)}{rng.randint(1, 9)}",
                           f"{rng.randint(1, 40)}", f"{rng.randint(1, 5)}.{rng.randint(10, 40)}",
                           f"{rng.randint(100, 450)}{rng.choice('ab')}"))

    def url(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", to_ascii(self.patient.hospital).lower()).strip("-")
        return self.rng.choice(self.data.formats["urls"]).format(slug=slug[:24] or "klinik")

    def username(self) -> str:
        person = self.rng.choice(self.patient.staff)
        return (to_ascii(person.first[:1] + person.last).lower() or "user") + (
            str(self.rng.randint(1, 9)) if self.rng.random() < 0.3 else "")

    # ------------------------------------------------------------------ clinical words

    def drug(self) -> str:
        rng = self.rng
        name, doses = rng.choice(self.data.vocab["drugs"]).split("|", 1)
        return f"{name} {rng.choice(doses.split('|'))} {self.word('schedules')}"

    def lab(self) -> str:
        rng = self.rng
        name, lo, hi, unit = rng.choice(self.data.vocab["labs"]).split("|")
        low, high = float(lo), float(hi)
        digits = 0 if high >= 50 else 1
        value = f"{rng.uniform(low, high):.{digits}f}"
        if self.data.formats.get("decimal_comma"):
            value = value.replace(".", ",")
        return f"{name} {value} {unit}"


def format_date(style: str, day: dt.date, lang: str) -> str:
    """``day`` in ``style``: {d} {dd} {m} {mm} {Y} {y} {month} {mon} (Babel's names of ``lang``)."""
    months, abbr = _month_names(lang)
    return style.format(d=day.day, dd=f"{day.day:02d}", m=day.month, mm=f"{day.month:02d}",
                        Y=day.year, y=f"{day.year % 100:02d}", month=months[day.month - 1],
                        mon=abbr[day.month - 1])


@cache
def _month_names(lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from babel.dates import get_month_names

    wide = get_month_names("wide", locale=lang)
    short = get_month_names("abbreviated", locale=lang)
    return tuple(wide[i] for i in range(1, 13)), tuple(short[i] for i in range(1, 13))


_WORD = re.compile(r"[^\W\d_]{5,}")


def _typos(text: str, rng: random.Random, rate: float) -> str:
    """Swap two letters in a few long words: notes are typed in a hurry."""
    return _WORD.sub(lambda m: _swap_letters(m.group(0), rng) if rng.random() < rate
                     else m.group(0), text)


def _swap_letters(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    if word[i] == " " or word[i + 1] == " ":
        return word
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def generate_lang_notes(lang: str, n: int, *, seed: int = 0, with_text: bool = False,
                        note_types: list[str] | None = None, name_titles: str | None = None,
                        config: ConfigSource = None) -> Iterator[Document]:
    """``n`` synthetic annotated notes in ``lang`` (one of ``SYNTH_LANGUAGES``)."""
    yield from LangNoteGenerator(lang, seed, note_types=note_types, with_text=with_text,
                                 name_titles=name_titles, config=config).generate(n)
