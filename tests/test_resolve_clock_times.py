"""``[resolve] clock_times``: Safe Harbor lists date elements, not times of day.

Under ``safe_harbor`` (the default) a clock time next to a date stays in the text, outside the
DATE span, and a time alone is not removed; under ``strict`` it goes with the date. The step
works on any detector's DATE spans, in every language, and never uncovers a character of the
date itself.
"""

from __future__ import annotations

import pytest

from fairdeid.clock_times import trim_clock_times
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError
from fairdeid.pipeline import Pipeline
from fairdeid.resolve import ResolveConfig, Resolver

KEY = "q7Vx2LmN9pR4tY8wZ3bC6dF1gH5jK0sA-uE7iO2yT4rW9eQ1"


def _trimmed(text: str) -> str | None:
    out = trim_clock_times(text, Span(0, len(text), "DATE", "rules:date.numeric"))
    return None if out is None else text[out.start : out.end]


@pytest.mark.parametrize(
    ("span", "date"),
    [
        ("03/04/2025 14:32", "03/04/2025"),
        ("03/04/2025 14:32:05", "03/04/2025"),
        ("12/3/26 at 9:40am.", "12/3/26"),
        ("November 19, 2026 11:37 PM", "November 19, 2026"),
        ("18-Nov-2026 at 14:12", "18-Nov-2026"),
        ("Mar 3, 2021 at 0800 hrs", "Mar 3, 2021"),
        ("Mar 3 2019 0930", "Mar 3 2019"),
        ("Mar 3 2019 2245", "Mar 3 2019"),
        ("Nov 24 1015", "Nov 24"),
        ("3/4/2025 14:00-15:30", "3/4/2025"),
        ("3/4/2025 14:32 EST", "3/4/2025"),
        ("12/3/26@14:32", "12/3/26"),
        ("3/4/2025\n14:32", "3/4/2025"),
        ("14:32 03/04/2025", "03/04/2025"),
        ("2:15 pm, March 4", "March 4"),
        # other languages
        ("03.04.2025 14.30 Uhr", "03.04.2025"),
        ("3. März 2025, um 14:30 Uhr", "3. März 2025"),
        ("le 3 mars 2025 à 14h30", "le 3 mars 2025"),
        ("3 maart 2025 om 14.30 uur", "3 maart 2025"),
        ("3 marzo 2025 ore 14:30", "3 marzo 2025"),
        ("3 marzo 2025 alle ore 14", "3 marzo 2025"),
        ("4 de marzo de 2025 a las 14:30", "4 de marzo de 2025"),
        ("14h30, le 3 mars", "3 mars"),
        # an ISO timestamp is cut at its T: the time stays, written as it was
        ("2025-03-04T14:32:00Z", "2025-03-04"),
        ("2025-03-04T14:32:00+01:00", "2025-03-04"),
    ],
)
def test_a_clock_time_at_either_end_of_a_date_is_cut_off(span: str, date: str) -> None:
    assert _trimmed(span) == date


@pytest.mark.parametrize(
    "span",
    [
        "14.3.",  # a German day and month, not 14:03
        "Montag 14.03.",
        "03.04.2025",
        "3/4/2021",
        "Thursday 11/6",
        "Oct 28th",
        "March 2019",
        "2018",  # a year alone is a date element the preset decides on, not a time
        "in 2018",
        "03042025",  # digits glued to a date are never a time
        "Nov 24 1930",  # could be the year: privacy first, it stays in the span
        "11/27 1900",
        "Mar 3 2019 1930",
        "entre 2001 y 2005",  # a range or list of years, never a year and a time
        "1999 y 2002",
    ],
)
def test_a_date_is_never_split(span: str) -> None:
    assert _trimmed(span) == span


@pytest.mark.parametrize("span", ["14:30", "at 0800 hrs", "2:15 pm", "14.30 Uhr", "ore 14:30"])
def test_a_date_span_that_is_only_a_time_is_dropped(span: str) -> None:
    assert _trimmed(span) is None


def test_other_labels_are_never_touched() -> None:
    span = Span(0, 10, "IDNUM", "rules:id")
    assert trim_clock_times("1234 14:32", span) is span


TEXT = "Seen 03/04/2025 14:32 by the team; next dose at 14:30 today."
DATE = Span(5, 21, "DATE", "rules:date.numeric", 0.9)
TIME = Span(48, 53, "DATE", "rules:time.at_clock", 0.6)


def _resolved(config: ResolveConfig) -> list[str]:
    doc = Document("d", TEXT)
    return [TEXT[s.start : s.end] for s in Resolver(config).resolve(doc, [DATE, TIME])]


def test_safe_harbor_keeps_clock_times_strict_removes_them() -> None:
    assert _resolved(ResolveConfig()) == ["03/04/2025"]
    assert _resolved(ResolveConfig(preset="strict")) == ["03/04/2025 14:32", "14:30"]


def test_clock_times_overrides_the_preset_default() -> None:
    assert _resolved(ResolveConfig(clock_times="remove")) == ["03/04/2025 14:32", "14:30"]
    assert _resolved(ResolveConfig(preset="strict", clock_times="keep")) == ["03/04/2025"]


def test_a_deny_pattern_is_never_trimmed() -> None:
    doc = Document("d", TEXT)
    config = ResolveConfig(deny={r"\d\d/\d\d/\d{4} \d\d:\d\d": "DATE"})
    spans = Resolver(config).resolve(doc, [])
    assert [TEXT[s.start : s.end] for s in spans] == ["03/04/2025 14:32"]


def test_a_bad_clock_times_value_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="clock_times"):
        ResolveConfig.from_mapping({"clock_times": "drop"})
    assert ResolveConfig.from_mapping({"clock_times": "remove"}).clock_times == "remove"


@pytest.fixture(scope="module")
def rules_only() -> Pipeline:
    return Pipeline.from_config(None, detectors=["rules"])


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("Discharged 12/31/2020 14:30 in stable condition.", "12/31/2020", "14:30"),
        ("Follow-up on March 4, 2026 at 9:40am with cardiology.", "March 4, 2026", "9:40am"),
        ("Aufnahme am 03.04.2025 um 14.30 Uhr durch Dr. Weber.", "03.04.2025", "14.30 Uhr"),
        ("Patiënt gezien op 3 maart 2025 om 14.30 uur door dr. Jansen.", "3 maart 2025", "14.30"),
        ("Patiente admise le 3 mars 2025 à 14h30 aux urgences de Lyon.", "3 mars 2025", "14h30"),
    ],
)
def test_every_language_keeps_the_time_outside_the_date(
    rules_only: Pipeline, text: str, date: str, time: str
) -> None:
    found = [text[s.start : s.end] for s in rules_only.detect(text).document.spans]
    assert date in found
    assert not any(time in f for f in found)


def test_strict_removes_the_time_with_the_date_in_every_language() -> None:
    pipe = Pipeline.from_config(
        None, detectors=["rules"], overrides={"resolve": {"preset": "strict"}})
    text = "Aufnahme am 03.04.2025 um 14.30 Uhr durch Dr. Weber."
    found = [text[s.start : s.end] for s in pipe.detect(text).document.spans]
    assert any("03.04.2025" in f and "14.30" in f for f in found)


def test_a_configured_clock_times_reaches_the_language_packs() -> None:
    pipe = Pipeline.from_config(
        None, detectors=["rules"], overrides={"resolve": {"clock_times": "remove"}})
    text = "Aufnahme am 03.04.2025 um 14.30 Uhr durch Dr. Weber."
    found = [text[s.start : s.end] for s in pipe.detect(text).document.spans]
    assert any("03.04.2025" in f and "14.30" in f for f in found)


def test_surrogates_shift_the_date_and_keep_the_time_as_written() -> None:
    text = "Discharged 12/31/2020 14:30 in stable condition."
    for preset in ("safe_harbor", "strict"):
        pipe = Pipeline.from_config(
            None, detectors=["rules"], mode="surrogate",
            overrides={"replace": {"key": KEY}, "resolve": {"preset": preset}})
        out = pipe.deidentify(Document("d", text, {"patient_id": "p1"})).text
        assert "12/31/2020" not in out
        assert " 14:30 in stable condition." in out


def test_a_date_span_without_a_time_keeps_its_edges() -> None:
    """Only a cut leaves a separator to tidy: "OT/" (a model's piece of an identifier) stays."""
    assert _trimmed("OT/") == "OT/"
    assert _trimmed("03/04/2025,") == "03/04/2025,"


def test_a_dotted_day_and_month_is_not_a_time() -> None:
    """ "19.10" alone is the 19th of October (a detector called it a date), and so is "19.10"
    with a period after it, even behind another date."""
    assert _trimmed("19.10") == "19.10"
    text = "controllo il 3.10. e il 19.10. in ambulatorio"
    for piece in ("19.10", "3.10. e il 19.10"):
        start = text.index(piece)
        span = Span(start, start + len(piece), "DATE", "crf:m")
        assert trim_clock_times(text, span) is span


def test_a_time_another_detector_calls_something_else_is_still_removed() -> None:
    """Trimming happens per proposal, before the union: a phone number that a model labelled
    DATE ("030 - 256 1211" ends like a time of day) stays whole because a rule says PHONE."""
    text = "Tel. 030 - 256 1211 (secretariaat)"
    start, end = 5, 19
    spans = Resolver().resolve(Document("d", text), [
        Span(start, end, "DATE", "crf:m", 0.9), Span(start, end, "PHONE", "rules:phone", 0.9)])
    assert [(s.start, s.end) for s in spans] == [(start, end)]


def test_a_pattern_that_runs_into_a_cut_time_ends_where_the_time_starts() -> None:
    """ "2013-04-22 04" read as a phone number in a timestamp: once the time is kept, the
    misread piece must not leave half a time behind ("[PHONE]:15")."""
    text = "PHONE NOTE 2013-04-22 04:15 called back"
    date = Span(11, 27, "DATE", "rules:date.iso", 0.95)
    phone = Span(11, 24, "PHONE", "rules:contact.phone_context", 0.75)
    spans = Resolver().resolve(Document("d", text), [date, phone])
    assert [text[s.start : s.end] for s in spans] == ["2013-04-22"]
