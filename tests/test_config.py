"""Configs are validated when loaded: a typo fails at build time, naming section, key and the
valid choices, instead of failing every record later (or being silently ignored)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fairdeid import Pipeline
from fairdeid.config.schema import validate_config
from fairdeid.errors import ConfigError
from fairdeid.resolve import ResolveConfig

REPO = Path(__file__).resolve().parents[1]


def _config(**sections: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"pipeline": {"detectors": ["toy"]}}
    config.update(sections)
    return config


def _error(config: dict[str, Any], **kwargs: Any) -> str:
    with pytest.raises(ConfigError) as info:
        Pipeline.from_config(config, **kwargs)
    return str(info.value)


def test_deny_with_an_unknown_label_is_refused_at_load() -> None:
    message = _error(_config(resolve={"deny": {"PT-1": "ID", "Sex: M": "MEDICALRECORDX"}}))
    assert message.startswith("[resolve] deny entry 2 of 2: unknown label 'MEDICALRECORDX'")
    assert "did you mean 'MEDICALRECORD'?" in message


def test_deny_and_allow_strings_are_never_quoted_in_errors() -> None:
    """A deny list may name real people; config errors end up in logs."""
    for resolve in (
        {"deny": {"Wei Zhang": "NAMEX"}},
        {"deny": {"(Wei Zhang": "NAME"}},
        {"allow": ["Wei Zhang", 3]},
    ):
        assert "Wei Zhang" not in _error(_config(resolve=resolve))


def test_replace_locale_singular_is_a_typo_of_locales() -> None:
    message = _error(_config(replace={"mode": "surrogate", "locale": ["en_US"]}))
    assert message.startswith("[replace] unknown key 'locale' (did you mean 'locales'?)")
    assert "require_key" in message and "mapping_file" in message  # the valid keys are listed


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        ({"pipeline": {"detectors": ["toy"], "detector": ["toy"]}}, "[pipeline] unknown key "),
        ({"resolve": {"presets": "strict"}}, "[resolve] unknown key 'presets'"),
        ({"resolve": {"preset": "safeharbor"}}, "[resolve] unknown preset 'safeharbor'"),
        ({"resolve": {"ignore_labels": ["NAMES"]}}, "[resolve] ignore_labels: unknown label"),
        ({"resolve": {"deny": {"(": "DATE"}}}, "[resolve] deny entry 1 of 1 is not a valid"),
        ({"resolve": {"thresholds": {"toy": "high"}}}, "[resolve] thresholds.toy must be a num"),
        ({"resolve": {"thresholds": {"transformr": 0.5}}}, "[resolve] unknown detector in thr"),
        ({"replace": {"mode": "surogate"}}, "[replace] unknown mode 'surogate'"),
        ({"replace": {"fine_label": True}}, "(did you mean 'fine_labels'?)"),
        ({"detectors": {"toy": {"kind": "toys"}}}, "[detectors.toy] unknown detector kind"),
        ({"detectors": {"toy": "rules"}}, "[detectors.toy] must be a table"),
        ({"extra": {}}, "unknown config sections: ['extra']"),
    ],
)
def test_every_section_names_its_unknown_keys_and_values(
    sections: dict[str, Any], expected: str
) -> None:
    config = _config()
    config.update(sections)
    assert expected in _error(config)


def test_valid_labels_groups_and_keys_are_accepted() -> None:
    pipe = Pipeline.from_config(
        _config(
            pipeline={"detectors": ["toy"], "max_chunk_chars": 20_000, "chunk_overlap_chars": 500},
            resolve={
                "preset": "limited_data_set",
                "thresholds": {"toy": 0.5},
                "deny": {r"PT-\d{6}": "MEDICALRECORD", "Ward 9": "LOCATION"},  # fine and group
                "ignore_labels": ["PROFESSION", "OTHER"],
                "allow": ["Cardiology Clinic"],
            },
            replace={"mode": "tag", "fine_labels": True, "locales": ["en_US"], "require_key": True},
        )
    )
    assert pipe.deidentify("PT-123456 on Ward 9").text == "[MEDICALRECORD] on [LOCATION]"


def test_thresholds_for_a_configured_detector_survive_a_detector_override() -> None:
    """`--detector toy` on a config that also tunes another detector is still a valid run."""
    config = _config(
        pipeline={"detectors": ["toy", "rules"]}, resolve={"thresholds": {"rules": 0.7}}
    )
    assert list(Pipeline.from_config(config, detectors=["toy"]).detectors) == ["toy"]


def test_a_mode_override_is_validated_too() -> None:
    assert "[replace] unknown mode 'tags'" in _error(_config(), mode="tags")


def test_resolve_config_from_mapping_uses_the_same_schema() -> None:
    with pytest.raises(ConfigError, match="unknown label 'NAMEX'"):
        ResolveConfig.from_mapping({"deny": {"x": "NAMEX"}})


@pytest.mark.parametrize("path", sorted((REPO / "configs").glob("*.toml")), ids=lambda p: p.name)
def test_shipped_configs_are_valid(path: Path) -> None:
    validate_config(tomllib.loads(path.read_text("utf-8")))


def test_packaged_default_is_valid() -> None:
    from fairdeid.pipeline import load_config

    validate_config(load_config(None))


def test_deidentify_refuses_the_bad_config_instead_of_failing_every_record(
    tmp_path: Path,
) -> None:
    from fairdeid.cli import app

    config = tmp_path / "bad.toml"
    config.write_text(
        '[pipeline]\ndetectors = ["toy"]\n[resolve]\ndeny = {"Sex: M" = "MEDICALRECORDX"}\n',
        encoding="utf-8",
    )
    note = tmp_path / "note.txt"
    note.write_text("Mr. Wei Zhang, Sex: M, seen by Dr. Lee.", encoding="utf-8")
    res = CliRunner().invoke(
        app, ["deidentify", str(note), "--config", str(config), "-o", str(tmp_path / "out.txt")]
    )
    assert res.exit_code == 2, res.output
    assert "MEDICALRECORDX" in res.output and "Wei Zhang" not in res.output
    assert not (tmp_path / "out.txt").exists()
