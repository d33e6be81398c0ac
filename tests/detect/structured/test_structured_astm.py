"""ASTM E1394 laboratory records read by record type and field.

The frames are invented, in the shape an analyser's interface trace prints them.
"""

from __future__ import annotations

from fairdeid.detect.structured import StructuredDetector, astm
from fairdeid.document import Document

TRACE = (
    "trace LIS /var/log/astm_C3.log\n"
    "<STX>1H|\\^&|||AU680^3.2^AU-55871|||||host|TSREQ^REAL|P|1|20261201101502<CR><ETX>3A\n"
    "<STX>2P|1||PZ40018812||NOVAKOVÁ^JANA^MARIE||19690314|F|||Lipová 12^Brno^^60200||"
    "+420 541 225 117|^KOLÁŘ^P<CR><ETX>5C\n"
    "<STX>3O|1|7713002481^01||^^^12^CRP|R|20261201094500|||||N<CR><ETX>0D\n"
    "<STX>4R|1|^^^12^CRP|84.2|mg/L|0 TO 5|H||F||tkrejci||20261201101455|AU-55871<CR><ETX>41\n"
    "<STX>5L|1|N<CR><ETX>07\n"
)


def _found(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in astm.find(text)]


def test_records_read_by_field() -> None:
    found = _found(TRACE)
    assert ("MEDICALRECORD", "PZ40018812") in found
    assert ("PATIENT", "NOVAKOVÁ") in found and ("PATIENT", "MARIE") in found
    assert ("DATE", "19690314") in found
    assert ("STREET", "Lipová 12") in found and ("CITY", "Brno") in found
    assert ("ZIP", "60200") in found and ("PHONE", "+420 541 225 117") in found
    assert ("DOCTOR", "KOLÁŘ") in found
    assert ("IDNUM", "7713002481") in found and ("USERNAME", "tkrejci") in found
    assert ("DEVICE", "AU-55871") in found
    # dates keep their date only; tests, values, units and flags are no PHI
    assert ("DATE", "20261201") in found
    values = {v for _, v in found}
    assert not values & {"84.2", "mg/L", "CRP", "0 TO 5", "3.2", "AU680", "N"}


def test_records_without_a_message_header_are_not_read() -> None:
    assert _found("P|1||PZ40018812||NOVAKOVÁ^JANA\n") == []


def test_the_detector_reads_astm() -> None:
    spans = StructuredDetector().detect(Document("d", TRACE))
    assert any(s.source == "structured:astm.P-6" for s in spans)
    off = StructuredDetector().with_disabled(["astm"]).detect(Document("d", TRACE))
    assert not any(s.source.startswith("structured:astm") for s in off)
