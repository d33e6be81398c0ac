"""Dates and identifiers in the parts of file names a note mentions (invented names)."""

from __future__ import annotations

from fairdeid.detect.structured import StructuredDetector, filenames
from fairdeid.document import Document


def _found(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in filenames.find(text)]


def test_dates_and_numbers_in_attachment_names() -> None:
    text = ("Bijlagen: kmehr_janssens_20260914.xml (12 kB); voorschrift_BEXR7Q2K9L4M.pdf; "
            "GMT20261002-091530_Recording.m4a.vtt; export_HC004417823.csv")
    assert _found(text) == [("DATE", "20260914"), ("IDNUM", "BEXR7Q2K9L4M"),
                            ("DATE", "20261002"), ("IDNUM", "HC004417823")]


def test_versions_sequences_times_and_words_are_no_phi() -> None:
    assert _found("IM_0001.dcm, protocol_v3.pdf, logo_clinic.png, 2026-08.log") == []
    # the six digits after a date are its time of day
    assert _found("scan_20260311_101502.jpg") == [("DATE", "20260311")]
    # a number without an extension after it is no file name (the other detectors read it)
    assert _found("dossier 20260914 suivi") == []


def test_the_detector_reads_file_names() -> None:
    doc = Document("d", "Anhang: befund_20261103_RX44018812.pdf")
    spans = StructuredDetector().detect(doc)
    assert {s.source for s in spans} >= {"structured:filename.date", "structured:filename.id"}
    assert StructuredDetector().with_disabled(["filename"]).detect(doc) == []
