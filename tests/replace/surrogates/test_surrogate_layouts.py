"""One value written in two layouts gets one surrogate, written in each layout."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from fairdeid.document import Document, Span
from fairdeid.locales.national_ids import is_valid
from fairdeid.replace import build_replacer
from fairdeid.replace.surrogates import SurrogateReplacer

KEY = "layouts-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"


def replacer(**extra: object) -> SurrogateReplacer:
    rep = build_replacer({"mode": "surrogate", "locales": ["en_US"], "key": KEY, **extra})
    assert isinstance(rep, SurrogateReplacer)
    return rep


def surrogates(rep: SurrogateReplacer, text: str, marks: list[tuple[str, str]],
               pid: str = "p1", doc_id: str = "d") -> list[str]:
    """The surrogate of each (substring, label), marks given in text order."""
    spans, cursor = [], 0
    for sub, label in marks:
        i = text.index(sub, cursor)
        cursor = i + len(sub)
        spans.append(Span(i, i + len(sub), label))
    out = rep.replace(Document(doc_id, text, {"patient_id": pid}), spans)
    return [out.text[s.start : s.end] for s in out.spans]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_one_phone_in_three_layouts_gets_one_number() -> None:
    text = "Call (617) 555-0142, 617.555.0142 or +1 617 555 0142."
    a, b, c = surrogates(replacer(), text, [("(617) 555-0142", "PHONE"),
                                            ("617.555.0142", "PHONE"),
                                            ("+1 617 555 0142", "PHONE")])
    assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", a)
    assert re.fullmatch(r"\d{3}\.\d{3}\.\d{4}", b)
    assert c.startswith("+1 ") and re.fullmatch(r"\+1 \d{3} \d{3} \d{4}", c)
    assert digits(a) == digits(b) == digits(c)[1:] != "6175550142"


def test_a_patients_notes_agree_on_a_number_written_two_ways() -> None:
    rep = replacer()
    [first] = surrogates(rep, "Fax (617) 555-0199.", [("(617) 555-0199", "FAX")], doc_id="a")
    [second] = surrogates(rep, "Fax 6175550199.", [("6175550199", "FAX")], doc_id="b")
    assert digits(first) == second
    # a re-run in another order agrees too (the surrogate is drawn from the key, not the order)
    rerun = replacer()
    [second2] = surrogates(rerun, "Fax 6175550199.", [("6175550199", "FAX")], doc_id="b")
    assert second2 == second


def test_different_numbers_keep_different_surrogates() -> None:
    a, b = surrogates(replacer(), "617-555-0142 and 617-555-0143",
                      [("617-555-0142", "PHONE"), ("617-555-0143", "PHONE")])
    assert a != b


@pytest.mark.parametrize(("label", "first", "second"), [
    ("MEDICALRECORD", "123-45-678", "12345678"),
    ("MEDICALRECORD", "ab-12345", "AB12345"),
    ("SSN", "536-22-1234", "536221234"),
    ("IDNUM", "943 476 5919", "9434765919"),
])
def test_identifiers_agree_across_separators_and_case(label: str, first: str,
                                                      second: str) -> None:
    text = f"ID {first} and again {second}."
    a, b = surrogates(replacer(), text, [(first, label), (second, label)])
    assert re.sub(r"[^A-Za-z0-9]", "", a).upper() == b.upper()
    assert [c for c in a if not c.isalnum()] == [c for c in first if not c.isalnum()]
    assert b.upper() != second.upper()
    assert a.islower() == first.islower() and b.isupper() == second.isupper()


def test_a_national_number_stays_valid_in_both_layouts() -> None:
    text = "NHS 943 476 5919, also 9434765919."
    a, b = surrogates(replacer(locales=["en_GB"]), text,
                      [("943 476 5919", "IDNUM"), ("9434765919", "IDNUM")])
    assert is_valid("gb.nhs", a) and is_valid("gb.nhs", b)
    assert a.replace(" ", "") == b


def test_one_date_in_two_spellings_moves_to_one_day() -> None:
    text = "Seen 03/04/2021 and again on 3 April 2021."
    a, b = surrogates(replacer(date_order="DMY"), text,
                      [("03/04/2021", "DATE"), ("3 April 2021", "DATE")])
    day, month, year = (int(x) for x in a.split("/"))
    assert dt.date(year, month, day).strftime("%-d %B %Y") == b


def test_a_name_in_capitals_gets_the_same_name() -> None:
    text = "SMITH, JOHN seen. John Smith was well. Smith left."
    a, b, c = surrogates(replacer(), text, [("SMITH, JOHN", "PATIENT"),
                                            ("John Smith", "PATIENT"), ("Smith", "PATIENT")])
    surname, given = a.split(", ")
    assert a.isupper() and b == f"{given.title()} {surname.title()}" and c == surname.title()


def test_one_number_under_two_labels_gets_one_surrogate() -> None:
    rep = replacer()
    text = "Tel 617-555-0142, fax (617) 555-0142. MRN 4455667, ID 4455667."
    tel, fax, mrn, idnum = surrogates(rep, text, [
        ("617-555-0142", "PHONE"), ("(617) 555-0142", "FAX"),
        ("4455667", "MEDICALRECORD"), ("4455667", "IDNUM")])
    assert digits(tel) == digits(fax) and mrn == idnum != "4455667"


def test_spaces_around_a_patient_id_do_not_make_another_patient() -> None:
    rep = replacer()
    [a] = surrogates(rep, "Seen 2021-03-04.", [("2021-03-04", "DATE")], pid="p1")
    [b] = surrogates(rep, "Seen 2021-03-04.", [("2021-03-04", "DATE")], pid=" p1 ")
    [c] = surrogates(rep, "Seen 2021-03-04.", [("2021-03-04", "DATE")], pid="p1\t")
    assert a == b == c


def test_the_mapping_file_is_never_written_through_a_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fairdeid.errors import ConfigError

    monkeypatch.setenv("FAIRDEID_MAPPING_KEY", "a mapping passphrase for tests")
    target = tmp_path / "elsewhere.txt"
    target.write_text("", encoding="utf-8")
    link = tmp_path / "map.fdm"
    link.symlink_to(target)
    with pytest.raises(ConfigError, match="is a symlink"):
        replacer(mapping_file=str(link))
    dangling = tmp_path / "map2.fdm"
    dangling.symlink_to(tmp_path / "created-through-the-link")
    with pytest.raises(ConfigError, match="is a symlink"):
        replacer(mapping_file=str(dangling))
    assert target.read_text("utf-8") == "" and not (tmp_path / "created-through-the-link").exists()


def test_a_zip_or_state_written_alone_gets_its_address_surrogate() -> None:
    text = "ZIP 02114 first. Lives in Boston, MA 02114. ZIP 02114 again. State: MA."
    lone_zip, city, state, zip_, zip2, lone_state = surrogates(replacer(), text, [
        ("02114", "ZIP"), ("Boston", "CITY"), ("MA", "STATE"), ("02114", "ZIP"),
        ("02114", "ZIP"), ("MA", "STATE")])
    assert lone_zip == zip_ == zip2 != "02114"
    assert lone_state == state
