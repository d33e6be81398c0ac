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
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from fairdeid.corpora.synth_data import vocab as V
from fairdeid.corpora.synth_data.context import (
    ACCOUNT_FORMATS,
    BIOID_FORMATS,
    DEVICE_FORMATS,
    DL_FORMATS,
    MRN_FORMATS,
    PLAN_FORMATS,
    PLATE_FORMATS,
    VIN_CHARS,
    Builder,
    NoteContext,
    Patient,
    Person,
    ascii_fold,
)
from fairdeid.corpora.synth_data.notes import WRITERS
from fairdeid.document import Document, Span
from fairdeid.locales import fill_format

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool

__all__ = ["NOTE_TYPES", "Builder", "NoteGenerator", "Patient", "Person", "generate_notes"]

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


class _Pools:
    """Locale pools loaded once per generator (``get_pool`` is cached too)."""

    def __init__(self, locales: Sequence[str]) -> None:
        from fairdeid.locales import get_pool

        self.codes = list(locales)
        self.pools = {code: get_pool(code) for code in self.codes}


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


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

    def pool(self, locale: str) -> LocalePool:
        return self.pools.pools[locale]

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
        user_base = ascii_fold(person.first[:1] + person.last).lower() or "user"
        email_user = rng.choice(
            (
                f"{ascii_fold(person.first)}.{ascii_fold(person.last)}",
                f"{ascii_fold(person.first)}{rng.randint(1, 99)}",
                f"{ascii_fold(person.first)[:1]}{ascii_fold(person.last)}{rng.randint(50, 99)}",
                f"{ascii_fold(person.last)}_{ascii_fold(person.first)}",
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
        vin = "".join(rng.choice(VIN_CHARS) for _ in range(17))
        return Patient(
            pid=f"{self.id_prefix}-p{self._n_patients:06d}",
            person=person,
            dob=dob,
            mrn=fill_format(rng.choice(MRN_FORMATS), rng),
            ssn=f"{rng.randint(100, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}",
            healthplan=fill_format(rng.choice(PLAN_FORMATS), rng),
            account=fill_format(rng.choice(ACCOUNT_FORMATS), rng),
            street=f"{rng.randint(1, 9899)} {rng.choice(pool.streets)}",
            city=rng.choice(pool.cities),
            state=rng.choice(pool.states),
            zip=fill_format(rng.choice(pool.zip_formats), rng),
            country=pool.country,
            phone=fill_format(rng.choice(pool.phone_formats), rng),
            email=f"{email_user}@{rng.choice(V.EMAIL_DOMAINS)}",
            profession=rng.choice(V.PROFESSIONS),
            employer=f"{rng.choice(V.ORG_HEADS)} {rng.choice(V.ORG_TAILS)}",
            hospital=rng.choice(site.hospitals),
            site_city=rng.choice(site.cities),
            site_locale=site_locale,
            relatives=relatives,
            doctors=[self.person() for _ in range(rng.randint(2, 5))],
            staff=[self.person() for _ in range(2)],
            license_plate=fill_format(rng.choice(PLATE_FORMATS), rng),
            vin=vin,
            device_sn=fill_format(rng.choice(DEVICE_FORMATS), rng),
            bioid=fill_format(rng.choice(BIOID_FORMATS), rng),
            drivers_license=fill_format(rng.choice(DL_FORMATS), rng),
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
        ctx = NoteContext(self, patient, day)
        WRITERS[kind](ctx)
        b = ctx.builder
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
