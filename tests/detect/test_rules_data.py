"""Rules as data: packaged data files, declared post steps, data tables, per-call ``disabled``.

The detector's word lists and special steps used to live in code, keyed by rule names; these
tests pin that they now come from ``detect/rules/data`` and the rule declarations, so a site's
pattern file (or a language pack) can use and change them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules.compiler import data_text
from fairdeid.detect.rules.detector import _DICT_FILES
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline

NOTE = (
    "Seen by Dr. Wei Zhang on 03/04/2021. The fall happened at 14:30 today. Call 555-123-4567.\n"
    "MRN: 8812345. Patient is 93 yo, lives at 12 Oak Street, Springfield, IL 62704 and\n"
    "works as a farmer. Son Rahul visited."
)


def spans(det: RuleDetector, text: str) -> list[Span]:
    return sorted(det.detect(Document(id="t", text=text)), key=lambda s: (s.start, s.source))


def sources(det: RuleDetector, text: str, prefix: str = "") -> set[str]:
    return {
        text[s.start : s.end]
        for s in det.detect(Document(id="t", text=text))
        if s.source.startswith(prefix)
    }


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "site.toml"
    path.write_text(body, "utf-8")
    return str(path)


# -- packaged data --------------------------------------------------------------------------


def test_every_packaged_dictionary_is_in_the_data_folder() -> None:
    for kind, (fname, _, _) in _DICT_FILES.items():
        assert fname, f"dictionary kind {kind} has no packaged file"
        assert data_text(fname).strip(), fname


def test_states_come_from_the_data_folder(det: RuleDetector) -> None:
    assert "Vermont" in data_text("states.txt").splitlines()
    assert "STATE" in {s.label for s in spans(det, "She moved here from Vermont.")}
    bare = RuleDetector.from_config({"use_packaged_dictionaries": False})
    assert "STATE" not in {s.label for s in spans(bare, "She moved here from Vermont.")}


# -- post steps -----------------------------------------------------------------------------


def test_post_steps_are_declared_by_rules(tmp_path: Path) -> None:
    body = """
[[rule]]
name = "site.town"
label = "CITY"
pattern = '''\\b(?:The\\s)?Upper\\s[A-Z][a-z]+'''
"""
    text = "Referred from The Upper Wellbury practice."
    plain = RuleDetector.from_config({"extra_patterns": [write(tmp_path, body)]})
    assert sources(plain, text, "rules:site.") == {"The Upper Wellbury"}
    trimmed = RuleDetector.from_config(
        {"extra_patterns": [write(tmp_path, body + 'post = "trim_leads"\n')]}
    )
    assert sources(trimmed, text, "rules:site.") == {"Upper Wellbury"}


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ('"trim_everything"', "unknown post step"),
        ("[1]", "post must be"),
        ('["state_evidence"]', "needs pattern groups"),
    ],
)
def test_bad_post_steps_are_refused(tmp_path: Path, post: str, message: str) -> None:
    body = f"""
[[rule]]
name = "site.town"
label = "CITY"
pattern = '''Upper\\s[A-Z][a-z]+'''
post = {post}
"""
    with pytest.raises(ConfigError, match=message):
        RuleDetector.from_config({"extra_patterns": [write(tmp_path, body)]})


def test_place_words_are_data(tmp_path: Path, det: RuleDetector) -> None:
    text = "Moved here from Frobville, MD last year."
    assert "Frobville" not in sources(det, text, "rules:location.city_state")
    relaxed = RuleDetector.from_config(
        {"extra_patterns": [write(tmp_path, "[places]\nambiguous_state_codes = []\n")]}
    )
    assert "Frobville" in sources(relaxed, text, "rules:location.city_state")


def test_region_words_are_data(tmp_path: Path, det: RuleDetector) -> None:
    text = "Lives at 12 Oak Street, Lyon, Provence et Alpes 69001 with family."
    assert "Provence et Alpes" in sources(det, text, "rules:location.address_tail")
    site = RuleDetector.from_config(
        {"extra_patterns": [write(tmp_path, "[places]\nregion_words = []\n")]}
    )
    tail = sources(site, text, "rules:location.address_tail")
    assert "Provence" in tail and "Provence et Alpes" not in tail


def test_naming_cues_are_data(tmp_path: Path, det: RuleDetector) -> None:
    text = "Her godson Zorblat came along."
    assert "Zorblat" not in sources(det, text, "rules:name.cue")
    site = RuleDetector.from_config(
        {"extra_patterns": [write(tmp_path, '[names]\nnaming_cues = ["godson"]\n')]}
    )
    assert "Zorblat" in sources(site, text, "rules:name.cue")


def test_eponym_followers_and_particles_are_data(tmp_path: Path, det: RuleDetector) -> None:
    assert sources(det, "Noted the Okafor syndrome today.") == set()
    assert sources(det, "Noted the Okafor wobble today.") == {"Okafor"}
    assert "Piet van Berg" in sources(det, "Seen by Dr. Piet van Berg.", "rules:name.title")
    body = '[names]\nparticles = []\neponym_followers = ["wobble"]\n'
    site = RuleDetector.from_config({"extra_patterns": [write(tmp_path, body)]})
    assert sources(site, "Noted the Okafor syndrome today.") == {"Okafor"}
    assert sources(site, "Noted the Okafor wobble today.") == set()
    assert "Piet" in sources(site, "Seen by Dr. Piet van Berg.", "rules:name.title")


# -- per-call disabled ----------------------------------------------------------------------


def test_one_group_runs_alone(det: RuleDetector) -> None:
    alone = det.with_disabled(det.groups - {"time"})
    found = spans(alone, NOTE)
    assert found and {s.source.split(".")[0] for s in found} == {"rules:time"}
    assert "14:30" in {NOTE[s.start : s.end] for s in found}


@pytest.mark.parametrize(
    "off", ["time", "date", "name", "location", "name.propagated", "location.address_tail"]
)
def test_per_call_disabled_matches_configured_disabled(det: RuleDetector, off: str) -> None:
    configured = RuleDetector.from_config({"disabled": [off]})
    assert spans(det.with_disabled([off]), NOTE) == spans(configured, NOTE)
    assert spans(det.with_disabled([off]), NOTE) != spans(det, NOTE)


def test_a_view_leaves_the_detector_alone(det: RuleDetector) -> None:
    before = spans(det, NOTE)
    det.with_disabled(["name", "date"])
    assert spans(det, NOTE) == before
    assert det.with_disabled([]) is det


def test_unknown_per_call_names_are_refused(det: RuleDetector) -> None:
    with pytest.raises(ConfigError, match="tiem"):
        det.with_disabled(["tiem"])


def test_pipeline_disables_rule_groups_per_call() -> None:
    # strict: a clock time alone is removed (safe_harbor keeps it, see test_resolve_clock_times)
    pipeline = Pipeline.from_config(
        None, detectors=["rules"], overrides={"resolve": {"preset": "strict"}})
    text = "Seen on 03/04/2021 by Dr. Wei Zhang. The fall happened at 14:30 today."
    every = {text[s.start : s.end] for s in pipeline.detect(text).document.spans}
    no_time = pipeline.detect(text, disabled=["rules:time"]).document.spans
    assert "14:30" in every
    assert "14:30" not in {text[s.start : s.end] for s in no_time}
    assert {"03/04/2021", "Dr. Wei Zhang"} <= {text[s.start : s.end] for s in no_time}
    result = pipeline.deidentify(text, disabled=["rules:name"])
    assert "Wei Zhang" in result.text and "14:30" not in result.text
    assert pipeline.detect(text).document.spans == pipeline.detect(text, disabled=[]).document.spans


@pytest.mark.parametrize(
    ("disabled", "message"),
    [
        (["time"], "detector:rule"),
        (["rules:"], "detector:rule"),
        (["crf:time"], "not in this pipeline"),
        (["rules:tiem"], "tiem"),
        ("rules:time", "list"),
    ],
)
def test_pipeline_refuses_bad_disabled(disabled: list[str] | str, message: str) -> None:
    pipeline = Pipeline.from_config(None, detectors=["rules"])
    with pytest.raises(ConfigError, match=message):
        pipeline.detect("Seen on 03/04/2021.", disabled=disabled)


class _Plain(BaseDetector):
    name = "plain"

    def detect(self, doc: Document) -> list[Span]:
        return []


def test_pipeline_refuses_disabled_for_a_detector_without_groups() -> None:
    pipeline = Pipeline({"plain": _Plain()})
    with pytest.raises(ConfigError, match="no rule groups"):
        pipeline.detect("text", disabled=["plain:time"])


def test_a_validator_can_live_beside_its_data(tmp_path: Path) -> None:
    """A language pack names its own check as ``module:function``; modules outside fairdeid
    that are not already imported are refused, so a pattern file cannot import code."""
    body = """
[[rule]]
name = "site.code"
label = "IDNUM"
pattern = '''\\bQ\\d{{9}}\\b'''
validate = "{validator}"
"""
    text = "Codes Q046454286 and Q046454287."  # only the first passes the Luhn check
    even = RuleDetector.from_config({"extra_patterns": [write(
        tmp_path, body.format(validator="fairdeid.detect.rules.validators:luhn"))]})
    found = sources(even, text, "rules:site.")
    assert found == {"Q046454286"}
    for bad in ("fairdeid.detect.rules.validators:no_such", "antigravity:fly", "luhnx"):
        with pytest.raises(ConfigError, match="unknown validator"):
            RuleDetector.from_config(
                {"extra_patterns": [write(tmp_path, body.format(validator=bad))]})


def test_a_left_extension_never_reaches_back_over_a_line_break(tmp_path: Path) -> None:
    """Regression: ``before`` was anchored with ``$``, which also matches just before a final
    line break, so "Arztbrief\\nKlinikum Nord" became one span starting at "Arztbrief"."""
    body = """
[[rule]]
name = "site.clinic"
label = "HOSPITAL"
pattern = '''Klinikum[ \\t][A-Z][a-z]+'''
before = '''(?:[A-Z][a-z]+[ \\t]?)?'''
"""
    det = RuleDetector.from_config({"extra_patterns": [write(tmp_path, body)]})
    assert sources(det, "Arztbrief\nKlinikum Nord", "rules:site.") == {"Klinikum Nord"}
    assert sources(det, "Bad Klinikum Nord", "rules:site.") == {"Bad Klinikum Nord"}
