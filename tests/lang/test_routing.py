"""Routing notes to language packs inside ``Pipeline`` (fake packs in tmp dirs, and the
installed packs with rules only, offline), and the --lang entry points end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fairdeid.cli import app
from fairdeid.document import Document
from fairdeid.errors import ConfigError
from fairdeid.lang.packs import available_languages
from fairdeid.lang.routing import LanguageRouter, pack_config, stricter_preset
from fairdeid.pipeline import Pipeline

GERMAN = ("Wir berichten über Herrn Klaus Schmidt, der sich vom 03.03.2024 bis 11.03.2024 in "
          "unserer stationären Behandlung im Sonnenschein befand und nach Hause entlassen wurde.")
FRENCH = ("Madame Fatima Benali a été hospitalisée dans le service de pneumologie du 5 au 12 "
          "mars 2024 pour une dyspnée, avec une évolution favorable sous traitement.")
ENGLISH = "Patient John Smith was seen on 3/4/2021 in Sonnenschein for chest pain and went home."
PORTUGUESE = ("Doente do sexo masculino, internado no hospital de 3 a 10 de março de 2024 por "
              "pneumonia adquirida na comunidade, teve alta para o domicílio.")
RULES = {"pipeline": {"detectors": ["rules"]}}


def _fake_pack(root: Path, code: str, deny: str) -> None:
    folder = root / code
    folder.mkdir(parents=True)
    folder.joinpath("pack.toml").write_text(
        f'[pack]\nlanguage = "{code}"\nname = "Fake"\n[pipeline]\ndetectors = ["rules"]\n'
        f'[resolve]\ndeny = {{ "{deny}" = "HOSPITAL" }}\n', "utf-8")


def _routed(root: Path) -> Pipeline:
    main = Pipeline.from_config(RULES)
    main.router = LanguageRouter(
        lambda code: Pipeline._for_pack(code, RULES, None, None, root=root), root=root)
    return main


def test_each_note_goes_to_its_pack_and_results_keep_input_order(tmp_path: Path) -> None:
    _fake_pack(tmp_path, "de", "Sonnenschein")
    results = _routed(tmp_path).deidentify_batch([ENGLISH, GERMAN, ENGLISH])
    assert [r.language for r in results] == ["en", "de", "en"]
    assert "Sonnenschein" in results[0].text and "Sonnenschein" in results[2].text
    assert "Sonnenschein" not in results[1].text  # only the German pack denies it
    assert [r.document.id for r in results] == ["text-0", "text-1", "text-2"]
    assert results[1].language_choice is not None
    assert results[1].language_choice.reason == "identified"


def test_a_note_s_meta_language_is_obeyed(tmp_path: Path) -> None:
    _fake_pack(tmp_path, "de", "Sonnenschein")
    doc = Document("n1", ENGLISH, meta={"language": "de"})
    found = _routed(tmp_path).detect_batch([doc])[0]
    assert found.language == "de" and found.language_choice is not None
    assert found.language_choice.reason == "fixed"
    assert any(s.label == "HOSPITAL" for s in found.spans)


def test_default_config_routes_german_and_french_and_warns_for_portuguese() -> None:
    pipe = Pipeline.from_config(None, detectors=["rules"])
    results = pipe.deidentify_batch([GERMAN, FRENCH, ENGLISH, PORTUGUESE])
    assert [r.language for r in results] == ["de", "fr", "en", "en"]
    choice = results[3].language_choice
    assert choice is not None and choice.reason == "unsupported" and choice.detected == "pt"
    assert pipe.propose([Document("x", GERMAN)])[0].language == "de"


def test_a_user_config_without_the_key_is_english_unless_a_language_is_given() -> None:
    pipe = Pipeline.from_config(RULES)
    assert pipe.router is None and pipe.language == "en"
    assert pipe.deidentify(GERMAN).language == "en"
    assert Pipeline.from_config(RULES, language="auto").deidentify(GERMAN).language == "de"
    fixed = Pipeline.from_config(RULES, language="fr")
    assert fixed.language == "fr" and fixed.deidentify(GERMAN).language == "fr"


def test_mode_is_carried_into_the_packs() -> None:
    pipe = Pipeline.from_config(None, detectors=["rules"], mode="redact")
    result = pipe.deidentify(GERMAN)
    assert result.language == "de" and "[DATE]" not in result.text
    assert pipe.replacer.mode == "redact"


def test_unknown_language_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="language 'xx'"):
        Pipeline.from_config(RULES, language="xx")
    with pytest.raises(ConfigError, match="language"):
        Pipeline.from_config({**RULES, "pipeline": {"detectors": ["rules"], "language": "xx"}})


def test_narrowing_that_leaves_a_pack_no_detector_is_refused() -> None:
    with pytest.raises(ConfigError, match="has none of the detectors"):
        pack_config("de", {}, detectors=["transformer"])
    with pytest.raises(ConfigError, match="has none of the detectors"):
        Pipeline.from_config(RULES, detectors=["transformer"], language="de")


def test_with_auto_a_pack_without_the_narrowed_detector_falls_back_with_a_warning(
    tmp_path: Path,
) -> None:
    _fake_pack(tmp_path, "de", "Sonnenschein")
    config = {"pipeline": {"detectors": ["rules", "more"]},
              "detectors": {"more": {"kind": "rules"}}}
    main = Pipeline.from_config(config)
    main.router = LanguageRouter(
        lambda code: Pipeline._for_pack(code, config, None, None, root=tmp_path), root=tmp_path)
    found = main.detect_batch([Document("n1", GERMAN), Document("n2", ENGLISH)],
                              detectors=["more"])
    choice = found[0].language_choice
    assert choice is not None and (choice.language, choice.reason) == ("en", "no_detector")
    assert choice.detected == "de" and choice.warning is not None
    assert found[1].language == "en"
    assert found[0].spans  # the configured pipeline's "more" detector ran on it
    assert pack_config("es", {}, detectors=["crf", "transformer"])["pipeline"]["detectors"] == [
        "crf"]


def test_the_stricter_preset_wins_and_policy_lists_are_carried() -> None:
    assert stricter_preset("safe_harbor", "strict") == "strict"
    assert stricter_preset("strict", "limited_data_set") == "strict"
    config = pack_config("de", {"resolve": {"preset": "strict", "allow": ["x"]},
                                "replace": {"tag_template": "<{label}>", "locales": ["en_US"]}})
    assert config["resolve"]["preset"] == "strict" and config["resolve"]["allow"] == ["x"]
    assert config["replace"]["tag_template"] == "<{label}>"
    assert config["replace"]["locales"] == ["de_DE"]  # the language's own surrogate pools


def test_cli_deidentify_spans_out_and_summary_name_the_languages(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in
                           [("a", GERMAN), ("b", FRENCH), ("c", PORTUGUESE)]), "utf-8")
    out, spans = tmp_path / "out.jsonl", tmp_path / "spans.jsonl"
    result = CliRunner().invoke(app, ["deidentify", str(src), "-o", str(out), "-d", "rules",
                                      "--spans-out", str(spans), "--json", "--lang", "auto"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["languages"] == {"de": 1, "en": 1, "fr": 1}
    assert summary["unsupported_languages"] == {"pt": 1}
    metas = [json.loads(line)["meta"]["language"] for line in spans.read_text().splitlines()]
    assert [m["language"] for m in metas] == ["de", "fr", "en"]
    assert metas[2]["reason"] == "unsupported"


def test_cli_languages_lists_the_packs() -> None:
    result = CliRunner().invoke(app, ["languages", "--json"])
    assert result.exit_code == 0
    codes = [row["language"] for row in json.loads(result.stdout)]
    assert codes == ["en", *available_languages()]


def test_service_answers_with_the_language_and_honours_the_request_field() -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from fairdeid.serve.api import create_app

    pipe = Pipeline.from_config(None, detectors=["rules"])
    with TestClient(create_app(pipe, background_load=False)) as client:
        answer = client.post("/v1/deidentify", json={"text": GERMAN}).json()
        assert answer["language"]["language"] == "de"
        batch = client.post("/v1/detect", json={"documents": [{"text": FRENCH}],
                                                "language": "de"}).json()
        assert batch["documents"][0]["language"] == {"language": "de", "reason": "fixed"}
        bad = client.post("/v1/detect", json={"text": GERMAN, "language": "xx"})
        assert bad.status_code == 422
    with TestClient(create_app(Pipeline.from_config(RULES), background_load=False)) as client:
        refused = client.post("/v1/detect", json={"text": GERMAN, "language": "de"})
        assert refused.status_code == 422 and "handles 'en'" in refused.text


def test_batch_local_counts_languages_in_the_manifest(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in
                           [("a", GERMAN), ("b", ENGLISH)]), "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(src), str(out), "--local", "-d", "rules",
                                      "--lang", "auto"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for part in sorted(out.glob("part-*.jsonl"))
            for line in part.read_text().splitlines()]
    assert [sorted(r) for r in rows] == [["id", "row", "spans", "text"]] * 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["languages"] == {"de": 1, "en": 1}
    assert manifest["unsupported_languages"] == {}


def test_replace_after_review_uses_the_pack_named_in_meta(tmp_path: Path) -> None:
    _fake_pack(tmp_path, "de", "Sonnenschein")
    pipe = _routed(tmp_path)
    found = pipe.detect(Document("n1", GERMAN))
    reviewed = Document("n1", GERMAN, meta={"language": "de"}, spans=found.spans)
    assert pipe.replace(reviewed).language == "de"
    assert pipe.replace(Document("n2", ENGLISH)).language == "en"


@pytest.mark.parametrize("command", [["serve"], ["bench", "x.jsonl"], ["evaluate", "x.jsonl"],
                                     ["deidentify", "x.txt"], ["batch", "x.jsonl", "out"]])
def test_an_unknown_lang_is_refused_before_any_work(tmp_path: Path, command: list[str]) -> None:
    for name in ("x.jsonl", "x.txt"):
        (tmp_path / name).write_text('{"id": "a", "text": "Seen on 3/4/2021."}\n', "utf-8")
    args = [str(tmp_path / a) if a.startswith("x.") or a == "out" else a for a in command]
    result = CliRunner().invoke(app, [*args, "--lang", "xx"])
    assert result.exit_code == 2, result.output
    assert "language 'xx'" in result.output


def test_a_plain_english_pipeline_s_outputs_do_not_change(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": GERMAN}) + "\n", "utf-8")
    config = tmp_path / "rules.toml"
    config.write_text('[pipeline]\ndetectors = ["rules"]\n', "utf-8")
    out, spans = tmp_path / "out.jsonl", tmp_path / "spans.jsonl"
    result = CliRunner().invoke(app, ["deidentify", str(src), "-o", str(out), "-c", str(config),
                                      "--spans-out", str(spans)])
    assert result.exit_code == 0, result.output
    assert "meta" not in json.loads(spans.read_text())
