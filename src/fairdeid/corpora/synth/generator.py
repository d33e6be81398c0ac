"""The note generator: patients with 1-4 notes each, every note written by its type's writer,
then (in the ``stress`` profile) messed up by the ``noise`` transforms."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.noise import add_noise
from fairdeid.corpora.synth.notes import EXTRA_WRITERS, WRITERS
from fairdeid.corpora.synth.people import Patient, PeopleMaker, Person
from fairdeid.corpora.synth.profiles import get_profile
from fairdeid.corpora.synth.titles import ConfigSource, TitleConvention
from fairdeid.document import Document

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool

#: The note types, in the order the generator draws them (part of the output for a seed).
NOTE_TYPES: tuple[str, ...] = tuple(WRITERS)
#: Every note type ``note_types=`` accepts: the default ones, then the stress profile's extras.
ALL_NOTE_TYPES: tuple[str, ...] = (*WRITERS, *EXTRA_WRITERS)
_ALL_WRITERS = {**WRITERS, **EXTRA_WRITERS}


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
        profile: str = "default",
        name_titles: str | None = None,
        config: ConfigSource = None,
    ) -> None:
        """``name_titles`` ("include" or "keep") and ``config`` (a pipeline config: path,
        mapping, or None for the packaged one) choose whether a title before a name is inside
        its gold span (``TitleConvention``): by default as the packaged English pipeline does
        ("include")."""
        from fairdeid.locales import LOCALE_CODES, get_pool

        self.rng = random.Random(seed)
        self.locales = list(locales) if locales else list(LOCALE_CODES)
        self.pools: dict[str, LocalePool] = {code: get_pool(code) for code in self.locales}
        self.profile = get_profile(profile)
        self.note_types = list(note_types) if note_types else list(self.profile.note_types)
        unknown = set(self.note_types) - set(ALL_NOTE_TYPES)
        if unknown:
            raise ValueError(f"unknown note types {sorted(unknown)}; known: {ALL_NOTE_TYPES}")
        self.seed = seed
        self.with_text = with_text
        # The seed is part of every id so that sets made with different seeds (train/dev) can be
        # merged without two different patients sharing a patient_id.
        self.id_prefix = id_prefix if id_prefix is not None else f"synth{seed}"
        self.people = PeopleMaker(self.rng, self.locales, self.pools, self.id_prefix)
        self.titles = TitleConvention.of("en", name_titles, config)

    def pool(self, locale: str) -> LocalePool:
        return self.pools[locale]

    def person(self, locale: str | None = None, gender: str | None = None) -> Person:
        return self.people.person(locale, gender)

    def patient(self) -> Patient:
        return self.people.patient()

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
        """One note of type ``kind`` about ``patient``, written on ``day``."""
        ctx = NoteContext(self, patient, day)
        _ALL_WRITERS[kind](ctx)
        meta = {
            "patient_id": patient.pid,
            "note_type": kind,
            "generator": "fairdeid.synth",
            "locale": patient.person.locale,
        }
        if self.profile.name != "default":
            meta["profile"] = self.profile.name
        doc = Document(
            id=f"{patient.pid}-n{index + 1}",
            text=ctx.builder.text(),
            meta=meta,
            spans=ctx.builder.document_spans(with_text=self.with_text),
        )
        # The noise transforms draw from their own streams (seed, transform, document id), so
        # the notes' own draws are the same with or without them. Titles go in last, where
        # the pipeline would see them: after the mess ("DR. SMITH", "dr smith", a title
        # wrapped to the line before).
        if self.profile.noise:
            doc = add_noise(doc, self.profile.noise, self.seed)
        return self.titles.apply(doc)


def generate_notes(
    n: int,
    *,
    seed: int = 0,
    locales: Sequence[str] | None = None,
    with_text: bool = False,
    profile: str = "default",
    name_titles: str | None = None,
    config: ConfigSource = None,
) -> Iterator[Document]:
    """``n`` synthetic annotated notes (see the package docstring)."""
    yield from NoteGenerator(
        seed, locales, with_text=with_text, profile=profile, name_titles=name_titles,
        config=config,
    ).generate(n)
