"""Never-PHI words trimmed off the French and Dutch packs' learned names and places
(``fairdeid.detect.learned_trim``): the word rules on small lists, then clinical sentences
through the packs that must come out untouched while the names beside them stay tagged."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from fairdeid.detect.learned_trim import LearnedTrim
from fairdeid.detect.titles import TitleWords
from fairdeid.document import Span
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline

WORDS = LearnedTrim(
    never=frozenset(["de", "la", "le", "m", "mme", "dr", "mari", "clinique", "chambre",
                     "pédiatre"]),
    common=frozenset(["jean", "valeur", "mutuelle", "salle", "garde", "forestier", "petit"]),
    names=frozenset({"jean", "petit", "neveu"}),
    titles=TitleWords.build(["M", "Mme", "Dr"], ["dr"]),
    particles=frozenset(["de", "van", "le"]),
    soft=frozenset(["neveu", "petit"]),
)


def _trimmed(text: str, part: str, label: str = "PATIENT",
             source: str = "transformer:minilm-mc-deid") -> str | None:
    start = text.index(part)
    span = WORDS.trim(text, Span(start, start + len(part), label, source))
    return None if span is None else text[span.start : span.end]


@pytest.mark.parametrize(
    ("text", "part", "expected"),
    [
        ("Patient : Mme Chen Xiaoling, 58 ans", "Mme Chen Xiaoling", "Chen Xiaoling"),
        ("son mari Karim attend", "mari Karim", "Karim"),
        # a stopword that is also a name: trimmed in lower case before a capitalised name,
        # kept after one ("julien petit", a surname)
        ("son neveu Kévin Wahoulo", "neveu Kévin Wahoulo", "Kévin Wahoulo"),
        ("Contact : julien petit (frère)", "julien petit", "julien petit"),
        ("Dr Élodie Sarr, pédiatre\n", "Élodie Sarr, pédiatre", "Élodie Sarr"),
        # a patient's occupation after a comma is PHI: it stays with the name
        ("contact : Benoît Goffinet, garde forestier", "Benoît Goffinet, garde forestier",
         "Benoît Goffinet, garde forestier"),
        ("chef de clinique\n", "de clinique", None),
        ("Champ | Valeur\n", "Valeur", None),
        ("| Mutuelle | MGEN", "Mutuelle", None),
        # a particle before a capitalised name, a listed name, initials, a word after a title
        ("Patient : de Vries", "de Vries", "de Vries"),
        ("vu par jean martin", "jean martin", "jean martin"),
        ("Pt R. A. (IPP 123)", "R. A.", "R. A."),
        ("echo (dr. valeur): normaal", "valeur", "valeur"),
        # no letter or digit at all: a form's box or cross
        ("Signature patient : ✗", "✗", None),
        # a capitalised frequent word inside a longer name stays
        ("au restaurant « Petit Saigon »", "Petit Saigon", "Petit Saigon"),
    ],
)
def test_names_lose_their_never_phi_edges(text: str, part: str, expected: str | None) -> None:
    assert _trimmed(text, part) == expected


def test_places_are_dropped_whole_or_kept_whole() -> None:
    # an organisation is made of ordinary words: never cut
    text = "vers la Maison de repos et de soins Le Val"
    assert _trimmed(text, "Maison de repos et de soins Le Val", "LOCATION") == (
        "Maison de repos et de soins Le Val")
    assert _trimmed("service de gériatrie, chambre 517", "chambre", "LOCATION") is None
    assert _trimmed("attend en salle", "salle", "LOCATION") == "salle"
    assert _trimmed("rue du Pont 14", "rue du Pont 14", "LOCATION") == "rue du Pont 14"


def test_rule_spans_and_other_labels_are_left_alone() -> None:
    text = "Mme Chen, le 3 mars"
    spans = [Span(0, 8, "PATIENT", "rules:name.title"), Span(10, 19, "DATE", "crf:crf-fr-mw"),
             Span(0, 3, "PATIENT", "crf:crf-fr-mw")]
    assert WORDS.apply(text, spans) == spans[:2]


def test_the_pack_lists_are_read_from_the_rules_table() -> None:
    words = LearnedTrim.from_config(load_pack("fr").config)
    assert {"clinique", "pédiatre"} <= words.never
    assert {"mari", "petit"} <= words.soft and "petit" not in words.never
    assert "jean" in words.names and not words.is_edge_word("Jean")
    assert {"de", "van"} <= words.particles


def _untrimmed(code: str) -> Pipeline:
    config = copy.deepcopy(load_pack(code).config)
    config["resolve"]["trim_learned"] = False
    return Pipeline.from_config(config, mode="tag")


# clinical sentences of the hand-written sets whose ordinary words the packs' encoder or CRF
# tagged: none of them may be tagged, and the names beside them must stay
CASES = {
    "fr": [
        ("Dr Thomas Vignaud, chef de clinique\nCopie à : Dr Marc Etcheverry, médecin traitant",
         ["de clinique"], ["Thomas Vignaud"]),
        ("Fiche de liaison EHPAD → Hôpital\nEHPAD Korian Les Magnolias, 5 allée des Tilleuls",
         ["Hôpital"], []),
    ],
    "nl": [
        ("Opname 3/1/2024 22:47, zelf gekomen met echtgenoot (Youssef)", ["echtgenoot"],
         ["Youssef"]),
        ("Anamnese: moeder (Rania Haddad) vertelt dat Lina sinds 2 dagen koorts heeft.",
         ["moeder"], ["Rania Haddad"]),
        ("COPD-exacerbatie (GOLD 3) met hypercapnie. Behandeld met prednisolon 30 mg 5 dagen, "
         "doxycycline.", ["Behandeld"], []),
        ("Zaalarts dr. Kusters morgen om 8:30 bellen over kweekuitslag van 26-11.", ["morgen"],
         ["Kusters"]),
    ],
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_clinical_words_come_out_untouched(code: str) -> None:
    pipeline = Pipeline.from_config(load_pack(code).config, mode="tag")
    untrimmed = _untrimmed(code)
    for text, clinical, names in CASES[code]:
        spans = pipeline.detect(text).document.spans
        tagged = [text[s.start : s.end] for s in spans]
        for word in clinical:
            start = text.index(word)
            assert not any(s.start < start + len(word) and start < s.end for s in spans), (
                word, tagged)
        for name in names:
            assert any(name in t for t in tagged), (name, tagged)
        # the sentence is one the pack tagged before the trim: the test can fail
        before = untrimmed.detect(text).document.spans
        assert any(text.index(w) < s.end and s.start < text.index(w) + len(w)
                   for w in clinical for s in before)


def test_trim_learned_below_trims_only_low_scoring_spans() -> None:
    # the de CRF's low-confidence ordinary words ("Unterschrift" at 0.52) go; the same word at
    # a high score stays (trim_learned_below: only spans scoring under it are judged)
    trim = replace(LearnedTrim.from_config(load_pack("de").config), below=0.6)
    text = "kommt selbst ins Klinikum\nUnterschrift NA: F. Oelschlaeger"
    start = text.index("Unterschrift")
    low = Span(start, start + 12, "LOCATION", "crf:crf-de-mw", 0.52)
    high = Span(start, start + 12, "LOCATION", "crf:crf-de-mw", 0.81)
    assert trim.apply(text, [low]) == []
    assert trim.apply(text, [high]) == [high]


def test_the_packs_set_trim_learned_below() -> None:
    for code in ("de", "it"):  # es gained nothing from it (docs/language-packs.md)
        pipeline = Pipeline.from_config(load_pack(code).config, mode="tag")
        assert pipeline.learned_trim is not None and pipeline.learned_trim.below == 0.6
    config = copy.deepcopy(load_pack("de").config)
    config["resolve"]["trim_learned_below"] = 1.5
    with pytest.raises(ConfigError):
        Pipeline.from_config(config, mode="tag")


def test_trim_learned_lower_drops_the_encoders_lower_case_words_in_cased_notes() -> None:
    # letters6 (nl): the encoder tags ordinary lower-case words as names ("darmspoelen",
    # "zelfkatheterisatie"); in a note written with capitals they go, a listed name in lower
    # case and the CRF's lower-case login stay, and a lower-case record keeps every span
    trim = LearnedTrim.from_config(load_pack("nl").config)
    lower = replace(trim, lower=True)
    cased = ("Ontslagbrief Revalidatie\nBetreft: Mevr. Sanne Dekker, geb. 3 mei 1950\n"
             "Blaas: zelfkatheterisatie. Darm: darmspoelen om de dag, in herstel. "
             "Haar dochter anna Dekker belt. Gebruiker: sdekker1\n")

    def span(text: str, word: str, source: str = "transformer:minilm-mc-deid") -> Span:
        start = text.index(word)
        return Span(start, start + len(word), "PATIENT", source, 0.99)

    ordinary = [span(cased, "darmspoelen"), span(cased, "zelfkatheterisatie")]
    kept = [span(cased, "anna"), span(cased, "sdekker1", "crf:crf-nl-mw"),
            span(cased, "Sanne Dekker")]
    assert lower.apply(cased, ordinary + kept) == kept
    assert trim.apply(cased, ordinary) == ordinary  # off unless asked for
    record = "triage: buikpijn sinds gisteren, beller moeder, broertje yusra thuis\n"
    assert lower.apply(record, [span(record, "yusra")]) == [span(record, "yusra")]
    pipeline = Pipeline.from_config(load_pack("nl").config, mode="tag")
    assert pipeline.learned_trim is not None and pipeline.learned_trim.lower
    config = copy.deepcopy(load_pack("nl").config)
    config["resolve"]["trim_learned_lower"] = "yes"
    with pytest.raises(ConfigError):
        Pipeline.from_config(config, mode="tag")
