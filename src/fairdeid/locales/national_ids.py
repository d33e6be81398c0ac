"""National person and insurance numbers: their shapes, checksums and valid fakes.

Why one catalogue for both detection and surrogates: a rule must only tag a digit run whose
check digit is right (so lab values and order numbers stay), and a surrogate must carry a right
check digit too (so a de-identified note still passes the format checks of the systems it goes
into). Both read the same definition, so they cannot drift apart.

Checksums come from ``python-stdnum`` (maintained, LGPL) wherever it knows the number; only
what it lacks is written here: the German KVNR (eGK, modified Luhn), the German
Rentenversicherungsnummer (VKVV § 2) and the Spanish Seguridad Social number (NSS/NUSS, mod 97).

Values are handled *compact*: separators (spaces, dots, dashes, slashes) removed, upper-case.
Written layouts are kept by ``apply_layout``.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from stdnum.ca import sin as _ca_sin
from stdnum.de import idnr as _de_idnr
from stdnum.es import dni as _es_dni
from stdnum.es import nie as _es_nie
from stdnum.fr import nir as _fr_nir
from stdnum.gb import nhs as _gb_nhs
from stdnum.iso7064 import mod_11_10
from stdnum.it import codicefiscale as _it_cf
from stdnum.nl import bsn as _nl_bsn
from stdnum.us import ssn as _us_ssn

__all__ = [
    "NUMBERS",
    "NationalNumber",
    "apply_layout",
    "compact",
    "identify",
    "is_valid",
]

_SEPARATORS = re.compile(r"[\s./\-–]")


def compact(value: str) -> str:
    """The value without separators, upper-case: the form every check below reads."""
    return _SEPARATORS.sub("", value).upper()


@dataclass(frozen=True, slots=True)
class NationalNumber:
    """One kind of national number.

    ``shape`` is matched (fullmatch) on the compact value before ``check`` runs, so a check
    never sees a value of the wrong length or alphabet. ``make`` draws a fresh compact value
    that passes both; ``label`` is the taxonomy label a rule should give it.
    """

    code: str
    country: str
    label: str
    shape: re.Pattern[str]
    check: Callable[[str], bool]
    make: Callable[[random.Random], str]

    def valid(self, value: str) -> bool:
        value = compact(value)
        return bool(self.shape.fullmatch(value)) and self.check(value)


def _digits(rng: random.Random, n: int, *, first_nonzero: bool = False) -> str:
    head = str(rng.randint(1, 9)) if first_nonzero and n else ""
    return head + "".join(rng.choice(string.digits) for _ in range(n - len(head)))


def _cross_sum(n: int) -> int:
    return sum(int(c) for c in str(n))


def _letter_digits(letter: str) -> str:
    """A=01 ... Z=26: how the German KVNR and RVNR put a letter into a digit checksum."""
    return f"{ord(letter) - ord('A') + 1:02d}"


# -- German KVNR (Krankenversichertennummer, unveränderbarer Teil, § 290 SGB V) -------------


def kvnr_check_digit(first9: str) -> str:
    """Letter as two digits, then the ten digits weighted 1-2-1-2..., cross sums, sum mod 10."""
    digits = _letter_digits(first9[0]) + first9[1:]
    total = sum(_cross_sum(int(d) * (1 if i % 2 == 0 else 2)) for i, d in enumerate(digits))
    return str(total % 10)


def _kvnr_check(value: str) -> bool:
    return kvnr_check_digit(value[:9]) == value[9]


def _kvnr_make(rng: random.Random) -> str:
    body = rng.choice(string.ascii_uppercase) + _digits(rng, 8)
    return body + kvnr_check_digit(body)


# -- German Rentenversicherungsnummer (VKVV § 2): area, DDMMYY, letter, serial, check ---------

_RVNR_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
#: Bereichsnummern of the pension insurers (VKVV Anlage), the ones a fake draws from
_RVNR_AREAS = ("02", "03", "04", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17",
               "18", "19", "20", "21", "23", "24", "25", "26", "28", "29", "38", "39", "40",
               "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54",
               "55", "56", "57", "58", "59", "60", "61", "62", "63", "64", "65", "66", "67",
               "68", "69", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "80",
               "81", "82", "89")


def rvnr_check_digit(first11: str) -> str:
    digits = first11[:8] + _letter_digits(first11[8]) + first11[9:11]
    total = sum(_cross_sum(int(d) * w) for d, w in zip(digits, _RVNR_WEIGHTS, strict=True))
    return str(total % 10)


def _rvnr_check(value: str) -> bool:
    # a birth date DDMMYY; VKVV lets the day and month be raised when a date's serial
    # numbers run out, so only impossible values are refused
    day, month = int(value[2:4]), int(value[4:6])
    if not (1 <= day <= 71 and (1 <= month <= 12 or 21 <= month <= 32)):
        return False
    return rvnr_check_digit(value[:11]) == value[11]


def _rvnr_make(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99)
    body = (rng.choice(_RVNR_AREAS) + f"{day:02d}{month:02d}{year:02d}"
            + rng.choice(string.ascii_uppercase) + f"{rng.randint(0, 99):02d}")
    return body + rvnr_check_digit(body)


# -- German Steuer-ID (IdNr): 11 digits, ISO 7064 MOD 11,10, one digit repeated --------------


def _idnr_make(rng: random.Random) -> str:
    while True:
        digits = rng.sample(string.digits, 9)
        digits.insert(rng.randrange(1, 10), rng.choice(digits))
        if digits[0] == "0":
            continue
        body = "".join(digits)
        value = body + mod_11_10.calc_check_digit(body)
        if _de_idnr.is_valid(value):
            return value


# -- French NIR (INSEE): sex, YY, MM, department (2A/2B Corsica), commune, order, key ------


def _nir_make(rng: random.Random) -> str:
    # Corsica is 2A/2B since 1976; "20" is not drawn
    mainland = f"{rng.choice([*range(1, 20), *range(21, 96)]):02d}"
    dept = rng.choice(["2A", "2B"]) if rng.random() < 0.05 else mainland
    body = (rng.choice("12") + f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}" + dept
            + f"{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}")
    return body + _fr_nir.calc_check_digits(body)


# -- Dutch BSN: 9 digits, 11-test ------------------------------------------------------------


def _bsn_make(rng: random.Random) -> str:
    while True:
        value = _digits(rng, 9, first_nonzero=True)
        if _nl_bsn.is_valid(value):
            return value


# -- Italian codice fiscale: 6 letters, YY, month letter, day (+40 women), place, check ------

_CF_MONTHS = "ABCDEHLMPRST"
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"


def _cf_make(rng: random.Random) -> str:
    name = "".join(rng.choice(_CONSONANTS) for _ in range(6))
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    body = (name + f"{rng.randint(0, 99):02d}" + rng.choice(_CF_MONTHS) + f"{day:02d}"
            + rng.choice("ABCDEFGHILM") + f"{rng.randint(1, 999):03d}")
    return body + _it_cf.calc_check_digit(body)


# -- Spanish DNI, NIE (letter = number mod 23), NSS/NUSS (mod 97) ---------------------------


def _dni_make(rng: random.Random) -> str:
    body = _digits(rng, 8)
    return body + _es_dni.calc_check_digit(body)


def _nie_make(rng: random.Random) -> str:
    body = rng.choice("XYZ") + _digits(rng, 7)
    return body + _es_nie.calc_check_digit(body)


def nss_check_digits(first10: str) -> tuple[str, ...]:
    """Seguridad Social check digits: (province and number) mod 97. For a number under
    10 000 000 the TGSS rule reads province * 10^7 + number; software often reads the ten
    digits as one number. Both are accepted; fakes have numbers >= 10^7, where they agree."""
    province, number = int(first10[:2]), int(first10[2:])
    whole = f"{int(first10) % 97:02d}"
    if number < 10_000_000:
        return whole, f"{(province * 10_000_000 + number) % 97:02d}"
    return (whole,)


def _nss_check(value: str) -> bool:
    return 1 <= int(value[:2]) <= 99 and value[10:] in nss_check_digits(value[:10])


def _nss_make(rng: random.Random) -> str:
    body = f"{rng.randint(1, 52):02d}{rng.randint(10_000_000, 99_999_999)}"
    return body + nss_check_digits(body)[0]


# -- UK NHS number, Canadian SIN, US SSN -----------------------------------------------------


def _nhs_make(rng: random.Random) -> str:
    while True:
        body = _digits(rng, 9, first_nonzero=True)
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
        if check != 10:
            return body + str(0 if check == 11 else check)


def _sin_make(rng: random.Random) -> str:
    while True:
        value = str(rng.choice("1234567")) + _digits(rng, 8)
        if _ca_sin.is_valid(value):
            return value


def _ssn_make(rng: random.Random) -> str:
    while True:
        value = f"{rng.randint(1, 899):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if _us_ssn.is_valid(value):
            return value


def _num(code: str, country: str, label: str, shape: str, check: Callable[[str], bool],
         make: Callable[[random.Random], str]) -> NationalNumber:
    return NationalNumber(code, country, label, re.compile(shape), check, make)


#: Every known number, by code. Order matters for ``identify``: numbers with a stronger check
#: come first among those of the same shape.
NUMBERS: Mapping[str, NationalNumber] = MappingProxyType({n.code: n for n in (
    _num("de.kvnr", "DE", "HEALTHPLAN", r"[A-Z]\d{9}", _kvnr_check, _kvnr_make),
    _num("de.rvnr", "DE", "SSN", r"\d{8}[A-Z]\d{3}", _rvnr_check, _rvnr_make),
    _num("de.idnr", "DE", "SSN", r"[1-9]\d{10}", _de_idnr.is_valid, _idnr_make),
    _num("fr.nir", "FR", "SSN", r"[12378]\d{4}(?:\d{2}|2[AB])\d{8}", _fr_nir.is_valid, _nir_make),
    _num("it.codice_fiscale", "IT", "SSN", r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST]"
         r"[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]", _it_cf.is_valid, _cf_make),
    _num("es.dni", "ES", "SSN", r"\d{8}[A-Z]", _es_dni.is_valid, _dni_make),
    _num("es.nie", "ES", "SSN", r"[XYZ]\d{7}[A-Z]", _es_nie.is_valid, _nie_make),
    _num("es.nss", "ES", "SSN", r"\d{12}", _nss_check, _nss_make),
    _num("nl.bsn", "NL", "SSN", r"\d{9}", _nl_bsn.is_valid, _bsn_make),
    _num("gb.nhs", "GB", "IDNUM", r"\d{10}", _gb_nhs.is_valid, _nhs_make),
    _num("ca.sin", "CA", "SSN", r"\d{9}", _ca_sin.is_valid, _sin_make),
    _num("us.ssn", "US", "SSN", r"\d{9}", _us_ssn.is_valid, _ssn_make),
)})
#: numbers with no check digit: identified only in their own written layout
_LAYOUT_ONLY = {"us.ssn": re.compile(r"\d{3}-\d{2}-\d{4}")}


def is_valid(code: str, value: str) -> bool:
    """Whether ``value`` (written any way) is a valid number of kind ``code``."""
    return NUMBERS[code].valid(value)


def identify(value: str, countries: Iterable[str] = ()) -> NationalNumber | None:
    """The kind of national number ``value`` is, or None.

    A 9-digit run can pass more than one check (a BSN and a SIN); numbers of ``countries``
    (ISO 3166 codes, e.g. from the surrogate locale) are tried first, then the catalogue order.
    Numbers without a checksum (US SSN) are recognised only in their usual written layout.
    """
    preferred = [c.upper() for c in countries]
    ordered = sorted(NUMBERS.values(),
                     key=lambda n: preferred.index(n.country) if n.country in preferred
                     else len(preferred))
    for number in ordered:
        layout = _LAYOUT_ONLY.get(number.code)
        if layout is not None and not layout.fullmatch(value.strip()):
            continue
        if number.valid(value):
            return number
    return None


def apply_layout(original: str, value: str) -> str:
    """``value`` (compact) written the way ``original`` is: separators kept in place, letters
    in the original's case at each position. Both must have the same count of letters and
    digits."""
    chars = iter(value)
    out = []
    for ch in original:
        if ch.isalnum():
            new = next(chars)
            out.append(new.lower() if ch.islower() else new)
        else:
            out.append(ch)
    return "".join(out)
