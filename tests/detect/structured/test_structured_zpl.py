"""The patient's name on ZPL label jobs (invented wristband and sample-label jobs)."""

from __future__ import annotations

from fairdeid.detect.structured import zpl

JOB = ("^XA^CI28^PW812^LL203\n"
       "^FO30,20^A0N,30,30^FDDE LA FUENTE OLMOS, María José^FS\n"
       "^FO30,58^A0N,24,24^FDFN 12/05/1951  F  NHC 4410237^FS\n"
       "^FO30,90^A0N,22,22^FDALERGIAS: NINGUNA^FS\n"
       "^XZ\n^XA\n^FO20,20^A0N,26,26^FDKOVAČ, M  * 04.07.1966^FS\n^XZ\n")


def test_surname_comma_given_at_the_start_of_a_label_field() -> None:
    assert [JOB[h.start : h.end] for h in zpl.find(JOB)] == [
        "DE LA FUENTE OLMOS, María José", "KOVAČ, M"]


def test_other_fields_and_carets_outside_a_job_are_not_read() -> None:
    assert zpl.find("^FDMORENO, Ana^FS without a job start") == []
    assert zpl.find("^XA^FO20,20^FDALLERGIE: GEEN, geen latex^FS^XZ") == []
