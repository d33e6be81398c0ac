"""The sixth speed pass of the rules (issue 14) finds exactly what the forms it replaced found.

Each rewrite is pinned against its plain form here: the name extension (one read of each
token's groups, the particle-run regex asked only for words that can start a run), the pattern
rules dispatched to the notes the prefilter lets through, and the prefilter's conditions made
of the first (or last) letters of a long word list. The whole-corpus check is
``benchmarks/bench_rules.py --dump-spans`` (two dumps compared with ``cmp``).
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdeid.corpora.synth import NoteGenerator
from fairdeid.corpora.synth.lang import LangNoteGenerator
from fairdeid.detect.rules import RuleDetector, names
from fairdeid.detect.rules import prefilter as pf
from fairdeid.detect.rules.dictionary import NAME_KINDS, lower_same_length, normalize
from fairdeid.document import Document

# -- the name extension ---------------------------------------------------------------------


def _plain_extend(
    finder: names.NameFinder,
    text: str,
    pos: int,
    *,
    max_tokens: int = 4,
    soft: bool,
    kinds: Mapping[int, int] | None = None,
) -> tuple[int, int, int, bool]:
    """``NameFinder.extend`` as it was written before this pass (the reference), with the
    es-med5 rule that no name ends on a particle."""
    start = end = -1
    words = 0
    initial = False
    first_upper: bool | None = None
    m = names._FIRST_TOKEN.match(text, pos)
    n = 0
    before_particle = -1  # es-med5: no name ends on a particle
    while m is not None and n < max_tokens:
        particle = False
        tok = m.group("init") or m.group("word")
        tok_start = m.start("init") if m.group("init") else m.start("word")
        if len(tok.rstrip(".")) == 1 and text[m.end() : m.end() + 1] in ("/", "\\"):
            break
        if m.group("word"):
            in_dict = kinds is not None and bool(kinds.get(tok_start, 0) & NAME_KINDS)
            if words:
                run_end = names.particle_run_end(text, tok_start, finder.particle_runs)
            elif not soft and start < 0:
                run_end = names.particle_run_end(text, tok_start, finder.leading_particles)
            else:
                run_end = -1
            if run_end > 0 and finder._particle_surname(text, run_end, words, kinds):
                if start < 0:
                    start = tok_start
                end, before_particle = run_end, -1
                m = names._TOKEN.match(text, run_end)
                continue
            if names.glued_particle(tok, finder.glued_particles):
                pass
            elif tok.lower() in finder.particles and words:
                particle = True
                nxt = names._TOKEN.match(text, m.end())
                if (
                    nxt is None
                    or not nxt.group("word")
                    or not names.is_capitalised(nxt.group("word"))
                    or nxt.group("word") in finder.breakers
                ):
                    break
            elif (  # noqa: SIM114 (kept as it was written)
                not names.is_capitalised(tok)
                or (finder._stop(tok, soft=soft) and not in_dict)
                or tok in finder.breakers
            ):
                break
            elif (
                len(tok) > 1
                and tok.isupper()
                and (soft or not first_upper)
                and not (first_upper is None and not soft)
            ):
                break
            if first_upper is None:
                first_upper = tok.isupper() and len(tok) > 1
            words += 1
        else:
            initial = True
        if start < 0:
            start = tok_start
        before_particle = end if particle else -1
        end = m.end()
        n += 1
        if tok.endswith(("'s", "’s")):
            break
        m = names._TOKEN.match(text, m.end())
        if m is None and not soft and words == 1 and n == 1:
            m = names._COMMA_TOKEN.match(text, end)
    if start < 0:
        return -1, -1, 0, False
    if before_particle > start:
        end = before_particle
    end = finder._unglue(text, start, end)
    if text[end - 2 : end] in ("'s", "’s"):
        end -= 2
    return start, end, words, initial


#: words the name rules treat differently: particles (several words too), glued particles,
#: breakers, clinical and stop words, capitals, possessives, initials, a street's "C/", and
#: the letters ``re`` matches without case ("ſ", the Kelvin sign, "İ")
_NAME_WORDS = (
    "John", "Smith", "van", "Van", "VAN", "der", "von", "de", "la", "De", "La", "bin", "al",
    "st", "St", "d'Alembert", "d'accord", "D'Ornano", "Monday", "March", "Patient", "MRN",
    "GERD", "JOHN", "SMITH", "Parkinson", "disease", "Brown's", "O'Neil", "Anne-Marie", "J.",
    "P.C.", "C/", "x", "Ł.", "Nowak", "ŞAHIN", "St", "\u212aim", "İlhan", "vanDer", "Mary",
    "Will", "May", "Hope", "DominguezCorreo", "Lee", "dos", "Santos", "ibn", "Ali", "ten",
    "Brink", "heart", "Doe,", "Jane",
)


@cache
def _detector() -> RuleDetector:
    return RuleDetector.from_config({"prefilter": False})


@st.composite
def _name_text(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_NAME_WORDS), min_size=1, max_size=9))
    seps = draw(st.lists(st.sampled_from([" ", " ", "  ", "\t", ", ", "\n", ". "]),
                         min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps, strict=True))


def _kinds_of(text: str) -> dict[int, int]:
    det = _detector()
    return names._kinds(det.matcher.find(text, normalize(text)))


def _assert_same_extension(finder: names.NameFinder, text: str) -> None:
    kinds = _kinds_of(text)
    for pos in range(len(text)):
        for soft in (False, True):
            for with_kinds in (kinds, None):
                for max_tokens in (1, 4):
                    assert finder.extend(
                        text, pos, soft=soft, kinds=with_kinds, max_tokens=max_tokens
                    ) == _plain_extend(
                        finder, text, pos, soft=soft, kinds=with_kinds, max_tokens=max_tokens
                    ), (text, pos, soft, with_kinds is None, max_tokens)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_name_text())
def test_the_name_extension_is_the_plain_one(text: str) -> None:
    _assert_same_extension(_detector().names, text)


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Lena von der Heide and Herr von Hagen",
        "Mme de la Fontaine, Jan van den Berg; François d'Alembert",
        "Dr Martin du CHU; MR. JOHN SMITH; Bulgakov's Tales",
        "Patient: GOUGH, ELIZABETH / Attending: Grant, Emma",
        "Dr. Luis Moyano C/ Eduardo Rivas, 3",
        "Dr. Ignacio Sarra DominguezCorreo electrónico:",
    ],
)
def test_the_name_extension_is_the_plain_one_on_known_shapes(text: str) -> None:
    _assert_same_extension(_detector().names, text)


def _finder_with_particles(tmp_path: Path, particles: list[str]) -> names.NameFinder:
    extra = tmp_path / "particles.toml"
    extra.write_text(
        "[names]\nparticles = [" + ", ".join(f'"{p}"' for p in particles) + "]\n",
        encoding="utf-8",
    )
    return RuleDetector.from_config({"extra_patterns": [str(extra)], "prefilter": False}).names


def test_runs_of_particles_not_plain_ascii_words_always_ask_the_regex(tmp_path: Path) -> None:
    """A particle ending in a hyphen, or written with a letter ``re`` folds ("ſt"), cannot be
    told by a set lookup of the word before it: the regex decides, as before."""
    finder = _finder_with_particles(tmp_path, ["al-", "ſt", "ſt jan", "van der", "de la"])
    assert finder._run_firsts is None and finder._leading_firsts is None
    for text in ("Herr al- Rashid", "Herr al-Rashid", "Dr. ſt Pierre", "Dr. St Pierre",
                 "Lena van der Heide", "Lena VAN DER Heide", "Mme de la Fontaine",
                 "Piet ſt jan Smit", "Piet St Jan Smit", "Piet st jan Smit"):
        _assert_same_extension(finder, text)


def test_packaged_particles_are_plain_ascii_words() -> None:
    finder = _detector().names
    assert finder._run_firsts is not None  # English lists no particle of several words
    assert finder._leading_firsts is not None and "von" in finder._leading_firsts


@settings(max_examples=200, deadline=None)
@given(_name_text())
def test_a_run_is_asked_of_the_regex_only_when_it_can_start(text: str) -> None:
    finder = _detector().names
    for m in names._FIRST_TOKEN.finditer(text):
        word = m.group("word")
        if not word:
            continue
        pos = m.start("word")
        for several, runs in ((True, finder.particle_runs), (False, finder.leading_particles)):
            assert finder._run_end(text, pos, word.lower(), several=several) == (
                names.particle_run_end(text, pos, runs)
            ), (text, pos, several)


# -- the pattern rules, dispatched to the notes the prefilter lets through ------------------


def test_notes_every_rule_runs_on_keep_their_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    """A group may mix notes the prefilter read with notes every rule runs on (its build
    came between them): each note gets the spans ``detect`` gives it, in the same order."""
    from fairdeid.detect.rules import detector as rules_detector

    det = RuleDetector.from_config({})
    assert det.prefilter.build()
    notes = [Document(f"n{i}", d.text) for i, d in enumerate(NoteGenerator(5, None).generate(12))]
    alone = [det.detect(note) for note in notes]
    scan = rules_detector.RuleDetector._scan
    calls = iter(range(10**6))

    def every_other(self: RuleDetector, text: str) -> rules_detector._Scan:
        found = scan(self, text)
        return found._replace(may_match=None) if next(calls) % 2 else found

    monkeypatch.setattr(rules_detector.RuleDetector, "_scan", every_other)
    assert det.detect_batch(notes) == alone
    assert sum(map(len, alone)) > 50


# -- the prefilter: long word lists as conditions by their first (or last) letters ----------

_WORDS = [
    "".join(random.Random(i).choice(string.ascii_lowercase) for _ in range(5 + i % 7))
    for i in range(40)
] + ["cardiology", "oncology", "intensive care", "obstetrics", "psychiatry"]
_LIST = "(?:" + "|".join(w.replace(" ", r"[ \t]+") for w in _WORDS) + ")"
_OPTIONAL_TAIL = r"(?:obstetrics(?:[ \t]+and[ \t]+gynecology)?|" + _LIST[3:]


def _may_match(
    pattern: str,
    text: str,
    *,
    before: str | None = None,
    then: str | None = None,
    on_lower: bool = False,
    flags: int = 0,
) -> bool:
    rule = pf.RuleKey(
        "r.x",
        re.compile(pattern, flags),
        on_lower,
        None,
        re.compile(f"(?:{before})\\Z") if before is not None else None,
        re.compile(then) if then is not None else None,
    )
    built = pf.RulePrefilter([rule])
    assert not built.always
    found = built.candidates(text, lower_same_length(text))
    assert found is not None
    return "r.x" in found


_LINE_START = rf"(?im)^[ \t>*-]*(?P<phi>{_LIST})[ \t]*(?=,)"
_BEFORE = rf"(?<![\w-])(?P<phi>(?i:{_OPTIONAL_TAIL}))[ \t]*\n?[ \t]*"
_THEN = rf"(?P<phi>(?i:{_LIST}))(?![\w-])"


def test_the_word_lists_are_long_enough_to_be_cut() -> None:
    assert len(pf.superset_pattern(_LIST, re.IGNORECASE)) > pf._MAIN_CHARS
    start = pf.start_condition(_LINE_START[5:], re.IGNORECASE | re.MULTILINE)
    assert start is not None and pf._START_CHARS < len(start) <= pf._START_CHARS + pf._CUT_ROOM


def test_a_long_word_list_after_a_line_start_is_a_condition_by_its_first_letters() -> None:
    """"^[ \\t]*(?P<phi>{{DEPT_NAME}})": the condition stopped before the list, so every
    note with a line passed; now a line must start with a word's first letters."""
    assert _may_match(_LINE_START, "x\n - Cardiology, Boston")
    assert _may_match(_LINE_START, "CARDIOLOGY, Boston")
    assert _may_match(_LINE_START, "x\nintensive \t care, b")
    assert not _may_match(_LINE_START, "seen in cardiology, Boston\nPatient: x, y")


def test_a_long_left_extension_is_a_condition_by_its_words_last_letters() -> None:
    assert _may_match("clinic", "Cardiology clinic", before=_BEFORE, on_lower=True)
    assert _may_match("clinic", "obstetrics\nclinic", before=_BEFORE, on_lower=True)
    assert _may_match("clinic", "Obstetrics and Gynecology clinic", before=_BEFORE)
    assert not _may_match("clinic", "Riverside Clinic", before=_BEFORE, on_lower=True)


def test_a_long_continuation_is_a_condition_by_its_words_first_letters() -> None:
    assert _may_match(r"dept:[ \t]*", "Dept: Oncology", then=_THEN, on_lower=True)
    assert _may_match(r"service:[ \t]*", "service: PSYCHIATRY", then=_THEN, on_lower=True)
    assert not _may_match(r"service:[ \t]*", "Date of service: 03/04/2021", then=_THEN,
                          on_lower=True)


def test_english_department_rules_are_skipped_where_no_department_is_named() -> None:
    det = RuleDetector.from_config({})
    assert det.prefilter.build()
    text = (
        "Patient: John Smith  MRN: 1234567\nDate of service: 03/04/2021. Seen by Dr. Khan at "
        "Riverside Clinic in Boston.\nFollow up in clinic in 2 weeks."
    )
    may = det.prefilter.candidates(text, lower_same_length(text))
    assert may is not None
    for name in ("location.department_clinic", "location.department_field"):
        assert name not in may
    text += "\nCardiology clinic, 4 Main St\nDept: Oncology"
    may = det.prefilter.candidates(text, lower_same_length(text))
    assert may is not None
    for name in ("location.department_clinic", "location.department_field"):
        assert name in may


@cache
def _pieces() -> list[str]:
    texts = [d.text for d in NoteGenerator(17, None).generate(20)]
    texts += [d.text for d in LangNoteGenerator("de", 17).generate(5)]
    texts.append("Cardiology clinic\nDept: Oncology\n - Intensive care, St. Mary Hospital")
    return texts


_TRICKY = "ſıKéßÉ\u0130\xa0\u2009-/.,:#()'’\n\t"


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    pieces = _pieces()
    text = pieces[draw(st.integers(0, len(pieces) - 1))]
    start = draw(st.integers(0, max(0, len(text) - 240)))
    chars = list(text[start : start + 240])
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(0, 10))):
        pos = rng.randrange(len(chars) + 1)
        ch = rng.choice(_TRICKY + string.ascii_letters + " ")
        if rng.random() < 0.5 and pos < len(chars):
            chars[pos] = ch
        else:
            chars.insert(pos, ch)
    return "".join(chars)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_rules_with_cut_conditions_keep_every_match(text: str) -> None:
    """The superset property for the rules whose conditions hold a cut word list: a match
    that passes the lead, left extension and continuation means a candidate."""
    det = RuleDetector.from_config({})
    assert det.prefilter.build()
    lower = lower_same_length(text)
    may = det.prefilter.candidates(text, lower)
    assert may is not None
    for rule in det.rules:
        if not rule.name.startswith(("location.department", "location.institution", "name.")):
            continue
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
            assert rule.name in may, rule.name
            break


def test_same_spans_with_and_without_the_prefilter_on_department_notes() -> None:
    fast = RuleDetector.from_config({})
    assert fast.prefilter.build()
    plain = RuleDetector.from_config({"prefilter": False})
    for text in _pieces():
        doc = Document("d", text)
        assert fast.detect(doc) == plain.detect(doc)
