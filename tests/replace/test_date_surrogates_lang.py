"""Date surrogates in the note's language: same language, same shape, the patient's shift."""

from __future__ import annotations

import datetime as dt

import pytest

from fairdeid.document import Document, Span
from fairdeid.replace import build_replacer
from fairdeid.replace.surrogates import SurrogateReplacer
from fairdeid.replace.surrogates.dates import note_language, shift_date

KEY = "Vq8Jm2Xr5Tn9Lb3Wz7Kd1Hs6Pf4Gc0-date-surrogates-lang"
DAY = dt.date(2021, 3, 3)

#: (locale, written date, how the language writes a date, for strptime-free checking)
CASES = [
    ("de_DE", "3. März 2021", "{d}. {full} {y}"),
    ("de_DE", "03.03.21", "{dd}.{mm}.{yy}"),
    ("de_DE", "03.03.2021", "{dd}.{mm}.{y}"),
    ("fr_FR", "le 3 mars 2021", "le {d} {full} {y}"),
    ("nl_NL", "3 maart 2021", "{d} {full} {y}"),
    ("it_IT", "3 marzo 2021", "{d} {full} {y}"),
    ("es_ES", "3 de marzo de 2021", "{d} de {full} de {y}"),
]
MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
}


def written(shape: str, day: dt.date, lang: str) -> str:
    return shape.format(d=day.day, dd=f"{day.day:02d}", mm=f"{day.month:02d}", y=day.year,
                        yy=f"{day.year % 100:02d}", full=MONTHS[lang][day.month - 1])


def replacer(locale: str, order: str = "DMY") -> SurrogateReplacer:
    rep = build_replacer({"mode": "surrogate", "locales": [locale], "key": KEY,
                          "date_order": order})
    assert isinstance(rep, SurrogateReplacer)
    return rep


def surrogate(rep: SurrogateReplacer, text: str, patient: str = "p-1") -> str:
    doc = Document("n1", text, {"patient_id": patient}, (Span(0, len(text), "DATE"),))
    return rep.replace(doc, doc.spans).text


def english_shift(patient: str = "p-1") -> int:
    out = surrogate(replacer("en_US", "MDY"), "03/03/2021", patient)
    return (dt.datetime.strptime(out, "%m/%d/%Y").date() - DAY).days


@pytest.mark.parametrize(("locale", "text", "shape"), CASES)
def test_date_keeps_language_and_shape_and_the_english_shift(locale: str, text: str,
                                                            shape: str) -> None:
    lang = locale[:2]
    assert written(shape, DAY, lang) == text
    for patient in ("p-1", "p-2", "p-3"):
        expected = written(shape, DAY + dt.timedelta(days=english_shift(patient)), lang)
        assert surrogate(replacer(locale), text, patient) == expected


@pytest.mark.parametrize(("text", "lang", "days", "expected"), [
    ("3. März 2021", "de", -45, "17. Januar 2021"),
    ("le 3 mars 2021", "fr", -17, "le 14 février 2021"),
    ("03.03.21", "de", -45, "17.01.21"),
    ("3 de marzo de 2021", "es", 30, "2 de abril de 2021"),
    ("3 maart 2021", "nl", 61, "3 mei 2021"),
    ("3 marzo 2021", "it", 92, "3 giugno 2021"),
    # abbreviations keep their language, form and dot (Babel: "Aug." but "Juli", "févr.")
    ("3. Okt. 2021", "de", -45, "19. Aug. 2021"),
    ("3. Sept. 2021", "de", -45, "20. Juli 2021"),
    ("3 avr. 2021", "fr", -45, "17 févr. 2021"),
    ("3 avr. 2021", "fr", 30, "3 mai 2021"),
    ("3 mrt 2021", "nl", -45, "17 jan 2021"),
    ("3 mar 2021", "it", 92, "3 giu 2021"),
    ("3 MARZO 2021", "es", 30, "2 ABRIL 2021"),
    # a word several languages share is read in the note's language
    ("3 april 2021", "nl", 30, "3 mei 2021"),
    ("3 April 2021", "de", 30, "3 Mai 2021"),
    # weekdays and "1er"/"1º"
    ("Montag, 1. März 2021", "de", 1, "Dienstag, 2. März 2021"),
    ("lundi 1er mars 2021", "fr", 1, "mardi 2 mars 2021"),
    ("le 2 mars 2021", "fr", -1, "le 1 mars 2021"),
    ("1º de marzo de 2021", "es", 31, "1º de abril de 2021"),
])
def test_month_names_are_written_back_in_the_notes_language(text: str, lang: str, days: int,
                                                            expected: str) -> None:
    assert shift_date(text, days, order="DMY", lang=lang) == expected


def test_english_notes_are_read_as_before() -> None:
    # "1er" is French only: an English note's "1er mars" stays unparsed, as it always was.
    assert shift_date("1er mars", 5, order="DMY") is None
    assert shift_date("March 4th, 2021", 1) == "March 5th, 2021"
    assert shift_date("4 Mar 2021", -3) == "1 Mar 2021"
    # Other languages' abbreviations that are English words are not months in English notes.
    assert shift_date("3 ago", 5) is None


def test_the_notes_language_comes_from_the_locales_they_all_share() -> None:
    assert note_language(["de_DE"]) == "de"
    assert note_language(["es_ES", "es_MX"]) == "es"
    assert note_language(["en_US"]) == "en"
    assert note_language(["en_US", "es_ES", "fr_FR"]) == "en"  # English notes, mixed origins
    assert note_language(["zh_CN"]) == "en"  # no month names of that language


def test_english_notes_with_a_mix_of_origins_keep_english_month_names() -> None:
    # The patient's locale (where the name comes from) is not the note's language: a Spanish
    # patient in an English note keeps "Apr", never "abr".
    rep = build_replacer({"mode": "surrogate", "locales": ["en_US", "es_ES", "fr_FR", "it_IT"],
                          "key": KEY})
    assert isinstance(rep, SurrogateReplacer)
    for i in range(40):
        out = surrogate(rep, "Mar 4, 2021", f"p-{i}")
        assert out.split()[0] in {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                  "Oct", "Nov", "Dec"}, out
