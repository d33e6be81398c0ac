"""The rule engine's fast paths find exactly what the plain forms they replace found.

Issue 14 (rules at 150,000 words per CPU-second) rewrote hot spots of the rule detector for
speed; each must leave every span as it was. The whole-corpus check is
``benchmarks/bench_rules.py --dump-spans`` (two dumps compared with ``cmp``); these tests pin
each rewrite against its plain form on tricky and random text.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.corpora.synth import NoteGenerator
from fairdeid.detect.rules import RuleDetector, layout, names
from fairdeid.detect.rules import prefilter as pf
from fairdeid.detect.rules.compiler import PatternRule
from fairdeid.detect.rules.dictionary import DictionaryMatcher, Kind
from fairdeid.document import Document

#: the header delimiter as it was written before it was reordered for ``re``'s fast scan
_PLAIN_DELIMITER = re.compile(r"[:=]|(?<=[ \t])-(?=[ \t])|(?<=\w)\.{3,}(?![.:=])")

_DELIMITER_TEXTS = (
    "Name: John\nMRN=123 - x\nNAME.....: Smith\nA....\n....b\nx...:\nx....=\n- a -\t-\t",
    "ASSISTANT.....: x; Tech - Standard; a.b...c...; é....: ü - ß\n:=-.. ...",
    "",
    "...",
    "a...",
    "a.. .",
)
_DELIMITER_ALPHABET = st.text(alphabet=" \t\n:=-.aZ9_é", max_size=60)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_delimiter_matches_the_plain_alternation() -> None:
    for text in _DELIMITER_TEXTS:
        assert _spans(names._DELIMITER, text) == _spans(_PLAIN_DELIMITER, text), text


@settings(max_examples=400, deadline=None)
@given(_DELIMITER_ALPHABET)
def test_delimiter_matches_the_plain_alternation_on_any_text(text: str) -> None:
    assert _spans(names._DELIMITER, text) == _spans(_PLAIN_DELIMITER, text)


# -- the prefilter: long patterns are conditions by their leading part ----------------------


def test_every_packaged_english_rule_has_a_condition_in_the_automaton() -> None:
    """Hyperscan refused the whole patterns of three rules (department_address,
    department_wrapped, profession.is_a), so they ran on every note; their leading parts
    compile, and filter most notes."""
    pytest.importorskip("hyperscan")
    detector = RuleDetector.from_config({})
    keys = [
        pf.RuleKey(r.name, r.regex, r.on_lower, r.lead, r.before, r.then) for r in detector.rules
    ]
    assert pf.RulePrefilter(keys).always == frozenset()


def test_a_long_pattern_is_a_condition_by_its_leading_part() -> None:
    words = "|".join(f"{chr(97 + i % 26)}ord{i:04d}" for i in range(600))
    pattern = rf"\b(?:works|worked)[ \t]+as[ \t]+(?:{words})\b"
    assert len(pf.superset_pattern(pattern)) > pf._MAIN_CHARS
    lead = pf.leading_part(pattern, 0, pf._MAIN_CHARS)
    assert lead == pf.superset_pattern(r"\b(?:works|worked)[ \t]+as[ \t]+")
    rule = pf.RuleKey("x.works_as", re.compile(pattern), False)
    assert pf._conditions(rule) == [lead]


def test_a_continuation_never_follows_a_leading_part() -> None:
    words = "|".join(f"{chr(97 + i % 26)}ord{i:04d}" for i in range(600))
    rule = pf.RuleKey(
        "x.long", re.compile(rf"as[ \t]+(?:{words})"), False, then=re.compile(r"[ \t]+\d")
    )
    (condition,) = pf._conditions(rule)
    assert condition == pf.superset_pattern(r"as[ \t]+")


# -- hyphenated line breaks: one scan per note before a look at every span ------------------


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab- \t\r\n>1", max_size=24))
def test_a_note_without_a_hyphen_at_a_line_end_has_no_wrapped_word(text: str) -> None:
    spans = [(i, j) for i in range(len(text)) for j in range(i + 1, len(text) + 1)]
    if not layout.may_wrap(text):
        assert list(layout.wrapped_words(text, spans)) == []


def test_a_wrapped_word_is_still_finished() -> None:
    text = "seen at gazipur upazila health com-\nplex today"
    start = text.index("gazipur")
    assert layout.may_wrap(text)
    assert list(layout.wrapped_words(text, [(start, text.index("-"))])) == [
        (start, text.index("plex") + 4)
    ]


# -- the prefilter: what must come before a match ------------------------------------------


def test_leading_look_behinds_are_a_condition_on_the_text_before() -> None:
    pattern = r"(?:^|(?<=[.;:\n])|(?<=[.;:][ \t]))[ \t]*(?i:retired)|(?<=[a-z][ \t])Retired"
    condition = pf.start_condition(pattern)
    assert condition is not None
    pytest.importorskip("hyperscan")
    db = pf._database([("x", condition)])

    def passes(text: str) -> bool:
        hits: set[int] = set()
        db.scan(text.encode("ascii", "replace"), match_event_handler=pf._on_match, context=hits)
        return bool(hits)

    for text in ("retired nurse", "SH: retired nurse", "x.\tRetired", "she agrees Retired"):
        assert re.search(pattern, text) and passes(text), text
    # "retired" inside a sentence: no match, and the condition lets it pass no more
    for text in ("a 67-year-old retired teacher", "He is RETIRED now"):
        assert not re.search(pattern, text) and not passes(text), text


def test_a_line_start_is_the_text_start_or_a_newline() -> None:
    assert pf.start_condition(r"^ab", re.MULTILINE) == "(?:^|\\x0a)\\x61\\x62"
    assert pf.start_condition(r"^ab") == "^\\x61\\x62"


def test_no_start_condition_without_a_leading_look_behind() -> None:
    assert pf.start_condition(r"ab") is None
    assert pf.start_condition(r"(?<!x)ab") is None  # a negative one says nothing to require
    assert pf.start_condition(r"a(?<=a)b") is None


# -- dictionaries: hyperscan literals on ASCII notes ----------------------------------------


def _matchers() -> tuple[DictionaryMatcher, DictionaryMatcher]:
    pytest.importorskip("hyperscan")
    fast, plain = DictionaryMatcher(), DictionaryMatcher(literals=False)
    for matcher in (fast, plain):
        matcher.add_many(["John", "Smith", "Mt. Sinai", "New York", "York", "Nuñez"], Kind.LAST)
        matcher.add_many(["Boston", "new york"], Kind.CITY)
        matcher.add("nurse", Kind.PROFESSION)
        matcher.build()
    assert fast.build_literals() and not plain.build_literals()
    return fast, plain


def test_literal_hits_are_the_automaton_hits() -> None:
    fast, plain = _matchers()
    texts = (
        "John Smith (Mt Sinai, New York) saw Mt. Sinai's nurse; Johnson, SMITH-john, york",
        "New  York\nYork-New York/Boston:nurse,nurses,Smith.",
        "Nuñez and Nunez in New York",  # not ASCII: the automaton, the same hits
        "",
        "xJohn Johnx John_ 1John John1",
    )
    for text in texts:
        assert fast.find(text) == plain.find(text), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" .,-\nJohnSmitNewYorkbsñ", max_size=40))
def test_literal_hits_are_the_automaton_hits_on_any_text(text: str) -> None:
    if not _MATCHERS:
        _MATCHERS.extend(_matchers())
    fast, plain = _MATCHERS
    assert fast.find(text) == plain.find(text)


_MATCHERS: list[DictionaryMatcher] = []


def test_packaged_dictionaries_hit_the_same_on_generated_notes() -> None:
    pytest.importorskip("hyperscan")
    from fairdeid.corpora.synth import generate_notes

    fast = RuleDetector.from_config({}).matcher
    plain = RuleDetector.from_config({"prefilter": False}).matcher
    assert fast.build_literals() and not plain.build_literals()
    for doc in generate_notes(150, seed=11):
        assert fast.find(doc.text) == plain.find(doc.text), doc.id


# -- left extensions: searched only as far back as they can reach ----------------------------


def test_a_short_left_extension_is_searched_over_its_reach() -> None:
    rules = {r.name: r for r in RuleDetector.from_config({}).rules}
    assert rules["date.numeric"].before_window == 24
    assert rules["date.numeric"].before_reach == 2
    assert rules["location.street"].before_reach == rules["location.street"].before_window


_EXTENSION_TEXT = st.text(alphabet="0123456789/.-: \tNYMAnyab,\n", min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(_EXTENSION_TEXT)
def test_the_reach_finds_what_the_window_finds(text: str) -> None:
    if not _RULES:
        _RULES.extend(r for r in RuleDetector.from_config({}).rules if r.before is not None)
    for rule in _RULES:
        assert rule.before is not None
        for end in range(len(text) + 1):
            wide = rule.before.search(text, max(0, end - rule.before_window), end)
            near = rule.before.search(text, max(0, end - rule.before_reach), end)
            assert (wide and (wide.span(), wide.groupdict())) == (
                near and (near.span(), near.groupdict())
            ), (rule.name, text, end)


_RULES: list[PatternRule] = []


# -- fifth pass: scans rewritten to start on a rare character, near table headers -----------

#: the initials' scans as they were written before they started from the dot (capitals of any
#: script: ``names.UC``)
_PLAIN_INITIAL = re.compile(rf"[ \t][{names.UC}]\.(?=[\s,;:)?!]|$)")
_PLAIN_LONE_INITIAL = re.compile(r"(?<=[ \t])(?P<i>[^\W\d_])\.(?![\w'’-])(?![ \t]?[^\W\d_]\.)")
_INITIAL_ALPHABET = st.text(alphabet=" \t\n.,;:)?!'’-AbZéÉ1_x", max_size=40)
_INITIAL_TEXTS = (
    "Dianne L. Smith, Rowe, L.\tNAIR N. kader i. (resident) J. a.b. x.\nT.",
    "Anne-Marie B.? É. é.é. A.B. i.e. e.g. Z.\n",
    "",
    ".",
    " A.",
)


def _initials(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """Both initial scans as (start, end[, letter]) of the initial, read from the dot."""
    capital = [(m.start() - names._INITIAL_BACK, m.end()) for m in names._INITIAL.finditer(text)]
    lone = [
        (m.start() - 1, m.end(), text[m.start() - 1]) for m in names._LONE_INITIAL.finditer(text)
    ]
    return capital, lone


def _plain_initials(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    capital = [m.span() for m in _PLAIN_INITIAL.finditer(text)]
    lone = [(m.start(), m.end(), m.group("i")) for m in _PLAIN_LONE_INITIAL.finditer(text)]
    return capital, lone


@pytest.mark.parametrize("text", _INITIAL_TEXTS)
def test_initials_found_from_their_dot_are_the_plain_scans(text: str) -> None:
    assert _initials(text) == _plain_initials(text)


@settings(max_examples=400, deadline=None)
@given(_INITIAL_ALPHABET)
def test_initials_found_from_their_dot_are_the_plain_scans_on_any_text(text: str) -> None:
    assert _initials(text) == _plain_initials(text)


def _lower_title_finder() -> names.NameFinder:
    return names.NameFinder(
        # "sr dr": a title with a space, so that a rejected match can hold a title that the
        # look-behind accepts ("xsr dr y")
        {"lower_titles": ["dr", "mrs", "prof", "sr", "sra", "dr.med", "sr dr"]},
        frozenset(),
        frozenset(),
        (),
        frozenset(),
    )


_TITLE_ALPHABET = st.text(alphabet="drmsoflae. \t\n_1é", max_size=40)


def _title_spans(finder: names.NameFinder, text: str) -> list[tuple[int, int, str]]:
    assert finder._lower_title_scan is not None
    return [
        (m.start(), m.end(), m.group("title"))
        for m in names._lead_matches(finder._lower_title_scan, names._LOWER_TITLE_LEAD_RE, text)
    ]


def _plain_title_spans(finder: names.NameFinder, text: str) -> list[tuple[int, int, str]]:
    assert finder.lower_title_re is not None
    return [(m.start(), m.end(), m.group("title")) for m in finder.lower_title_re.finditer(text)]


@pytest.mark.parametrize(
    "text",
    ["xsr dr y", "adr dr x", "dr.dr x", "u.mr mrs. y", "srdr  z", "dr.med x", "_dr x", "dr\nx", ""],
)
def test_lower_titles_without_their_look_behind_are_the_joined_scan(text: str) -> None:
    finder = _lower_title_finder()
    assert _title_spans(finder, text) == _plain_title_spans(finder, text)


@settings(max_examples=400, deadline=None)
@given(_TITLE_ALPHABET)
def test_lower_titles_without_their_look_behind_on_any_text(text: str) -> None:
    """A match the look-behind rejects is searched again from its next character, so a title
    starting inside it ("sr" of "dsr"... "dr" of "ddr") is found as the joined scan finds it."""
    finder = _lower_title_finder()
    assert _title_spans(finder, text) == _plain_title_spans(finder, text)


_HEADERS_DOCTOR = ("Prescriber", "Ordering provider", "Attending physician", "Provider")
_HEADERS_PATIENT = ("Patient name", "Patientname", "Patient")


def _plain_header_label(cues: layout.LayoutCues, cell: str) -> str | None:
    """``LayoutCues._header_label`` as it was: each header of the cell's length compared."""
    key = layout.fold(cell.strip(" :"))
    label = cues.table_headers.get(key)
    if label is not None or len(key) < 8 or not key.isalpha():
        return label
    for header, found in cues.headers_by_length.get(len(key), ()):
        if sum(a != b for a, b in zip(header, key, strict=True)) <= 1:
            return found
    return None


@pytest.mark.parametrize(
    "cell",
    ["Prescribcr", "prescríber", "Prescriber:", "Patientnane", "Patientnamx", "Provider",
     "Providar", "Pravidar", "Attending physician", "Patient", "Patiant", "x" * 10, ""],
)
def test_near_table_headers_are_found_by_one_lookup_per_letter(cell: str) -> None:
    cues = layout.LayoutCues.build((), _HEADERS_DOCTOR, _HEADERS_PATIENT)
    assert cues._header_label(cell) == _plain_header_label(cues, cell)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="PrescibPatientnamvdo :é", max_size=14))
def test_near_table_headers_on_any_cell(cell: str) -> None:
    cues = layout.LayoutCues.build((), _HEADERS_DOCTOR, _HEADERS_PATIENT)
    assert cues._header_label(cell) == _plain_header_label(cues, cell)


def _batch_notes() -> list[Document]:
    notes = list(NoteGenerator(3, None).generate(40))
    long_text = "\n\n".join(n.text for n in notes)
    return [
        *notes[:20],
        Document(id="empty", text=""),
        Document(id="long", text=long_text),  # over ``chunk_chars`` below: its own windows
        *notes[20:],
    ]


@pytest.mark.parametrize("group_chars", [1, 5_000, 1_000_000])
def test_detect_batch_by_stage_finds_what_detect_finds(
    group_chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's stages (scans, each rule over a group, the rest) give each note the spans,
    in the same order, that ``detect`` gives it alone, whatever the groups."""
    from fairdeid.detect.rules import detector as rules_detector

    monkeypatch.setattr(rules_detector, "_GROUP_CHARS", group_chars)
    det = RuleDetector.from_config({"chunk_chars": 20_000})
    notes = _batch_notes()
    assert len(notes[21].text) > 20_000
    alone = [det.detect(note) for note in notes]
    assert det.detect_batch(notes) == alone
    assert [[s.source for s in spans] for spans in det.detect_batch(notes)] == [
        [s.source for s in spans] for spans in alone
    ]
    view = det.with_disabled(["date", "name.title"])
    assert view.detect_batch(notes) == [view.detect(note) for note in notes]
    assert sum(map(len, alone)) > 200
