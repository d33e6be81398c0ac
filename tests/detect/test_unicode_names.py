"""Names whose capital is not ASCII ("H. Çelik", "Ł. Nowak", "Þórunn") get the same outcome as
their ASCII twins ("H. Celik"): a rule that only knows "[A-Z]" is a fairness gap (the audit's
locale pools are full of such names), and a prefilter that skips a rule on non-ASCII text would
be a silent leak."""

from __future__ import annotations

import tomllib
import unicodedata
from importlib import resources

import pytest

from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.names import LC, UC, letter_class
from fairdeid.detect.rules.propagation import fold
from fairdeid.detect.titles import TitleWords, include_titles
from fairdeid.document import Document, Span
from fairdeid.resolve import merge_overlaps

#: letters without an NFKD decomposition, spelt as an English keyboard would
_TWIN = str.maketrans(
    {"ı": "i", "İ": "I", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Æ": "A",
     "æ": "a", "Þ": "T", "þ": "t", "Ð": "D", "ð": "d"}
)


def ascii_twin(text: str) -> str:
    """The same note with every letter stripped of its diacritics ("Çelik" -> "Celik")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TWIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@pytest.fixture(scope="module")
def detector() -> RuleDetector:
    return RuleDetector.from_config({})


def _found(detector: RuleDetector, text: str) -> list[tuple[str, str]]:
    spans = merge_overlaps(detector.detect(Document(id="u", text=text)))
    return [(text[s.start : s.end], s.label) for s in spans]


# (note, the names the rules must find in it); every case is also run as its ASCII twin
CASES: list[tuple[str, list[str]]] = [
    # initials before a surname, after a cue (Polish, Czech, French, Spanish, Turkish)
    ("Reviewed with Ł. Nowak yesterday.", ["Ł. Nowak"]),
    ("Reviewed with Š. Novák yesterday.", ["Š. Novák"]),
    ("Reviewed with H. Çelik yesterday.", ["H. Çelik"]),
    ("Reviewed with É. Lefèvre yesterday.", ["É. Lefèvre"]),
    ("Reviewed with Á. Núñez yesterday.", ["Á. Núñez"]),
    ("Reviewed with Đ. Nguyen yesterday.", ["Đ. Nguyen"]),
    # titles
    ("Seen by Dr. Çelik today.", ["Çelik"]),
    ("Seen by Dr. Łukasz Żółkiewski today.", ["Łukasz Żółkiewski"]),
    ("Seen by Dr. Řehoř today.", ["Řehoř"]),
    ("Discussed with Dr. Đặng Thị Hoa.", ["Đặng Thị Hoa"]),
    ("Dr. Öztürk-Çelik reviewed.", ["Öztürk-Çelik"]),
    # lower-case dictation after a title
    ("seen by dr çelik today.", ["çelik"]),
    ("seen by dr łukasiewicz today.", ["łukasiewicz"]),
    # headers, surname first, ALL CAPS
    ("PATIENT: ÇELIK, Hatice\nDOB: 01/02/1960", ["ÇELIK, Hatice", "01/02/1960"]),
    ("Patient: Çelik, H.", ["Çelik, H."]),
    ("Attending: İlker Işık", ["İlker Işık"]),
    ("PATIENT: IŞIK, İlker", ["IŞIK, İlker"]),
    ("Patient: ŁUKASIEWICZ, Łucja", ["ŁUKASIEWICZ, Łucja"]),
    ("Attending: Şükrü ÖZTÜRK", ["Şükrü ÖZTÜRK"]),
    ("ŘEHOŘ, Jiří\nDOB 01/02/1970", ["ŘEHOŘ, Jiří", "01/02/1970"]),
    ("Seen by Çelik, H. on the ward.", ["Çelik, H."]),
    # a given name and an initial
    ("Seen with Çiğdem K. in clinic.", ["Çiğdem K."]),
    # signatures (Turkish, Polish, Vietnamese, Nordic, Icelandic)
    ("Hatice Çelik, MD", ["Hatice Çelik"]),
    ("Şükrü Öztürk, MD", ["Şükrü Öztürk"]),
    ("Łucja Śliwińska, MD", ["Łucja Śliwińska"]),
    ("Đặng Văn Lâm, MD", ["Đặng Văn Lâm"]),
    ("Ørjan Ødegård, MD", ["Ørjan Ødegård"]),
    ("Þórunn Ðorsteinsdóttir, RN", ["Þórunn Ðorsteinsdóttir"]),
    ("Sincerely,\nŞükrü Öztürk", ["Şükrü Öztürk"]),
    # cc lists
    ("cc: Dr. Šimon Čech; Dr. Ævar Ørn", ["Šimon Čech", "Ævar Ørn"]),
    # propagation to the other mentions, the Turkish dotted/dotless I included
    ("Mrs. Ødegård came in. Ødegård was calm.", ["Ødegård", "Ødegård"]),
    ("Patient: Işık, Ayşe\nIŞIK AYŞE was seen.", ["Işık, Ayşe", "IŞIK", "AYŞE"]),
    ("Attending: Dr. İlker Öz\nİLKER ÖZ signed.", ["İlker Öz", "İLKER ÖZ"]),
    # Greek and Cyrillic in their own script
    ("Dr. Ελένη Παπαδοπούλου reviewed.", ["Ελένη Παπαδοπούλου"]),
    ("Dr. Иван Петров reviewed.", ["Иван Петров"]),
]


@pytest.mark.parametrize(("text", "names"), CASES, ids=[c[0][:32] for c in CASES])
def test_a_name_with_a_non_ascii_capital_is_found(
    detector: RuleDetector, text: str, names: list[str]
) -> None:
    assert [found for found, _ in _found(detector, text)] == names


@pytest.mark.parametrize(("text", "names"), CASES, ids=[c[0][:32] for c in CASES])
def test_the_same_outcome_as_the_ascii_twin(
    detector: RuleDetector, text: str, names: list[str]
) -> None:
    twin = ascii_twin(text)
    assert [(ascii_twin(f), label) for f, label in _found(detector, text)] == _found(
        detector, twin
    )


def test_the_prefilter_never_skips_a_rule_on_non_ascii_notes() -> None:
    fast = RuleDetector.from_config({})
    plain = RuleDetector.from_config({"prefilter": False})
    for text, _ in CASES:
        got = [(s.start, s.end, s.label, s.source) for s in fast.detect(Document("u", text))]
        want = [(s.start, s.end, s.label, s.source) for s in plain.detect(Document("u", text))]
        assert got == want, text


def test_a_title_attaches_to_a_non_ascii_name() -> None:
    text = "Seen by Dr. Çelik today."
    start = text.index("Çelik")
    [out] = include_titles(
        text,
        [Span(start, start + 5, "DOCTOR", "rules:name.title", 0.95)],
        TitleWords.from_rules_table(None),
    )
    assert text[out.start : out.end] == "Dr. Çelik"


def test_turkish_dotless_and_dotted_i_fold_as_their_capitals() -> None:
    assert fold("IŞIK") == fold("Işık") == fold("ışık")
    assert fold("İlker") == fold("ILKER") == fold("ilker")


def test_the_pattern_macros_are_the_generated_letter_classes() -> None:
    data = resources.files("fairdeid.detect.rules").joinpath("data", "patterns.toml")
    macros = tomllib.loads(data.read_text("utf-8"))["macros"]
    assert (macros["UC"], macros["LC"]) == (UC, LC)
    for capital in "AÇŁŞŠŽŘĐØÆÞÐİΑЖẠ":
        assert capital in _expand(UC), capital
    for small in "açłşšžřđøæþðıαжạ":
        assert small in _expand(LC), small
    assert letter_class(upper=True) == UC


def _expand(body: str) -> set[str]:
    """The characters of a class body of single letters and "a-z" ranges."""
    out: set[str] = set()
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            out.update(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
            i += 3
        else:
            out.add(body[i])
            i += 1
    return out
