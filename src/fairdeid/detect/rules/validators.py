"""Validation hooks for pattern rules (Presidio's ``validate_result``, as plain functions).

A regex says "this looks like a date"; a validator says "this *is* a valid date": month 1-12, day
within the month, octets up to 255. That second check is what keeps doses ("5/5 strength" is
caught by context, but "20/20" and "120/80" by the calendar) and version strings out. Hooks get
the match and the full text and return False to reject.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from stdnum import verhoeff
from stdnum.iso7064 import mod_11_2

# national numbers (DNI/NIE, NIR, NHS, KVNR, BSN ...) are python-stdnum checks, kept in their
# own module; the old names stay importable from here
from fairdeid.detect.rules.national_ids import NATIONAL_ID_VALIDATORS
from fairdeid.detect.rules.national_ids import es_dni as es_dni
from fairdeid.detect.rules.national_ids import fr_nir as fr_nir
from fairdeid.detect.rules.national_ids import nhs_number as nhs_number
from fairdeid.detect.rules.propagation import fold

Validator = Callable[[re.Match[str], str], bool]


def _group_text(m: re.Match[str], text: str, group: str | int = 0) -> str:
    """A group's text from the *original* document (the match may run on lower-cased text)."""
    start, end = m.span(group)
    return text[start:end] if start >= 0 else ""


_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}


def _valid_md(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def month_day_year(m: re.Match[str], text: str) -> bool:
    """US order first, then day-first (European notes); either valid calendar date passes."""
    a, b = int(m.group("a")), int(m.group("b"))
    year = m.group("y")
    if len(year) == 4 and not 1870 <= int(year) <= 2100:
        return False
    if m.group("sep") == "." and len(year) == 2:
        # "1.5.10" is far more often a version or a dose list than a date
        return False
    return _valid_md(a, b) or _valid_md(b, a)


def year_month_day(m: re.Match[str], text: str) -> bool:
    return _valid_md(int(m.group("a")), int(m.group("b")))


def month_day(m: re.Match[str], text: str) -> bool:
    """Bare M/D: a valid date whose parts are not a fraction like 1/2, 1/3, 3/4 of a dose."""
    a, b = int(m.group("a")), int(m.group("b"))
    return _valid_md(a, b)


def month_name_date(m: re.Match[str], text: str) -> bool:
    """Reject lowercase "may"/"mar"/"dec" without a year: verbs and abbreviations, not dates."""
    month = _group_text(m, text, "month")
    key = month[:3].lower()
    if key not in _MONTHS:
        return False
    groups = m.groupdict()
    day = groups.get("d")
    if day is not None and not _valid_md(_MONTHS[key], int(day)):
        return False
    has_year = bool(groups.get("y"))
    if not has_year and month[0].islower():
        word = month.rstrip(".").lower()
        # full lowercase month names other than "may"/"march" are fine ("seen on june 5")
        if word in {"may", "march"} or len(word) <= 4:
            return False
    return day is not None or has_year


def day_of_month(m: re.Match[str], text: str) -> bool:
    return 1 <= int(m.group("d")) <= 31


def ipv4(m: re.Match[str], text: str) -> bool:
    parts = _group_text(m, text).split(".")
    if any(len(p) > 1 and p.startswith("0") for p in parts):
        return False
    return all(int(p) <= 255 for p in parts) and parts[0] != "0"


def ipv6(m: re.Match[str], text: str) -> bool:
    value = _group_text(m, text)
    return value.count(":") >= 2 and any(c.isalpha() for c in value) or value.count(":") == 7


def phone_digits(m: re.Match[str], text: str) -> bool:
    """A phone number has 7 to 15 digits (E.164) and is not a date or a range of numbers."""
    value = _group_text(m, text)
    main = re.split(r"(?i)\s*(?:x|ext)", value)[0]
    digits = sum(c.isdigit() for c in main)
    if not 7 <= digits <= 15:
        return False
    # "3 - 4 - 5" style lists and decimals are not phones
    groups = re.findall(r"\d+", main)
    # French/Spanish numbers are written in pairs ("06 22 25 07 89"): many short groups are fine
    return len(groups) <= 6 and (max(len(g) for g in groups) >= 3 or len(groups) >= 4)


_NOT_USERNAMES = frozenset(
    [
        "pharmacy",
        "nursing",
        "attending",
        "telephone",
        "patient",
        "provider",
        "resident",
        "physician",
        "family",
        "mouth",
        "phone",
        "caregiver",
        "daughter",
        "husband",
        "mother",
        "father",
        "spouse",
        "sister",
        "brother",
        "friend",
        "neighbor",
        "surgeon",
        "radiology",
        "laboratory",
        "myself",
        "himself",
        "herself",
        "history",
        "central",
        "outside",
        "default",
        "fax",
        "email",
        "portal",
        "mail",
        "nurse",
        "doctor",
        "staff",
        "team",
        "clinic",
        "hospital",
        "interpreter",
    ]
)


def username(m: re.Match[str], text: str) -> bool:
    """A login-like token: has a digit, or is long and not an ordinary word after "by"."""
    value = _group_text(m, text, "phi").lower()
    if value in _NOT_USERNAMES or not value[0].isalpha():
        return False
    return any(c.isdigit() for c in value) or len(value) >= 6


def ssn(m: re.Match[str], text: str) -> bool:
    area, group, serial = _group_text(m, text).split("-")
    return area not in {"000", "666"} and group != "00" and serial != "0000"


#: a calendar date written with numbers, day or month first ("12/03/2021", "03-04-21")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(?:\d{4}|\d{2})")


def id_token(m: re.Match[str], text: str) -> bool:
    """An identifier after a generic keyword ("plan", "group") needs 3+ digits or letters+digits,
    and is not a date: "Episodio: 12/03/2021" names the episode's date, not its number."""
    value = _group_text(m, text, "phi").lstrip("#")
    date = _NUMERIC_DATE.fullmatch(value)
    if date and min(int(date[1]), int(date[3])) >= 1 and max(int(date[1]), int(date[3])) <= 31 \
            and min(int(date[1]), int(date[3])) <= 12:
        return False
    digits = sum(c.isdigit() for c in value)
    if digits >= 4:
        return True
    return digits >= 2 and any(c.isalpha() for c in value) and len(value) >= 4


def grouped_id(m: re.Match[str], text: str) -> bool:
    """A number printed in groups is an identifier only when it is long (8+ digits): after
    "member" or "policy", "2 of 3" or "10 20" are counts, not numbers."""
    return sum(c.isdigit() for c in _group_text(m, text, "phi")) >= 8


def id_number(m: re.Match[str], text: str) -> bool:
    """Long digit runs are identifiers; "1000-1500" (a range) and "120-130" are not."""
    parts = _group_text(m, text).split("-")
    if len(parts) == 2 and len(parts[0]) <= 4 and len(parts[1]) <= 4:
        return int(parts[0]) >= int(parts[1])
    return True


def age_over_89(m: re.Match[str], text: str) -> bool:
    """Only ages over 89 are PHI under Safe Harbor; the rest stays for clinical meaning."""
    age = int(m.group("phi"))
    return 90 <= age <= 125


_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$")


def uk_postcode(m: re.Match[str], text: str) -> bool:
    value = _group_text(m, text)
    # guard against ICD-10/lab-like tokens: a postcode has a space or is 6-7 chars long
    return bool(_UK_POSTCODE.match(value)) and (" " in value or len(value) >= 6)


def saint(m: re.Match[str], text: str) -> bool:
    """ "St. Mary's" is a hospital; "123 Main St. Paul" would be a street, so no digit before."""
    before = text[max(0, m.start() - 12) : m.start()]
    return not re.search(r"\d\s+(?:[A-Z][a-z]+\s+)*$", before)


# -- HIPAA identifier shapes (network, device, vehicle, national IDs) -------------------------


def _value(m: re.Match[str], text: str) -> str:
    """The ``phi`` group when the rule has one (the reported span), else the whole match."""
    try:
        value = _group_text(m, text, "phi")
    except IndexError:
        value = ""
    return value or _group_text(m, text)


def _ip_parts(
    value: str,
) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int | None, int | None] | None:
    """Split "[addr%zone]:port", "v4:port" and "addr/prefix"; ``ipaddress`` parses the rest."""
    port = prefix = None
    if value.startswith("["):
        close = value.find("]")
        rest = value[close + 1 :]
        if close < 0 or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
        port = int(rest[1:]) if rest else None
        value = value[1:close]
    elif "/" in value:
        value, _, bits = value.partition("/")
        if not bits.isdigit():
            return None
        prefix = int(bits)
    elif value.count(":") == 1 and "." in value:
        value, _, digits = value.partition(":")
        if not digits.isdigit():
            return None
        port = int(digits)
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    return ip, port, prefix


def ip_address(m: re.Match[str], text: str) -> bool:
    """Python's ``ipaddress`` decides; a port must be <= 65535 and a prefix fit the family.

    A bare "::" (the unspecified address) is punctuation far more often than an address.
    """
    parts = _ip_parts(_value(m, text))
    if parts is None:
        return False
    ip, port, prefix = parts
    if port is not None and not 0 < port <= 65535:
        return False
    if prefix is not None and prefix > ip.max_prefixlen:
        return False
    return ip.version == 4 or ip.compressed != "::"


def mac_address(m: re.Match[str], text: str) -> bool:
    """Six octets; the dotted Cisco form ("aabb.ccdd.eeff") also needs a hex letter, or it is
    a run of numbers ("1234.5678.9012")."""
    value = _value(m, text)
    digits = re.sub(r"[^0-9A-Fa-f]", "", value)
    if len(digits) != 12 or len(set(digits.lower())) < 3:
        return False
    if "." in value:
        return any(c in "abcdefABCDEF" for c in digits)
    return True


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> bool:
    """The North American check digit (49 CFR 565): position 9 is the weighted sum mod 11."""
    vin = vin.upper()
    if len(vin) != 17 or any(c not in _VIN_VALUES for c in vin):
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    check = total % 11
    return vin[8] == ("X" if check == 10 else str(check))


def vin(m: re.Match[str], text: str) -> bool:
    """A VIN without a keyword: letters and digits, and a valid North American check digit.

    After "VIN"/"chassis" the keyword rules take any 17-character VIN, check digit or not
    (European and Asian VINs do not carry one).
    """
    value = _value(m, text)
    letters = sum(c.isalpha() for c in value)
    digits = sum(c.isdigit() for c in value)
    return letters >= 1 and digits >= 3 and vin_check_digit(value)


def vehicle_plate(m: re.Match[str], text: str) -> bool:
    """A plate after a keyword: 4-10 letters/digits with at least one digit, not a bare year
    or a dose ("reg 2019", "plate 10 mg")."""
    value = _value(m, text)
    compact = re.sub(r"[\W_]", "", value)
    if not 4 <= len(compact) <= 10 or not any(c.isdigit() for c in compact):
        return False
    if compact.isdigit() and len(compact) <= 4:
        return False
    return not re.search(r"(?i)\d\s?(?:mg|ml|mcg|kg|cm|mm|hrs?|am|pm)$", value)


# UK NI numbers: DWP prefix rules (first letter not D F I Q U V; second not D F I O Q U V;
# BG GB KN NK NT TN ZZ never issued)
_NINO_BAD_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino(m: re.Match[str], text: str) -> bool:
    value = re.sub(r"\s", "", _value(m, text)).upper()
    prefix = value[:2]
    if len(value) not in (8, 9) or prefix in _NINO_BAD_PREFIX:
        return False
    return prefix[0] not in "DFIQUV" and prefix[1] not in "DFIOQUV"


def luhn(m: re.Match[str], text: str) -> bool:
    """Payment card numbers (and Canadian SINs): the Luhn checksum, 13-19 digits."""
    digits = [int(c) for c in _value(m, text) if c.isdigit()]
    if not 9 <= len(digits) <= 19 or len(set(digits)) < 2:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def iban(m: re.Match[str], text: str) -> bool:
    """ISO 13616: move the country code and check digits to the end; mod 97 must be 1."""
    value = re.sub(r"\s", "", _value(m, text)).upper()
    if not 15 <= len(value) <= 34:
        return False
    moved = value[4:] + value[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def cn_resident_id(m: re.Match[str], text: str) -> bool:
    """Chinese resident identity number: ISO 7064 MOD 11-2 over 17 digits, check 0-9 or X."""
    value = (_value(m, text)).upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return bool(mod_11_2.is_valid(value))


def aadhaar(m: re.Match[str], text: str) -> bool:
    """Indian Aadhaar: 12 digits, not starting with 0 or 1, Verhoeff checksum."""
    digits = "".join(c for c in _value(m, text) if c.isdigit())
    if len(digits) != 12 or digits[0] in "01":
        return False
    return bool(verhoeff.is_valid(digits))


def yymmdd(m: re.Match[str], text: str) -> bool:
    """Mexican RFC/CURP and Italian codice fiscale embed a birth date: it must be a date."""
    groups = m.groupdict()
    mm, dd = groups.get("mm") or "0", groups.get("dd") or "0"
    # the codice fiscale writes the month as a letter
    month = "ABCDEHLMPRST".index(mm.upper()) + 1 if mm.isalpha() else int(mm)
    day = int(dd)
    if day > 40:  # Italian codice fiscale: women have day + 40
        day -= 40
    return _valid_md(month, day)


# -- dates read by OCR ("2O18-03-15", "22.O1.2024") ------------------------------------------

#: letters a scanner puts for digits; the translation gives the digit back
_OCR_DIGITS = str.maketrans("OoQDlI|BSZ", "0000111852")


def _ocr_parts(m: re.Match[str]) -> tuple[int, int, int] | None:
    """Year and the two other parts of an OCR'd numeric date, read back as digits; None unless
    one part holds a letter (dates of digits alone are the plain date rules' job) and most of
    the characters are digits (a run of letters is a word, not a date)."""
    raw = m.group("y") + m.group("a") + m.group("b")
    letters = sum(c.isalpha() for c in raw)
    if not letters or letters * 2 > len(raw):
        return None
    y, a, b = (m.group(k).translate(_OCR_DIGITS) for k in ("y", "a", "b"))
    if not (y + a + b).isdigit() or not 1900 <= int(y) <= 2100:
        return None
    return int(y), int(a), int(b)


def ocr_date(m: re.Match[str], text: str) -> bool:
    """A numeric date with a letter for a digit ("22.O1.2024"), day or month first.

    Why: scanned letters turn "0" into "O" and "8" into "B"; the date rules read digits only, so
    such dates stayed in the text. Groups ``a``, ``b``, ``y`` as in ``month_day_year``."""
    parts = _ocr_parts(m)
    return parts is not None and (_valid_md(parts[1], parts[2]) or _valid_md(parts[2], parts[1]))


def ocr_date_ymd(m: re.Match[str], text: str) -> bool:
    """As ``ocr_date``, year first ("2O18-03-15", "2O180315"): ``a`` is the month."""
    parts = _ocr_parts(m)
    return parts is not None and _valid_md(parts[1], parts[2])


def ocr_phone(m: re.Match[str], text: str) -> bool:
    """A trunk-prefixed phone number with a letter or two for digits ("04 O0 2l 24 86",
    "(02) 7362 B355"): read back as digits it must pass ``phone_digits``, and at most one
    character in four may be a letter (more is words, not a number)."""
    value = _group_text(m, text)
    chars = [c for c in value if c.isalnum()]
    letters = sum(c.isalpha() for c in chars)
    if not letters or letters * 4 > len(chars):
        return False
    digits = value.translate(_OCR_DIGITS)
    match = re.fullmatch(r".*", digits)
    return match is not None and phone_digits(match, digits)


# -- capitalised EHR headers ("HERNANDEZ, MARIA", "Maria HERNANDEZ") --------------------------

_WORD = re.compile(r"[^\W\d_][\w'’-]*")


@cache
def packaged_words(*files: str) -> frozenset[str]:
    """Lower-cased entries of packaged word lists (loaded once, on first use)."""
    out: set[str] = set()
    for name in files:
        text = resources.files("fairdeid.detect.rules").joinpath("data", name).read_text("utf-8")
        for line in text.splitlines():
            if not line.lstrip().startswith("#"):
                out.update(w.lower() for w in line.split() if w)
    return frozenset(out)


def _caps_words_ok(value: str) -> list[str] | None:
    """The words of a capitalised name, or None when one of them is a section header, a
    clinical or drug word, or a common English word that is not also a known name."""
    words = [w.lower().strip("'’-") for w in _WORD.findall(value)]
    stop = packaged_words("name_header_stopwords.txt", "clinical_words.txt")
    common = packaged_words("common_words.txt")
    names = packaged_words("names_first.txt", "names_last.txt")
    for word in words:
        if word in stop or (word in common and word not in names):
            return None
    return words


def caps_name(m: re.Match[str], text: str) -> bool:
    """A "SURNAME, Given" / "Given SURNAME" after a header or role word: the header is the
    evidence; only section and clinical words are refused ("Pt: DISCHARGE SUMMARY")."""
    return _caps_words_ok(_value(m, text)) is not None


def caps_name_line(m: re.Match[str], text: str) -> bool:
    """ "ADETOKUNBO, YEJIDE" alone on a line needs more: one of its words is a known first
    name or surname ("HISTORY, PHYSICAL" and "LISINOPRIL, METOPROLOL" are not)."""
    words = _caps_words_ok(_value(m, text))
    if words is None:
        return False
    names = packaged_words("names_first.txt", "names_last.txt")
    # the lists spell many names without their diacritics ("jiri"): "JIŘÍ" counts as "JIRI"
    return any(w in names or fold(w) in names for w in words)


VALIDATORS: dict[str, Validator] = {
    "month_day_year": month_day_year,
    "year_month_day": year_month_day,
    "month_day": month_day,
    "month_name_date": month_name_date,
    "day_of_month": day_of_month,
    "ipv4": ipv4,
    "ipv6": ipv6,
    "phone_digits": phone_digits,
    "ssn": ssn,
    "id_token": id_token,
    "grouped_id": grouped_id,
    "id_number": id_number,
    "age_over_89": age_over_89,
    "username": username,
    "ocr_date": ocr_date,
    "ocr_date_ymd": ocr_date_ymd,
    "ocr_phone": ocr_phone,
    "uk_postcode": uk_postcode,
    "saint": saint,
    "ip_address": ip_address,
    "mac_address": mac_address,
    "vin": vin,
    "vehicle_plate": vehicle_plate,
    "uk_nino": uk_nino,
    "luhn": luhn,
    "iban": iban,
    "cn_resident_id": cn_resident_id,
    "aadhaar": aadhaar,
    "yymmdd": yymmdd,
    "caps_name": caps_name,
    "caps_name_line": caps_name_line,
    **NATIONAL_ID_VALIDATORS,
}


# -- presidio-gaps: identifiers of general text ------------------------------------------------


@cache
def _lines(name: str) -> frozenset[str]:
    """Whole lower-cased entries of a packaged word list ("united kingdom" stays one entry)."""
    text = resources.files("fairdeid.detect.rules").joinpath("data", name).read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


_WORD_SPLIT = re.compile(r"[^\w'’-]+")


def country_line(m: re.Match[str], text: str) -> bool:
    """An address block's last line names a known country ("Norway 66455", "Cyprus (Greek)"):
    that is the evidence that the line above is a city, not a heading or a sentence."""
    country = re.sub(r"\s*\([^)]*\)\s*$", "", _group_text(m, text, "country")).strip().lower()
    city = _group_text(m, text, "phi").lower()
    if country not in _lines("countries.txt"):
        return False
    stop = packaged_words("name_header_stopwords.txt", "clinical_words.txt", "common_words.txt")
    # "Assessment" or "Follow Up" is a heading; "SMITH'S GREEN" is a place with a common word
    return not all(w in stop for w in _WORD_SPLIT.split(city) if w)


def payment_card(m: re.Match[str], text: str) -> bool:
    """A payment card number: 12 to 19 digits (Maestro cards have 12) and the Luhn checksum."""
    digits = [c for c in _value(m, text) if c.isdigit()]
    return 12 <= len(digits) <= 19 and luhn(m, text)


def iban_any_case(m: re.Match[str], text: str) -> bool:
    """ISO 13616 in any case and spacing. Written in capitals, the mod-97 check alone decides,
    as it always did: a number with a typo in its country format still names an account. In
    lower or mixed case more words fit the bare shape, so python-stdnum must also accept the
    country's length and format."""
    value = _value(m, text)
    if value == value.upper():
        return iban(m, text)
    from stdnum import iban as stdnum_iban

    return bool(stdnum_iban.is_valid(value))


VALIDATORS.update(
    {"country_line": country_line, "payment_card": payment_card, "iban_any_case": iban_any_case}
)


# -- en-ids: identifiers by their shape and logins by their field ------------------------------

_DIGIT_RUN = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def letter_group_id(m: re.Match[str], text: str) -> bool:
    """Letter-led groups joined by one separator ("KGH-BME-20417", "ABC/XY/440192/02",
    "KMC.0325.220914") are staff, asset, enrollee and record numbers when they carry enough
    digits: four or more, one run of three or more, and not only a year, so test and gene names
    ("SARS-CoV-2", "ICD-10-CM", "PD-L1"), scores ("PEEP-10-12") and scale names with a year
    ("CKD-EPI-2021") stay. A month name first is a date ("NOV-17-2026"), left to the date rules."""
    value = _group_text(m, text, "phi")
    runs = _DIGIT_RUN.findall(value)
    if sum(map(len, runs)) < 4 or max(map(len, runs), default=0) < 3:
        return False
    if len(runs) == 1 and _YEAR.fullmatch(runs[0]):
        return False
    first = re.split(r"[-/.]", value, maxsplit=1)[0].lower()
    return first[:3] not in _MONTHS


def field_login(m: re.Match[str], text: str) -> bool:
    """A lower-case login in a field that holds one ("Assignee: tlin", "Reporter: aokafor"):
    short logins count there, but not ordinary words ("Assignee: none", "Reporter: unknown")."""
    value = _group_text(m, text, "phi")
    if value.lower() in _NOT_USERNAMES or not value[0].isalpha():
        return False
    if any(c.isdigit() for c in value):
        return True
    return len(value) >= 4 and value.lower() not in packaged_words(
        "common_words.txt", "clinical_words.txt", "name_header_stopwords.txt")


VALIDATORS.update({"letter_group_id": letter_group_id, "field_login": field_login})


def login_of_name(m: re.Match[str], text: str) -> bool:
    """A login followed by a bracketed name is that person's when it is built from the name, as
    sites build them: the given name's first letter or whole given name, then the surname's
    first four letters ("tbrennan", "tara.brennan2" for Tara Brennan)."""
    login = fold(_group_text(m, text, "phi").lower())
    given = fold(_group_text(m, text, "given").lower())
    surname = fold(_group_text(m, text, "sur").lower()).replace("'", "").replace("’", "")
    head = surname.replace("-", "")[:4]
    if len(head) < 3 or not login.startswith(given[0]):
        return False
    return head in login[1:] and login.lower() not in _NOT_USERNAMES


VALIDATORS.update({"login_of_name": login_of_name})
