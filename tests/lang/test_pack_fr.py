"""The French pack's rules on French sentences: each family found where it should be, left alone
where the same words are ordinary clinical French, and a floor on the hand-written notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pack_notes import labels_over as _labels_over
from pack_notes import pipeline_char_scores as _char_scores

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.lang.packs import load_pack
from fairdeid.pipeline import Pipeline

NOTES = Path(__file__).parent / "data" / "fr_rules.markup"


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config(load_pack("fr").config["detectors"]["rules"])


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_config(load_pack("fr").config)


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # dates and times
        ("Hospitalisée du 3 mars 2024 au 11 mars 2024.", "3 mars 2024", "DATE"),
        (
            "Revue le lundi 15 avril 2024 à 10h30 en consultation.",
            "lundi 15 avril 2024 à 10h30",
            "DATE",
        ),
        ("Vu en consultation le 1er février 2023.", "1er février 2023", "DATE"),
        ("Scanner du 28 janv. 2023 : nodule.", "28 janv. 2023", "DATE"),
        ("Douleurs depuis juillet 2021.", "juillet 2021", "DATE"),
        ("Réadaptation prévue mi-septembre.", "septembre", "DATE"),
        ("Tabagisme sevré en 2015, dyslipidémie.", "2015", "DATE"),
        ("Prise de sang faite samedi matin.", "samedi", "DATE"),
        ("Entrée le 12/04/2024 à 14h30.", "14h30", "DATE"),
        # phones
        ("Vous pouvez me joindre au 01 56 09 34 12.", "01 56 09 34 12", "PHONE"),
        ("Portable : 06.12.45.78.90", "06.12.45.78.90", "PHONE"),
        ("Sa fille est joignable au +33 6 71 22 90 18.", "+33 6 71 22 90 18", "PHONE"),
        ("Télécopie : 01 45 67 89 10", "01 45 67 89 10", "FAX"),
        # postal codes, streets, rooms
        ("Adresse : 14 rue de la Paix, 35000 Rennes", "35000", "ZIP"),
        ("Adresse : 14 rue de la Paix, 35000 Rennes", "Rennes", "CITY"),
        ("Adresse : 14 rue de la Paix, 35000 Rennes", "14 rue de la Paix", "STREET"),
        (
            "Cabinet : 3 place de la République, 13001 Marseille",
            "3 place de la République",
            "STREET",
        ),
        ("Domicile : 2 bis, allée des Lilas", "2 bis, allée des Lilas", "STREET"),
        ("Séjour en chambre 214 du service.", "214", "ROOM"),
        # institutions
        ("Transfert au CHU de Rennes pour coronarographie.", "CHU de Rennes", "HOSPITAL"),
        ("Suivie à la Clinique Saint-Joseph depuis un an.", "Clinique Saint-Joseph", "HOSPITAL"),
        ("Courrier de l'AP-HP reçu ce jour.", "AP-HP", "HOSPITAL"),
        # ages over 89 only
        ("Monsieur X, âgé de 93 ans, vit seul.", "93", "AGE"),
        ("Patiente de 91 ans adressée pour chute.", "91", "AGE"),
        # titles and headers
        ("Nous avons reçu Madame Kowalski en consultation.", "Kowalski", "PATIENT"),
        ("Le Pr Claire Nguyen a revu le dossier.", "Claire Nguyen", "DOCTOR"),
        ("Nom : DUPONT Prénom : Marie", "Marie", "PATIENT"),
        ("Médecin traitant : Dr Olivier Fabre", "Olivier Fabre", "DOCTOR"),
        # professions and residence
        ("Ancien mineur, il vit seul.", "mineur", "PROFESSION"),
        ("Chauffeur de taxi de profession, fumeur.", "Chauffeur de taxi", "PROFESSION"),
        ("Il vit seul à Denain depuis son veuvage.", "Denain", "CITY"),
        # hospital identifiers
        ("IPP : 123456789", "123456789", "MEDICALRECORD"),
        ("N° de dossier 2024-000123", "2024-000123", "MEDICALRECORD"),
        ("Dr Martin, RPPS 10001234567", "10001234567", "LICENSE"),
        # day/month without a year, extensions, postal boxes, known hospitals
        ("Revu le 3/03 puis du 12/04 au 15/04.", "15/04", "DATE"),
        ("Joindre le poste 4521 ou le bip 312.", "4521", "PHONE"),
        ("CHU de Nantes, CS 90001, 44093 Nantes Cedex 1", "CS 90001", "STREET"),
        ("Adressée à Lariboisière pour avis.", "Lariboisière", "HOSPITAL"),
        ("Entrée le 16/03/2024 à 03:42 par les urgences.", "16/03/2024 à 03:42", "DATE"),
        ("Adresse : rue Bouvet, 26291 Chabeuil", "rue Bouvet", "STREET"),
        ("Compte rendu validé électroniquement par Sophie MARCHAND.", "Sophie MARCHAND", "DOCTOR"),
        ("Patiente : Mme GARCIA épouse MARTIN Isabelle", "MARTIN Isabelle", "PATIENT"),
        ("Patient : M. Jean DUPONT", "Jean DUPONT", "PATIENT"),
        ("Nous recevons Madame Marie DUPONT.", "Marie DUPONT", "PATIENT"),
        ("Revue le 03.03.21 en consultation.", "03.03.21", "DATE"),
        (
            "Vue par le Dr Eva Masse en consultation.",
            "Eva Masse",
            "DOCTOR",
        ),  # surnames that are also clinical words
        ("Hospitalisé du 3 au 11 mars 2024.", "3", "DATE"),
    ],
)
def test_rule_families_find_french_phi(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hémoglobine 10,2 g/dl, plaquettes 250 G/l.", "250"),
        ("Adressée en Hôpital de Jour d'oncologie.", "Hôpital de Jour"),
        ("Un passage aux Urgences la veille.", "passage aux Urgences"),
        ("Stade T3N0M0 au bilan d'extension.", "T3N0M0"),
        ("Il lit le journal et fait 2 cours de marche par jour.", "2 cours"),
        ("Trois cures de FOLFOX, 5 FU 400 mg/m2.", "5 FU"),
        ("Le patient marche sept jours sur sept.", "sept"),
        ("TA le matin 12/8, EVA à 3/10.", "12/8"),
        ("TA le matin 12/8, EVA à 3/10.", "3/10"),
        ("Patient : Mme DUPONT Marie", "Mme"),  # the title stays
        ("Patiente : Madame DUPONT Marie", "Madame"),
        ("Prendre 2 à 3 comprimés par jour.", "2 à 3"),
        ("DR MARTIN JEAN\nPraticien Hospitalier", "Praticien Hospitalier"),
    ],
)
def test_ordinary_french_is_not_phi(detector: RuleDetector, text: str, value: str) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


CLINICAL_FR = """\
Motif d'hospitalisation : Douleur thoracique atypique.
Antécédents : Hypertension artérielle traitée, Diabète de type 2 non insulino-requérant, \
Tabagisme actif à 20 paquets-années. Appendicectomie dans l'enfance.
Mode de vie : Vit avec son épouse, autonome pour les actes de la vie quotidienne.
Histoire de la maladie : Le patient rapporte une douleur rétrosternale survenue au repos, sans \
irradiation, d'une durée de vingt minutes. Pas de dyspnée ni de palpitations.
Examen clinique : Bon état général. Auscultation cardiaque : Bruits du cœur réguliers, pas de \
souffle. Auscultation pulmonaire : Murmure vésiculaire symétrique. Abdomen souple, dépressible \
et indolore. Mollets souples. Pas de signe de Homans.
Examens complémentaires : ECG en rythme sinusal à 72 battements par minute, sans trouble de \
repolarisation. Troponine négative à deux reprises. Radiographie thoracique sans anomalie.
Conclusion : Douleur thoracique non coronarienne probable. Sortie à domicile avec Paracétamol \
1 g trois fois par jour si besoin. Épreuve d'effort à programmer en ambulatoire. Poursuite du \
Ramipril 5 mg et de la Metformine 1000 mg matin et soir. Score de Glasgow à 15.
Hémoglobine 13,5 g/dl, Plaquettes 250 G/l, Créatinine 82 µmol/l, Kaliémie 4,1 mmol/l, CRP 3 mg/l.
Le Service de Cardiologie reste à votre disposition. Au total, évolution favorable sous \
traitement médical. Stade T2N0M0 selon la classification.
"""


def test_ordinary_french_clinical_text_yields_no_span(pipeline: Pipeline) -> None:
    found = pipeline.detect(CLINICAL_FR).document.spans
    assert [(CLINICAL_FR[s.start : s.end], s.source) for s in found] == []


def test_recall_and_precision_floor_on_hand_written_french_notes() -> None:
    # these notes' gold leaves titles out of names ("Dr [[DOCTOR:Lefèvre]]"), as i2b2 does
    config = load_pack("fr").config
    kept = Pipeline.from_config({**config, "resolve": {**config["resolve"], "name_titles": "keep"}})
    recall, precision = _char_scores(kept, NOTES)
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)


def test_a_record_number_is_not_a_french_phone(detector: RuleDetector) -> None:
    assert "PHONE" not in _labels_over(detector, "N° de dossier 2024-000123", "2024-000123")


# classes of PHI that the first packs missed (issue 12, recall): each found where it should be
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # an occupation in apposition after a titled name, an age, a birth date
        ("Nous voyons M. Paul Lefèvre, boulanger, pour une toux.", "boulanger", "PROFESSION"),
        ("Homme de 52 ans, couvreur, chute d'une échelle.", "couvreur", "PROFESSION"),
        ("Mme Aline Roche, née le 02/05/1970, comptable, suivie pour", "comptable", "PROFESSION"),
        # the occupation before the retirement word
        ("Veuve, institutrice retraitée, vit seule.", "institutrice", "PROFESSION"),
        ("Agriculteur à la retraite, veuf.", "Agriculteur", "PROFESSION"),
        # organisations: insurers and mutuelles, employers, schools, laboratories, care homes
        ("Mutuelle : Harmonie Mutuelle, tiers payant.", "Harmonie Mutuelle", "ORGANIZATION"),
        ("Affiliée à la MGEN.", "MGEN", "ORGANIZATION"),
        ("Travaille chez Michelin comme cariste.", "Michelin", "ORGANIZATION"),
        ("Employé à la société Transports Girard.", "Transports Girard", "ORGANIZATION"),
        ("Vit au foyer Les Tilleuls depuis mars.", "Les Tilleuls", "ORGANIZATION"),
        ("Transport par le SAMU 33.", "SAMU 33", "ORGANIZATION"),
        # serial and lot numbers of devices
        ("Stimulateur posé, n° de série PJN123456S, lot n° 21B0457.", "PJN123456S", "DEVICE"),
        ("Stimulateur posé, n° de série PJN123456S, lot n° 21B0457.", "21B0457", "DEVICE"),
        ("Prothèse de hanche, référence implant 1234-56.", "1234-56", "DEVICE"),
        # a patient header before surnames in capitals and the given name
        ("Victime : ETCHEGARAY Beñat, homme, 31 ans", "ETCHEGARAY Beñat", "PATIENT"),
        ("Opéré(e) : FERREIRA DOS SANTOS Joana", "FERREIRA DOS SANTOS Joana", "PATIENT"),
        # a street without a number before the postcode, roads, places after travel words
        ("Boulevard des Belges – 69006 Lyon", "Boulevard des Belges", "STREET"),
        ("Chemin de la Source, 38240 Meylan", "Chemin de la Source", "STREET"),
        ("Accident sur la RD 117 ce matin.", "RD 117", "STREET"),
        ("Accident sur la commune de Plouzévédé.", "Plouzévédé", "CITY"),
        ("Rentré d'un séjour familial à Ouagadougou.", "Ouagadougou", "CITY"),
        # care institutions beyond hospitals: rehabilitation, health centres, CMP
        ("Rééducation au Centre de Rééducation de Kerpape.", "Centre de Rééducation de Kerpape",
         "HOSPITAL"),
        ("Suivi au CMP de Villeurbanne.", "CMP de Villeurbanne", "HOSPITAL"),
        # whatever follows an occupation verb or header, listed or not
        ("Il travaille comme régleur-monteur depuis 2019.", "régleur-monteur", "PROFESSION"),
        ("Profession : opératrice de saisie, mariée.", "opératrice de saisie", "PROFESSION"),
        # dates joined by hyphens, dotted day.month, a day/month in brackets after an exam
        ("Prélèvement du 07-févr-2022 à contrôler.", "07-févr-2022", "DATE"),
        ("Revu le 19.10 en hôpital de jour.", "19.10", "DATE"),
        ("Coronarographie (12/03) : sténose serrée.", "12/03", "DATE"),
        # a listed occupation with its complement, and occupations added to the list
        ("Ancienne secrétaire médicale, vit seule.", "secrétaire médicale", "PROFESSION"),
        ("Ancien agent SNCF, veuf.", "agent SNCF", "PROFESSION"),
        ("Ancien chauffeur poids lourd, veuf.", "chauffeur poids lourd", "PROFESSION"),
        # places that are neither streets nor towns; a signature with an initial; the employer
        # after a work verb
        ("Chute sur le parvis de la gare de Lyon-Perrache.", "Lyon-Perrache", "LOCATION_OTHER"),
        ("Détenu à la maison d'arrêt de Fresnes.", "Fresnes", "LOCATION_OTHER"),
        ("Bien confraternellement,\nP. Lagarde\n", "P. Lagarde", "DOCTOR"),
        ("Il travaille à la SNCF depuis 20 ans.", "SNCF", "ORGANIZATION"),
        ("Retraité de La Poste.", "La Poste", "ORGANIZATION"),
        ("Domicile : 12 r. des Lilas, 33000 Bordeaux", "12 r. des Lilas", "STREET"),
        # beds written with a letter
        ("Chambre 214, lit A.", "A", "ROOM"),
        # employers and care services named without a cue word
        ("Retraité SNCF, veuf.", "SNCF", "ORGANIZATION"),
        ("Passage quotidien du SSIAD de Lunel.", "SSIAD de Lunel", "ORGANIZATION"),
        # notes dictated in lower case
        ("compte rendu\npatient : lemaire paul / date : 03/02/2021", "lemaire paul", "PATIENT"),
    ],
)
def test_recall_classes_found_in_french(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


# the same shapes where the words are not PHI
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Vu avec le Dr Martin, cardiologue, ce jour.", "cardiologue"),
        ("Patiente retraitée, vit seule.", "Patiente"),
        ("Mode de vie : veuf, retraité.", "veuf"),
        ("Douleur depuis 3 ans, infiltration prévue.", "infiltration"),
        ("Chez ce patient, on note une HTA.", "Chez ce patient"),
        ("Il vit chez sa fille, puis chez Mme Durand.", "chez Mme"),
        ("Pris en charge par le SAMU, puis réanimation.", "SAMU"),
        ("Prélèvement au laboratoire de bactériologie du CHU.", "laboratoire de bactériologie"),
        ("Un lot de 3 boîtes de compresses.", "lot de 3"),
        ("Diagnostic : HTA ESSENTIELLE", "HTA ESSENTIELLE"),
        ("Retour au Service de cardiologie.", "Service"),
        ("Retour à domicile prévu demain.", "domicile"),
        ("Transfert en SSR la semaine prochaine.", "SSR"),
        ("Il travaille comme agent de sécurité à l'aéroport.", "aéroport"),
        ("Profession : sans emploi.", "sans emploi"),
        ("EVA (3/10) au repos.", "3/10"),
        ("Rapport (1/2) conservé.", "1/2"),
        ("Ancien boulanger présentant une dyspnée.", "présentant"),
        ("A. Conclusion\nPas d'anomalie.", "Conclusion"),
        ("Port de charges lourdes interdit.", "Port"),
        ("Vu par Mme Dupuis, psychologue, ce jour.", "psychologue"),
        ("Il lit A peine le journal.", "A"),
        ("Dossier MDPH en cours.", "MDPH"),
    ],
)
def test_recall_classes_leave_ordinary_french_alone(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # particles of several words and particles written onto the surname join the name
        # (issue 12); before, "de la" and "d'" ended it after the given name
        ("Mme Marie de la Fontaine, sa fille, est présente.", "Marie de la Fontaine", "PATIENT"),
        ("Le Dr François d'Estaing a vu la patiente.", "François d'Estaing", "DOCTOR"),
        ("Le Dr Luc d’Ornano est d'astreinte.", "Luc d’Ornano", "DOCTOR"),
        ("Revu avec Mme d'Aubigny ce jour.", "d'Aubigny", "PATIENT"),
        ("Adressé par le Dr Pieter van den Broeck.", "Pieter van den Broeck", "DOCTOR"),
    ],
)
def test_french_names_with_particles_are_whole(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Vu par le Dr Martin d'accord avec la famille.", "d'accord"),
        ("Avis du Dr Morel de la Réanimation ce jour.", "Réanimation"),
        ("Ablation de la Sonde urinaire.", "Sonde"),
    ],
)
def test_french_particles_before_a_word_make_no_name(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # local branches of social services and associations by their place, brands of two words
        ("Aide à domicile par l'ADMR de Plouescat.", "ADMR de Plouescat"),
        ("Dossier transmis à la MDPH du Morbihan.", "MDPH du Morbihan"),
        ("Suivi au CMP de Quimperlé tous les mois.", "CMP de Quimperlé"),
        ("Employeur : Carrefour Market.", "Carrefour Market"),
        ("Suivi par l'APF France handicap.", "APF France handicap"),
    ],
)
def test_french_local_services_and_brands(
    detector: RuleDetector, text: str, value: str
) -> None:
    assert "ORGANIZATION" in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Dossier MDPH en cours.", "MDPH"),
        ("Suivi CMP, puis CAF et PMI.", "CAF"),
    ],
)
def test_french_service_acronyms_alone_stay(detector: RuleDetector, text: str, value: str) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # an occupation in a social history line, among marital status and family
        ("Mode de vie : marié, 3 enfants, plombier, non fumeur.", "plombier", "PROFESSION"),
        ("Son mari est électricien.", "électricien", "PROFESSION"),
        ("Il est conducteur de travaux ; sa femme est ATSEM.", "ATSEM", "PROFESSION"),
        ("Elle est professeure des écoles ; lui est artisan couvreur.", "artisan couvreur",
         "PROFESSION"),
        # care centres in lower case, hamlets of rural addresses, the site of a hospital
        ("Séances au centre de dialyse de Saint-Brieuc.", "centre de dialyse de Saint-Brieuc",
         "HOSPITAL"),
        ("Centre de rééducation fonctionnelle de Kerpape.",
         "Centre de rééducation fonctionnelle de Kerpape", "HOSPITAL"),
        ("Lieu-dit Kerbiquet, 29400 Landivisiau", "Lieu-dit Kerbiquet", "STREET"),
        ("Hameau des Granges, 05100 Briançon", "Hameau des Granges", "STREET"),
        ("GHU Paris Psychiatrie et Neurosciences, site Sainte-Anne.", "site Sainte-Anne",
         "HOSPITAL"),
    ],
)
def test_french_social_history_care_centres_and_rural_addresses(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Transfert en centre de rééducation la semaine prochaine.", "rééducation"),
        ("Infection du site opératoire.", "site"),
        ("Voir le site Internet de la HAS.", "site Internet"),
        ("Il est fatigué depuis une semaine.", "fatigué"),
    ],
)
def test_french_care_kinds_and_sites_alone_stay(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hospitalisé du 02 au 09/02/2024.", "02"),
        ("Le 5-6 mars, chute nocturne.", "5-6 mars"),
        ("Contrôle au 2e trimestre 2024.", "2e trimestre 2024"),
    ],
)
def test_french_day_ranges_and_quarters(detector: RuleDetector, text: str, value: str) -> None:
    assert "DATE" in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # care staff named by their role abbreviation in nursing notes
        ("Appel de l'IDE Julie à 3h.", "Julie"),
        ("AS Mariama présente au change.", "Mariama"),
        ("ASH Fatou au ménage.", "Fatou"),
        ("IDE référente : Sandrine.", "Sandrine"),
    ],
)
def test_french_care_staff_after_their_role_abbreviation(
    detector: RuleDetector, text: str, value: str
) -> None:
    assert "DOCTOR" in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Adresse : La Croix Blanche, route de Saint-Pol, 29250 Saint-Pol-de-Léon",
         "La Croix Blanche, route de Saint-Pol"),
        ("Domicile : Les Hauts de Villiers, 12 impasse Pasteur, 94350 Villiers-sur-Marne",
         "Les Hauts de Villiers, 12 impasse Pasteur"),
    ],
)
def test_french_address_fields(detector: RuleDetector, text: str, value: str) -> None:
    assert "STREET" in _labels_over(detector, text, value)


def test_a_french_address_field_without_postal_code_stays(detector: RuleDetector) -> None:
    text = "Domicile : retour prévu demain avec sa fille."
    assert not detector.detect(Document("t", text))


@pytest.mark.parametrize(
    ("text", "value", "found"),
    [
        ("Dr Isabelle Lefebvre, Maison médicale des Capucins, Angers.",
         "Maison médicale des Capucins", True),
        ("Pôle de santé du Val d'Orge.", "Pôle de santé du Val d'Orge", True),
        ("Cabinet infirmier : passage matin et soir.", "Cabinet infirmier", False),
        ("Revoir au cabinet médical demain.", "cabinet médical", False),
    ],
)
def test_french_practices_named_by_a_place(
    detector: RuleDetector, text: str, value: str, found: bool
) -> None:
    if found:
        assert "HOSPITAL" in _labels_over(detector, text, value)
    else:
        start = text.index(value)
        spans = detector.detect(Document("t", text))
        assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("CENTRE HOSPITALIER DE MORLAIX\nService de médecine", "CENTRE HOSPITALIER DE MORLAIX",
         "HOSPITAL"),
        ("POLYCLINIQUE DE LA FORÊT – Service d'endoscopie", "POLYCLINIQUE DE LA FORÊT", "HOSPITAL"),
        ("Elle vit seule dans sa maison de Plougasnou.", "Plougasnou", "CITY"),
    ],
)
def test_french_letterheads_in_capitals_and_a_home_village(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("HÔPITAL DE JOUR – consultation", "HÔPITAL DE JOUR"),
        ("Elle cherche une maison de Retraite.", "Retraite"),
    ],
)
def test_french_units_in_capitals_and_home_words_stay(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Suivi au CHU (groupe hospitalier Pellegrin).", "groupe hospitalier Pellegrin",
         "HOSPITAL"),
        ("Rendez-vous à l'hôpital de la Cavale Blanche.", "hôpital de la Cavale Blanche",
         "HOSPITAL"),
        ("Transport par les Ambulances Bretonnes.", "Ambulances Bretonnes", "ORGANIZATION"),
    ],
)
def test_french_hospitals_in_lower_case_and_transport_firms(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hospitalisation en hôpital de jour.", "hôpital"),
        ("Retour à l'hôpital demain.", "hôpital"),
        ("Taxi Conventionné demandé.", "Taxi"),
    ],
)
def test_french_hospital_and_taxi_words_alone_stay(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("En stage à l'IUT de Lannion.", "IUT de Lannion", "ORGANIZATION"),
        ("Agent au conseil départemental du Finistère.", "conseil départemental du Finistère",
         "ORGANIZATION"),
        ("Il travaille à la mairie de Brest.", "mairie de Brest", "ORGANIZATION"),
        ("Signalement à la gendarmerie de Lesneven.", "gendarmerie de Lesneven", "ORGANIZATION"),
        ("Pompiers du centre de secours de Landerneau.", "centre de secours de Landerneau",
         "ORGANIZATION"),
        ("Enfants : Paul (45 ans) et Marie (42 ans).", "Paul", "PATIENT"),
    ],
)
def test_french_schools_councils_and_family_headers(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("N° d'intervention SMUR : 2024-03-1187.", "2024-03-1187"),
        ("Déclaration faite, n° de sinistre AT : 24-118822.", "24-118822"),
        ("N° de lot du vaccin : FK4532.", "FK4532"),
    ],
)
def test_french_numbers_after_n_degree(detector: RuleDetector, text: str, value: str) -> None:
    assert "IDNUM" in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("N° de chambre : 12, lit B.", "N° de chambre"),
        ("Prise le 12/03/2024 (n° d'ordre : 3).", "3"),
        # the health card was read as a first name and a surname
        ("Carte Vitale non présentée.", "Carte Vitale"),
    ],
)
def test_french_numbers_and_cards_that_stay(detector: RuleDetector, text: str, value: str) -> None:
    start = text.rindex(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Je te transmets le dossier. Bises, Soizic", "Soizic", "DOCTOR"),
        ("Cordialement,\nSoizic Le Bras", "Soizic Le Bras", "DOCTOR"),
        ("Revu jeudi 14 en consultation.", "jeudi 14", "DATE"),
    ],
)
def test_french_sign_offs_and_weekday_days(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Cordialement,\nLe secrétariat", "secrétariat"),
        ("Merci. Bonne journée.", "Bonne"),
    ],
)
def test_french_closing_words_alone_stay(detector: RuleDetector, text: str, value: str) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


# -- issue 12, lang-defr2: classes missed by held-out sets 2 and 3 ----------------------------


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # a title and an initial only
        ("Vue par Mme L. et M. S. ce matin.", "L.", "PATIENT"),
        ("Vue par Mme L. et M. S. ce matin.", "S.", "PATIENT"),
        ("Avis du Dr K. demandé.", "K.", "DOCTOR"),
        # plural titles
        ("suivie par les Drs Martin et Petit", "Martin et Petit", "DOCTOR"),
        ("Présents : Drs Amrani, Costa et Le Goff", "Amrani, Costa et Le Goff", "DOCTOR"),
        # a given name and a surname in capitals without a header
        ("Enfant : Inès CARDOSO, sexe féminin", "Inès CARDOSO", "PATIENT"),
        ("Cabinet d'orthophonie – Aurélie DUBOIS-LEMAIRE", "Aurélie DUBOIS-LEMAIRE", "PATIENT"),
        ("Enfant : Lucas FERREIRA DA SILVA, né le 3/1/2015", "Lucas FERREIRA DA SILVA", "PATIENT"),
        # bodies, firms and practices
        ("Caisse : MSA Sud Aquitaine", "MSA Sud Aquitaine", "ORGANIZATION"),
        ("Service de santé au travail AST Grand Lyon", "AST Grand Lyon", "ORGANIZATION"),
        ("dépistage organisé (CRCDC Région Sud).", "CRCDC Région Sud", "ORGANIZATION"),
        ("Unité de dialyse – AURA Auvergne, centre de Riom", "AURA Auvergne", "ORGANIZATION"),
        ("agent à la conserverie Hénaff depuis 2010", "Hénaff", "ORGANIZATION"),
        ("matelot pour l'armement Porcher, se plaint", "Porcher", "ORGANIZATION"),
        ("confiée au prestataire Air Liquide Santé Domicile.", "Air Liquide Santé Domicile",
         "ORGANIZATION"),
        ("Maison de santé Les Genêts", "Les Genêts", "ORGANIZATION"),
        ("adressée au Cabinet Saint-Éloi", "Saint-Éloi", "ORGANIZATION"),
        ("marin-pêcheur au Comité des pêches du Morbihan, hospitalisé",
         "Comité des pêches du Morbihan", "ORGANIZATION"),
        ("hospitalisée unité Les Cèdres", "Les Cèdres", "DEPARTMENT"),
        # places, rooms, numbers and dates
        ("Landéda, le 2 avril 2024", "Landéda", "CITY"),
        ("54-56 rue Pascal, 75013 Paris", "54-56 rue Pascal", "STREET"),
        ("chute dans la chambre (112) le lundi", "112", "ROOM"),
        ("Intervention n° 24-03-01187 du 9/3/24", "24-03-01187", "IDNUM"),
        # a form's "N° d'immatriculation" names the NIR; the context rule needs no valid key
        ("N° d'immatriculation : 2 77 11 59 350 128 43", "2 77 11 59 350 128 43", "SSN"),
        ("Compte rendu trimestriel – janvier à mars 2024", "janvier", "DATE"),
        ("ronflements depuis la mi-2023.", "2023", "DATE"),
        # occupations after a form field or "le patient,", and a complement in -ic
        ("SIRET 39092407422932\nPoste : cariste en entrepôt", "cariste", "PROFESSION"),
        ("Le patient, ingénieur aéronautique retraité", "ingénieur aéronautique", "PROFESSION"),
        ("ancien ingénieur des travaux publics, accompagné", "ingénieur des travaux publics",
         "PROFESSION"),
        ("M. Paulo Ferreira da Silva (maçon) et Mme Silva", "maçon", "PROFESSION"),
        # hospitals with their kind adjective, and the year after an event
        ("Clinique psychiatrique des Glycines", "Clinique psychiatrique des Glycines", "HOSPITAL"),
        ("transfert à l'Hôpital privé Jacques Cartier", "Hôpital privé Jacques Cartier",
         "HOSPITAL"),
        ("évacué vers l'HIA Bégin", "HIA Bégin", "HOSPITAL"),
        ("ATCD : appendicectomie 1998, PTH droite 2015.", "1998", "DATE"),
        ("ATCD : appendicectomie 1998, PTH droite 2015.", "2015", "DATE"),
        ("au pavillon Charcot", "Charcot", "DEPARTMENT"),
    ],
)
def test_french_classes_of_the_fourth_round(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Patiente : Mme Colette ROUSSEL", "Mme"),
        ("Intubation facile (Mallampati II, DTM > 6 cm)", "Mallampati II"),
        ("le cabinet Le Dr Martin", "Le"),
        ("Unité Neuro-Vasculaire, bâtiment B", "Neuro-Vasculaire"),
        ("TA Sud: 12/8", "TA Sud"),
        ("Conclusion, le 3 mars : stable", "Conclusion"),
        ("la chambre de la patiente", "chambre"),
        ("janvier et mars sans crise", "janvier"),
        ("héparine 2000 UI après la chirurgie", "2000"),
        ("hôpital de jour de rhumatologie", "hôpital de jour"),
    ],
)
def test_french_look_alikes_of_the_fourth_round_stay(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


# issue 12, fifth round (lang-fr3): what real French notes carry that the first sets did not,
# and letters from French-speaking Belgium, Switzerland and Québec
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # married and birth names, titles without a dot, hospital numbers, rooms, postal boxes
        ("Mme Josiane FABRE née ROUSSEL, née le 12/03/1950", "ROUSSEL", "PATIENT"),
        ("Mme Josiane FABRE née ROUSSEL, née le 12/03/1950", "12/03/1950", "DATE"),
        ("Mme Sylvie MARTIN épouse LEFEBVRE, 72 ans.", "LEFEBVRE", "PATIENT"),
        ("Mme Durand veuve Poirier vit seule.", "Poirier", "PATIENT"),
        ("Adressé par Dr Meziane pour avis.", "Meziane", "DOCTOR"),
        ("Vu par le Pr Harlé ce jour.", "Harlé", "DOCTOR"),
        ("Mlle Chloé Bertrand, 19 ans.", "Chloé Bertrand", "PATIENT"),
        ("IPP 8001234567 NDA 2400123456", "2400123456", "MEDICALRECORD"),
        ("NIP : 123456 ; IEP : 2301234", "123456", "MEDICALRECORD"),
        ("RPPS 10101234567 ; ADELI 751234567", "751234567", "LICENSE"),
        ("FINESS 750712184", "750712184", "LICENSE"),
        ("Chambre 12 lit 2.", "12", "ROOM"),
        ("Chambre 12 lit 2.", "2", "ROOM"),
        ("BP 123, 59037 Lille Cedex", "BP 123", "STREET"),
        ("BP 123, 59037 Lille Cedex", "Lille", "CITY"),
        # a title and initials before a surname with a particle; signatures by initials
        ("Biologiste : Dr A. Le Bihan", "A. Le Bihan", "DOCTOR"),
        ("Dr A.-S. Le Bihan, biologiste", "A.-S. Le Bihan", "DOCTOR"),
        ("Revue avec Mme M. Van Damme ce jour.", "M. Van Damme", "PATIENT"),
        ("F. Agostini, MKDE", "F. Agostini", "DOCTOR"),
        ("Cordialement,\nF. Z. Alaoui\n", "F. Z. Alaoui", "DOCTOR"),
        # organisations by their whole name, employers in their field, estates of an address
        ("CENTRE D'IMAGERIE MÉDICALE DU PARC", "CENTRE D'IMAGERIE MÉDICALE DU PARC",
         "ORGANIZATION"),
        ("Cabinet d'Anatomie et Cytologie Pathologiques du Lez",
         "Cabinet d'Anatomie et Cytologie Pathologiques du Lez", "ORGANIZATION"),
        ("Imagerie Médicale Pasteur, Clermont-Ferrand", "Imagerie Médicale Pasteur",
         "ORGANIZATION"),
        ("LABORATOIRE CERBALLIANCE NANTES EST", "CERBALLIANCE NANTES EST", "ORGANIZATION"),
        ("Transporteur : Ambulances Limousines du Val de Vienne.",
         "Ambulances Limousines du Val de Vienne", "ORGANIZATION"),
        ("Employeur : Bouygues Bâtiment Sud-Est, 69003 Lyon", "Bouygues Bâtiment Sud-Est",
         "ORGANIZATION"),
        ("ZAC de la Buire, 69003 Lyon", "ZAC de la Buire", "STREET"),
        ("Hôpital Lariboisière – AP-HP Nord-Université Paris Cité",
         "AP-HP Nord-Université Paris Cité", "HOSPITAL"),
        # the town after a doctor's name, a season of two years, an extension in two groups, an
        # occupation in brackets
        ("médecin traitant Dr Bernard Peyrat, Eymoutiers.", "Eymoutiers", "CITY"),
        ("reprise du sport à la saison 2024-2025.", "2024-2025", "DATE"),
        ("interne de médecine d'urgence – poste 41 872", "41 872", "PHONE"),
        ("Arrêt de travail de 3 mois (maçon).", "maçon", "PROFESSION"),
        ("M. Mendes da Silva, coffreur-boiseur, qui présente", "coffreur-boiseur", "PROFESSION"),
        # Belgium: NISS, INAMI, streets with the number after the name, four-digit postcodes,
        # phones
        ("NISS : 63.02.14-117.24", "63.02.14-117.24", "SSN"),
        ("Enfant né en 2005, n° national 05.09.14-021.47", "05.09.14-021.47", "SSN"),
        ("Numéro de registre national : 63021411724", "63021411724", "SSN"),
        ("Dr Anne Lambert – INAMI 1-23456-78-901", "1-23456-78-901", "LICENSE"),
        ("Chaussée de Waterloo 1234, 1180 Uccle", "Chaussée de Waterloo 1234", "STREET"),
        ("Chaussée de Waterloo 1234, 1180 Uccle", "1180", "ZIP"),
        ("Chaussée de Waterloo 1234, 1180 Uccle", "Uccle", "CITY"),
        ("Rue des Wallons 8\n1348 Louvain-la-Neuve", "1348", "ZIP"),
        ("GSM : 0478 23 45 67", "0478 23 45 67", "PHONE"),
        ("Secrétariat : 02 555 12 34", "02 555 12 34", "PHONE"),
        ("Mutuelle : Mutualité chrétienne, Solidaris Liège", "Mutualité chrétienne",
         "ORGANIZATION"),
        # Switzerland: AVS, "Dresse", "Dr méd.", country letters before postcodes
        ("N° AVS 756.3054.1287.77", "756.3054.1287.77", "SSN"),
        ("assuré 756.3054.1287.77 auprès du Groupe Mutuel", "756.3054.1287.77", "SSN"),
        ("Dresse Sophie Chappuis, cabinet médical", "Sophie Chappuis", "DOCTOR"),
        ("Dr méd. Jean-Daniel Rochat, médecin adjoint", "Jean-Daniel Rochat", "DOCTOR"),
        ("Avenue de la Gare 4, CH-1003 Lausanne", "CH-1003", "ZIP"),
        ("Avenue de la Gare 4, CH-1003 Lausanne", "Avenue de la Gare 4", "STREET"),
        # Québec: RAMQ, "Dre", postcodes with their space, CLSC, licence numbers
        ("No RAMQ : GAGM 6512 0412", "GAGM 6512 0412", "HEALTHPLAN"),
        ("carte GAGM 6512 0412 valide", "GAGM 6512 0412", "HEALTHPLAN"),
        ("Montréal (Québec) H3T 1E2", "H3T 1E2", "ZIP"),
        ("Dre Marie-Ève Gagnon du CLSC de Verdun", "Marie-Ève Gagnon", "DOCTOR"),
        ("Dre Marie-Ève Gagnon du CLSC de Verdun", "CLSC de Verdun", "ORGANIZATION"),
        ("Dr Paul Côté, permis 1-98765", "1-98765", "LICENSE"),
    ],
)
def test_french_classes_of_the_fifth_round(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Dre Marie-Ève Gagnon du CLSC de Verdun", "du"),  # the body ends the name
        ("Vu par le Dr Martin du CHU de Brest.", "du"),
        ("Stade pT3N0M0, T2N 0M0 au scanner.", "T2N 0M0"),  # a stage, not a Canadian code
        ("Vu avec le Dr Martin (cardiologue) ce jour.", "cardiologue"),  # a specialty
        ("Avis du Dr Martin, Cardiologie.", "Cardiologie"),  # a ward, not a town
        ("Place de la Gare 3 fois par semaine.", "3 fois"),
        ("Héparine 5000 UI, 1200 mg de paracétamol.", "1200"),
        ("Il a son permis de conduire depuis 2010.", "permis de conduire"),
        ("Employeur : néant", "néant"),
        ("Tabagisme 2010-2015 puis sevré.", "sevré"),
        ("Numéro national à compléter.", "compléter"),
        ("AVS à domicile, N° AVS non communiqué.", "non"),
        # a key that does not check is no NISS or AVS number without its name
        ("Prélèvement 63.02.14-117.25 reçu.", "63.02.14-117.25"),
        ("Lot 756.3054.1287.78 du vaccin.", "756.3054.1287.78"),
    ],
)
def test_french_look_alikes_of_the_fifth_round_stay(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


# classes found missing on fr_heldout5 once its honest score was taken (it is a dev set since)
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Commune de décès : Saint-Amand-les-Eaux (59230)", "59230", "ZIP"),
        ("Code postal de résidence : 59100", "59100", "ZIP"),
        ("Cliniques universitaires Saint-Luc, Bruxelles", "Cliniques universitaires Saint-Luc",
         "HOSPITAL"),
        ("Hôpitaux universitaires de Genève", "Hôpitaux universitaires de Genève", "HOSPITAL"),
        ("suivi dans le canton du Valais dès l'été", "Valais", "STATE"),
        ("Montréal (Québec) H2X 3E4", "Québec", "STATE"),
        ("Adresse : 4520, avenue Papineau, app. 3, Montréal", "app. 3", "STREET"),
        ("curatelle confiée à l'UDAF 49 depuis mars", "UDAF 49", "ORGANIZATION"),
        ("APA versée par le Conseil départemental de Maine-et-Loire.",
         "Conseil départemental de Maine-et-Loire", "ORGANIZATION"),
        ("ARM : Cyril. Bilan : douleur thoracique", "Cyril", "DOCTOR"),
        ("J'ai revu votre patient, employé de la STIB, pour le suivi.", "employé",
         "PROFESSION"),
        # seen on synthetic French notes: the patient named after "votre patiente", a typist's
        # login
        ("Votre patiente FISCHER, Sophie, née le 05/05/1995", "FISCHER, Sophie", "PATIENT"),
        ("Compte rendu frappé par ccosta", "ccosta", "USERNAME"),
        # probe sentences: clinics in lower case, names in French quotes, "F-" postcodes
        ("Hospitalisée à la clinique Saint-Yves de Rennes en 2019.",
         "clinique Saint-Yves de Rennes", "HOSPITAL"),
        ("Résidente de l'EHPAD « Les Jardins d'Automne » depuis 2021.",
         "Les Jardins d'Automne", "ORGANIZATION"),
        ("Adresse : F-29200 Brest", "F-29200", "ZIP"),
        # care-staff and family headers of emergency, operative and psychiatric notes
        ("IOA : Sandrine Le Gall", "Sandrine Le Gall", "DOCTOR"),
        ("Fratrie : Léa (5 ans) et Tom (3 ans)", "Léa", "PATIENT"),
        ("Demande pour l'EHPAD Résidence du Parc à Chemillé, en attendant.", "Chemillé",
         "CITY"),
    ],
)
def test_french_classes_found_on_the_fifth_set(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Transfert en attendant un séjour en SSR.", "SSR"),  # a kind of care, not a town
        ("Retour de vacances en HAD.", "HAD"),
        ("Poids (72) stable, TA (120) normale.", "72"),  # a number in brackets is no postcode
        ("Le patient (infirmier) est vu.", "Le patient"),
        ("Votre patient présente une dyspnée.", "présente"),
        ("Compte rendu tapé par la secrétaire.", "la"),
        # "Centre", the old name of a region, opens names of centres
        ("Centre Mémoire de Ressources et de Recherche", "Centre"),
        ("SAMU 38 – Centre de réception et de régulation des appels", "Centre"),
        ("Consultation à la clinique de la douleur.", "clinique"),
        ("Accouchement à la maternité du CHU.", "maternité du CHU"),
        ("Aide : APA versée depuis mars.", "APA"),  # "Aide" is no staff header
        ("Retour au Centre Hospitalier à J3.", "J3"),
    ],
)
def test_french_look_alikes_found_on_the_fifth_set_stay(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]
