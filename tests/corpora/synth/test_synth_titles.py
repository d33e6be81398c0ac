"""Titles in the generated gold follow the pipeline's ``[resolve] name_titles`` (issue 16)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.corpora.synth import ALL_NOTE_TYPES, NoteGenerator, generate_notes
from fairdeid.corpora.synth.lang import SYNTH_LANGUAGES, generate_lang_notes
from fairdeid.corpora.synth.titles import TitleConvention
from fairdeid.detect.titles import TITLE_ADDED, TITLE_CHARS, TitleWords, include_titles
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline

NAMES = ("PATIENT", "DOCTOR")


def _names(doc: Document) -> list[Span]:
    return [s for s in doc.spans if s.label in NAMES]


@cache
def _words() -> TitleWords:
    """The title lists of the packaged English pipeline."""
    words = Pipeline.from_config(None, detectors=["rules"], language="en").titles
    assert words is not None
    return words


# ------------------------------------------------------------- the default follows the pipeline


def test_english_gold_puts_titles_inside_names_by_default() -> None:
    """The regression of issue 16: "Dr. Smith" was gold "Smith" while the default pipeline
    finds "Dr. Smith"; every title was a false positive."""
    docs = list(generate_notes(60, seed=202, with_text=True))
    titled = [(d, s) for d in docs for s in _names(d) if TITLE_CHARS in s.attrs]
    assert len(titled) > 30
    texts = {d.span_text(s)[: s.attrs[TITLE_CHARS]] for d, s in titled}
    assert {"Dr. ", "Mr. "} <= texts
    for doc, span in titled:
        assert doc.span_text(span) == span.attrs["text"]
        assert TITLE_ADDED not in span.attrs


def test_default_matches_the_packaged_pipeline_config() -> None:
    assert TitleConvention.of("en").mode == "include"
    for lang in SYNTH_LANGUAGES:
        assert TitleConvention.of(lang).mode == "keep", lang
        assert TitleConvention.of(lang).words is None


def test_keep_writes_the_same_text_with_titles_outside() -> None:
    include = list(generate_notes(40, seed=4242, with_text=True))
    keep = list(generate_notes(40, seed=4242, with_text=True, name_titles="keep"))
    assert [d.text for d in include] == [d.text for d in keep]
    assert not any(TITLE_CHARS in s.attrs for d in keep for s in d.spans)
    changed = 0
    for a, b in zip(include, keep, strict=True):
        assert len(a.spans) == len(b.spans)
        for x, y in zip(a.spans, b.spans, strict=True):
            assert (x.end, x.label) == (y.end, y.label)
            if x.start != y.start:
                changed += 1
                assert x.label in NAMES and x.start + x.attrs[TITLE_CHARS] == y.start
    assert changed > 20


# ------------------------------------------------------------------ exact offsets (property)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    profile=st.sampled_from(["default", "stress"]),
    kind=st.sampled_from(ALL_NOTE_TYPES),
)
def test_gold_is_exactly_the_pipeline_title_step_over_the_plain_gold(
    seed: int, profile: str, kind: str
) -> None:
    """Every span's text is the note's text at its offsets, spans do not overlap, and the
    titles are attached exactly where ``detect/titles.py`` attaches them (same line, directly
    before the name), after the stress profile's mess."""
    gen = NoteGenerator(seed, note_types=[kind], with_text=True, profile=profile)
    plain = NoteGenerator(seed, note_types=[kind], with_text=True, profile=profile,
                          name_titles="keep")
    for doc, bare in zip(gen.generate(3), plain.generate(3), strict=True):
        assert doc.text == bare.text
        previous = 0
        for span in doc.spans:
            assert span.start >= previous
            previous = span.end
            assert doc.span_text(span) == span.attrs["text"]
        expected = include_titles(bare.text, bare.spans, _words())
        assert [(s.start, s.end, s.label) for s in doc.spans] == [
            (s.start, s.end, s.label) for s in expected
        ]
        for span in doc.spans:
            n = span.attrs.get(TITLE_CHARS)
            if n:
                title = doc.text[span.start : span.start + n]
                assert "\n" not in title and "\r" not in title
                assert _words().lead.match(title + "X") is not None


# ------------------------------------------------------------------ what a title is


def _doc(text: str, *names: str) -> Document:
    spans = []
    for name in names:
        start = text.index(name)
        spans.append(Span(start, start + len(name), "DOCTOR", "gold"))
    return Document("t", text, spans=tuple(spans))


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Seen by Dr. Smith today.", "Smith", "Dr. Smith"),
        ("Seen by Dr Smith today.", "Smith", "Dr Smith"),
        ("SEEN BY DR. SMITH TODAY.", "SMITH", "DR. SMITH"),
        ("Dear Dr. Okafor,\n", "Okafor", "Dr. Okafor"),
        ("cc: Mrs. Lee", "Lee", "Mrs. Lee"),
        ("Nurse Jones gave the dose.", "Jones", "Nurse Jones"),
        ("Professor Weber agreed.", "Weber", "Professor Weber"),
        ("| Dr. | Smith |", "Smith", "Smith"),  # a table cell apart is not adjacent
        ("Attending Smith agreed.", "Smith", "Smith"),  # a role word is not a title
        ("her husband John called", "John", "John"),
        ("Reviewed with Dr.\nSmith", "Smith", "Smith"),  # not on the same line
    ],
)
def test_a_title_is_what_detect_titles_takes(text: str, name: str, expected: str) -> None:
    doc = TitleConvention.of("en").apply(_doc(text, name))
    (span,) = doc.spans
    assert doc.span_text(span) == expected
    assert span.attrs.get(TITLE_CHARS, 0) == len(expected) - len(name)


def test_only_the_title_taken_in_counts_as_title() -> None:
    """Gold knows what it wrote: the "M." of "Dr. M. Smith" is an initial (the rule lists take
    "M" for Monsieur), and a first name "Don" is not a title."""
    convention = TitleConvention.of("en")
    doc = convention.apply(_doc("Seen by Dr. M. Smith", "M. Smith"))
    (span,) = doc.spans
    assert doc.span_text(span) == "Dr. M. Smith" and span.attrs[TITLE_CHARS] == 4
    plain = _doc("Seen by Don Smith", "Don Smith")
    assert convention.apply(plain) is plain


def test_a_title_that_is_itself_gold_stays_its_own_span() -> None:
    text = "Dr Smith"
    doc = Document("t", text, spans=(Span(0, 2, "PROFESSION", "gold"),
                                      Span(3, 8, "DOCTOR", "gold")))
    assert TitleConvention.of("en").apply(doc) is doc


# ------------------------------------------------------------------ other languages, configs, CLI


@pytest.mark.parametrize("lang", SYNTH_LANGUAGES)
def test_packs_keep_titles_outside_unless_asked(lang: str) -> None:
    keep = list(generate_lang_notes(lang, 30, seed=1, with_text=True))
    include = list(generate_lang_notes(lang, 30, seed=1, with_text=True, name_titles="include"))
    assert [d.text for d in keep] == [d.text for d in include]
    assert not any(TITLE_CHARS in s.attrs for d in keep for s in d.spans)
    titled = [d.span_text(s) for d in include for s in d.spans if TITLE_CHARS in s.attrs]
    assert titled, lang
    for doc in include:
        for span in doc.spans:
            assert doc.span_text(span) == span.attrs["text"]


def test_german_include_uses_the_german_title_list() -> None:
    docs = list(generate_lang_notes("de", 40, seed=3, name_titles="include"))
    titles = {d.span_text(s)[: s.attrs[TITLE_CHARS]].strip() for d in docs for s in d.spans
              if TITLE_CHARS in s.attrs}
    assert titles & {"Herr", "Frau", "Prof. Dr.", "Dr. med."}


def test_a_config_chooses_the_convention(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('[resolve]\nname_titles = "keep"\n', "utf-8")
    docs = list(generate_notes(20, seed=5, config=config))
    assert not any(TITLE_CHARS in s.attrs for d in docs for s in d.spans)
    # set in the user's config, it applies to the packs too (as the pipeline's routing does)
    config.write_text('[resolve]\nname_titles = "include"\n', "utf-8")
    assert TitleConvention.of("fr", config=config).mode == "include"
    # the explicit option wins over the config
    assert TitleConvention.of("en", "keep", config).mode == "keep"


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="name_titles"):
        NoteGenerator(0, name_titles="inside")
    with pytest.raises(ConfigError, match="name_titles"):
        TitleConvention.of("en", config={"resolve": {"name_titles": "outside"}})


def _titled(path: Path) -> int:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return sum(1 for r in rows for s in r["spans"] if TITLE_CHARS in s)


def test_cli_name_titles(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "a.jsonl"
    for args, titled in (
        ([], True),
        (["--name-titles", "keep"], False),
        (["--lang", "de"], False),
        (["--lang", "de", "--name-titles", "include"], True),
    ):
        result = runner.invoke(app, ["generate", "-n", "20", "--seed", "7", "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        assert (_titled(out) > 0) == titled, args
        mode = "include" if titled else "keep"
        assert f"--name-titles {mode}" in " ".join(result.output.split()), result.output
    result = runner.invoke(app, ["generate", "-n", "2", "-o", str(out), "--name-titles", "x"])
    assert result.exit_code != 0 and "name_titles" in result.output
