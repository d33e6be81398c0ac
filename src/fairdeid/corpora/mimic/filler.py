"""``MimicFiller``: fills a note's placeholders, keeping each patient's surrogates consistent."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from fairdeid.corpora.mimic.context import FillContext, MimicPerson, PatientState
from fairdeid.corpora.mimic.placeholders import PLACEHOLDER, family_of, match_rule
from fairdeid.corpora.synth.builder import Builder
from fairdeid.document import Document
from fairdeid.errors import ConfigError, RecordError

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool

Unknown = Literal["error", "skip", "other"]
#: Text between two name placeholders that makes them one person ("[**First**] [**Last**]").
_SAME_PERSON_GAPS = (" ", "  ", ", ", "\n")


class MimicFiller:
    """Fill placeholders note by note; holds per-patient state and the unknown-family counts."""

    def __init__(
        self,
        *,
        seed: int = 0,
        locales: Sequence[str] | None = None,
        unknown: Unknown = "error",
    ) -> None:
        from fairdeid.locales import LOCALE_CODES, get_pool

        if unknown not in ("error", "skip", "other"):
            raise ConfigError(f"unknown= must be 'error', 'skip' or 'other', got {unknown!r}")
        self.seed = seed
        self.locales = list(locales) if locales else list(LOCALE_CODES)
        self.pools: dict[str, LocalePool] = {code: get_pool(code) for code in self.locales}
        self.unknown_mode: Unknown = unknown
        #: Unknown placeholder families seen (family name -> count).
        self.unknown: Counter[str] = Counter()
        #: Every family filled (family name -> count), for coverage reports.
        self.filled: Counter[str] = Counter()
        self.patients: dict[str, PatientState] = {}

    # ------------------------------------------------------------------ state

    def rng_for(self, *parts: object) -> random.Random:
        """A random stream keyed by the seed and ``parts`` (the same parts, the same values)."""
        digest = hashlib.sha256("\x1f".join(map(str, (self.seed, *parts))).encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def person(
        self, rng: random.Random, locale: str | None = None, gender: str | None = None
    ) -> MimicPerson:
        locale = locale or rng.choice(self.locales)
        pool = self.pools[locale]
        gender = gender or rng.choice(("female", "male"))
        return MimicPerson(pool.first_name(rng, gender), pool.surname(rng), gender, locale)

    def _patient(self, subject: str, text: str, chart_year: int | None) -> PatientState:
        state = self.patients.get(subject)
        if state is None:
            rng = self.rng_for("patient", subject)
            locale = rng.choice(self.locales)
            she = len(re.findall(r"\b(?:she|her)\b", text, re.IGNORECASE))
            he = len(re.findall(r"\b(?:he|his|him)\b", text, re.IGNORECASE))
            gender = "female" if she > he else "male" if he > she else None
            person = self.person(rng, locale, gender)
            offset = None if chart_year is None else rng.randint(2005, 2022) - chart_year
            state = PatientState(locale, person, offset)
            self.patients[subject] = state
        elif state.year_offset is None and chart_year is not None:
            state.year_offset = self.rng_for("year", subject).randint(2005, 2022) - chart_year
        return state

    def year_offset(self, subject: str) -> int:
        """The years added to ``subject``'s dates (0 before any note of theirs was filled)."""
        state = self.patients.get(subject)
        return state.year_offset if state and state.year_offset is not None else 0

    # ------------------------------------------------------------------ filling

    def fill(
        self,
        text: str,
        *,
        doc_id: str,
        subject: str = "",
        chart_date: dt.date | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Document:
        """One note with every placeholder filled; ``RecordError`` for unknown families when
        ``unknown="error"``."""
        state = self._patient(subject or doc_id, text, chart_date.year if chart_date else None)
        if state.year_offset is None:
            m = re.search(r"\[\*\*(\d{4})-\d{1,2}-\d{1,2}\*\*\]", text)
            if m:
                state.year_offset = self.rng_for("year", subject).randint(2005, 2022) - int(
                    m.group(1)
                )
        doc_rng = self.rng_for("doc", doc_id)
        date_style = doc_rng.randrange(4)
        builder = Builder()
        last = 0
        prev_person: MimicPerson | None = None
        prev_role: str | None = None
        for m in PLACEHOLDER.finditer(text):
            before = text[last : m.start()]
            builder.add(before)
            last = m.end()
            inner = m.group(1)
            rule = match_rule(inner)
            if rule is None:
                self._unknown(builder, doc_id, family_of(inner), m.group(0))
                continue
            self.filled[rule.name] += 1
            ctx = FillContext(self, state, doc_rng, inner, text, m.start(), m.end(), date_style)
            if prev_person is not None and before in _SAME_PERSON_GAPS:
                ctx.adjacent = prev_person
                ctx.adjacent_role = prev_role
            key = f"{rule.name}|{inner.strip()}"
            memo = state.memo.get(key) if rule.memo else None
            if memo is None:
                memo = (rule.make(ctx), ctx.person_attrs, ctx.used)
                if rule.memo:
                    state.memo[key] = memo
            pieces, person_attrs, prev_person = memo
            prev_role = next((lab for _, lab in pieces if lab in ("PATIENT", "DOCTOR")), None)
            for piece, label in pieces:
                if label is None:
                    builder.add(piece)
                    continue
                attrs: dict[str, Any] = {"mimic": rule.name}
                if label in ("PATIENT", "DOCTOR"):
                    attrs.update(person_attrs)
                builder.phi(piece, label, attrs)
        builder.add(text[last:])
        return Document(
            id=doc_id, text=builder.text(), meta=meta or {}, spans=builder.document_spans()
        )

    def _unknown(self, builder: Builder, doc_id: str, family: str, raw: str) -> None:
        """An unknown family: counted, then an error, left as is, or left and labelled OTHER."""
        self.unknown[family] += 1
        if self.unknown_mode == "error":
            raise RecordError(doc_id, f"unknown MIMIC placeholder family {family!r}")
        if self.unknown_mode == "other":
            builder.phi(raw, "OTHER", {"mimic": family})
        else:
            builder.add(raw)
