"""Unit tests of the rule detector, one block per rule family, plus negatives and config.

Fast on purpose (one detector built per module, short texts, no timing assertions).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _rules import labels_at
from fairdeid.detect.base import Detector, build_detector
from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.compiler import lower_pattern, split_lead
from fairdeid.detect.rules.dictionary import DictionaryMatcher, Kind, normalize
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import ResolveConfig, Resolver
from fairdeid.taxonomy import ALL_LABELS, coarse


def found(det: RuleDetector, text: str) -> dict[str, set[str]]:
    """Detected substrings by coarse label."""
    out: dict[str, set[str]] = {}
    for span in det.detect(Document(id="t", text=text)):
        out.setdefault(coarse(span.label), set()).add(text[span.start : span.end])
    return out


def covered(det: RuleDetector, text: str, part: str) -> set[str]:
    return labels_at(det, text, part, merged=False)


def nothing(det: RuleDetector, text: str) -> bool:
    return not det.detect(Document(id="t", text=text))


# -- protocol and provenance --------------------------------------------------------------


def test_protocol_and_registry() -> None:
    detector = build_detector("rules", {})
    assert isinstance(detector, Detector)
    assert detector.name == "rules"
    doc = Document(id="d", text="Seen by Dr. Wei Zhang on 03/04/2021.")
    spans = detector.detect(doc)
    assert spans
    assert all(s.source.startswith("rules:") and 0 < s.score <= 1 for s in spans)
    assert detector.detect_batch([doc, doc]) == [spans, spans]


def test_default_pipeline_uses_rules() -> None:
    result = Pipeline.from_config(None).deidentify("Call 555-123-4567 on 03/04/2021.")
    assert "555-123-4567" not in result.text and "03/04/2021" not in result.text


def test_empty_text(det: RuleDetector) -> None:
    assert det.detect(Document(id="e", text="")) == []


# -- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Admitted 03/04/2021.", "03/04/2021"),
        ("Seen 3-4-21.", "3-4-21"),
        ("CT 2021-03-04 clear.", "2021-03-04"),
        ("Follow up on 3/4 in clinic.", "3/4"),
        ("Born March 4th 2021.", "March 4th 2021"),
        ("Surgery 4 Mar.", "4 Mar"),
        ("Seen Mar 4.", "Mar 4"),
        ("Labs on the 4th.", "4th"),
        ("In the spring of 2019.", "spring of 2019"),
        ("Seen Monday.", "Monday"),
        ("Since Jan 2020.", "Jan 2020"),
        ("Diagnosed in 2018.", "2018"),
        ("On 12/31/2020 14:30 she fell.", "12/31/2020 14:30"),
    ],
)
def test_dates(det: RuleDetector, text: str, part: str) -> None:
    assert "DATE" in covered(det, text, part)


def test_invalid_calendar_dates_rejected(det: RuleDetector) -> None:
    assert nothing(det, "Values 13/45/2021 and 2021-14-40 look odd.")


def test_lowercase_may_is_not_a_date(det: RuleDetector) -> None:
    assert "DATE" not in found(det, "She may 2 times a day take it.")


# -- times --------------------------------------------------------------------------------


def test_times(det: RuleDetector) -> None:
    assert "DATE" in covered(det, "Seen at 3:30 pm.", "3:30 pm")
    assert "DATE" in covered(det, "Given at 14:30 today.", "14:30")
    assert nothing(det, "Ratio 1:100 and 2:1 mixing.")


def test_time_group_can_be_disabled() -> None:
    det = RuleDetector.from_config({"disabled": ["time"]})
    assert "DATE" not in found(det, "Given at 14:30 today.")


# -- contacts -----------------------------------------------------------------------------


def test_phones_and_fax(det: RuleDetector) -> None:
    assert "CONTACT" in covered(det, "Call (310) 555-1234 now.", "(310) 555-1234")
    assert "CONTACT" in covered(det, "Mobile +44 20 7946 0958", "+44 20 7946 0958")
    assert "CONTACT" in covered(det, "Call 555-123-4567 x 22", "555-123-4567 x 22")
    labels = {s.label for s in det.detect(Document(id="f", text="Fax: (617) 555-0100"))}
    assert "FAX" in labels


def test_email_url_ip(det: RuleDetector) -> None:
    text = "Mail jane.doe@example.com or see https://x.example.org/a. Host 10.1.2.3."
    got = found(det, text)["CONTACT"]
    assert {"jane.doe@example.com", "https://x.example.org/a", "10.1.2.3"} <= got
    assert nothing(det, "Version 1.2.3.400 released.")  # 400 is not an octet


# -- identifiers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part", "label"),
    [
        ("SSN: 123-45-6789", "123-45-6789", "SSN"),
        ("MRN: 12345678", "12345678", "MEDICALRECORD"),
        ("Medical record # 99-88-77", "99-88-77", "MEDICALRECORD"),
        ("Acct #: 55512345", "55512345", "ACCOUNT"),
        ("Unit No: 4455667", "4455667", "MEDICALRECORD"),
        ("License number D1234567", "D1234567", "LICENSE"),
        ("DEA AB1234563", "AB1234563", "LICENSE"),
        ("Pacemaker serial number PJ123456X", "PJ123456X", "DEVICE"),
        ("Health plan ID: HP-987654", "HP-987654", "HEALTHPLAN"),
        ("Member ID W123456789", "W123456789", "HEALTHPLAN"),
    ],
)
def test_ids_by_context(det: RuleDetector, text: str, part: str, label: str) -> None:
    spans = det.detect(Document(id="i", text=text))
    start = text.index(part)
    labels = {s.label for s in spans if s.start <= start and s.end >= start + len(part)}
    assert label in labels


def test_invalid_ssn_rejected(det: RuleDetector) -> None:
    assert "ID" not in found(det, "Code 000-12-3456 and 666-12-3456.")


# -- ages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["A 92 yo man.", "A 92-year-old man.", "Aged 95.", "Age: 101", "In his 90s."]
)
def test_ages_over_89(det: RuleDetector, text: str) -> None:
    assert "AGE" in found(det, text)


@pytest.mark.parametrize("text", ["A 70 yo man.", "An 89-year-old.", "Aged 45.", "Age: 65"])
def test_ages_under_90_proposed_and_kept_by_safe_harbor(det: RuleDetector, text: str) -> None:
    """The rules propose every age with a cue; the preset decides (safe_harbor keeps it)."""
    assert "AGE" in found(det, text)
    spans = det.detect(Document("t", text))
    kept = Resolver(ResolveConfig(preset="safe_harbor")).resolve(Document("t", text), spans)
    assert not [s for s in kept if s.label == "AGE"]


# -- locations ----------------------------------------------------------------------------


def test_address_zip_state(det: RuleDetector) -> None:
    text = "Lives at 123 Maple Street, Boston, MA 02115."
    labels = {s.label for s in det.detect(Document(id="a", text=text))}
    assert {"STREET", "CITY", "STATE", "ZIP"} <= labels


def test_hospitals(det: RuleDetector) -> None:
    assert "LOCATION" in covered(
        det, "Seen at St. Mary's Medical Center.", "St. Mary's Medical Center"
    )
    assert "LOCATION" in covered(det, "Treated at Mt. Sinai.", "Mt. Sinai")
    assert "LOCATION" in covered(det, "Follow up at Riverside Clinic.", "Riverside Clinic")


def test_room_and_bed(det: RuleDetector) -> None:
    got = found(det, "Moved to Room 412, Bed 3B.")["LOCATION"]
    assert {"412", "3B"} <= got


def test_md_after_name_is_not_maryland(det: RuleDetector) -> None:
    labels = {s.label for s in det.detect(Document(id="m", text="John Smith, MD signed."))}
    assert "STATE" not in labels and "DOCTOR" in labels


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Seen by Dr. Wei Zhang.", "Wei Zhang"),
        ("Mrs. Priya Sharma presents.", "Priya Sharma"),
        ("Attending: Robert Lewis", "Robert Lewis"),
        ("Dictated by: Anna Kowalski", "Anna Kowalski"),
        ("cc: Dr. Nguyen", "Nguyen"),
        ("Patient: Maria Garcia", "Maria Garcia"),
        ("Jane Doe, MD", "Jane Doe"),
        ("John Smith RN gave it.", "John Smith"),
        ("Chinedu Okafor was admitted.", "Chinedu Okafor"),
    ],
)
def test_names(det: RuleDetector, text: str, part: str) -> None:
    assert "NAME" in covered(det, text, part)


def test_doctor_vs_patient_labels(det: RuleDetector) -> None:
    spans = det.detect(Document(id="n", text="Dr. Wei Zhang saw Mrs. Priya Sharma."))
    by_text = {("Wei Zhang", "DOCTOR"), ("Priya Sharma", "PATIENT")}
    got = {("Dr. Wei Zhang saw Mrs. Priya Sharma."[s.start : s.end], s.label) for s in spans}
    assert by_text <= got


def test_title_is_not_part_of_name(det: RuleDetector) -> None:
    text = "Seen by Dr. Patel."
    assert all(
        not text[s.start : s.end].startswith("Dr") for s in det.detect(Document(id="x", text=text))
    )


def test_ambiguous_names_need_evidence(det: RuleDetector) -> None:
    for text in [
        "Will follow up.",
        "May take PRN.",
        "Hope to discharge.",
        "Bill sent.",
        "Mark site.",
    ]:
        assert "NAME" not in found(det, text), text
    assert "NAME" in covered(det, "Seen by Dr. Will Brown.", "Will Brown")


def test_name_propagation(det: RuleDetector) -> None:
    text = "Patient: Arjun Patel\nHistory: Patel denies pain. Later Arjun walked."
    spans = det.detect(Document(id="p", text=text))
    starts = {text[s.start : s.end] for s in spans if s.source == "rules:name.propagated"}
    assert {"Patel", "Arjun"} <= starts


def _propagated(det: RuleDetector, text: str) -> list[str]:
    spans = det.detect(Document(id="p", text=text))
    return sorted(text[s.start : s.end] for s in spans if s.source == "rules:name.propagated")


def test_propagation_ignores_case(det: RuleDetector) -> None:
    text = "Dr. Wei Zhang saw her. ZHANG signed. zhang will follow."
    assert {"ZHANG", "zhang"} <= set(_propagated(det, text))


def test_propagation_ignores_accents(det: RuleDetector) -> None:
    text = "Patient: José Hernández\nJOSE HERNANDEZ seen; jose agreed. Hernandez's wife called."
    found = _propagated(det, text)
    assert "JOSE HERNANDEZ" in found and "jose" in found and "Hernandez" in found
    # decomposed accents (NFD) are the same name
    nfd = "Patient: Jose\u0301 Smith\nJOSE called."
    assert "JOSE" in _propagated(det, nfd)
    # case folding, not lower-casing: "ß" is "ss"
    assert "ROSS" in _propagated(det, "Dr. Hans Roß saw her. ROSS agreed.")


def test_propagation_is_whole_word(det: RuleDetector) -> None:
    text = "Dr. Wei Zhang saw her. Trip to Zhangjiakou and ZHANGJIAKOU; zhang-like rash."
    found = _propagated(det, text)
    assert not any("jiakou" in f.lower() for f in found)
    assert "zhang" not in found  # "zhang-like" is one word
    assert "Zhang's" not in found
    assert "Zhang" in _propagated(det, "Dr. Wei Zhang saw her. Zhang's note is signed.")


def test_propagation_of_the_full_name(det: RuleDetector) -> None:
    text = "Attending: Wei Zhang\nSigned: WEI ZHANG\nwei zhang agreed"
    found = _propagated(det, text)
    assert "WEI ZHANG" in found and "wei zhang" in found


def test_propagation_keeps_common_words_out(det: RuleDetector) -> None:
    # names that are ordinary words never propagate; a capitalised full name still does
    text = "Dr. Will Rose saw her. We will see. The rash rose. Will Rose called."
    found = _propagated(det, text)
    assert "will" not in found and "rose" not in found and found.count("Will Rose") == 2
    text = "Patient: Hope Lambert. We hope so. LAMBERT called; lambert agreed."
    assert _propagated(det, text) == ["Hope Lambert", "LAMBERT", "lambert"]
    # an occupation in lower case is a word, not the name
    text = "Mr. Tom Farmer is here. He was a farmer. FARMER signed."
    assert "farmer" not in _propagated(det, text) and "FARMER" in _propagated(det, text)


def test_short_names_propagate_only_as_spelled(det: RuleDetector) -> None:
    text = "Mrs. Ng saw her. Troponin 5 ng/mL, NG tube placed. Ng agreed."
    assert _propagated(det, text) == ["Ng", "Ng"]  # the title's occurrence and the last


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("cc:[Wei Zhang]", "Wei Zhang"),
        ("cc:[W. Zhang]", "W. Zhang"),
        ("Patient: (Maria Garcia)", "Maria Garcia"),
        ("cc: [Dr. Wei Zhang, MD]", "Wei Zhang"),
    ],
)
def test_bracketed_names_leave_the_brackets(det: RuleDetector, text: str, name: str) -> None:
    """The replacer swallowed the closing bracket of "cc:[Wei Zhang]" when a span held it."""
    spans = det.detect(Document(id="b", text=text))
    assert all(not set(text[s.start : s.end]) & set("[]()") for s in spans)
    assert "NAME" in covered(det, text, name)


def test_propagation_can_be_disabled() -> None:
    det = RuleDetector.from_config({"disabled": ["name.propagated"]})
    spans = det.detect(Document(id="p", text="Patient: Arjun Patel. Patel denies pain."))
    assert not any(s.source == "rules:name.propagated" for s in spans)


def test_multicultural_dictionary_names(det: RuleDetector) -> None:
    for text, part in [
        ("Olusegun Adeyemi presented.", "Olusegun Adeyemi"),
        ("Wei Zhang presented.", "Wei Zhang"),
        ("Fatima Rahman presented.", "Fatima Rahman"),
        ("Camille Dubois presented.", "Camille Dubois"),
        ("Alejandro Hernández presented.", "Alejandro Hernández"),
    ]:
        assert "NAME" in covered(det, text, part), text


# -- professions --------------------------------------------------------------------------


def test_professions_need_context(det: RuleDetector) -> None:
    assert "PROFESSION" in covered(det, "He works as an electrician.", "electrician")
    assert "PROFESSION" in covered(det, "Retired teacher.", "teacher")
    assert "PROFESSION" not in found(det, "The nurse gave the medication.")
    assert "PROFESSION" in covered(det, "She worked as a nurse for years.", "nurse")


def test_profession_context_patterns_are_shapes_ending_at_the_occupation(
    tmp_path: Path,
) -> None:
    extra = tmp_path / "site.toml"
    extra.write_text(
        "[professions]\ncontext_patterns = ['(?:Mr\\.|Mrs\\.)[ ][A-Z][a-z]+,[ ]']\n",
        encoding="utf-8",
    )
    det = RuleDetector.from_config({"extra_patterns": [str(extra)]})
    text = "Seen with Mr. Jones, electrician, today."
    assert "PROFESSION" in covered(det, text, "electrician")
    # the shape must end where the occupation starts, and a doctor's title is not in it
    assert "PROFESSION" not in found(det, "Mr. Jones, who saw an electrician.")
    assert "PROFESSION" not in found(det, "Dr. Jones, electrician, today.")
    # without the key the apposition alone is no occupation context
    assert "PROFESSION" not in found(RuleDetector(), text)


def test_profession_complement_extends_a_listed_occupation(tmp_path: Path) -> None:
    extra = tmp_path / "site.toml"
    extra.write_text(
        "[professions]\ncomplement = '(?:[ ]of[ ](?!the)[a-z]+)?'\n", encoding="utf-8"
    )
    det = RuleDetector.from_config({"extra_patterns": [str(extra)]})
    text = "He works as a teacher of mathematics."
    assert "PROFESSION" in covered(det, text, "teacher of mathematics")
    # without the key the listed word alone is the occupation
    assert "PROFESSION" not in covered(RuleDetector(), text, "teacher of mathematics")
    assert "PROFESSION" in covered(RuleDetector(), text, "teacher")
    # what the complement refuses stays out
    assert found(det, "He works as a teacher of the year.")["PROFESSION"] == {"teacher"}


def test_profession_group_can_be_disabled() -> None:
    det = RuleDetector.from_config({"disabled": ["profession"]})
    assert "PROFESSION" not in found(det, "He works as an electrician.")


# -- negatives ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Take 1/2 tab daily.",
        "Motor 5/5 strength.",
        "BP 120/80.",
        "2/6 systolic murmur.",
        "Vision 20/20.",
        "Na 140, K 3.5.",
        "HbA1c 7.2%.",
        "Parkinson disease.",
        "Foley catheter.",
        "Apgar 8 and 9.",
        "Glasgow Coma Scale 15.",
        "Hodgkin lymphoma.",
        "Crohn disease.",
        "Cushing syndrome.",
        "Alzheimer dementia.",
        "Lisinopril 10 mg daily.",
        "ICD I10, E11.9, J45.909.",
        "Metformin 500 mg BID.",
        "Temp 98.6 F, RR 16, SpO2 97%.",
        "Pain 7/10.",
    ],
)
def test_clinical_lookalikes(det: RuleDetector, text: str) -> None:
    assert nothing(det, text), [
        text[s.start : s.end] for s in det.detect(Document(id="n", text=text))
    ]


# -- configuration ------------------------------------------------------------------------


def test_unknown_config_key() -> None:
    with pytest.raises(ConfigError):
        RuleDetector.from_config({"nope": 1})


def test_unknown_config_key_names_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as info:
        RuleDetector.from_config({"disabeld": ["time"]})
    assert "disabeld" in str(info.value) and "disabled" in str(info.value)


@pytest.mark.parametrize("name", ["nonexistent", "name.nope", "dates", "time.clock.x"])
def test_unknown_disabled_group_or_rule(name: str) -> None:
    with pytest.raises(ConfigError) as info:
        RuleDetector.from_config({"disabled": [name]})
    message = str(info.value)
    assert repr(name) in message
    assert "'date'" in message and "'name.propagated'" in message  # the valid ones


def test_unknown_disabled_is_refused_without_from_config() -> None:
    with pytest.raises(ConfigError):
        RuleDetector(disabled=["nonexistent"])


@pytest.mark.parametrize(
    "name",
    [
        "date",
        "time",
        "name",
        "name.propagated",
        "name.dictionary_last",
        "profession",
        "profession.dictionary",
        "location.address_tail",
        "location.city",
        "date.numeric",
    ],
)
def test_known_disabled_groups_and_rules(name: str) -> None:
    RuleDetector.from_config({"disabled": [name]})


def test_disabled_rule_from_extra_patterns(tmp_path: Path) -> None:
    extra = tmp_path / "site.toml"
    extra.write_text(
        "[[rule]]\nname = \"study.id\"\nlabel = \"IDNUM\"\npattern = '''STUDY-\\d{3}'''\n",
        encoding="utf-8",
    )
    RuleDetector.from_config({"extra_patterns": [str(extra)], "disabled": ["study"]})


@pytest.mark.parametrize(
    "config",
    [
        {"disabled": "time,date"},
        {"disabled": [1]},
        {"min_score": "high"},
        {"min_score": 2},
        {"window": 0},
        {"window": 4.5},
        {"chunk_chars": 10},
        {"use_packaged_dictionaries": "yes"},
        {"extra_dictionaries": ["x.txt"]},
    ],
)
def test_bad_value_types(config: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        RuleDetector.from_config(config)


def test_single_dictionary_name_rules_can_be_disabled(det: RuleDetector) -> None:
    text = "Follow up with Priya."
    assert "NAME" in found(det, text)
    off = RuleDetector.from_config({"disabled": ["name.dictionary_first"]})
    assert "NAME" not in found(off, text)


def test_unknown_dictionary_kind() -> None:
    with pytest.raises(ConfigError):
        RuleDetector.from_config({"extra_dictionaries": {"pets": ["x.txt"]}})


def test_extra_dictionary(tmp_path: Path) -> None:
    hosp = tmp_path / "sites.txt"
    hosp.write_text("# our sites\nZorblax Wellness\n", encoding="utf-8")
    det = RuleDetector.from_config({"extra_dictionaries": {"hospitals": [str(hosp)]}})
    assert "LOCATION" in covered(det, "Seen at Zorblax Wellness today.", "Zorblax Wellness")


def test_extra_patterns_add_and_override(tmp_path: Path) -> None:
    extra = tmp_path / "site.toml"
    extra.write_text(
        "[[rule]]\n"
        'name = "id.study"\n'
        'label = "IDNUM"\n'
        "score = 0.9\n"
        "pattern = '''STUDY-\\d{3}'''\n",
        encoding="utf-8",
    )
    det = RuleDetector.from_config({"extra_patterns": [str(extra)]})
    assert "ID" in covered(det, "Enrolled as STUDY-123.", "STUDY-123")


def test_bad_pattern_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "x.y"\nlabel = "NOPE"\npattern = "a"\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        RuleDetector.from_config({"extra_patterns": [str(bad)]})


def test_min_score_filters() -> None:
    det = RuleDetector.from_config({"min_score": 0.9})
    assert all(s.score >= 0.9 for s in det.detect(Document(id="s", text="Seen 3/4 and in 2018.")))


def test_errors_do_not_leak_text(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        RuleDetector.from_config({"extra_dictionaries": {"cities": [str(tmp_path / "nope.txt")]}})
    assert "nope.txt" in str(info.value)


# -- internals ----------------------------------------------------------------------------


def test_dictionary_matcher_whole_words() -> None:
    m = DictionaryMatcher()
    m.add("Anna", Kind.FIRST)
    m.add("Mt. Sinai", Kind.HOSPITAL)
    m.build()
    text = "Annabel met Anna at Mt. Sinai and Mt Sinai."
    hits = [(text[h.start : h.end], h.kind) for h in m.find(text)]
    assert ("Anna", Kind.FIRST) in hits
    assert ("Mt. Sinai", Kind.HOSPITAL) in hits and ("Mt Sinai", Kind.HOSPITAL) in hits
    assert all(t != "Anna" or text.count("Annabel") == 1 for t, _ in hits)
    assert len([t for t, _ in hits if t == "Anna"]) == 1


def test_normalize_keeps_length() -> None:
    for text in ["İstanbul Straße", "a-b_c.d", "ÅBC", "ß"]:
        assert len(normalize(text)) == len(text)


def test_pattern_helpers() -> None:
    assert lower_pattern(r"(?P<Month>Jan)\S[A-Z]") == r"(?P<Month>jan)\S[a-z]"
    assert split_lead(r"\bfoo") == (r"\b", "foo")
    assert split_lead(r"(?<![\w])\d+") == (r"(?<![\w])", r"\d+")
    assert split_lead(r"(?<!x)a|b") == ("", r"(?<!x)a|b")


# -- properties ---------------------------------------------------------------------------

_CLINICAL_ALPHABET = st.sampled_from(
    list("abcXYZ 0123456789/-.:,#@()'\n\t")
    + ["Dr. ", "Mr. ", "MRN: ", "March ", "May ", "Smith ", "Anna ", "İ", "ß", "王", "伟", "\u00a0"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_CLINICAL_ALPHABET, max_size=60).map("".join) | st.text(max_size=80))
def test_spans_are_always_valid(text: str) -> None:
    det = _shared_detector()
    spans = det.detect(Document(id="h", text=text))
    for span in spans:
        assert isinstance(span, Span)
        assert 0 <= span.start < span.end <= len(text)
        assert span.label in ALL_LABELS
        assert span.source.startswith("rules:")


_DETECTOR: list[RuleDetector] = []


def _shared_detector() -> RuleDetector:
    if not _DETECTOR:
        _DETECTOR.append(RuleDetector.from_config({}))
    return _DETECTOR[0]
