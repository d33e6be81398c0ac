"""Checksum validators of national numbers, for pattern rules (``validate = "de_kvnr"``).

A regex can only say "eleven digits after Steuer-ID"; the check digit says whether the digits
are one. Without it a pack would tag every long lab or order number as a national ID (and the
English ``id.long_number`` fallback already gives those a low-score IDNUM). The checks are
``fairdeid.locales.national_ids`` (python-stdnum plus the few numbers it lacks), the same
definitions the surrogates use, so a fake is always accepted by the rule that found the
original.

Each validator reads the rule's ``phi`` group when it has one, else the whole match, and accepts
any written layout (spaces, dots, dashes, slashes).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum.be import nn as _be_nn
from stdnum.ch import ssn as _ch_ssn

from fairdeid.locales.national_ids import is_valid

Validator = Callable[[re.Match[str], str], bool]


def _value(m: re.Match[str], text: str) -> str:
    """The ``phi`` group from the original text when the rule has one, else the whole match
    (the match may run on lower-cased text, and checks read letters)."""
    try:
        start, end = m.span("phi")
    except IndexError:
        start, end = -1, -1
    if start < 0:
        start, end = m.span(0)
    return text[start:end]


def _one_of(*codes: str) -> Validator:
    def validate(m: re.Match[str], text: str) -> bool:
        value = _value(m, text)
        return any(is_valid(code, value) for code in codes)

    validate.__doc__ = f"A valid {' or '.join(codes)} (checksum included)."
    return validate


de_kvnr = _one_of("de.kvnr")
de_idnr = _one_of("de.idnr")
de_rvnr = _one_of("de.rvnr")
fr_nir = _one_of("fr.nir")
nl_bsn = _one_of("nl.bsn")
it_codice_fiscale = _one_of("it.codice_fiscale")
es_dni = _one_of("es.dni", "es.nie")
es_nie = _one_of("es.nie")
es_nss = _one_of("es.nss")
gb_nhs = _one_of("gb.nhs")
ca_sin = _one_of("ca.sin")
nhs_number = gb_nhs


def _stdnum(check: Callable[[str], bool], number: str) -> Validator:
    """A validator on a python-stdnum ``is_valid`` for numbers the surrogates do not make (the
    Belgian and Swiss numbers of notes from those countries, read by the French pack)."""

    def validate(m: re.Match[str], text: str) -> bool:
        return bool(check(_value(m, text)))

    validate.__doc__ = f"A valid {number} (checksum included)."
    return validate


be_niss = _stdnum(_be_nn.is_valid, "Belgian national register number (NISS)")
ch_avs = _stdnum(_ch_ssn.is_valid, "Swiss AVS/AHV number")


def national_id_value(m: re.Match[str], text: str) -> bool:
    """The value after a national number's name: 6+ digits, or 8+ letters and digits with at
    least two digits (a codice fiscale, a KVNR). A year or a count after the name ("sécurité
    sociale depuis 2001") is not one."""
    value = re.sub(r"[\s./-]", "", _value(m, text).lstrip("#"))
    digits = sum(c.isdigit() for c in value)
    return digits >= 6 or (len(value) >= 8 and digits >= 2)


#: name -> validator, merged into ``validators.VALIDATORS``
NATIONAL_ID_VALIDATORS: dict[str, Validator] = {
    "de_kvnr": de_kvnr,
    "de_idnr": de_idnr,
    "de_steuer_id": de_idnr,
    "de_rvnr": de_rvnr,
    "fr_nir": fr_nir,
    "nl_bsn": nl_bsn,
    "it_codice_fiscale": it_codice_fiscale,
    "es_dni": es_dni,
    "es_nie": es_nie,
    "es_nss": es_nss,
    "gb_nhs": gb_nhs,
    "nhs_number": gb_nhs,
    "ca_sin": ca_sin,
    "be_niss": be_niss,
    "ch_avs": ch_avs,
    "national_id_value": national_id_value,
}
