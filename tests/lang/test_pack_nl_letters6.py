"""Dutch letters by unseen writers (issue 12, letters6): the classes the fourth and fifth writers'
letters showed missing (a country in brackets after a town, a season with its year, relatives
named after a kinship word, in capitals and in a lower-case triage record, a lower-case town
after a postcode, an occupation with its department, a street with "'s-", a "Box:" field,
foreign towns in Dutch, a staff header's list, a student's school, a lower-case insurer), each
with look-alikes that must stay untagged. Every sentence is invented for this file."""

from __future__ import annotations

import pytest

from _packs import found, pack_rules


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # a country of origin in brackets after a town, also countries the list lacked
        ("Patiënte, afkomstig uit Lubumbashi (DR Congo), woont in Leuven.", "DR Congo",
         "COUNTRY"),
        ("Hij is geboren in Poznań (Polen) en werkt in de haven.", "Polen", "COUNTRY"),
        ("Vader (Kameroen, 1970) is gezond.", "Kameroen", "COUNTRY"),
        ("Zij kwam in 2009 uit Armenië naar Brabant.", "Armenië", "COUNTRY"),
        # a season with its year is more precise than a year
        ("Sinds voorjaar 2024 klachten van duizeligheid.", "voorjaar 2024", "DATE"),
        ("Eerder gezien in de zomer van 2021 op de poli.", "zomer van 2021", "DATE"),
        ("Vanaf najaar '23 toenemende dyspnoe.", "najaar '23", "DATE"),
        # relatives named after a kinship word the lists lacked
        ("Oma Hafida spreekt Tamazight, kleinzoon vertaalt.", "Hafida", "PATIENT"),
        ("Zijn broertje Yusuf had vorige week koorts.", "Yusuf", "PATIENT"),
        ("Tante Greet komt dagelijks langs.", "Greet", "PATIENT"),
        # lower case: a first name of the lists after a kinship word
        ("beller: moeder fatima, spreekt weinig nederlands. zusje karim? nee.", "fatima",
         "PATIENT"),
        # lower case: the town after a postcode, alone before the line's end
        ("adres: dorpsweg 12, 1511 AB oostzaan\nhuisarts: praktijk de kreek", "oostzaan",
         "CITY"),
        # an occupation with the department it leads or works in
        ("Ze werkt als teamleider klantenservice bij een energiebedrijf.",
         "teamleider klantenservice", "PROFESSION"),
        ("Zijn dochter Mirjam Bos (bedrijfskundige) regelt de administratie.",
         "bedrijfskundige", "PROFESSION"),
        # a street whose name starts with "'s-"
        ("Poli Longziekten\n's-Gravenzandseweg 45, 2671 JD Naaldwijk", "'s-Gravenzandseweg 45",
         "STREET"),
        # the box of an emergency record as a field
        ("Triage: oranje\nBox: 12\nAnamnese: val van trap", "12", "ROOM"),
        # foreign towns in their Dutch names
        ("Terug van een familiebezoek: Krakau en daarna Warschau per bus.", "Krakau", "CITY"),
        ("Teruggekomen uit Keulen met koorts.", "Keulen", "CITY"),
        # every name of a staff header's list, one per comma
        ("Operateur: dr. K. Martina   Assistentie: Rignald Cijntje, Sharlon Koeiman\n",
         "Sharlon Koeiman", "DOCTOR"),
        # an insurer after its cue in a lower-case record
        ("eigen ha: dr. bos   verz: zilveren kruis 203 448 195\n", "zilveren kruis",
         "ORGANIZATION"),
        # the school after a student's subject
        ("Zijn dochter Noor, studente fysiotherapie aan Avans, helpt thuis.", "Avans",
         "ORGANIZATION"),
        ("Zijn dochter Noor, studente fysiotherapie aan Avans, helpt thuis.",
         "studente fysiotherapie", "PROFESSION"),
    ],
)
def test_class_found(text: str, value: str, label: str) -> None:
    assert (value, label) in found(pack_rules("nl"), text)


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # a bracket after a word that holds a clinical remark, not a country
        ("Gezien op de poli (controle), verder stabiel.", "controle", None),
        # a season without a year is no date element
        ("Klachten vooral in de winter, minder in de zomer.", "winter", None),
        ("Klachten vooral in de winter, minder in de zomer.", "zomer", None),
        # a kinship word before an ordinary lower-case word
        ("moeder thuis, vader werkt. broertje ziek.", "thuis", None),
        ("moeder thuis, vader werkt. broertje ziek.", "ziek", None),
        # a staff list goes on over names only, not over the address after it
        ("Huisarts: Anne de Wit, Leidsevaart 3, Haarlem", "Leidsevaart", "DOCTOR"),
        # a ward named by a kind of care in one word is no proper name
        ("Opname op afdeling Hartrevalidatie, kamer 4.", "Hartrevalidatie", "DEPARTMENT"),
        # an insurer's name as an ordinary word with no insurer cue before it
        ("wijkverpleging via de buurtzorg in de wijk", "buurtzorg", None),
        # a postcode-like code before a lower-case word that goes on
        ("bel 1234 AB en verder niets", "en", None),
    ],
)
def test_look_alike_stays(text: str, value: str, label: str | None) -> None:
    """No span (of ``label``, when given) covers ``value``."""
    assert not any(value in v and label in (None, lab)
                   for v, lab in found(pack_rules("nl"), text))


def test_staff_list_stops_at_credentials_in_english() -> None:
    """The header list (shared code) runs over names only: an English prescriber's credentials
    after the name are no second name."""
    from pathlib import Path

    from fairdeid.pipeline import Pipeline

    config = Path(__file__).resolve().parents[2] / "configs" / "rules-only.toml"
    text = "Prescriber: Norman Coles, MBBS, DEA# RN-72695\n"
    spans = Pipeline.from_config(str(config), mode="tag").detect(text).spans
    names = {text[s.start : s.end] for s in spans if s.label == "DOCTOR"}
    assert names == {"Norman Coles"}
