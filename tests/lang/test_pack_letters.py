"""Letters of the fourth writers (issue 12): the classes their letters showed missing in de, fr,
nl and it (practices and firms with names, lower-case countries and the town before its
country, plates after a vehicle word, call signs, theatre and room numbers, Swiss and
Luxembourg doctor numbers, occupations after a relative), each with look-alikes that must stay.
Every sentence is invented for this file."""

from __future__ import annotations

from functools import cache

import pytest
from pack_notes import labels_over, touched

from fairdeid.detect.rules import RuleDetector
from fairdeid.lang.packs import load_pack


@cache
def _detector(code: str) -> RuleDetector:
    return RuleDetector.from_config(load_pack(code).config["detectors"]["rules"])


@pytest.mark.parametrize(
    ("code", "text", "value", "label"),
    [
        # de: practices, foundations, mines, insurers in lower case
        ("de", "Herrn Dr. Lorenz Vogt\nKinderarztpraxis Sonnenhügel\nBirkenweg 4, 37073 Göttingen",
         "Sonnenhügel", "ORGANIZATION"),
        ("de", "Kopie an Zahnarztpraxis am Schlossgarten, Fulda", "Zahnarztpraxis am Schlossgarten",
         "ORGANIZATION"),
        ("de", "Befund an Hausarztpraxis Roth/Albers, Kassel", "Roth/Albers", "ORGANIZATION"),
        ("de", "hausärztin: dr. petra vogel, praxis am lindenplatz", "praxis am lindenplatz",
         "ORGANIZATION"),
        ("de", "Er wohnt in der Stiftung Kreuzberghof.", "Stiftung Kreuzberghof",
         "ORGANIZATION"),
        ("de", "vater früher hauer auf zeche minister stein", "zeche minister", "LOCATION_OTHER"),
        ("de", "kk: barmer versnr folgt", "barmer", "ORGANIZATION"),
        # de: countries in lower case and the town before a country in a bracket
        ("de", "geboren in breslau (polen), seit 1990 hier", "polen", "COUNTRY"),
        ("de", "geboren in breslau (polen), seit 1990 hier", "breslau", "CITY"),
        ("de", "Pat. stammt aus Tuzla (Bosnien und Herzegowina).", "Tuzla", "CITY"),
        ("de", "die tochter lebt in der türkei", "türkei", "COUNTRY"),
        # de: rooms, call signs, plates, Luxembourg's doctor code and postal code
        ("de", "OP-Datum: 02.03.2026   Saal 4", "4", "ROOM"),
        ("de", "liegt auf zimmer 3.107 am fenster", "3.107", "ROOM"),
        ("de", "Eintreffen 14:02 Uhr, RTW KS 2/83-1, Übergabe", "KS 2/83-1", "VEHICLE"),
        ("de", "kam mit dem PKW (GÖ-LV 218) zur Aufnahme", "GÖ-LV 218", "VEHICLE"),
        ("de", "Unfallgegner: Lkw W-48213K aus Wien", "W-48213K", "VEHICLE"),
        ("de", "Dr. Lea Hoffmann – Code médecin 204518-37", "204518-37", "LICENSE"),
        ("de", "8, rue du Moulin, L-3840 Schifflange", "L-3840", "ZIP"),
        # de: an occupation after the patient and a comma, after a relative in lower case
        ("de", "Wir sahen Ihre Patientin, Verkäuferin in einer Bäckerei, am Montag.",
         "Verkäuferin", "PROFESSION"),
        ("de", "bezugsperson: sohn marek nowak (elektriker), tel folgt", "elektriker",
         "PROFESSION"),
        # fr: countries in lower case, towns before their country, plates, lanes, programmes
        ("fr", "née le 2/4/1980 à bamako (mali), arrivée en 2015", "bamako", "CITY"),
        ("fr", "née le 2/4/1980 à bamako (mali), arrivée en 2015", "mali", "COUNTRY"),
        ("fr", "né à homs en syrie virgule domicilié à lille", "homs", "CITY"),
        ("fr", "né à homs en syrie virgule domicilié à lille", "syrie", "COUNTRY"),
        ("fr", "patron du chalutier immatriculé GV 418207 depuis 2010", "GV 418207", "VEHICLE"),
        ("fr", "renversé par une voiture AB-318-KD hier soir", "AB-318-KD", "VEHICLE"),
        ("fr", "Domicile : 12 venelle des Lavandières, 29200 Brest", "12 venelle des Lavandières",
         "STREET"),
        ("fr", "Domicile : Chaussée de Louvain 412, bte 5, 1030 Schaerbeek",
         "Chaussée de Louvain 412, bte 5", "STREET"),
        ("fr", "suivi à domicile (programme PRADOC) dès la sortie", "PRADOC", "ORGANIZATION"),
        ("fr", "Dr Jean Favre, médecin adjoint – RCC Z 2231.07", "Z 2231.07", "LICENSE"),
        # nl: named practices, firms, ages in a bracket, plates
        ("nl", "huisarts: dr. Els Peeters, groepspraktijk Het Klaverblad",
         "groepspraktijk Het Klaverblad", "ORGANIZATION"),
        ("nl", "werkte veertig jaar bij drukkerij Verbeke in Tielt", "drukkerij Verbeke",
         "ORGANIZATION"),
        ("nl", "mevr. Claes Maria ° 02/05/1932 (94 j) – opname", "94", "AGE"),
        ("nl", "aanrijding met bestelbus (VNB-12-K) op de ring", "VNB-12-K", "VEHICLE"),
        ("nl", "chauffeur van vrachtwagen 1-KLM-457 werd niet gewond", "1-KLM-457", "VEHICLE"),
        # it: plates, ambulance codes, RCC, case and histology numbers, towns of origin,
        # occupations after a relative or after a town in a bracket
        ("it", "investito da un furgone targato GH 412 LT in via Roma", "GH 412 LT", "VEHICLE"),
        ("it", "arrivo ore 9:40 (118, mezzo FI 22) in codice giallo", "FI 22", "VEHICLE"),
        ("it", "Dr. med. Paolo Rezzonico – RCC Z 3310.42", "Z 3310.42", "LICENSE"),
        ("it", "N. caso FC 51277304 – ricovero ordinario", "FC 51277304", "ACCOUNT"),
        ("it", "inviato in anatomia patologica (n. 26/B/00871)", "26/B/00871", "IDNUM"),
        ("it", "giunta in Italia nel 2019, arrivata da Kharkiv con la figlia", "Kharkiv", "CITY"),
        ("it", "riferimento: cugino Marco Sala (geometra), cell 333", "geometra", "PROFESSION"),
        ("it", "paziente di origine albanese (Valona), barista a Rimini", "barista",
         "PROFESSION"),
    ],
)
def test_letters_classes(code: str, text: str, value: str, label: str) -> None:
    assert label in labels_over(_detector(code), text, value)


@pytest.mark.parametrize(
    ("code", "text", "value"),
    [
        # de: a practice word before an ordinary noun, a time or the doctor's title
        ("de", "In der Hausarztpraxis Blut abgenommen und zurückgeschickt.", "Blut"),
        ("de", "Hausarztpraxis Dr. Kühn informiert.", "Hausarztpraxis"),
        ("de", "anruf in der praxis am vormittag", "vormittag"),
        ("de", "Stiftung für Kinderhilfe", "für"),
        ("de", "die zeche bezahlt der sohn", "bezahlt"),
        ("de", "kk: privat", "privat"),
        # de: a duration or an abbreviation after a vehicle word, a count after a hall
        ("de", "Fahrzeit im Auto ca. 2 Stunden, PKW ABS defekt", "ABS"),
        ("de", "Sturz aus dem Saal nach 10 Minuten", "10"),
        # fr: an origin before a country, a word of place
        ("fr", "patiente d'origine tamoule (Sri Lanka), cuisinière", "origine tamoule"),
        ("fr", "Retour de voyage au Sénégal il y a 3 semaines.", "voyage"),
        ("fr", "Plaque de 3 cm au genou, voiture TGV en panne", "TGV"),
        # nl: an ordinary practice word, a dose after "auto"
        ("nl", "In de praktijk gezien op maandag.", "praktijk"),
        ("nl", "Rijdt weer auto sinds 2 weken.", "2 weken"),
        # it: a ward after "arrivata da", an age after "mezzo"
        ("it", "arrivata dal Pronto Soccorso alle 14", "Pronto Soccorso"),
        ("it", "a mezzo servizio da 3 mesi", "3 mesi"),
    ],
)
def test_letters_look_alikes_stay(code: str, text: str, value: str) -> None:
    assert not touched(_detector(code), text, value)
