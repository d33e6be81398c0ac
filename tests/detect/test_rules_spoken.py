"""Dates, ages and dictated numbers written in words (``detect/rules/spoken.py``).

Every sentence here was written for these tests (none comes from the markup sets). Each
language's detector is the one its pack configures, so the pack's ``spoken.toml`` is what is
tested; English is the packaged detector.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.compiler import load_pattern_tables
from fairdeid.detect.rules.spoken import (
    SPOKEN_RULES,
    Part,
    SpokenFinder,
    SpokenWords,
    finder_for,
    value_of,
)
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import PACKS_DIR, load_pack
from fairdeid.pipeline import Pipeline

LANGUAGES = ("en", "de", "fr", "nl", "it", "es")


@cache
def detector(code: str) -> RuleDetector:
    if code == "en":
        return RuleDetector()
    return RuleDetector.from_config(load_pack(code).config["detectors"]["rules"])


def spoken_spans(code: str, text: str) -> list[Span]:
    spans = detector(code).detect(Document(id="t", text=text))
    return [s for s in spans if s.source.startswith("rules:spoken.")]


def found(code: str, text: str) -> set[tuple[str, str, str]]:
    return {(text[s.start:s.end], s.label, s.source) for s in spoken_spans(code, text)}


# -- dates ------------------------------------------------------------------------------

DATES = [
    ("en", "Dictated july ninth nineteen fifty two, typed later.",
     "july ninth nineteen fifty two"),
    ("en", "She was admitted on the twenty-first of March, 2019.", "twenty-first of March, 2019"),
    ("en", "Follow-up booked for October thirtieth two thousand and twenty four.",
     "October thirtieth two thousand and twenty four"),
    ("en", "Born on 9 July nineteen forty-one in a farmhouse.", "9 July nineteen forty-one"),
    ("en", "Last seen the first of may.", "first of may"),
    ("de", "Aufnahme am dritten März zweitausendfünfundzwanzig gegen Mittag.",
     "dritten März zweitausendfünfundzwanzig"),
    ("de", "Geboren am einundzwanzigsten Juni neunzehnhundertzweiundfünfzig in Kassel.",
     "einundzwanzigsten Juni neunzehnhundertzweiundfünfzig"),
    ("de", "Kontrolle am zwölften Oktober.", "zwölften Oktober"),
    ("fr", "Consultation le vingt-deux juin deux mille vingt-cinq au matin.",
     "vingt-deux juin deux mille vingt-cinq"),
    ("fr", "Née le dix-neuf mars mille neuf cent cinquante-deux.",
     "dix-neuf mars mille neuf cent cinquante-deux"),
    ("fr", "Revue le premier mai.", "premier mai"),
    ("fr", "Hospitalisée le trente et un août.", "trente et un août"),
    ("nl", "Opgenomen op de negentiende november tweeduizend vijfentwintig.",
     "negentiende november tweeduizend vijfentwintig"),
    ("nl", "Geboren eenentwintig mei negentienhonderdtweeënvijftig te Gouda.",
     "eenentwintig mei negentienhonderdtweeënvijftig"),
    ("it", "Ricoverata il dodici luglio duemilaventicinque per dispnea.",
     "dodici luglio duemilaventicinque"),
    ("it", "Nata il ventitré marzo millenovecentocinquantadue.",
     "ventitré marzo millenovecentocinquantadue"),
    ("it", "Controllo fissato per il primo settembre.", "primo settembre"),
    ("es", "Ingresó el veinte de mayo de dos mil veinte por disnea.",
     "veinte de mayo de dos mil veinte"),
    ("es", "Nacida el primero de enero de mil novecientos cuarenta y ocho.",
     "primero de enero de mil novecientos cuarenta y ocho"),
]


@pytest.mark.parametrize(("code", "text", "date"), DATES)
def test_a_day_and_month_in_words_is_one_date(code: str, text: str, date: str) -> None:
    assert (date, "DATE", "rules:spoken.date") in found(code, text)


MONTH_YEARS = [
    ("en", "Symptoms began in July twenty twenty-three.", "July twenty twenty-three"),
    ("de", "Beschwerden seit März zweitausendzwanzig.", "März zweitausendzwanzig"),
    ("fr", "Opérée en février deux mille dix-huit.", "février deux mille dix-huit"),
    ("nl", "Klachten sinds april tweeduizend negentien.", "april tweeduizend negentien"),
    ("it", "Operata a novembre duemiladiciannove.", "novembre duemiladiciannove"),
    ("es", "Operada en agosto de dos mil diecisiete.", "agosto de dos mil diecisiete"),
]


@pytest.mark.parametrize(("code", "text", "date"), MONTH_YEARS)
def test_a_month_and_a_year_in_words_is_a_date(code: str, text: str, date: str) -> None:
    assert (date, "DATE", "rules:spoken.month_year") in found(code, text)


def test_dates_in_digits_are_left_to_the_date_rules() -> None:
    """Only dates with a part in words are this module's: "9 July 1941" is date.* work."""
    assert found("en", "Born on 9 July 1941 in a farmhouse.") == set()
    assert found("de", "Aufnahme am 3. März 2025.") == set()


# -- ages -------------------------------------------------------------------------------

AGES = [
    ("en", "A ninety-three-year-old man walked in.", "ninety-three"),
    ("en", "He is ninety-seven years old and lives alone.", "ninety-seven"),
    ("en", "Aged one hundred and two, she still gardens.", "one hundred and two"),
    ("de", "Die vierundneunzigjährige Patientin klagt über Schwindel.", "vierundneunzig"),
    ("de", "Er ist einundneunzig Jahre alt.", "einundneunzig"),
    ("fr", "Patiente de nonante-deux ans, autonome.", "nonante-deux"),
    ("fr", "Homme âgé de quatre-vingt-seize ans.", "quatre-vingt-seize"),
    ("nl", "Een vierennegentigjarige vrouw met koorts.", "vierennegentig"),
    ("nl", "Zij is negenennegentig jaar oud.", "negenennegentig"),
    ("it", "Paziente di novantaquattro anni, vigile.", "novantaquattro"),
    ("it", "Signora centodue anni, allettata.", "centodue"),
    ("es", "Varón de noventa y cinco años con disnea.", "noventa y cinco"),
    ("es", "Mujer de ciento un años.", "ciento un"),
]


@pytest.mark.parametrize(("code", "text", "age"), AGES)
def test_an_age_of_ninety_or_more_in_words(code: str, text: str, age: str) -> None:
    assert (age, "AGE", "rules:spoken.age") in found(code, text)


YOUNG = [
    ("en", "A forty-five-year-old man.", "forty-five"),
    ("en", "He is aged sixty and works.", "sixty"),
    ("de", "Er ist vierzig Jahre alt und raucht seit zwanzig Jahren.", "vierzig"),
    ("fr", "Homme âgé de quarante ans, fumeur depuis trois ans.", "quarante"),
    ("nl", "Een vijfenzestigjarige vrouw.", "vijfenzestig"),
    ("es", "Varón de setenta y cinco años de edad.", "setenta y cinco"),
]


@pytest.mark.parametrize(("code", "text", "age"), YOUNG)
def test_an_age_under_ninety_is_proposed_next_to_an_age_only_word(code: str, text: str,
                                                                  age: str) -> None:
    """Resolve reads its value (``fairdeid.age_values``) and the preset decides; the
    durations in the same sentences ("seit zwanzig Jahren") are not ages."""
    assert found(code, text) == {(age, "AGE", "rules:spoken.age")}


DURATIONS = [
    ("en", "She smoked for thirty years."),
    ("de", "Raucht seit zwanzig Jahren."),
    ("fr", "Patiente de quatre-vingt-deux ans."),
    ("it", "Paziente di ottantanove anni."),
    ("nl", "Sinds twintig jaar rookt hij."),
    ("es", "Desde hace tres años, a los cinco años del alta."),
]


@pytest.mark.parametrize(("code", "text"), DURATIONS)
def test_an_age_word_that_measures_time_proposes_no_age_under_ninety(code: str,
                                                                     text: str) -> None:
    """``duration_words``: "thirty years" is as often a duration as an age; the French and
    Italian sentences are ages only a person word tells, which these words do not read."""
    assert found(code, text) == set()


# -- dictated numbers -------------------------------------------------------------------

NUMBERS = [
    ("en", "Call back on zero six one two three four five six seven.",
     "zero six one two three four five six seven", "PHONE"),
    ("en", "Record number four four zero nine one two eight.",
     "four four zero nine one two eight", "MEDICALRECORD"),
    ("en", "Reference three three one oh oh seven nine.", "three three one oh oh seven nine",
     "IDNUM"),
    ("de", "Tel. vier vier null neun eins zwei drei, bitte zurückrufen.",
     "vier vier null neun eins zwei drei", "PHONE"),
    ("de", "Fallnummer sieben sieben zwei null eins vier.", "sieben sieben zwei null eins vier",
     "MEDICALRECORD"),
    ("fr", "Téléphone : zéro six, un deux, trois quatre, cinq six.",
     "zéro six, un deux, trois quatre, cinq six", "PHONE"),
    ("fr", "Dossier numéro huit huit un zéro deux trois.", "huit huit un zéro deux trois",
     "MEDICALRECORD"),
    ("nl", "Telefoon nul zes een twee drie vier vijf zes.", "nul zes een twee drie vier vijf zes",
     "PHONE"),
    ("it", "Cartella clinica numero uno due tre quattro cinque sei.",
     "uno due tre quattro cinque sei", "MEDICALRECORD"),
    ("it", "Telefono tre tre otto uno due due nove.", "tre tre otto uno due due nove", "PHONE"),
    ("es", "Teléfono seis uno dos tres cuatro cinco seis.", "seis uno dos tres cuatro cinco seis",
     "PHONE"),
    ("es", "Historia clínica uno dos tres cuatro cinco seis siete.",
     "uno dos tres cuatro cinco seis siete", "MEDICALRECORD"),
]


@pytest.mark.parametrize(("code", "text", "number", "label"), NUMBERS)
def test_six_or_more_digit_words_are_a_number(code: str, text: str, number: str,
                                              label: str) -> None:
    assert (number, label, "rules:spoken.number") in found(code, text)


# -- what is not PHI --------------------------------------------------------------------

NEGATIVES = [
    ("en", "Give twenty milligrams twice a day for three days."),
    ("en", "You may first try rest and ice."),
    ("en", "The first of all concerns is pain; two of four tests were normal."),
    ("en", "Counted one two three four five aloud."),
    ("en", "In march the team will meet twice."),
    ("de", "Drei Tabletten morgens, zwei Tabletten abends."),
    ("de", "Seit drei Jahren Schmerzen, seit zwei Wochen Fieber."),
    ("de", "Im März zwei Stürze."),
    ("fr", "Le premier épisode date de trois semaines."),
    ("fr", "Deux comprimés le matin, un le soir, pendant dix jours."),
    ("fr", "Septième jour de traitement, six prises par jour."),
    ("nl", "Twee tabletten per dag, de tweede keer na het eten."),
    ("nl", "Drie keer per week fysiotherapie sinds mei."),
    ("it", "Una volta al giorno, due compresse la sera."),
    ("it", "Il terzo ciclo è iniziato dopo tre settimane."),
    ("es", "Dos veces al día durante diez días."),
    ("es", "El segundo ciclo, tres comprimidos por la noche."),
]


@pytest.mark.parametrize(("code", "text"), NEGATIVES)
def test_number_words_that_are_not_dates_ages_or_numbers(code: str, text: str) -> None:
    assert found(code, text) == set()


# -- reading numbers --------------------------------------------------------------------


def _parts(code: str, text: str) -> list[Part]:
    reader = finder_for(code).reader  # type: ignore[union-attr]
    return reader.parts(text, 0, len(text))


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        ("en", "nineteen fifty two", 1952),
        ("en", "twenty oh five", 2005),
        ("en", "two thousand and five", 2005),
        ("en", "nineteen hundred fifty two", 1952),
        ("en", "twenty-first", 21),
        ("de", "neunzehnhundertzweiundfünfzig", 1952),
        ("de", "zweitausendfünfundzwanzig", 2025),
        ("de", "einhundertzwei", 102),
        ("fr", "mille neuf cent cinquante-deux", 1952),
        ("fr", "dix-neuf cent quatre-vingt-dix-neuf", 1999),
        ("fr", "soixante-dix-huit", 78),
        ("nl", "tweeduizend vijfentwintig", 2025),
        ("it", "millenovecentottanta", 1980),
        ("it", "duemilaventicinque", 2025),
        ("es", "mil novecientos cincuenta y dos", 1952),
        ("es", "dos mil veinticinco", 2025),
    ],
)
def test_number_words_are_read_as_a_reader_would(code: str, text: str, value: int) -> None:
    read = value_of(_parts(code, text))
    assert read is not None and read[0] == value


@pytest.mark.parametrize(("code", "text"), [("en", "two fifty"), ("en", "ninth nineteen"),
                                            ("en", "five hundred hundred")])
def test_words_that_make_no_number(code: str, text: str) -> None:
    assert value_of(_parts(code, text)) is None


# -- configuration ----------------------------------------------------------------------


def test_the_rules_can_be_switched_off_one_by_one() -> None:
    text = "Seen july ninth nineteen fifty two; he is ninety-one years old."
    det = detector("en")
    assert {s.source for s in spoken_spans("en", text)} == {"rules:spoken.date",
                                                            "rules:spoken.age"}
    no_age = det.with_disabled(["spoken.age"]).detect(Document(id="t", text=text))
    assert not [s for s in no_age if s.source == "rules:spoken.age"]
    assert [s for s in no_age if s.source == "rules:spoken.date"]
    none = det.with_disabled(["spoken"]).detect(Document(id="t", text=text))
    assert not [s for s in none if s.source.startswith("rules:spoken")]
    assert det._known >= SPOKEN_RULES


def test_every_pack_lists_its_spoken_file_and_its_data_is_whole() -> None:
    for code in LANGUAGES[1:]:
        folder = PACKS_DIR / code
        assert (folder / "spoken.toml").is_file()
        rules = tomllib.loads((folder / "pack.toml").read_text("utf-8"))["detectors"]["rules"]
        assert "spoken.toml" in rules["extra_patterns"], code
        words = finder_for(code).words  # type: ignore[union-attr]
        assert words.language == code
        assert sorted(set(words.digits.values())) == list(range(10)), code
        numbers = set(words.numbers.values())
        assert set(range(1, 100)) <= numbers | _sums(words), code
        assert set(words.ordinals.values()) >= {1}, code


def _sums(words: SpokenWords) -> set[int]:
    """Numbers the reader composes from two words with a joiner ("treinta y uno")."""
    tens = [v for v in words.numbers.values() if v % 10 == 0 and 20 <= v <= 90]
    return {t + u for t in tens for u in range(1, 10)}


def test_bad_spoken_data_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[spoken]\nmonth_macro = "MONTH_FULL"\n', "utf-8")
    with pytest.raises(ConfigError, match="unknown \\[spoken\\] keys"):
        RuleDetector(extra_patterns=[str(bad)])
    missing = tmp_path / "missing.toml"
    missing.write_text('[spoken]\nmonth_macros = ["NO_SUCH_MACRO"]\n', "utf-8")
    with pytest.raises(ConfigError, match="NO_SUCH_MACRO"):
        RuleDetector(extra_patterns=[str(missing)])
    negative = tmp_path / "negative.toml"
    negative.write_text('[spoken.numbers]\n"minus one" = -1\n', "utf-8")
    with pytest.raises(ConfigError, match="whole numbers"):
        SpokenFinder.from_tables(load_pattern_tables(None, [negative]))


def test_a_pack_file_replaces_the_english_words() -> None:
    """A German note's "one two three four five six" is no dictated number in German."""
    assert found("de", "Notiz: one two three four five six seven.") == set()
    assert found("en", "Notiz: one two three four five six seven.")


# -- through the pipeline ---------------------------------------------------------------


def test_safe_harbor_removes_spoken_dates_and_old_ages() -> None:
    pipe = Pipeline.from_config()
    text = ("Dictated july ninth nineteen fifty two. The patient is ninety-three years old "
            "and can be reached on zero six one two three four five six seven.")
    out = pipe.deidentify(text).text
    for word in ("ninth", "fifty", "ninety", "zero six"):
        assert word not in out


def test_a_match_inside_a_word_does_not_hide_the_one_after_it() -> None:
    """The anchors are searched without a look-behind (speed): a match that starts inside a
    word ("stone") is skipped and the search goes on from the next character."""
    text = "Ref stone two three four five six seven."
    assert ("two three four five six seven", "IDNUM", "rules:spoken.number") in found("en", text)


def test_the_prefilter_changes_no_span() -> None:
    text = ("Seen july ninth nineteen fifty two. Aged ninety-one. Call zero six one two three "
            "four five six. Nothing else in may or march.")
    with_hs = RuleDetector(prefilter=True)
    with_hs.spoken._prefilter.build()
    without = RuleDetector(prefilter=False)
    doc = Document(id="t", text=text)
    spoken = [s for s in with_hs.detect(doc) if s.source.startswith("rules:spoken")]
    assert len(spoken) == 3
    assert set(with_hs.detect(doc)) == set(without.detect(doc))
