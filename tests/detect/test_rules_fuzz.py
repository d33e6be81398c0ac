"""The rule detector on header-like text: staff blocks, spaced phone digits, capitals, initials.

Real French notes start with blocks such as "Pr PAULETTE ELISABETH LE BLEVEC (ASP)",
"Dr. LAMBERT J.-R." and "Tel : 0 3 2 1 2 3 6 4 5 5"; two of 929 of them made the detector build
an invalid span, and the whole note failed. Whatever the text, the detector must return valid,
non-blank spans and never raise.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdeid.detect.rules import RuleDetector
from fairdeid.document import Document, Span


@pytest.fixture(scope="module")
def det() -> RuleDetector:
    return _shared()


_DETECTOR: list[RuleDetector] = []


def _shared() -> RuleDetector:
    if not _DETECTOR:
        _DETECTOR.append(RuleDetector.from_config({}))
    return _DETECTOR[0]


def _check(text: str, spans: list[Span]) -> None:
    for span in spans:
        assert 0 <= span.start < span.end <= len(text), span
        assert text[span.start : span.end].strip(), span


# -- the crash ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "HOPE LAMBERT",
        "Tel : 0 3 2 1 2 3 6 4 5 5\nHOPE LAMBERT",
        "Service de Cardiologie\nPr PAULETTE ELISABETH LE BLEVEC (ASP)\nDr. LAMBERT J.-R.\n"
        "Tel : 0 3 2 1 2 3 6 4 5 5\nMme ROSE GARNIER\nWILL BROWN (IDE)\n",
        "Seen by May SMITH and WILL BROWN.",
    ],
)
def test_ambiguous_caps_name_before_caps_surname_does_not_crash(
    det: RuleDetector, text: str
) -> None:
    """An ambiguous first name ("Hope") before an ALL-CAPS surname built ``Span(start, -1)``."""
    _check(text, det.detect(Document(id="h", text=text)))


# -- fuzzing --------------------------------------------------------------------------------

_TITLES = ["Dr", "Dr.", "DR.", "Pr", "Pr.", "Mme", "M.", "Mr.", "Mrs", "Prof.", "Docteur"]
_NAMES = [
    "PAULETTE",
    "ELISABETH",
    "LE",
    "BLEVEC",
    "LAMBERT",
    "Lambert",
    "HOPE",
    "Hope",
    "WILL",
    "May",
    "ROSE",
    "Garnier",
    "ZHANG",
    "José",
    "JOSÉ",
    "de",
    "van",
    "O'Neil",
    "Smith's",
]
_INITIALS = ["J.", "J.-R.", "A.-M.", "R.", "-R.", "J-P", "M.-C."]
_PUNCT = ["(", ")", "(ASP)", "(IDE)", ":", " : ", ",", ".", "-", " - ", "/", "'", "[", "]"]
_FIELDS = ["Tel :", "Tél. :", "Fax :", "Patient :", "Médecin :", "cc:", "Signé", "MD", "Service"]
_SPACE = [" ", " ", "  ", "\n", "\n\n", "\t", "\u00a0"]


def _digits(draw_digits: list[int]) -> str:
    return " ".join(str(d) for d in draw_digits)


_ATOM = st.one_of(
    st.sampled_from(_TITLES),
    st.sampled_from(_NAMES),
    st.sampled_from(_INITIALS),
    st.sampled_from(_PUNCT),
    st.sampled_from(_FIELDS),
    st.sampled_from(_SPACE),
    st.lists(st.integers(0, 9), min_size=1, max_size=10).map(_digits),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZÉÈ", min_size=1, max_size=8),
)


@st.composite
def header_text(draw: st.DrawFn) -> str:
    """Atoms joined by spaces, or glued together (so punctuation touches words)."""
    atoms = draw(st.lists(_ATOM, max_size=30))
    glue = draw(st.sampled_from(["", " ", "\n"]))
    return glue.join(atoms)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header_text())
def test_header_like_text_never_breaks_the_detector(text: str) -> None:
    _check(text, _shared().detect(Document(id="f", text=text)))
