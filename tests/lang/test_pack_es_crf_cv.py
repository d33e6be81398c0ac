"""scripts/crf_cv.py's error classes (``--pipeline-errors``): how a Spanish rule round counts
the pipeline's errors on a MEDDOCAN train fold by class, never showing a note's text. The note
is invented."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from _scripts import load_script
from fairdeid.document import Document, Span

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def crf_cv() -> ModuleType:
    return load_script("scripts/crf_cv.py")


TEXT = "Dr. Luis Gil. Hospital San Telmo Córdoba, Calle Mayor 5. Varón de tres años."


def _span(text: str, label: str, source: str = "gold") -> Span:
    start = TEXT.index(text)
    return Span(start, start + len(text), label, source, 1.0)


def test_error_classes(crf_cv: ModuleType) -> None:
    gold = Document("n1", TEXT, spans=(
        _span("Luis Gil", "DOCTOR"), _span("Hospital San Telmo", "HOSPITAL"),
        _span("Córdoba", "CITY"), _span("Calle Mayor 5", "STREET"),
        _span("tres años", "AGE")))
    pred = Document("n1", TEXT, spans=(
        _span("Luis Gil", "DOCTOR"),                      # right
        _span("Hospital San Telmo Córdoba", "HOSPITAL"),  # one span over two
        _span("Calle Mayor", "STREET"),                   # too short
        _span("Varón", "PATIENT")))                       # spurious; the age is missed
    counts = crf_cv.error_classes(gold, pred)
    assert counts == Counter({
        ("LOCATION", "joined", "FN"): 2, ("LOCATION", "joined", "FP"): 1,
        ("LOCATION", "pred-shorter", "FN"): 1, ("LOCATION", "pred-shorter", "FP"): 1,
        ("AGE", "missed", "FN"): 1, ("NAME", "spurious", "FP"): 1})


def test_other_label_longer_and_shifted(crf_cv: ModuleType) -> None:
    gold = Document("n2", TEXT, spans=(_span("Luis Gil", "DOCTOR"),
                                       _span("Calle Mayor 5", "STREET")))
    pred = Document("n2", TEXT, spans=(_span("Dr. Luis Gil", "DOCTOR"),
                                       _span("Mayor 5.", "ID")))
    counts = crf_cv.error_classes(gold, pred)
    assert counts == Counter({
        ("NAME", "pred-longer", "FN"): 1, ("NAME", "pred-longer", "FP"): 1,
        ("LOCATION", "other-label", "FN"): 1, ("ID", "other-label", "FP"): 1})


def test_pipeline_errors_scores_the_pack_with_a_given_model(crf_cv: ModuleType) -> None:
    """The pack's own pipeline with the model passed in, scored against the gold its policy
    removes: the patient's sex (OTHER) and an age in digits under 90 leave the gold."""
    text = "Varón de 45 años. Remitido por: Dr. Luis Gil Pérez. Hospital San Telmo, Palencia."
    start = text.index("Luis")
    gold = Document("n3", text, spans=(
        Span(0, 5, "OTHER", "gold", 1.0), Span(9, 16, "AGE", "gold", 1.0),
        Span(start, start + len("Luis Gil Pérez"), "DOCTOR", "gold", 1.0)))
    model = ROOT / "src" / "fairdeid" / "models" / "crf-es-mw"
    f1, counts = crf_cv.pipeline_errors([gold], model)
    assert 0.0 <= f1 <= 1.0
    assert all(side in {"FN", "FP"} for _, _, side in counts)
    # the sex and the young age were left out of the gold, so neither is an FN
    assert not [k for k in counts if k[2] == "FN" and k[0] in {"AGE", "OTHER"}]


def test_a_score_with_nothing_to_measure_prints_a_dash(crf_cv: ModuleType) -> None:
    """A fold model that found nothing has no precision (``None``): the table shows "-"
    instead of stopping the run with a format error."""
    assert crf_cv.fmt(None, 7, 3) == "      -"
    assert crf_cv.fmt(0.96021, 7, 3) == "  0.960"
