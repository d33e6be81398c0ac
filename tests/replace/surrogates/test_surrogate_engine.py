"""Surrogate mode: consistency per patient, determinism by key, shapes, gender, mapping file."""

from __future__ import annotations

import datetime as dt
import logging
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.locales import get_pool, infer_gender
from fairdeid.replace import build_replacer, splice
from fairdeid.replace.mapping import MappingKeyError, read_mapping
from fairdeid.replace.surrogates import SurrogateReplacer, keep_shape, make_surrogate

#: Makes short readable test keys strong enough for the key-strength check.
KEY_TAIL = "-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"


def doc_with(doc_id: str, text: str, marks: list[tuple[str, str]], pid: str | None = None,
             ) -> Document:
    """Spans for each (substring, label), marks given in text order."""
    spans, cursor = [], 0
    for sub, label in marks:
        i = text.index(sub, cursor)
        cursor = i + len(sub)
        spans.append(Span(i, i + len(sub), label))
    return Document(doc_id, text, {"patient_id": pid} if pid else {}, tuple(spans))


def replacer(**extra: object) -> SurrogateReplacer:
    config = {"mode": "surrogate", "locales": ["en_US"], "key": "test-key" + KEY_TAIL, **extra}
    rep = build_replacer(config)
    assert isinstance(rep, SurrogateReplacer)
    return rep


NOTE1 = doc_with(
    "n1",
    "Mr. John Miller seen 03/04/2021 by Dr. Anna Lee. Miller has pain. Phone (617) 555-1234.",
    [("John Miller", "PATIENT"), ("03/04/2021", "DATE"), ("Anna Lee", "DOCTOR"),
     ("Miller", "PATIENT"), ("(617) 555-1234", "PHONE")],
    pid="p1",
)
NOTE2 = doc_with(
    "n2",
    "Follow-up on 2021-04-10 for MILLER, JOHN (MRN AB-0012345).",
    [("2021-04-10", "DATE"), ("MILLER, JOHN", "PATIENT"), ("AB-0012345", "MEDICALRECORD")],
    pid="p1",
)


def texts(out_text: str, spans: tuple[Span, ...]) -> list[str]:
    return [out_text[s.start : s.end] for s in spans]


def test_build_replacer_mode() -> None:
    assert replacer().mode == "surrogate"


def test_consistent_within_and_across_documents_of_a_patient() -> None:
    rep = replacer()
    a, b = rep.replace(NOTE1, NOTE1.spans), rep.replace(NOTE2, NOTE2.spans)
    full, _, doctor, lone, _ = texts(a.text, a.spans)
    given, surname = full.split(" ")
    assert lone == surname  # "Miller" alone → the surname part of "John Miller"'s surrogate
    assert texts(b.text, b.spans)[1] == f"{surname.upper()}, {given.upper()}"
    assert "Miller" not in a.text and "MILLER" not in b.text and "John" not in a.text
    assert a.text.startswith("Mr. ")


def test_deterministic_regardless_of_order_and_instance() -> None:
    one = replacer()
    first = [one.replace(d, d.spans).text for d in (NOTE1, NOTE2)]
    two = replacer()
    second = [two.replace(d, d.spans).text for d in (NOTE2, NOTE1)][::-1]
    assert first == second
    other_key = replacer(key="another-key" + KEY_TAIL)
    assert other_key.replace(NOTE1, NOTE1.spans).text != first[0]


def test_date_interval_preserved_across_documents() -> None:
    rep = replacer()
    d1 = texts(*_out(rep, NOTE1))[1]
    d2 = texts(*_out(rep, NOTE2))[0]
    new1 = dt.datetime.strptime(d1, "%m/%d/%Y").date()
    new2 = dt.datetime.strptime(d2, "%Y-%m-%d").date()
    assert (new2 - new1).days == (dt.date(2021, 4, 10) - dt.date(2021, 3, 4)).days
    shift = (new1 - dt.date(2021, 3, 4)).days
    assert shift == rep.patient_shift(NOTE1) and shift != 0 and -365 <= shift <= 365


def _out(rep: SurrogateReplacer, doc: Document) -> tuple[str, tuple[Span, ...]]:
    r = rep.replace(doc, doc.spans)
    return r.text, r.spans


def test_date_shift_range_respected() -> None:
    rep = replacer(date_shift_days=[5, 5])
    assert texts(*_out(rep, NOTE1))[1] == "03/09/2021"


def test_documents_without_patient_are_scoped_alone() -> None:
    rep = replacer()
    a = doc_with("a", "Seen: John Miller.", [("John Miller", "PATIENT")])
    b = doc_with("b", "Seen: John Miller.", [("John Miller", "PATIENT")])
    # Different scopes, independently drawn; overwhelmingly likely to differ.
    assert rep.replace(a, a.spans).text != rep.replace(b, b.spans).text


def test_shapes_kept() -> None:
    rep = replacer()
    b = rep.replace(NOTE2, NOTE2.spans)
    mrn = texts(b.text, b.spans)[2]
    assert re.fullmatch(r"[A-Z]{2}-\d{7}", mrn) and mrn != "AB-0012345"
    phone = texts(*_out(rep, NOTE1))[4]
    assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", phone) and phone != "(617) 555-1234"


def test_initial_and_caps_shapes() -> None:
    rng = random.Random(0)
    out = make_surrogate("DOCTOR", "J. Smith", rng)
    assert re.fullmatch(r"[A-Z]\. [A-Z][\w'’\- ]+", out)
    caps = make_surrogate("PATIENT", "SMITH", rng)
    assert caps.isupper() or not any(c.isalpha() for c in caps)
    assert make_surrogate("PATIENT", "Mrs. Mary Jones", rng).startswith("Mrs. ")


@pytest.mark.parametrize(
    ("text", "gender"),
    # a unisex name ("Mrs. Alex Morgan") takes its scope's gender: test_surrogate_unisex.py
    [("Mrs. Mary Morgan was admitted.", "female"), ("Mr. Robert Morgan was admitted.", "male"),
     ("Mary Morgan was admitted.", "female"), ("Robert Morgan was admitted.", "male")],
)
def test_gender_kept(text: str, gender: str) -> None:
    name = text.split(" was")[0].removeprefix("Mrs. ").removeprefix("Mr. ")
    doc = doc_with("g", text, [(name, "PATIENT")], pid="pg")
    for key in ("k1", "k2", "k3"):
        out = replacer(key=key + KEY_TAIL).replace(doc, doc.spans)
        first = texts(out.text, out.spans)[0].split(" ")[0]
        assert infer_gender(first) in (gender, None)
        assert first in {n.romanised for n in get_pool("en_US").first_names[gender]}


def test_an_unknown_first_name_keeps_one_gender_whatever_the_pronouns() -> None:
    """Pronouns no longer decide (test_surrogate_unisex.py): the scope's keyed draw does."""
    firsts = set()
    for pronoun in ("She reports that her knee hurts", "He reports that his knee hurts"):
        text = f"Zorblat Quux came in. {pronoun}."
        doc = doc_with("p", text, [("Zorblat Quux", "PATIENT")], pid="pp")
        out = replacer().replace(doc, doc.spans)
        firsts.add(texts(out.text, out.spans)[0].split(" ")[0])
    assert len(firsts) == 1


def test_locale_mix_assigns_one_locale_per_patient() -> None:
    rep = replacer(locales=["zh_CN", "hi_IN", "en_NG"])
    locales_seen = set()
    for pid in range(12):
        doc = doc_with(f"d{pid}", "Pt John Miller, Boston.",
                       [("John Miller", "PATIENT"), ("Boston", "CITY")], pid=str(pid))
        out = rep.replace(doc, doc.spans)
        name, city = texts(out.text, out.spans)
        owners = [c for c in ("zh_CN", "hi_IN", "en_NG")
                  if city in get_pool(c).cities
                  and name.split(" ")[-1] in {s.romanised for s in get_pool(c).surnames}]
        assert owners, (name, city)
        locales_seen.add(owners[0])
    assert len(locales_seen) >= 2


def test_ages() -> None:
    rng = random.Random(1)
    assert make_surrogate("AGE", "93", rng) == "90+"
    assert make_surrogate("AGE", "93-year-old", rng) == "90+-year-old"
    young = make_surrogate("AGE", "45", rng)
    assert young.isdigit() and young != "45" and abs(int(young) - 45) <= 3


@pytest.mark.parametrize(
    ("label", "original", "pattern"),
    [
        ("EMAIL", "john.smith@gmail.com", r"[a-z]+\.[a-z]+@[a-z]+\.com"),
        ("URL", "https://www.mgh.org/a/b", r"https://www\.[a-z]+\.org/[a-z]/[a-z]"),
        ("IPADDR", "192.168.1.1", r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"),
        ("ZIP", "02114", r"\d{5}"),
        # A UK postcode for an en_US scope becomes a US ZIP: one country per address.
        ("ZIP", "SW1A 1AA", r"\d{5}(-\d{4})?"),
        ("SSN", "123-45-6789", r"\d{3}-\d{2}-\d{4}"),
        ("STREET", "55 Fruit Street", r"\d{2} .+"),
        ("ROOM", "Room 304", r"Room \d{3}"),
        ("STATE", "MA", r"[A-Z]{2}"),
        ("PHONE", "+44 20 7946 0958", r"\+44 \d{2} \d{4} \d{4}"),
    ],
)
def test_type_generators(label: str, original: str, pattern: str) -> None:
    out = make_surrogate(label, original, random.Random(3))
    assert re.fullmatch(pattern, out), out
    assert out != original


def test_every_label_has_a_generator() -> None:
    from fairdeid.taxonomy import ALL_LABELS

    for label in sorted(ALL_LABELS):
        out = make_surrogate(label, "Sample 123", random.Random(0), locale="fr_FR")
        assert isinstance(out, str) and out


def test_native_script_names() -> None:
    out = make_surrogate("PATIENT", "Wei Zhang", random.Random(0), locale="zh_CN",
                         script="native")
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", out)
    roman = make_surrogate("PATIENT", "Wei Zhang", random.Random(0), locale="zh_CN")
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", roman)


def test_unknown_locale_in_config() -> None:
    with pytest.raises(ConfigError, match="xx_YY"):
        replacer(locales=["xx_YY"])


def test_missing_key_warns(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
                           ) -> None:
    monkeypatch.delenv("FAIRDEID_TEST_KEY", raising=False)
    with caplog.at_level(logging.WARNING, logger="fairdeid.replace"):
        build_replacer({"mode": "surrogate", "key_env": "FAIRDEID_TEST_KEY"})
    assert "re-runs" in caplog.text


def test_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIRDEID_TEST_KEY", "env-secret" + KEY_TAIL)
    a = build_replacer({"mode": "surrogate", "key_env": "FAIRDEID_TEST_KEY"})
    b = build_replacer({"mode": "surrogate", "key": "env-secret" + KEY_TAIL})
    assert a.replace(NOTE1, NOTE1.spans).text == b.replace(NOTE1, NOTE1.spans).text


def test_mapping_file_round_trip(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "map.fdm"
    monkeypatch.setenv("FAIRDEID_MAPPING_KEY", "correct horse")
    rep = replacer(mapping_file=str(path))
    out1 = rep.replace(NOTE1, NOTE1.spans)
    rep.replace(NOTE2, NOTE2.spans)
    raw = path.read_bytes()
    assert b"Miller" not in raw and b"MILLER" not in raw
    entries = read_mapping(path, "correct horse")
    assert len(entries) == len(NOTE1.spans) + len(NOTE2.spans)
    first = entries[0]
    assert first["original"] == "John Miller" and first["scope"] == "patient:p1"
    assert first["surrogate"] == out1.text[out1.spans[0].start : out1.spans[0].end]
    with pytest.raises(MappingKeyError):
        read_mapping(path, "wrong passphrase")


def test_mapping_file_needs_passphrase(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("FAIRDEID_MAPPING_KEY", raising=False)
    with pytest.raises(ConfigError):
        replacer(mapping_file=str(tmp_path / "m.fdm"))


def test_keep_shape() -> None:
    out = keep_shape("AB-12/x", random.Random(0))
    assert re.fullmatch(r"[A-Z]{2}-[1-9]\d/[a-z]", out)


# -- property tests --------------------------------------------------------------------------

LABELS = ["PATIENT", "DOCTOR", "DATE", "PHONE", "MEDICALRECORD", "CITY", "HOSPITAL", "ZIP",
          "EMAIL", "AGE", "STREET", "ORGANIZATION"]


@st.composite
def documents(draw: st.DrawFn) -> Document:
    words = draw(st.lists(st.text(alphabet="abcdefghij XYZ0123456789-/.,", min_size=1,
                                  max_size=12), min_size=1, max_size=12))
    text = " ".join(words)
    spans, cursor = [], 0
    while cursor < len(text):
        start = draw(st.integers(cursor, len(text)))
        if start >= len(text):
            break
        end = draw(st.integers(start + 1, min(len(text), start + 15)))
        if draw(st.booleans()):
            spans.append(Span(start, end, draw(st.sampled_from(LABELS))))
        cursor = end
    return Document("h", text, {"patient_id": "hp"}, tuple(spans))


@settings(max_examples=80, deadline=None)
@given(doc=documents())
def test_replacement_properties(doc: Document) -> None:
    out = replacer().replace(doc, doc.spans)
    assert len(out.spans) <= len(doc.spans)
    for span in out.spans:
        assert 0 <= span.start < span.end <= len(out.text)
    # Text outside spans is unchanged and in order.
    gaps, cursor = [], 0
    for s in doc.spans:
        gaps.append(doc.text[cursor : s.start])
        cursor = s.end
    gaps.append(doc.text[cursor:])
    pos = 0
    for gap in gaps:
        found = out.text.find(gap, pos)
        assert found >= 0
        pos = found + len(gap)
    masked = out.text
    for m in out.spans:
        masked = masked[: m.start] + "\x00" * m.length + masked[m.end :]
    own = {s.start: out.text[m.start : m.end] for s, m in zip(doc.spans, out.spans, strict=False)
           if len(out.spans) == len(doc.spans)}
    for s, original in zip(doc.spans, out.originals, strict=True):
        assert doc.text[s.start : s.end] == original
        outside = doc.text[: s.start] + "\x00" + doc.text[s.end :]
        stripped = original.strip()
        if len(stripped) >= 3 and stripped not in outside and \
                any(c.isalnum() for c in stripped) and s.label != "AGE":
            # Not in its own surrogate, nor outside the surrogates (another span's surrogate
            # may contain it by coincidence, which leaks nothing).
            assert stripped not in masked, (s.label, stripped)
            assert stripped not in own.get(s.start, ""), (s.label, stripped)


@settings(max_examples=50, deadline=None)
@given(doc=documents(), data=st.data())
def test_splice_properties(doc: Document, data: st.DataObject) -> None:
    strings = [data.draw(st.text(max_size=6)) for _ in doc.spans]
    text, moved = splice(doc.text, doc.spans, strings)
    assert len(text) == len(doc.text) - sum(s.length for s in doc.spans) + sum(map(len, strings))
    nonempty = [s for s in strings if s]
    assert [text[m.start : m.end] for m in moved] == nonempty


@pytest.mark.parametrize(
    ("original", "locale"),
    [("राहुल शर्मा", "hi_IN"), ("আকাশ সরকার", "bn_BD"), ("张伟", "zh_CN"), ("欧阳娜娜", "zh_CN")],
)
def test_non_latin_names_replaced_whole(original: str, locale: str) -> None:
    import unicodedata

    for script in ("native", "romanised"):
        out = make_surrogate("PATIENT", original, random.Random(2), locale=locale, script=script)
        assert not any(part in out for part in original.split())
        assert not unicodedata.category(out[0]).startswith("M")
        if script == "romanised":
            assert out.isascii()


@pytest.mark.parametrize("weak", ["a", "demo-key", "demo-secret", "a" * 40])
def test_weak_keys_are_refused(weak: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="too weak"):
        build_replacer({"mode": "surrogate", "key": weak})
    monkeypatch.setenv("FAIRDEID_TEST_KEY", weak)
    with pytest.raises(ConfigError, match="too weak") as caught:
        build_replacer({"mode": "surrogate", "key_env": "FAIRDEID_TEST_KEY"})
    if len(weak) > 3:
        assert weak not in str(caught.value)  # key material is never echoed


def test_required_key_refuses_the_random_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAIRDEID_TEST_KEY", raising=False)
    with pytest.raises(ConfigError, match="needs a key"):
        build_replacer({"mode": "surrogate", "key_env": "FAIRDEID_TEST_KEY", "require_key": True})


def test_keygen_keys_pass_the_strength_check() -> None:
    from typer.testing import CliRunner

    from fairdeid.cli import app

    keys = {CliRunner().invoke(app, ["keygen"]).stdout.strip() for _ in range(3)}
    assert len(keys) == 3
    for key in keys:
        build_replacer({"mode": "surrogate", "key": key})


# -- punctuation at span edges -----------------------------------------------------------------

EDGE_LABELS = ["DOCTOR", "PATIENT", "USERNAME", "HOSPITAL", "ORGANIZATION", "EMAIL", "URL",
               "CITY", "STATE", "COUNTRY", "PROFESSION", "MEDICALRECORD", "DATE", "OTHER"]


@pytest.mark.parametrize("label", EDGE_LABELS)
@pytest.mark.parametrize("pid", [None, "p1"])
@pytest.mark.parametrize(("start", "end"), [(3, 14), (4, 14), (3, 13), (4, 13), (2, 14)])
def test_brackets_around_a_span_survive(label: str, pid: str | None, start: int, end: int
                                        ) -> None:
    # "cc:[Wei Zhang]": a span taking in (or stopping at) the brackets used to lose them for
    # labels whose generator builds a fresh value ("cc:Lee Memorial Hospital").
    text = "cc:[Wei Zhang]"
    doc = Document("e", text, {"patient_id": pid} if pid else {}, (Span(start, end, label),))
    out = replacer().replace(doc, doc.spans)
    assert out.text.startswith("cc:[") and out.text.endswith("]"), out.text
    assert out.text.count("[") == 1 and out.text.count("]") == 1, out.text
    (span,) = out.spans
    assert out.text[: span.start] == text[:start] and out.text[span.end :] == text[end:]


@pytest.mark.parametrize(
    ("label", "original", "lead", "trail"),
    [("HOSPITAL", "(Mass General)", "(", ")"), ("CITY", "“Boston”", "“", "”"),
     ("EMAIL", "<a.b@c.org>", "<", ">"), ("ORGANIZATION", '"Acme Corp"', '"', '"'),
     ("CITY", "Boston,", "", ","), ("USERNAME", "[jdoe42", "[", "")],
)
def test_make_surrogate_keeps_edge_punctuation(label: str, original: str, lead: str,
                                               trail: str) -> None:
    out = make_surrogate(label, original, random.Random(0))
    assert out.startswith(lead) and out.endswith(trail), out
    core = out[len(lead) : len(out) - len(trail)]
    assert core and core[0].isalnum() and core[-1].isalnum(), out
    assert core != original[len(lead) : len(original) - len(trail)]


def test_brackets_that_belong_to_the_value_stay_in_it() -> None:
    out = make_surrogate("PHONE", "(617) 555-1234", random.Random(0))
    assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", out)


# -- property tests: documents without a patient (random single-use scopes) --------------------

NAME_LABELS = ["PATIENT", "DOCTOR", "NAME"]


@st.composite
def id_less_documents(draw: st.DrawFn) -> Document:
    """Prose of a few repeated words with name spans and a few others (some taking in the
    punctuation after them), no patient id, often the id every id-less request gets."""
    vocabulary = draw(st.lists(st.text(alphabet="abcdefghijklmnoprstuvwyz", min_size=1,
                                       max_size=9), min_size=1, max_size=5))
    cased = st.tuples(st.sampled_from(vocabulary),
                      st.sampled_from([str, str.title, str.upper])).map(lambda t: t[1](t[0]))
    words = draw(st.lists(cased, min_size=1, max_size=14))  # small vocabulary: repeats
    seps = [draw(st.sampled_from([" ", " ", ", ", ". ", " [", "] ", " ("])) for _ in words]
    text = "".join(w + s for w, s in zip(words, seps, strict=True)).rstrip()
    spans, cursor = [], 0
    for m in re.finditer(r"[A-Za-z]+(?: [A-Za-z]+)?", text):
        if m.start() < cursor or not draw(st.booleans()):
            continue
        label = draw(st.sampled_from(NAME_LABELS + ["CITY", "DATE", "HOSPITAL"]))
        end = m.end() + (1 if draw(st.booleans()) and m.end() < len(text) else 0)
        spans.append(Span(m.start(), end, label))
        cursor = end
    return Document(draw(st.sampled_from(["doc-0", "text-0", "x"])), text, {}, tuple(spans))


@settings(max_examples=80, deadline=None)
@given(doc=id_less_documents())
def test_id_less_replacement_properties(doc: Document) -> None:
    rep = replacer()
    out = rep.replace(doc, doc.spans)
    # One output span per input span, each pointing exactly at its surrogate: the output is
    # the untouched gaps interleaved with the text under the output spans.
    assert len(out.spans) == len(doc.spans)
    rebuilt, cursor = [], 0
    for s, m in zip(doc.spans, out.spans, strict=True):
        rebuilt.append(doc.text[cursor : s.start])
        rebuilt.append(out.text[m.start : m.end])
        assert m.label == s.label
        cursor = s.end
    rebuilt.append(doc.text[cursor:])
    assert "".join(rebuilt) == out.text
    # No original name of 3+ characters survives in any surrogate (unless the untouched text
    # has it anyway). Judged per surrogate, not on the whole output: a kept title ("a sr" ->
    # "c sr") followed by untouched text (" a") can spell an original ("sr a") across the
    # boundary without leaking anything that was not already outside the spans.
    outside = doc.text
    for s in reversed(doc.spans):
        outside = outside[: s.start] + "\x00" + outside[s.end :]
    surrogates = [out.text[m.start : m.end].casefold() for m in out.spans]
    for s, original in zip(doc.spans, out.originals, strict=True):
        if s.label not in NAME_LABELS:
            continue
        core = original.strip(" ,.[](").casefold()
        if len(core) >= 3 and core not in outside.casefold():
            assert not any(core in text for text in surrogates), (s.label, original)
    # Single use: nothing is left in memory for id-less documents.
    assert rep.store.cached_scopes == 0


@settings(max_examples=30, deadline=None)
@given(doc=id_less_documents())
def test_id_less_document_is_consistent_within_itself_property(doc: Document) -> None:
    out = replacer().replace(doc, doc.spans)
    seen: dict[tuple[str, str], str] = {}
    for s, m, original in zip(doc.spans, out.spans, out.originals, strict=True):
        if s.label in NAME_LABELS:
            continue  # names depend on their neighbours (given vs surname role)
        key = (s.label, original)
        surrogate = out.text[m.start : m.end]
        assert seen.setdefault(key, surrogate) == surrogate
