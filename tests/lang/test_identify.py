"""Language identification: the notes of tests/lang/data/langid_sentences.json (written for
these tests) and the fallbacks for notes that cannot be told."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fairdeid.lang.identify import LanguageChoice, LanguageIdentifier, identify

DATA = json.loads((Path(__file__).parent / "data" / "langid_sentences.json").read_text("utf-8"))
SUPPORTED = ("de", "es", "fr", "it", "nl")


def notes(language: str, size: int = 4) -> list[str]:
    """Consecutive sentences (wrapping around): one note per starting sentence."""
    s = DATA[language]
    return [" ".join(s[(i + k) % len(s)] for k in range(size)) for i in range(len(s))]


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier(SUPPORTED)


@pytest.mark.parametrize("language", ["en", *SUPPORTED])
def test_notes_of_50_words_and_more_are_all_identified(
    identifier: LanguageIdentifier, language: str
) -> None:
    found = notes(language)
    assert len(found) >= 10 and all(len(n.split()) >= 50 for n in found)
    assert [identifier.identify(n).language for n in found] == [language] * len(found)


@pytest.mark.parametrize("language", ["en", *SUPPORTED])
def test_single_sentences_full_of_names_and_numbers_are_identified(
    identifier: LanguageIdentifier, language: str
) -> None:
    got = [identifier.identify(s) for s in DATA[language]]
    assert [c.language for c in got] == [language] * len(got)
    assert all(c.reason == "identified" for c in got)


@pytest.mark.parametrize("language", ["pt", "pl"])
def test_a_language_without_a_pack_goes_to_english_with_a_warning(
    identifier: LanguageIdentifier, language: str
) -> None:
    choice = identifier.identify(" ".join(DATA[language]))
    assert (choice.language, choice.reason, choice.detected) == ("en", "unsupported", language)
    assert choice.warning is not None and language in choice.warning


@pytest.mark.parametrize("text", ["", "12.03.2024 14:30", "BP 120/80", "Dr. Müller"])
def test_too_little_text_goes_to_the_default(identifier: LanguageIdentifier, text: str) -> None:
    choice = identifier.identify(text)
    assert (choice.language, choice.reason, choice.warning) == ("en", "too_short", None)


def test_an_unsure_guess_goes_to_the_default(identifier: LanguageIdentifier) -> None:
    choice = identifier.identify("Anna Maria Rossi Garcia")  # names only: no language
    assert choice.language == "en"
    assert choice.reason == "uncertain" and choice.warning is None


def test_module_level_identify_uses_the_installed_packs() -> None:
    assert identify(DATA["fr"][0]).language == "fr"
    assert identify(DATA["fr"][0], supported=["de"]).reason in ("unsupported", "uncertain")


def test_choice_serialises_without_text() -> None:
    choice = LanguageChoice("de", "identified", "de", 0.99999)
    assert choice.to_dict() == {"language": "de", "reason": "identified", "detected": "de",
                                "confidence": 1.0}
    assert LanguageChoice("en").to_dict() == {"language": "en", "reason": "fixed"}


@pytest.mark.parametrize(("text", "code"), [
    ("患者于2021年3月4日入院，主诉胸痛三天。既往高血压病史，否认糖尿病。", "zh"),
    ("Пациент поступил 3 марта с болью в груди и одышкой, назначено лечение.", "ru"),
])
def test_other_scripts_are_named_as_unsupported_not_forced_into_a_pack(
    identifier: LanguageIdentifier, text: str, code: str
) -> None:
    choice = identifier.identify(text)
    assert (choice.language, choice.reason, choice.detected) == ("en", "unsupported", code)


def test_the_english_shortcut_never_takes_a_note_of_another_language() -> None:
    from fairdeid.lang.identify import _ENGLISH_ONLY, _FOREIGN, _WORD, _plainly_english

    assert not _ENGLISH_ONLY & _FOREIGN
    for language in DATA:
        if language.startswith("_"):
            continue
        whole = notes(language, size=len(DATA[language]))
        taken = [_plainly_english(_WORD.findall(n)) for n in [*whole, *DATA[language]]]
        assert any(taken) == (language == "en"), language
    # Dutch words that are English words too ("of", "had", "been"), among Dutch ones
    dutch = "of het been had gezwollen of niet en de patiënt had pijn van het been bij lopen"
    assert not _plainly_english(_WORD.findall(dutch))
