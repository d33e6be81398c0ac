"""Locale/gender audit with a fake localizer and a name-list detector (known outcome)."""

from __future__ import annotations

from evaluate_fakes import NameListDetector, fake_localize

from fairdeid.document import Document
from fairdeid.evaluate.audit import run_audit
from fairdeid.pipeline import Pipeline


def _pipeline() -> Pipeline:
    return Pipeline({"namelist": NameListDetector()})


def test_locale_gap_is_found_and_called_significant(gold_docs: list[Document]) -> None:
    result = run_audit(
        _pipeline(), gold_docs, ["zh_CN", "en_GB"], n_boot=200, localize=fake_localize
    ).to_json()
    rows = {r["locale"]: r for r in result["locales"]}
    assert list(rows) == ["en_US", "zh_CN", "en_GB"]  # en_US first, as the reference
    assert rows["en_US"]["name_recall"]["value"] == 1.0
    assert "name_recall_gap" not in rows["en_US"]
    zh = rows["zh_CN"]
    assert zh["name_recall"]["value"] == 0.0
    assert zh["name_recall_relative_drop"]["value"] == 1.0
    assert zh["name_recall_gap"]["difference"] == -1.0 and zh["name_recall_gap"]["significant"]
    assert zh["recall"]["value"] < rows["en_US"]["recall"]["value"]
    gb = rows["en_GB"]
    assert gb["name_recall_gap"]["difference"] == 0.0 and not gb["name_recall_gap"]["significant"]
    text = " ".join(result["verdicts"])
    assert "zh_CN: NAME recall is significantly lower than en_US" in text
    assert "en_GB: no significant difference in NAME recall" in text
    assert result["gender_gap"] is None


def test_gender_gap(gold_docs: list[Document]) -> None:
    result = run_audit(
        _pipeline(), gold_docs, ["en_GB", "zh_CN"], genders=True, n_boot=200, localize=fake_localize
    ).to_json()
    gaps = {r["locale"]: r for r in result["gender_gap"]}
    assert gaps["en_US"]["gap"]["difference"] == 0.0
    gb = gaps["en_GB"]  # Anna Lee is known, Oliver Brown is not
    assert gb["female"]["value"] == 1.0 and gb["male"]["value"] == 0.0
    assert gb["gap"]["difference"] == 1.0 and gb["gap"]["significant"]
    assert not gaps["zh_CN"]["gap"]["significant"]
    assert any(
        "en_GB: NAME recall differs significantly by gender" in v and "male names" in v
        for v in result["verdicts"]
    )


def test_audit_is_deterministic(gold_docs: list[Document]) -> None:
    a = run_audit(_pipeline(), gold_docs, ["zh_CN"], n_boot=100, seed=3, localize=fake_localize)
    b = run_audit(_pipeline(), gold_docs, ["zh_CN"], n_boot=100, seed=3, localize=fake_localize)
    assert a.to_json() == b.to_json()


def test_the_audit_and_the_report_word_verdicts_the_same_way(gold_docs: list[Document]) -> None:
    """Regression: the wording lived twice (audit.py and report.py) and had drifted apart
    ("-100.0 points" in the JSON, "-100.0 percentage points" in the report)."""
    from fairdeid.evaluate.verdicts import verdict_lines

    result = run_audit(_pipeline(), gold_docs, ["en_GB", "zh_CN"], genders=True, n_boot=100,
                       localize=fake_localize).to_json()
    assert result["verdicts"] == verdict_lines(result)
    assert any("percentage points" in v for v in result["verdicts"])
