"""The rule detector's hyperscan prefilter must never change a span: it may only skip a rule
that ``re`` would not have matched in the note (detect/rules/prefilter.py)."""

from __future__ import annotations

import random
import re
import string
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdeid.corpora.markup import iter_markup
from fairdeid.corpora.synth import NoteGenerator
from fairdeid.corpora.synth.lang import LangNoteGenerator
from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules import prefilter as pf
from fairdeid.detect.rules.compiler import PatternRule
from fairdeid.detect.rules.dictionary import lower_same_length
from fairdeid.document import Document
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import load_pack

pytest.importorskip("hyperscan")

# characters where Python's re and a byte automaton could disagree: non-ASCII digits, spaces
# and letters, the letters re matches without case ("ſ", "ı", the Kelvin sign), controls that
# str.isspace() accepts, a lone surrogate
TRICKY = "٣۵߁𝟘\x1c\x1f\x85\xa0\u2009\u3000ſıKéßÉ\u0130ǅ\ud800?_-/.,:#()'’"


@cache
def detectors(lang: str) -> tuple[RuleDetector, RuleDetector]:
    config = {} if lang == "en" else dict(load_pack(lang).config["detectors"]["rules"])
    fast = RuleDetector.from_config(config)
    assert fast.prefilter.build()
    plain = RuleDetector.from_config({**config, "prefilter": False})
    return fast, plain


def spans(detector: RuleDetector, text: str) -> list[tuple[int, int, str, str, float]]:
    found = detector.detect(Document("t", text))
    return sorted((s.start, s.end, s.label, s.source, s.score) for s in found)


def test_the_fast_path_is_on_and_the_plain_one_off() -> None:
    fast, plain = detectors("en")
    assert fast.prefilter.enabled and not plain.prefilter.enabled
    text = "Seen by Dr. Smith on 03/04/2021, MRN 12345678."
    may = fast.prefilter.candidates(text, lower_same_length(text))
    assert may is not None and "date.numeric" in may
    assert "id.iban" not in may  # the point: most rules are skipped in most notes


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_spans_as_plain_re_on_generated_english_notes(seed: int) -> None:
    fast, plain = detectors("en")
    for doc in NoteGenerator(seed, None).generate(40):
        assert spans(fast, doc.text) == spans(plain, doc.text), doc.id


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
def test_same_spans_as_plain_re_on_language_pack_notes(lang: str) -> None:
    fast, plain = detectors(lang)
    notes = [d.text for d in LangNoteGenerator(lang, 3).generate(25)]
    notes += [d.text for d in iter_markup(f"benchmarks/data/lang/{lang}.markup")
              if isinstance(d, Document)]
    for i, text in enumerate(notes):
        assert spans(fast, text) == spans(plain, text), i


def test_a_long_note_in_windows_keeps_its_spans() -> None:
    fast = RuleDetector.from_config({"chunk_chars": 20_000})
    assert fast.prefilter.build()
    plain = RuleDetector.from_config({"chunk_chars": 20_000, "prefilter": False})
    text = "\n\n".join(d.text for d in NoteGenerator(5, None).generate(60))
    assert len(text) > 2 * fast.chunk_chars
    assert spans(fast, text) == spans(plain, text)


@cache
def _note_pieces() -> list[str]:
    texts = [d.text for d in NoteGenerator(11, None).generate(30)]
    texts += [d.text for d in LangNoteGenerator("fr", 11).generate(10)]
    return texts


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """A stretch of a generated note with tricky characters swapped in and inserted."""
    pieces = _note_pieces()
    text = pieces[draw(st.integers(0, len(pieces) - 1))]
    start = draw(st.integers(0, max(0, len(text) - 200)))
    chars = list(text[start : start + 200])
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(0, 12))):
        pos = rng.randrange(len(chars) + 1)
        ch = rng.choice(TRICKY + string.digits + string.ascii_letters + " \t\n")
        if rng.random() < 0.5 and pos < len(chars):
            chars[pos] = ch
        else:
            chars.insert(pos, ch)
    return "".join(chars)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_text())
def test_a_rule_re_matches_is_always_a_candidate(text: str) -> None:
    """The superset property itself, rule by rule, on notes with hostile characters: a rule
    with a match that passes its lead, left extension and continuation is a candidate."""
    for lang in ("en", "fr"):
        fast, _ = detectors(lang)
        lower = lower_same_length(text)
        may = fast.prefilter.candidates(text, lower)
        assert may is not None
        for rule in fast.rules:
            if _anchored(rule, text, lower):
                assert rule.name in may, (lang, rule.name)


def _anchored(rule: PatternRule, text: str, lower: str) -> bool:
    """Whether a match of the rule passes its lead, left extension and continuation, the
    checks ``RuleDetector._apply`` makes before any other."""
    source = lower if rule.on_lower else text
    for m in rule.regex.finditer(source):
        if rule.lead is not None and not rule.lead.match(source, m.start()):
            continue
        if rule.before is not None and not rule.before.search(
            text, max(0, m.start() - rule.before_window), m.start()
        ):
            continue
        if rule.then is not None and not rule.then.match(text, m.end()):
            continue
        return True
    return False


def _may_match(pattern: str, text: str, flags: int = 0) -> bool:
    built = pf.RulePrefilter([("r.x", re.compile(pattern, flags), False, None)])
    assert not built.always
    found = built.candidates(text, text.lower())
    assert found is not None
    return "r.x" in found


@pytest.mark.parametrize(
    ("pattern", "flags", "text"),
    [
        (r"\b\d{3}\b", 0, "code ٣٤٥ here"),  # Arabic-Indic digits are \d to re
        (r"a\sb", 0, "a\x1cb"),  # str.isspace() accepts the file separator
        (r"(?i:kg)", 0, "5 \u212ag"),  # the Kelvin sign is "k" without case
        (r"(?i:ms)", 0, "MſS"),
        ("(?i:\u212ag)", 0, "5 kg"),  # and the other way round: a pattern's Kelvin sign
        ("(?i:\u017f)t", 0, "St"),
        (r"strasse", re.IGNORECASE, "STRASSE"),
        (r"(?P<s>[/.-])\d\d(?P=s)\d\d", 0, "01.02.03"),
        (r"(?<![\w])é\w+(?=\s)", 0, "x élan y"),
        (r"(?>a+)b", 0, "aab"),
        (r"x(a)?(?(1)b|c)", 0, "xc"),
        (r"[^\d\s]{3}", 0, "\ud800\ud800\ud800"),  # lone surrogates: one "?" each
        (r".{2}\Z", re.DOTALL, "a\n"),
    ],
)
def test_superset_of_re(pattern: str, flags: int, text: str) -> None:
    assert re.search(pattern, text, flags)
    assert _may_match(pattern, text, flags)


def test_a_pattern_hyperscan_refuses_always_runs_and_the_others_still_filter() -> None:
    built = pf.RulePrefilter([
        ("r.ok", re.compile("abc"), False, None),
        ("r.huge", re.compile(r"\d{40000}"), False, None),  # "Pattern is too large", no index
        ("r.other", re.compile("xyz"), False, None),
    ])
    assert built.always == frozenset({"r.huge"})
    assert built.candidates("abc", "abc") == frozenset({"r.ok", "r.huge"})


def test_no_match_means_no_candidate() -> None:
    assert not _may_match(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}", "no bank numbers here")


def test_every_non_ascii_letter_re_takes_as_ascii_without_case_is_listed() -> None:
    """Python's case tables, not a guess: the translation's extra cases are complete."""
    letters = set(string.ascii_letters)
    extra = {c for codes in pf._EXTRA_CASES.values() for c in codes}
    for code in range(0x80, 0x110000):
        ch = chr(code)
        if ch.lower() in letters or ch.upper() in letters:
            assert code in extra, hex(code)


def test_the_automaton_is_built_once_enough_text_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A detector that sees a few notes never pays the compile; a batch run does, once."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # nothing cached yet
    rules: list[pf.RuleKey] = [
        ("r.a", re.compile(r"\d{3}-\d{4}"), False, None),
        ("r.b", re.compile(r"IBAN"), False, None),
    ]
    lazy = pf.LazyPrefilter(rules, after_chars=100)
    assert lazy.candidates("x" * 60, "x" * 60) is None
    assert lazy.candidates("call 555-0100", "call 555-0100") is None
    assert lazy.candidates("x" * 60, "x" * 60) == frozenset()
    again = pf.LazyPrefilter(rules, after_chars=10**9)  # same rules: shares the automaton
    assert again.candidates("call 555-0100", "call 555-0100") == frozenset({"r.a"})


def test_without_hyperscan_every_rule_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pf, "_hs", None)
    detector = RuleDetector.from_config({})
    assert not detector.prefilter.enabled
    assert detector.prefilter.candidates("x", "x") is None
    text = "Seen by Dr. Smith on 03/04/2021."
    assert spans(detector, text) == spans(detectors("en")[1], text)


def test_views_share_the_prefilter() -> None:
    fast, plain = detectors("en")
    view = fast.with_disabled(["date"])
    assert view.prefilter is fast.prefilter
    text = "Seen on 03/04/2021 at 10:30, phone 617-555-0101."
    assert spans(view, text) == spans(plain.with_disabled(["date"]), text)


def test_prefilter_must_be_a_boolean() -> None:
    with pytest.raises(ConfigError, match="prefilter"):
        RuleDetector.from_config({"prefilter": "yes"})


def test_translating_classes_once_gives_the_same_patterns() -> None:
    """``_in_class`` memoises each distinct ``[...]``: a warm cache translates as a cold one."""
    rules = RuleDetector.from_config(load_pack("de").config["detectors"]["rules"]).rules

    def translate() -> list[str | None]:
        out: list[str | None] = []
        for rule in rules:
            try:
                out.append(pf.superset_pattern(rule.regex.pattern, rule.regex.flags))
            except pf.Untranslatable:
                out.append(None)
        return out

    pf._in_class.cache_clear()
    cold = translate()
    assert pf._in_class.cache_info().hits > 0  # the same classes recur
    warm = translate()
    assert cold == warm


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"[:=][ \t]*(?=[A-Z]{2})", "Name: SMITH"),
        (r"id\s*(?P<phi>(?:#\s?)?(?=[a-z0-9/-]*\d)[a-z0-9]+)", "id ab12"),
        (r"(?:x(?=\d))?y(?=z)z", "yz"),  # a look-ahead inside a repeat is no condition
        (r"a(?=b)(?=bc)", "abc"),
        (r"(?i:k(?=g))", "\u212ag"),
    ],
)
def test_a_look_ahead_condition_keeps_every_match(pattern: str, text: str) -> None:
    assert re.search(pattern, text)
    assert _may_match(pattern, text)


def test_a_look_ahead_condition_skips_a_rule_whose_look_ahead_cannot_hold() -> None:
    """Dropping ``(?=...)`` alone let "Patient: Rahul Nguyen" through a capitals-only rule."""
    pattern = r"[:=][ \t]*(?=[A-Z][A-Z'-]*[A-Z](?:[ \t][A-Z'-]+){0,2}[ \t]?,)"
    assert pf.lookahead_conditions(pattern)
    assert not _may_match(pattern, "Patient: Rahul Nguyen, seen today")
    assert _may_match(pattern, "Patient: NGUYEN, Rahul")


def test_look_ahead_conditions_are_top_level_only() -> None:
    assert pf.lookahead_conditions(r"a(?=b)") == [pf.superset_pattern("a") + "(?:\\x62)"]
    assert pf.lookahead_conditions(r"(?:a(?=b))?c") == []
    assert pf.lookahead_conditions(r"(?:a(?=b))+") == []
    assert pf.lookahead_conditions(r"a(?!b)") == []


def test_english_rules_with_a_look_ahead_are_filtered_on_it() -> None:
    fast, _ = detectors("en")
    text = "Patient: Rahul Nguyen\nContinue metoprolol 25 mg PO BID and lisinopril 10 mg daily."
    may = fast.prefilter.candidates(text, lower_same_length(text))
    assert may is not None
    assert not {"name.header_caps", "name.role_caps", "id.context"} & may


def _may_match_led(lead: str, pattern: str, text: str) -> bool:
    built = pf.RulePrefilter([("r.x", re.compile(pattern), False, re.compile(lead))])
    assert not built.always
    found = built.candidates(text, text.lower())
    assert found is not None
    return "r.x" in found


def _led_matches(lead: str, pattern: str, text: str) -> bool:
    led = re.compile(lead)
    return any(led.match(text, m.start()) for m in re.finditer(pattern, text))


@pytest.mark.parametrize(
    ("lead", "pattern", "text"),
    [
        (r"(?<![\w@.-])", r"(?:[a-z0-9-]+\.)+com", "see example.com"),
        (r"(?<![\w@.-])", r"(?:[a-z0-9-]+\.)+com", "example.com at the start"),
        (r"(?<![\w@.-])", r"(?:[a-z0-9-]+\.)+com", "«example.com»"),
        (r"\b", r"(?:ni|nhs)\s?no", "x ni no"),
        (r"\b", r"(?:ni|nhs)\s?no", "ni no at the start"),
        (r"\b", r"(?:ni|nhs)\s?no", "—ni no"),  # a non-ASCII non-word character before
        (r"\b", r"[A-Z]\d", "(A1)"),
        (r"\b", r"[:;]x", "a:x"),  # a boundary before a non-word character: after a word one
        (r"\b", r"[:;]x", "é:x"),
        (r"(?<![^\n])", r"ab", "x\nab"),
        (r"(?<![\d-])", r"\d{4}", "x٣1234"),  # "٣" is \d to re
    ],
)
def test_a_lead_condition_keeps_every_match_that_passes_the_lead(
    lead: str, pattern: str, text: str
) -> None:
    assert _led_matches(lead, pattern, text)
    assert _may_match_led(lead, pattern, text)


@pytest.mark.parametrize(
    ("lead", "pattern", "text"),
    [
        (r"(?<![\w@.-])", r"(?:[a-z0-9-]+\.)+com", "mail jane.doe@example.com now"),
        (r"\b", r"(?:ni|nhs)\s?no", "tuni no"),
        (r"\b", r"[:;]x", " :x"),
    ],
)
def test_a_lead_condition_skips_a_rule_whose_lead_never_holds(
    lead: str, pattern: str, text: str
) -> None:
    assert re.search(pattern, text) and not _led_matches(lead, pattern, text)
    assert not _may_match_led(lead, pattern, text)


@pytest.mark.parametrize(
    ("lead", "pattern"),
    [
        (r"\b", r"[A-Zé]\d"),  # "é" may start a match: \b depends on whether it is a word
        (r"\b", r"[\w:]x"),  # a category: the first characters are not a short list
        (r"\b", r"x?y"),
        (r"(?<![\w.,/]|(?<!E)-)", r"\d+"),
    ],
)
def test_a_lead_that_cannot_be_written_as_a_prefix_is_left_out(lead: str, pattern: str) -> None:
    assert pf.lead_prefix(re.compile(lead), re.compile(pattern)) == ""


def test_the_domain_rule_is_skipped_on_a_note_whose_only_domain_is_in_an_e_mail() -> None:
    fast, _ = detectors("en")
    text = "Contact: (617) 555-0101, jane.doe@example.com."
    may = fast.prefilter.candidates(text, lower_same_length(text))
    assert may is not None and "contact.email" in may and "contact.domain" not in may


def _may_match_parts(pattern: str, text: str, *, before: str | None = None,
                     then: str | None = None, on_lower: bool = False) -> bool:
    rule = pf.RuleKey(
        "r.x", re.compile(pattern), on_lower, None,
        re.compile(f"(?:{before})\\Z") if before is not None else None,
        re.compile(then) if then is not None else None,
    )
    built = pf.RulePrefilter([rule])
    assert not built.always
    found = built.candidates(text, lower_same_length(text))
    assert found is not None
    return "r.x" in found


def test_a_left_extension_and_a_continuation_are_conditions() -> None:
    """A short anchor ("h", ":") with the real evidence before or after it let the rule run on
    every note; the parts around it now have to be there too."""
    assert _may_match_parts(r"h\b", "at 1400 h", before=r"\d{4}\s?")
    assert not _may_match_parts(r"h\b", "shortness of breath", before=r"\d{4}\s?")
    assert _may_match_parts(r":", "fe80::1", before=r"[0-9a-f]{1,4}:?", then=r"[0-9a-f]{0,4}")
    assert not _may_match_parts(r"by", "seen by him", then=r"\s+[A-Z]{2,}")
    assert _may_match_parts(r"by", "seen by HIM", then=r"\s+[A-Z]{2,}")


def test_a_lower_cased_rule_s_parts_match_the_original_case() -> None:
    """``before``/``then`` read the original text, the anchor the lower-cased one."""
    assert _may_match_parts("by", "Seen BY SMITH", then=r"\s+[A-Z]{2,}", on_lower=True)
    assert _may_match_parts("by", "Dr. X by", before=r"Dr\.\s[A-Z]\s", on_lower=True)
    assert _may_match_parts("k", "5 \u212aG", then=r"G", on_lower=True)  # Kelvin sign, lowered


def test_english_rules_with_parts_are_skipped_where_the_parts_are_missing() -> None:
    fast, _ = detectors("en")
    text = "Patient denies chest pain, shortness of breath, nausea or vomiting."
    may = fast.prefilter.candidates(text, lower_same_length(text))
    assert may is not None and "time.military" not in may
