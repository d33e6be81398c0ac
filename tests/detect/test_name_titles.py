"""``[resolve] name_titles``: a personal title before a name goes inside the name span."""

from __future__ import annotations

from typing import Any

import pytest

from fairdeid import Pipeline
from fairdeid.detect.titles import (
    TITLE_ADDED,
    TITLE_CHARS,
    TitleWords,
    exclude_titles,
    include_titles,
    name_part,
    title_chars,
)
from fairdeid.document import Span
from fairdeid.errors import ConfigError

WORDS = TitleWords.build(["Dr", "Mrs", "Prof", "Prof. Dr", "Herr", "Sra", "Dott.ssa"], ["dr"])


def _texts(text: str, spans: list[Span]) -> list[str]:
    return [text[s.start : s.end] for s in spans]


def _name(text: str, name: str, label: str = "DOCTOR", source: str = "x:y") -> Span:
    i = text.index(name)
    return Span(i, i + len(name), label, source, 0.9, {"also": ["z:w"]})


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Seen by Dr. Wei Zhang today.", "Wei Zhang", "Dr. Wei Zhang"),
        ("Seen by Dr Zhang today.", "Zhang", "Dr Zhang"),
        ("SEEN BY DR. ZHANG", "ZHANG", "DR. ZHANG"),
        ("spoke to dr pont", "pont", "dr pont"),
        ("Mrs. L. Hernandez called", "L. Hernandez", "Mrs. L. Hernandez"),
        ("Herr Schmidt kam", "Schmidt", "Herr Schmidt"),
        ("la Sra. García vino", "García", "Sra. García"),
        ("la Dott.ssa Rossi", "Rossi", "Dott.ssa Rossi"),
        # a chain: the longest listed title first, then one more title before it
        ("bei Prof. Dr. Weber", "Weber", "Prof. Dr. Weber"),
        ("Mrs. Dr. Weber", "Weber", "Mrs. Dr. Weber"),
    ],
)
def test_a_title_before_a_name_goes_inside(text: str, name: str, expected: str) -> None:
    span = _name(text, name)
    [out] = include_titles(text, [span], WORDS)
    assert text[out.start : out.end] == expected
    # provenance: same detector, rule, label, score and other attributes; the extension recorded
    assert (out.source, out.label, out.score, out.attrs["also"]) == ("x:y", "DOCTOR", 0.9, ["z:w"])
    assert out.attrs[TITLE_CHARS] == out.attrs[TITLE_ADDED] == len(expected) - len(name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dr.\nZhang called", "Zhang"),  # another line
        ("Dr.  .  Zhang", "Zhang"),  # more than one period / spaces
        ("Dr -- Zhang", "Zhang"),
        ("ADr. Zhang", "Zhang"),  # not a word of its own
        ("Drs Zhang", "Zhang"),  # not a listed title
        ("mrs Zhang", "Zhang"),  # lower case only for the listed lower-case titles
        ("Dr.   Zhang", "Zhang"),  # three spaces
    ],
)
def test_only_a_title_directly_before_on_the_line(text: str, name: str) -> None:
    span = _name(text, name)
    assert include_titles(text, [span], WORDS) == [span]


def test_only_name_spans_get_titles() -> None:
    text = "Dr. Boston"
    span = Span(4, 10, "CITY", "x:y")
    assert include_titles(text, [span], WORDS) == [span]
    for label in ("PATIENT", "DOCTOR", "NAME", "USERNAME"):
        [out] = include_titles(text, [Span(4, 10, label, "x:y")], WORDS)
        assert out.start == 0


def test_a_title_covered_by_the_previous_span_is_left_to_it() -> None:
    text = "Dr. Smith"
    before = Span(0, 3, "LOCATION", "x:y")  # "Dr." already in another span
    name = Span(4, 9, "DOCTOR", "x:y")
    assert include_titles(text, [before, name], WORDS) == [before, name]


def test_a_span_that_starts_with_a_title_is_marked_not_extended() -> None:
    text = "Seen by Dr. Zhang"
    span = Span(8, 17, "DOCTOR", "transformer:m")
    [out] = include_titles(text, [span], WORDS)
    assert (out.start, out.end) == (8, 17)
    assert out.attrs[TITLE_CHARS] == 4 and TITLE_ADDED not in out.attrs
    # a title alone is no name: nothing to mark
    alone = Span(8, 11, "DOCTOR", "transformer:m")
    assert include_titles(text, [alone], WORDS) == [alone]


def test_an_empty_title_list_includes_nothing() -> None:
    text = "Dr. Zhang"
    span = Span(4, 9, "DOCTOR", "x:y")
    assert include_titles(text, [span], TitleWords.build([])) == [span]


def test_name_part_and_title_chars() -> None:
    text = "Dr. Zhang"
    [out] = include_titles(text, [Span(4, 9, "DOCTOR", "x:y")], WORDS)
    inner = name_part(out)
    assert (inner.start, inner.end) == (4, 9) and TITLE_CHARS not in inner.attrs
    plain = Span(4, 9, "DOCTOR")
    assert name_part(plain) is plain
    # attributes read from a file may hold anything: only a usable count counts
    for bad in (True, "4", 9, 12, 0, -1, 4.0):
        assert title_chars(Span(0, 9, "DOCTOR", attrs={TITLE_CHARS: bad})) == 0


# -- the option, through the pipeline -----------------------------------------------------------


def _pipeline(**resolve: Any) -> Pipeline:
    return Pipeline.from_config(
        {"pipeline": {"detectors": ["rules"]}, "resolve": resolve, "replace": {"mode": "tag"}}
    )


TEXT = "Seen by Dr. Wei Zhang today. Mrs. Priya Sharma called; Sharma is better."


def test_include_is_the_default_and_keep_gives_the_spans_of_before() -> None:
    included = _pipeline().detect(TEXT).spans
    kept = _pipeline(name_titles="keep").detect(TEXT).spans
    assert _texts(TEXT, list(kept)) == ["Wei Zhang", "Priya Sharma", "Sharma"]
    assert not any(TITLE_CHARS in s.attrs for s in kept)
    assert _texts(TEXT, list(included)) == ["Dr. Wei Zhang", "Mrs. Priya Sharma", "Sharma"]
    assert [s.source for s in included] == [s.source for s in kept]
    assert Pipeline.from_config().resolver.config.name_titles == "include"


def test_every_mode_with_titles_inside() -> None:
    key = "titles-test-key-Zq7Xv2Lp9Rk4Wm8Ty3Hn6Bc1Df5Gj0Ks"
    text = "Dr. Smith saw Mrs. Jones. Smith agreed."
    tag = Pipeline.from_config(detectors=["rules"], mode="tag").deidentify(text).text
    assert tag == "[NAME] saw [NAME]. [NAME] agreed."
    redact = Pipeline.from_config(detectors=["rules"], mode="redact").deidentify(text)
    assert redact.text.startswith("*********") and "Dr" not in redact.text
    surrogate = Pipeline.from_config(
        detectors=["rules"], mode="surrogate", overrides={"replace": {"key": key}}
    ).deidentify(text)
    title_doc, title_pat, later = (surrogate.text[s.start : s.end] for s in surrogate.output_spans)
    # the title stays readable, only the name is replaced, and "Dr. Smith" and "Smith" are the
    # same person
    assert title_doc.startswith("Dr. ") and title_pat.startswith("Mrs. ")
    assert "Smith" not in surrogate.text and "Jones" not in surrogate.text
    assert title_doc == "Dr. " + later


def test_name_titles_is_checked_when_the_config_loads() -> None:
    with pytest.raises(ConfigError, match="name_titles"):
        _pipeline(name_titles="inside")


def test_the_titles_are_the_rule_files_lists_of_the_pipeline_language() -> None:
    # the German pack removes "M" from the titles ("M. Parkinson" is Morbus there) and adds
    # "Hr"; its pipeline reads those lists, the English one the packaged list
    from fairdeid.lang.routing import pack_config

    de = Pipeline.from_config(pack_config("de", {"resolve": {"name_titles": "include"}}))
    en = Pipeline.from_config(detectors=["rules"])
    assert de.titles is not None and en.titles is not None
    assert de.titles.before.search("Hr. ") and not en.titles.before.search("Hr. ")
    assert en.titles.before.search("M. ") and not de.titles.before.search("M. ")


def test_the_spanish_pack_keeps_meddocan_convention() -> None:
    es = Pipeline.from_config(language="es")
    assert es.resolver.config.name_titles == "keep" and es.titles is None
    text = "Remitido por el Dr. Ignacio Navarro Cuéllar."
    spans = es.detect(text).spans
    assert "Dr." not in [text[s.start : s.end][:3] for s in spans]


def test_a_users_choice_applies_to_every_language_and_packs_keep_theirs_otherwise() -> None:
    from fairdeid.lang.routing import pack_config
    from fairdeid.pipeline import load_config

    # the packaged default leaves the key unset ("include"), so each pack keeps its own
    assert "name_titles" not in load_config()["resolve"]
    assert pack_config("es", load_config())["resolve"]["name_titles"] == "keep"
    for language in ("de", "fr", "nl", "it"):  # their annotated sets leave titles out
        assert pack_config(language, load_config())["resolve"]["name_titles"] == "keep"
    # a user's config that sets it is the user's policy, for every language
    for language in ("es", "fr"):
        for mode in ("include", "keep"):
            main = {"resolve": {"name_titles": mode}}
            assert pack_config(language, main)["resolve"]["name_titles"] == mode


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Seen by Dr. Wei Zhang today.", "Dr. Wei Zhang", "Wei Zhang"),
        ("SEEN BY DR ZHANG", "DR ZHANG", "ZHANG"),
        ("Chair: Prof. Dr. Anna Weber", "Prof. Dr. Anna Weber", "Anna Weber"),
        ("Seen by Dr. Wei Zhang today.", "Wei Zhang", "Wei Zhang"),  # no title inside
        ("Signed: Dr.", "Dr.", "Dr."),  # nothing of a name would be left: kept whole
    ],
)
def test_exclude_titles_cuts_leading_titles_off_name_spans(
    text: str, name: str, expected: str
) -> None:
    span = _name(text, name)
    (out,) = exclude_titles(text, [span], WORDS)
    assert text[out.start : out.end] == expected
    assert (out.label, out.source, out.score) == (span.label, span.source, span.score)


def test_exclude_titles_leaves_other_labels_and_inverts_include_titles() -> None:
    text = "Dr. Wei Zhang, Dr. Who Street, seen by Mrs. L. Hernandez"
    street = text.index("Dr. Who Street")
    spans = [_name(text, "Wei Zhang"), Span(street, street + 14, "STREET"),
             _name(text, "L. Hernandez", "PATIENT")]
    included = include_titles(text, spans, WORDS)
    assert _texts(text, included) == ["Dr. Wei Zhang", "Dr. Who Street", "Mrs. L. Hernandez"]
    back = exclude_titles(text, included, WORDS)
    assert _texts(text, back) == ["Wei Zhang", "Dr. Who Street", "L. Hernandez"]
    assert all(TITLE_CHARS not in s.attrs and TITLE_ADDED not in s.attrs for s in back)


def test_exclude_titles_keeps_an_initial_that_is_also_a_title() -> None:
    words = TitleWords.build(["Dr", "M"])
    text = "Dr. M. Smith and M. Dupont"
    spans = [_name(text, "Dr. M. Smith"), _name(text, "M. Dupont")]
    assert _texts(text, exclude_titles(text, spans, words)) == ["M. Smith", "Dupont"]
