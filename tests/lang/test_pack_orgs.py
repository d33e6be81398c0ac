"""Organisations, occupations and date shapes the German and French packs find by general rules
(issue 12: firms by legal form, insurers, public bodies, schools and care services, occupations
after strong cues, seasons and calendar weeks, country names in the language), and the ordinary
words next to them that they must leave alone. Every sentence is invented for these tests."""

from __future__ import annotations

import pytest
from pack_notes import covered, touched

from fairdeid.detect.rules import RuleDetector
from fairdeid.lang.packs import load_pack


@pytest.fixture(scope="module")
def de() -> RuleDetector:
    return RuleDetector.from_config(load_pack("de").config["detectors"]["rules"])


@pytest.fixture(scope="module")
def fr() -> RuleDetector:
    return RuleDetector.from_config(load_pack("fr").config["detectors"]["rules"])


@pytest.mark.parametrize(("text", "part", "label"), [
    ("Er arbeitet bei der Bosch Rexroth AG in der Montage.", "Bosch Rexroth AG", "ORGANIZATION"),
    ("Arbeitgeber: Hafenlogistik Brunsbüttel GmbH, Schichtdienst.",
     "Hafenlogistik Brunsbüttel GmbH", "ORGANIZATION"),
    ("Versandlager der Zalando Logistics SE & Co. KG in Erfurt.",
     "Zalando Logistics SE & Co. KG", "ORGANIZATION"),
    ("Teilzeit in der Kanzlei Brandl & Partner mbB, seit 2019.",
     "Brandl & Partner mbB", "ORGANIZATION"),
    ("Mitglied im Turnverein Grün-Weiß Lohne e.V. seit Jahren.",
     "Turnverein Grün-Weiß Lohne e.V.", "ORGANIZATION"),
    ("Konto bei der Raiffeisenbank Mittelhessen eG.", "Raiffeisenbank Mittelhessen eG",
     "ORGANIZATION"),
    ("Versichert bei der Siemens-Betriebskrankenkasse seit 2010.",
     "Siemens-Betriebskrankenkasse", "ORGANIZATION"),
    ("Kasse: BIG direkt gesund, Zusatzversicherung privat.", "BIG direkt gesund",
     "ORGANIZATION"),
    ("Die Kosten trägt die Pflegekasse bei der AOK Bayern.", "Pflegekasse bei der AOK Bayern",
     "ORGANIZATION"),
    ("Er ist Zeitsoldat bei der Bundeswehr in Munster.", "Bundeswehr", "ORGANIZATION"),
    ("Antrag bei der DRV Bund gestellt.", "DRV Bund", "ORGANIZATION"),
    ("Schuldnerberatung über die Verbraucherzentrale Sachsen.", "Verbraucherzentrale Sachsen",
     "ORGANIZATION"),
    ("Die Tochter besucht die Grundschule Am Rosengarten.", "Grundschule Am Rosengarten",
     "ORGANIZATION"),
    ("Einzug in das Seniorenstift Haus Lindenhof geplant.", "Haus Lindenhof", "ORGANIZATION"),
    ("Er hat mit der Firma Lehmkuhl Bedachungen Insolvenz angemeldet.", "Lehmkuhl Bedachungen",
     "ORGANIZATION"),
    ("Beruf: Müllwerker bei der Stadtreinigung.", "Müllwerker", "PROFESSION"),
    ("Sie arbeitet seit 2015 als Kommissioniererin im Lager.", "Kommissioniererin",
     "PROFESSION"),
    ("Ausbildung zur Medizinischen Fachangestellten abgeschlossen.",
     "Medizinischen Fachangestellten", "PROFESSION"),
    ("Die Patientin ist Bankkauffrau von Beruf.", "Bankkauffrau", "PROFESSION"),
    ("Erstdiagnose im Sommer 2019, seither stabil.", "Sommer 2019", "DATE"),
    ("Wiedervorstellung in KW 14/2024 geplant.", "KW 14/2024", "DATE"),
    ("Aufnahme am Di., 12.3.24, Entlassung am Freitag.", "12.3.24", "DATE"),
    ("Praxis Dr. Falk · Marktplatz 1 · 97070 Würzburg", "Marktplatz 1", "STREET"),
    ("Geboren in Kattowitz (Polen), seit 1990 in Deutschland.", "Polen", "COUNTRY"),
])
def test_german_pack_finds(de: RuleDetector, text: str, part: str, label: str) -> None:
    assert label in covered(de, text, part)


@pytest.mark.parametrize(("text", "part"), [
    ("Verordnung: KG 2x/Woche, MLD 1x/Woche.", "KG"),
    ("MRT mit T1 SE und T2 TSE Sequenzen.", "T1 SE"),
    ("Befund: Läsion in T1w SE hypointens.", "T1w SE"),
    ("Er studiert Medizin in Leipzig.", "Medizin"),
    ("Rentenantrag wird über die DRV gestellt.", "DRV"),
    ("Beruf: Rentner, früher selbstständig.", "Rentner"),
    ("Mutter: Mammakarzinom mit 60 Jahren.", "Mammakarzinom"),
    ("Bei Aufnahme Dyspnoe im Herbst und Winter verstärkt.", "Herbst und Winter"),
])
def test_german_pack_leaves_alone(de: RuleDetector, text: str, part: str) -> None:
    assert not touched(de, text, part)


@pytest.mark.parametrize(("text", "part", "label"), [
    ("Employeur : Airbus Operations SAS, Blagnac.", "Airbus Operations SAS", "ORGANIZATION"),
    ("Il tient la Boulangerie Martinez SARL depuis 2010.", "Boulangerie Martinez SARL",
     "ORGANIZATION"),
    ("Salarié de l'EURL Garnier Élec, artisan.", "EURL Garnier Élec", "ORGANIZATION"),
    ("Ordonnance à retirer à la Pharmacie du Marché.", "Pharmacie du Marché", "ORGANIZATION"),
    ("Sa fille est scolarisée au lycée Victor-Hugo depuis septembre.", "lycée Victor-Hugo",
     "ORGANIZATION"),
    ("Inscrite à l'école maternelle Jules-Ferry.", "école maternelle Jules-Ferry",
     "ORGANIZATION"),
    ("Étudiant à l'Université Paris-Panthéon-Assas en droit.", "Université Paris-Panthéon-Assas",
     "ORGANIZATION"),
    ("Travaille à l'ESAT Les Ateliers du Château trois jours par semaine.",
     "ESAT Les Ateliers du Château", "ORGANIZATION"),
    ("Hébergé par l'Association Emmaüs Solidarité depuis mars.", "Association Emmaüs Solidarité",
     "ORGANIZATION"),
    ("Mutuelle : MAAF Santé, contrat individuel.", "MAAF Santé", "ORGANIZATION"),
    ("Il livre des colis pour Chronopost.", "Chronopost", "ORGANIZATION"),
    ("M. Roux travaille à Rungis, poissonnier de nuit.", "poissonnier", "PROFESSION"),
    ("Résident : Gilbert Roussel, chambre 12.", "Gilbert Roussel", "PATIENT"),
    ("Diagnostic posé à l'été 2019 par le rhumatologue.", "été 2019", "DATE"),
    ("Hospitalisé du lun. 4 mars au ven. 8 mars 2024.", "lun. 4 mars", "DATE"),
    ("Née à Oran (Algérie), arrivée en France en 1985.", "Algérie", "COUNTRY"),
])
def test_french_pack_finds(fr: RuleDetector, text: str, part: str, label: str) -> None:
    assert label in covered(fr, text, part)


@pytest.mark.parametrize(("text", "part"), [
    ("Antécédents : HTA SAS appareillé, diabète.", "SAS"),
    ("Ordonnance à retirer à la pharmacie de garde.", "pharmacie de garde"),
    ("Réunion de concertation pluridisciplinaire le 12 mars.", "Réunion"),
    ("Le traumatisme est mineur, pas de fracture.", "mineur"),
    ("La patiente est mineure, accompagnée de sa mère.", "mineure"),
    ("Elle porte une mutuelle MAAF.", "mutuelle"),
])
def test_french_pack_leaves_alone(fr: RuleDetector, text: str, part: str) -> None:
    assert not touched(fr, text, part)
