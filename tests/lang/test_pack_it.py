"""The Italian pack's rules on Italian sentences: each family found where it should be, left alone
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

NOTES = Path(__file__).parent / "data" / "it_rules.markup"


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config(load_pack("it").config["detectors"]["rules"])


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_config(load_pack("it").config)


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # dates and times
        ("Ricoverato dal 3 marzo 2024 al 12 marzo 2024.", "3 marzo 2024", "DATE"),
        (
            "Controllo il giovedì 18 aprile 2024 alle ore 9:30.",
            "giovedì 18 aprile 2024 alle ore 9:30",
            "DATE",
        ),
        ("Nata il 21 genn. 1958 a Roma.", "21 genn. 1958", "DATE"),
        ("Festa del 1° maggio.", "1° maggio", "DATE"),
        ("Prossimo controllo a dicembre 2021.", "dicembre 2021", "DATE"),
        ("Recidiva a novembre, in terapia.", "novembre", "DATE"),
        ("Operato nel 2018, poi recidiva.", "2018", "DATE"),
        ("Verbale del 05/07/2023 ore 22:15.", "22:15", "DATE"),
        ("Visto di domenica in PS.", "domenica", "DATE"),
        # phones
        ("Recapito del paziente: cell. 347 123 4567.", "347 123 4567", "PHONE"),
        ("Reperibile al numero +39 335 765 4321.", "+39 335 765 4321", "PHONE"),
        ("Tel. 081 254 3311 (segreteria)", "081 254 3311", "PHONE"),
        ("Fax 02 6444 2299", "02 6444 2299", "FAX"),
        # CAP, streets, rooms
        ("Residente in Via Roma 3, 20121 Milano", "20121", "ZIP"),
        ("Residente in Via Roma 3, 20121 Milano", "Milano", "CITY"),
        ("Residente in Via Roma 3, 20121 Milano", "Via Roma 3", "STREET"),
        ("Domicilio: Corso Vittorio Emanuele 45, Lodi", "Corso Vittorio Emanuele 45", "STREET"),
        ("Abita in Via G. Verdi, 12/A dal 2010.", "Via G. Verdi, 12/A", "STREET"),
        ("00186 Roma (RM)", "RM", "STATE"),
        ("Ricoverata in stanza 12 letto 2.", "12", "ROOM"),
        # institutions
        (
            "Trasferito all'Azienda Ospedaliera Universitaria Careggi per PTCA.",
            "Azienda Ospedaliera Universitaria Careggi",
            "HOSPITAL",
        ),
        (
            "Seguita presso l'ASST Grande Ospedale Metropolitano Niguarda.",
            "ASST Grande Ospedale Metropolitano Niguarda",
            "HOSPITAL",
        ),
        ("Inviato dall'ASL Napoli 1 Centro.", "ASL Napoli 1 Centro", "HOSPITAL"),
        ("Ricoverato presso l'Ospedale San Raffaele.", "Ospedale San Raffaele", "HOSPITAL"),
        # ages over 89 only
        ("La Sig.ra Galli, di 94 anni, vedova.", "94", "AGE"),
        ("Paziente novantenne in buone condizioni.", "novantenne", "AGE"),
        ("Uomo 92enne con dispnea.", "92", "AGE"),
        ("Età: anni 95", "95", "AGE"),
        # titles and headers
        ("Il figlio, Sig. Paolo Galli, è informato.", "Paolo Galli", "PATIENT"),
        ("Il medico: Dott.ssa Chiara Bianchi", "Chiara Bianchi", "DOCTOR"),
        ("Cognome e nome: ROSSI Giuseppe", "ROSSI Giuseppe", "PATIENT"),
        ("Cognome: ROSSI  Nome: Giuseppe", "Giuseppe", "PATIENT"),
        # professions and residence
        ("Vedova, ex sarta, vive sola.", "sarta", "PROFESSION"),
        ("Muratore di professione, fumatore.", "Muratore", "PROFESSION"),
        ("Vive sola a Monza con la badante.", "Monza", "CITY"),
        ("Napoli, 15 settembre 2021", "Napoli", "CITY"),
        # hospital identifiers
        ("n. nosologico 2024/012345", "2024/012345", "MEDICALRECORD"),
        ("Cartella clinica n. 123456", "123456", "MEDICALRECORD"),
        ("Dott. Rossi, iscr. Albo n. 12345", "12345", "LICENSE"),
        # day/month without a year, extensions, known hospitals
        ("Visto il 3/3, ricoverato dal 12/4 al 15/4.", "15/4", "DATE"),
        ("Tel. 02 6444 1, interno 4521", "4521", "PHONE"),
        ("Trasferito al Niguarda per PTCA.", "Niguarda", "HOSPITAL"),
        ("Verbale del 05/07/2023 ore 22:15.", "05/07/2023 ore 22:15", "DATE"),
        ("Ospite della RSA Villa Serena dal 2019.", "RSA Villa Serena", "HOSPITAL"),
        ("Residente in Viale Cusano, 33 Piano 1, Milano", "Viale Cusano, 33 Piano 1", "STREET"),
        ("Residente in Rotonda Diana, 31, Venezia", "Rotonda Diana, 31", "STREET"),
        ("Referto firmato digitalmente da: Mario ROSSI", "Mario ROSSI", "DOCTOR"),
        ("Paziente: Signora Maria ROSSI", "Maria ROSSI", "PATIENT"),
        ("Visto dal Dottor Luca BIANCHI.", "Luca BIANCHI", "DOCTOR"),
        ("Visita del 12.11.22.", "12.11.22", "DATE"),
        (
            "Visitato dal Dott. Marco Testa ieri.",
            "Marco Testa",
            "DOCTOR",
        ),  # surnames that are also clinical words
        ("Ricoverato dal 3 al 12 marzo 2024.", "3", "DATE"),
        (
            "Inviato dall'Azienda Ospedaliera di Padova, U.O.C. Cardiologia, Padova",
            "Azienda Ospedaliera di Padova, U.O.C. Cardiologia, Padova",
            "HOSPITAL",
        ),
    ],
)
def test_rule_families_find_italian_phi(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Dimesso dalla Clinica Chirurgica in buone condizioni.", "Clinica Chirurgica"),
        ("Stadio T3N0M0 alla stadiazione.", "T3N0M0"),
        ("Emoglobina 13,8 g/dl, piastrine 240.000/mmc.", "240.000"),
        ("Gentile Collega, ti invio il paziente.", "Gentile Collega"),
        ("Negli anni 90 ha lavorato in Germania.", "90"),
        ("Terapia in via endovenosa per 3 giorni.", "via endovenosa"),
        ("PA al mattino 120/80, VAS 3/10.", "3/10"),
        ("Paziente: Signora ROSSI Maria", "Signora"),  # the title stays
        ("Assumere 2 e 3 compresse al giorno.", "2 e 3"),
    ],
)
def test_ordinary_italian_is_not_phi(detector: RuleDetector, text: str, value: str) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


CLINICAL_IT = """\
Anamnesi patologica prossima: Il paziente riferisce dolore toracico oppressivo insorto a \
riposo, della durata di circa venti minuti, senza irradiazione. Non dispnea né cardiopalmo.
Anamnesi patologica remota: Ipertensione arteriosa in trattamento, Diabete mellito di tipo 2 in \
terapia orale, Dislipidemia. Appendicectomia in età giovanile.
Esame obiettivo: Condizioni generali buone. Paziente vigile, orientato e collaborante. Toni \
cardiaci validi e ritmici, pause libere. Murmure vescicolare fisiologico su tutto l'ambito \
polmonare. Addome trattabile, non dolente né dolorabile alla palpazione. Manovra di Blumberg \
negativa. Polsi periferici presenti e simmetrici.
Esami ematochimici: Emoglobina 13,8 g/dl, Piastrine 240.000/mmc, Creatinina 0,9 mg/dl, \
Potassiemia 4,2 mEq/l, PCR 0,3 mg/dl. Troponina negativa a due determinazioni seriate.
ECG: Ritmo sinusale a 70 battiti al minuto, non alterazioni della ripolarizzazione.
Conclusioni: Dolore toracico di verosimile natura non cardiaca. Si dimette con Paracetamolo 1 g \
al bisogno. Prosegue Ramipril 5 mg e Metformina 1000 mg due volte al giorno. Test da sforzo in \
regime ambulatoriale. Punteggio di Glasgow 15.
La Struttura Complessa di Cardiologia resta a disposizione. Decorso clinico regolare, in \
progressivo miglioramento. Stadio T2N0M0.
"""


def test_ordinary_italian_clinical_text_yields_no_span(pipeline: Pipeline) -> None:
    found = pipeline.detect(CLINICAL_IT).document.spans
    assert [(CLINICAL_IT[s.start : s.end], s.source) for s in found] == []


def test_recall_and_precision_floor_on_hand_written_italian_notes() -> None:
    # these notes' gold leaves titles out of names ("Dr [[DOCTOR:Lefèvre]]"), as i2b2 does
    config = load_pack("it").config
    kept = Pipeline.from_config({**config, "resolve": {**config["resolve"], "name_titles": "keep"}})
    recall, precision = _char_scores(kept, NOTES)
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)


def test_a_dotted_date_is_a_date_and_not_an_italian_phone(detector: RuleDetector) -> None:
    assert _labels_over(detector, "Esami del 05.07.2023: creatinina 1,1.", "05.07.2023") == {"DATE"}


def test_a_street_after_residente_in_is_a_street_not_a_city(detector: RuleDetector) -> None:
    assert _labels_over(detector, "Residente in Via Roma 3, Milano", "Via Roma") == {"STREET"}


# classes of PHI that the first packs missed (issue 12, recall): each found where it should be
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # an occupation in apposition after a titled name or relative, an age
        ("Accompagnato dal padre Luca Ferri, elettricista, e dalla madre.", "elettricista",
         "PROFESSION"),
        ("Uomo di 47 anni, idraulico, caduto dal tetto.", "idraulico", "PROFESSION"),
        # the occupation before the retirement word
        ("Anamnesi: ingegnere in pensione, vive con la moglie.", "ingegnere", "PROFESSION"),
        ("Maestra elementare in pensione.", "Maestra elementare", "PROFESSION"),
        # organisations: insurers and mutue, employers, schools, emergency services
        ("Infortunio sul lavoro, pratica INAIL aperta.", "INAIL", "ORGANIZATION"),
        ("Lavora presso la ditta Rossi Costruzioni.", "Rossi Costruzioni", "ORGANIZATION"),
        ("Dipendente della Barilla da 20 anni.", "Barilla", "ORGANIZATION"),
        ("Trasportato dal 118 Romagna in data odierna.", "118 Romagna", "ORGANIZATION"),
        # serial and lot numbers of devices
        ("Pacemaker impiantato (matricola CS300-48817).", "CS300-48817", "DEVICE"),
        ("Protesi d'anca, lotto n. 21B0457.", "21B0457", "DEVICE"),
        # a patient header before surnames in capitals and the given name
        ("Cognome e nome / iniziali dell'assistito: FERRARI LUCIA", "FERRARI LUCIA", "PATIENT"),
        ("Paz.: Dalla Vecchia Ornella, 88 anni", "Dalla Vecchia Ornella", "PATIENT"),
        # a street written with a lower-case type word; places after travel words
        ("Indirizzo: via Garibaldi Nord 12, 43100 Parma", "via Garibaldi Nord 12", "STREET"),
        ("Rientrato da un viaggio in Senegal, febbre.", "Senegal", "CITY"),
        # care institutions beyond hospitals, and no sentence end inside the name
        ("Seguito dal CSM di Lodi.", "CSM di Lodi", "HOSPITAL"),
        ("Ricovero al Centro di Riabilitazione Villa Beretta.", "Villa Beretta", "HOSPITAL"),
        # whatever follows an occupation verb or header, listed or not
        ("Lavora come operaio edile presso una ditta.", "operaio edile", "PROFESSION"),
        ("Professione: perito chimico, coniugato.", "perito chimico", "PROFESSION"),
        # dates joined by hyphens, dotted day.month, a day/month in brackets after an exam
        ("Trasferimento in data 19-ago-2021.", "19-ago-2021", "DATE"),
        ("Somministrate immunoglobuline il 19.10.", "19.10", "DATE"),
        ("Ecocardiogramma (4/3): FE 35%.", "4/3", "DATE"),
        # record numbers with a qualified or abbreviated keyword
        ("N. esame istologico: B-22-1187", "B-22-1187", "IDNUM"),
        ("referto / n. acc. TC2203-0917", "TC2203-0917", "IDNUM"),
        ("NRE: 080A1 4471203311", "080A1 4471203311", "IDNUM"),
        # regions and countries by their Italian names
        ("SERVIZIO SANITARIO NAZIONALE - Regione Lazio", "Lazio", "STATE"),
        ("Nata il 03/04/1975 in Marocco, in Italia dal 2001.", "Marocco", "COUNTRY"),
        ("Proveniente dal Perù per lavoro.", "Perù", "COUNTRY"),
        # a listed occupation with its complement, and occupations added to the list
        ("Ex operaio metalmeccanico, vive solo.", "operaio metalmeccanico", "PROFESSION"),
        ("Pensionato, ex tranviere.", "tranviere", "PROFESSION"),
        # places that are neither streets nor towns; a signature with an initial
        ("Caduto in casa circondariale di Rebibbia.", "Rebibbia", "LOCATION_OTHER"),
        ("Cordiali saluti\nG. Marchetti\n", "G. Marchetti", "DOCTOR"),
        # beds written with a letter
        ("Ricoverato in camera 214 letto B.", "B", "ROOM"),
        ("Lavorava come bidello alla scuola elementare Pascoli.", "Pascoli", "ORGANIZATION"),
        ("Pensionato FIAT, vive con la moglie.", "FIAT", "ORGANIZATION"),
        # a copula right before the occupation
        ("Era insegnante di lettere, ora in pensione.", "insegnante di lettere", "PROFESSION"),
        # notes dictated in lower case
        ("referto\npaziente: galli marta / data: 03-02-2021", "galli marta", "PATIENT"),
        ("lieve sinusopatia.\n\ndr. paolo ferrante\n", "paolo ferrante", "DOCTOR"),
    ],
)
def test_recall_classes_found_in_italian(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


# the same shapes where the words are not PHI
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Visto dal Dott. Ferri, cardiologo, in data odierna.", "cardiologo"),
        ("Paziente pensionata, vive sola.", "Paziente"),
        ("Vedovo, pensionato.", "Vedovo"),
        ("Ricoverato presso la U.O. di Medicina.", "U.O."),
        ("Chiamato il 118 alle ore 10.", "118"),
        ("Esami presso il laboratorio analisi del nostro ospedale.", "laboratorio"),
        ("Sono state eseguite una serie di 4 sedute.", "serie di 4"),
        ("Diagnosi: BPCO RIACUTIZZATA", "BPCO RIACUTIZZATA"),
        ("Somministrato per via Endovenosa.", "via Endovenosa"),
        ("Ritorno a domicilio.", "domicilio"),
        ("Ospite della RSA Villa Serena. Autonoma.", "Autonoma"),
        ("Lavora come commessa in un negozio del centro.", "negozio"),
        ("Già trattato con steroidi.", "trattato"),
        ("Parto a termine (40+2 sett.) senza complicanze.", "2 sett"),
        ("EVA (3/10) al mattino.", "3/10"),
        ("Terapia il 2.5 mg la sera.", "2.5"),
        ("Ricetta n. 3 confezioni.", "3"),
        ("Le marche di farmaci generici sono equivalenti.", "marche"),
        ("Ex muratore ricoverato per frattura.", "ricoverato"),
        ("B. Terapia\nInvariata.", "Terapia"),
        ("Il dolore è intenso e la infermiera avvisa il medico.", "infermiera"),
        ("visto dal dr. rossi ieri sera.", "ieri"),
    ],
)
def test_recall_classes_leave_ordinary_italian_alone(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


# lang-nlites round: probe sentences written for these rules, not taken from any dev or held-out set
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Reperibile al cercapersone 447.", "447", "PHONE"),
        ("Chiamare il bip 2231 in caso di urgenza.", "2231", "PHONE"),
        ("Dott. Carlo Neri\nint. 3307", "3307", "PHONE"),
        ("Trasferito in sala operatoria 4 alle 10.", "4", "ROOM"),
        ("Intervento nel Blocco operatorio C.", "C", "ROOM"),
        ("Controllo ven. 14/06 in ambulatorio.", "ven. 14/06", "DATE"),
        ("Visita fissata per mer 9 ottobre 2024.", "mer 9 ottobre 2024", "DATE"),
        ("Nato il 15.XI.1950 a Lodi.", "15.XI.1950", "DATE"),
        ("Prescrittore cod. reg. 030441.", "030441", "LICENSE"),
        ("Inserita nella Cooperativa sociale Il Ponte.", "Il Ponte", "ORGANIZATION"),
        ("Ospite della Residenza Le Magnolie da due anni.", "Le Magnolie", "ORGANIZATION"),
        ("Frequenta il Centro diurno Arcobaleno.", "Arcobaleno", "ORGANIZATION"),
    ],
)
def test_pagers_theatres_dates_and_care_organisations(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Suona il bip 12 del monitor.", "12"),
        ("La sala d'attesa era piena.", "sala"),
        ("Sala gessi al piano terra.", "gessi"),
        ("Assume Mar 5 mg di warfarin.", "5 mg"),
        ("Diametro 25 X 25 mm.", "25 X 25"),
        ("La residenza è lontana dal centro.", "lontana"),
    ],
)
def test_pagers_theatres_and_dates_leave_ordinary_italian_alone(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


# lang-itnl3 round: probe sentences written for these rules, not taken from any dev or held-out
# set (the classes come from it_heldout2 and the odd notes of it.markup)
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        # document numbers after the document's name, with an adjective between
        ("Verbale di pronto soccorso n. 2023PS118877 del 4 maggio.", "2023PS118877", "IDNUM"),
        ("Esame istologico n. B23-00417: adenoma tubulare.", "B23-00417", "IDNUM"),
        ("SCHEDA DI SOCCORSO n. 23-MI-004417", "23-MI-004417", "IDNUM"),
        # the Ordine without "di" before its city
        ("Iscrizione Ordine Milano n. 40412", "40412", "LICENSE"),
        # saints and dotted acronyms in institution names
        ("Ricoverata presso l'Ospedale Santa Croce di Cuneo.", "Ospedale Santa Croce", "HOSPITAL"),
        ("Trasferito all'Ospedale SS. Trinità di Borgomanero.", "SS. Trinità", "HOSPITAL"),
        ("A.O.U. Careggi – Firenze", "A.O.U. Careggi", "HOSPITAL"),
        ("ARNAS Garibaldi – Catania", "ARNAS Garibaldi", "HOSPITAL"),
        # companies by their legal form
        ("Dipendente della Ferraris Costruzioni S.r.l. dal 2010.", "Ferraris Costruzioni S.r.l.",
         "ORGANIZATION"),
        ("Trasporto a cura di Croce Azzurra Servizi snc.", "Croce Azzurra Servizi snc",
         "ORGANIZATION"),
        # a place and its province in brackets
        ("Nata a Castellammare di Stabia (NA) il 3/2/1960.", "NA", "STATE"),
        ("Nata a Castellammare di Stabia (NA) il 3/2/1960.", "Castellammare di Stabia", "CITY"),
        # a street without a house number, a house number with a slash
        ("Infortunio nel magazzino di via Emilia Est, Modena.", "via Emilia Est", "STREET"),
        ("Residente in Via Marconi 14/3, Lodi.", "Via Marconi 14/3", "STREET"),
        # a day and month opening a diary line
        ("04/11 notte – paziente agitato, riorientato.", "04/11", "DATE"),
        # "mansione" names the occupation
        ("Mansione: saldatore", "saldatore", "PROFESSION"),
        # Italian-speaking Switzerland
        ("No. AVS 756.9217.0031.41", "756.9217.0031.41", "SSN"),
        ("Via Varenna 7, 6600 Locarno", "6600", "ZIP"),
        ("Via Varenna 7, 6600 Locarno", "Locarno", "CITY"),
        ("Cassa malati: Visana, franchigia 300.-", "Visana", "ORGANIZATION"),
        # a married woman's and a widow's surname
        ("Visitata la Sig.ra Giovanna Ferri in Colombo.", "Giovanna Ferri in Colombo", "PATIENT"),
        ("Presente la Signora Bassi ved. Moretti.", "Bassi ved. Moretti", "PATIENT"),
        # titles written in lower case, as dictated notes write them
        ("MMG dott.ssa Zorzetto, reperibile.", "Zorzetto", "DOCTOR"),
        ("Riferisce il sig. Pagnin che la madre cade spesso.", "Pagnin", "PATIENT"),
        # identity documents and plates
        ("Identificato con C.I. n. AX1234567 rilasciata dal Comune.", "AX1234567", "IDNUM"),
        ("Documento: CB76543ZZ (carta elettronica)", "CB76543ZZ", "IDNUM"),
        ("Investito da auto targata FG 456 HK.", "FG 456 HK", "VEHICLE"),
        # the European health card after TEAM
        ("TEAM n. 80276 0012 3456 7890 1234", "80276 0012 3456 7890 1234", "HEALTHPLAN"),
        # cities GeoNames keeps under their English name, and San Marino
        ("Controllo presso il centro di Borgo Maggiore.", "Borgo Maggiore", "CITY"),
    ],
)
def test_itnl3_recall_classes_found_in_italian(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Pressione Arteriosa (PA) 140/90 mmHg.", "PA"),
        ("Terapia:\n1/2 cp la sera", "1/2"),
        ("Ciclo di terapia: intervento n. 2 di 3.", "2"),
        ("Paziente in via di guarigione.", "via di guarigione"),
        # the English hospital-suffix rule read "Generale" as "General"
        ("Ricoverato in Chirurgia Generale, letto 4.", "Chirurgia Generale"),
        ("Al Medico di Medicina Generale", "Medicina Generale"),
        ("Il Sig. Mario Rossi in buone condizioni.", "in buone"),
        ("Il team n. 3 del reparto.", "3"),
        ("Egregio Signor Dottore Sandro Rusconi", "Dottore"),  # the title stays out
    ],
)
def test_itnl3_recall_classes_leave_ordinary_italian_alone(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]


# lang-itnl3, second pass: classes read from it_heldout3 after its blind score was taken (that set
# is a dev set from here on); the probe sentences are new
@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("Prof. Dr. med. Walter Gianella, primario", "Walter Gianella", "DOCTOR"),
        ("Ricoverato all'Ente Ospedaliero Cantonale dal 3 marzo.", "Ente Ospedaliero Cantonale",
         "HOSPITAL"),
        ("Inviato all'Istituto per la Ricerca Oncologica di Candiolo.",
         "Istituto per la Ricerca Oncologica", "HOSPITAL"),
        ("Soccorritore: Marco Brambilla", "Marco Brambilla", "DOCTOR"),
        ("Piano terzo, citofono Marchiori.", "Marchiori", "PATIENT"),
        ("Ambulatorio al Padiglione 12, primo piano.", "12", "ROOM"),
        ("Fornito deambulatore (ausilio n. DA-2023-0412).", "DA-2023-0412", "DEVICE"),
        ("Turista alloggiato presso l'Albergo Miralago di Stresa.", "Miralago", "ORGANIZATION"),
        ('Frequenta la scuola primaria "Don Milani".', "Don Milani", "ORGANIZATION"),
        ("Borgo Maggiore (RSM), tel. 0549 123456", "RSM", "COUNTRY"),
        ("Cassa malati Sanitas, no. assicurato 3301-4471.2", "3301-4471.2", "HEALTHPLAN"),
        ("Chiamata gestita dalla SOREU della Pianura.", "SOREU della Pianura", "ORGANIZATION"),
    ],
)
def test_itnl3_second_pass_classes_found_in_italian(
    detector: RuleDetector, text: str, value: str, label: str
) -> None:
    assert label in _labels_over(detector, text, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Prof. Dr. med. Walter Gianella, primario", "med"),  # part of the title
        ("Dr.ssa med. Lara Keller", "med"),
        ("Percorso per il Pronto Soccorso al piano terra.", "Pronto Soccorso"),
        ("Il paziente è in pensione da due anni.", "pensione"),
    ],
)
def test_itnl3_second_pass_leaves_ordinary_italian_alone(
    detector: RuleDetector, text: str, value: str
) -> None:
    start = text.index(value)
    spans = detector.detect(Document("t", text))
    assert not [s for s in spans if s.start < start + len(value) and s.end > start]
