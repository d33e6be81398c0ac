"""The people in synthetic notes: a patient with identifiers, relatives and a care team.

Why one maker for all of them: every value is drawn from the generator's single seeded stream in
a fixed order, so a seed gives the same patients. Moving or reusing code here must never add,
drop or reorder a draw.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from fairdeid.corpora.synth.vocab import id_formats, vocab
from fairdeid.locales import fill_format
from fairdeid.replace.surrogates import SurrogateContext, generator_for
from fairdeid.replace.surrogates.address import fresh_address, hospital_city
from fairdeid.replace.surrogates.shape import to_ascii

if TYPE_CHECKING:
    from fairdeid.locales import LocalePool

_FEMALE_RELATIONS = frozenset(("wife", "daughter", "mother", "sister", "niece", "granddaughter"))
_MALE_RELATIONS = frozenset(("husband", "son", "father", "brother", "nephew", "grandson"))
#: Relations who usually share the patient's surname.
_OWN_SURNAME_UNLIKELY = frozenset(("partner", "friend", "neighbor", "wife"))


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
        """Span attrs of this person's names (the fairness audit groups by them)."""
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


@cache
def surrogate_context(locale: str) -> SurrogateContext:
    """The surrogate settings for fresh values of ``locale`` (one frozen object per locale)."""
    return SurrogateContext(locale=locale)


def fresh_value(label: str, locale: str, rng: random.Random) -> str:
    """A new value of type ``label`` from ``locale``, drawn by the surrogate generators: the
    notes and the replacer invent places and phones the same way."""
    return generator_for(label).fresh(rng, surrogate_context(locale))


class PeopleMaker:
    """Draws persons and patients from the locale pools, all from one random stream."""

    def __init__(
        self, rng: random.Random, locales: Sequence[str], pools: dict[str, LocalePool], prefix: str
    ) -> None:
        self.rng = rng
        self.locales = list(locales)
        self.pools = pools
        self.prefix = prefix
        self.count = 0

    def _name_ok(self, name: str) -> bool:
        return name.lower() not in vocab().wordlike_names or self.rng.random() < 0.1

    def person(self, locale: str | None = None, gender: str | None = None) -> Person:
        """A person of ``locale`` and ``gender`` (each drawn when None); names that are also
        common words are resampled most of the time."""
        rng = self.rng
        locale = locale or rng.choice(self.locales)
        pool = self.pools[locale]
        gender = gender or rng.choice(("female", "male"))
        for _ in range(4):
            first = rng.choice(pool.first_names[gender])
            if self._name_ok(first.romanised):
                break
        for _ in range(4):
            last = rng.choice(pool.surnames)
            if self._name_ok(last.romanised):
                break
        middle = ""
        if rng.random() < 0.25:
            middle = rng.choice(pool.first_names[gender]).romanised
        native = ""
        if first.native != first.romanised or last.native != last.romanised:
            if pool.family_name_first:
                native = last.native + first.native
            else:
                native = f"{first.native} {last.native}"
        return Person(first.romanised, last.romanised, gender, locale, middle, native)

    def _relatives(self, person: Person) -> list[tuple[str, Person]]:
        rng = self.rng
        relatives = []
        for _ in range(rng.randint(1, 2)):
            relation = rng.choice(vocab().relations)
            gender = (
                "female"
                if relation in _FEMALE_RELATIONS
                else "male"
                if relation in _MALE_RELATIONS
                else None
            )
            relative = self.person(person.locale if rng.random() < 0.8 else None, gender)
            if relation not in _OWN_SURNAME_UNLIKELY and rng.random() < 0.8:
                relative.last = person.last
            relatives.append((relation, relative))
        return relatives

    def _email_user(self, person: Person) -> str:
        rng = self.rng
        first, last = to_ascii(person.first), to_ascii(person.last)
        return rng.choice(
            (
                f"{first}.{last}",
                f"{first}{rng.randint(1, 99)}",
                f"{first[:1]}{last}{rng.randint(50, 99)}",
                f"{last}_{first}",
            )
        ).lower()

    def patient(self) -> Patient:
        """A new patient with identifiers, contacts, relatives, doctors and staff."""
        rng = self.rng
        words, formats = vocab(), id_formats()
        self.count += 1
        person = self.person()
        pool = self.pools[person.locale]
        site_locale = person.locale if rng.random() < 0.6 else rng.choice(self.locales)
        start = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 17 * 365))
        age_years = rng.choice((rng.randint(18, 89), rng.randint(40, 85), rng.randint(90, 103)))
        if rng.random() < 0.85 and age_years >= 90:
            age_years = rng.randint(25, 88)
        dob = start - dt.timedelta(days=age_years * 365 + rng.randrange(0, 365))
        user_base = to_ascii(person.first[:1] + person.last).lower() or "user"
        email_user = self._email_user(person)
        relatives = self._relatives(person)
        address = fresh_address(person.locale, rng)  # city, state and ZIP of one place
        hospital = fresh_value("HOSPITAL", site_locale, rng)
        vin = "".join(rng.choice(formats.vin_characters) for _ in range(17))
        return Patient(
            pid=f"{self.prefix}-p{self.count:06d}",
            person=person,
            dob=dob,
            mrn=fill_format(rng.choice(formats.medical_record), rng),
            ssn=f"{rng.randint(100, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}",
            healthplan=fill_format(rng.choice(formats.health_plan), rng),
            account=fill_format(rng.choice(formats.account), rng),
            street=f"{rng.randint(1, 9899)} {rng.choice(pool.streets)}",
            city=address.city,
            state=address.state,
            zip=address.postcode,
            country=fresh_value("COUNTRY", person.locale, rng),
            phone=fresh_value("PHONE", person.locale, rng),
            email=f"{email_user}@{rng.choice(words.email_domains)}",
            profession=rng.choice(words.professions),
            employer=f"{rng.choice(words.organization_heads)} "
            f"{rng.choice(words.organization_tails)}",
            hospital=hospital,
            site_city=hospital_city(hospital, site_locale, rng),
            site_locale=site_locale,
            relatives=relatives,
            doctors=[self.person() for _ in range(rng.randint(2, 5))],
            staff=[self.person() for _ in range(2)],
            license_plate=fill_format(rng.choice(formats.license_plate), rng),
            vin=vin,
            device_sn=fill_format(rng.choice(formats.device), rng),
            bioid=fill_format(rng.choice(formats.bioid), rng),
            drivers_license=fill_format(rng.choice(formats.drivers_license), rng),
            portal_user=user_base + (str(rng.randint(1, 99)) if rng.random() < 0.5 else ""),
            start=start,
        )
