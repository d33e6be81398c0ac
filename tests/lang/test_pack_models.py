"""The CRFs shipped with the language packs: each loads offline, finds a name, a date and a
city in a short note of its language, and its pack's pipeline builds with it.

The models are found on disk (``models/crf-<code>-synth``, synthetic notes only, and
``models/crf-<code>-mw``, many writers' notes too) rather than listed here, so a model added later
is tested without editing this file; a pack whose pack.toml names a CRF must ship it, and a pack
model that no pack.toml names does not ship.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from _scripts import load_script
from fairdeid.detect.crf import CRFDetector
from fairdeid.detect.transformer import resolve_model_path
from fairdeid.document import Document, Span
from fairdeid.lang.packs import available_languages, load_pack
from fairdeid.pipeline import Pipeline

MODELS = Path(__file__).resolve().parents[2] / "src" / "fairdeid" / "models"

#: one short letter per language, in the shape of its notes: (text, name, date, city), invented
NOTES: dict[str, tuple[str, str, str, str]] = {
    "de": ("Regensburg, den 02.11.2023\n\nSehr geehrte Frau Kollegin,\nwir berichten über Herrn "
           "Lukas Brandstätter, geb. 14.03.1957, der sich wegen Dyspnoe vorstellte.",
           "Lukas Brandstätter", "14.03.1957", "Regensburg"),
    "fr": ("Toulouse, le 02/11/2023\n\nChère consœur,\nNous avons reçu Mme Camille Lefebvre, "
           "née le 14/03/1957, pour dyspnée.",
           "Camille Lefebvre", "14/03/1957", "Toulouse"),
    "nl": ("Utrecht, 2 november 2023\n\nGeachte collega,\nHierbij berichten wij over dhr. Pieter "
           "van Dijk, geboren 14-03-1957, opgenomen wegens dyspneu.",
           "Pieter van Dijk", "14-03-1957", "Utrecht"),
    "it": ("Bologna, 02/11/2023\n\nGentile collega,\nLe scriviamo in merito al sig. Marco "
           "Bianchi, nato il 14/03/1957, ricoverato per dispnea.",
           "Marco Bianchi", "14/03/1957", "Bologna"),
    "es": ("Zaragoza, 2 de noviembre de 2023\n\nEstimado colega:\nLe remitimos a D. Javier "
           "Fernández López, nacido el 14/03/1957, por disnea.",
           "Javier Fernández López", "14/03/1957", "Zaragoza"),
}


#: the kinds of pack model: synthetic notes only, many writers' notes too
KINDS = ("synth", "mw")


def shipped() -> list[str]:
    """Model directories ``crf-<code>-<kind>`` of the packs' languages."""
    return sorted(f"crf-{code}-{kind}" for code in NOTES for kind in KINDS
                  if (MODELS / f"crf-{code}-{kind}").is_dir())


def _covers(spans: list[Span], text: str, part: str) -> set[str]:
    """Labels of spans covering every non-space character of ``part`` (empty: missed)."""
    start = text.index(part)
    end = start + len(part)
    chars = {i for s in spans for i in range(s.start, s.end)}
    if not all(i in chars for i in range(start, end) if not text[i].isspace()):
        return set()
    return {s.label for s in spans if s.start < end and start < s.end}


def test_some_pack_ships_a_model() -> None:
    assert shipped(), "no crf-<code>-{synth,mw} model under src/fairdeid/models"


@pytest.mark.parametrize("model", shipped())
def test_model_finds_name_date_city(model: str) -> None:
    text, name, date, city = NOTES[model.split("-")[1]]
    detector = CRFDetector.load(MODELS / model)
    spans = detector.detect(Document("t", text))
    assert _covers(spans, text, name) & {"NAME", "PATIENT"}
    assert "DATE" in _covers(spans, text, date)
    assert _covers(spans, text, city) & {"LOCATION", "CITY"}


@pytest.mark.parametrize("model", shipped())
def test_model_is_small_and_documented(model: str) -> None:
    folder = MODELS / model
    size = sum(f.stat().st_size for f in folder.iterdir())
    assert size <= 30 * 2**20
    assert (folder / "MODEL_CARD.md").is_file()
    assert not (folder / "train_log.jsonl").exists()


@pytest.mark.parametrize("code", available_languages())
def test_pack_pipeline_builds_with_its_model(code: str) -> None:
    """A pack that names a CRF finds it inside the package (no download, no absolute path)."""
    config = load_pack(code).config
    if "crf" not in config["pipeline"]["detectors"]:
        pytest.skip(f"the {code} pack runs no CRF")
    model = resolve_model_path(config["detectors"]["crf"]["model"])
    assert model.resolve().is_relative_to(MODELS.resolve())
    # a threshold, not every CRF span: 0.3 is the lowest a pack runs (de and fr since the crf12
    # round, chosen on held-out sets; docs/language-packs.md, Models)
    assert config["resolve"]["thresholds"]["crf"] >= 0.3
    pipeline = Pipeline.from_config(config, mode="tag")
    assert "crf" in pipeline.detectors
    text, name, _, _ = NOTES[code]
    result = pipeline.deidentify(Document("t", text))
    assert name not in result.text


@pytest.mark.parametrize("model", shipped())
def test_every_pack_model_is_named_by_its_pack(model: str) -> None:
    """A model no pack runs or offers is dead weight in the wheel: each one is its pack's
    ``[detectors.crf]`` model (run by default or opted into with ``-d rules,crf``)."""
    code = model.split("-")[1]
    assert load_pack(code).config["detectors"]["crf"]["model"] == f"builtin:{model}"


def _train_script() -> Any:
    return load_script("scripts/train_pack_crfs.py")


def test_vocabulary_variation_keeps_every_span_on_its_text() -> None:
    """The training notes' spans must still cover the same PHI after words are swapped, or the
    CRF learns wrong boundaries; the cue words next to PHI stay as written."""
    script = _train_script()
    words = script.ordinary_words("de")
    notes = script.synthetic_notes("de", 5, [7])
    varied = [script.vary_vocabulary(d, words, random.Random(7), 0.5) for d in notes]
    assert any(v.text != d.text for v, d in zip(varied, notes, strict=True))
    for before, after in zip(notes, varied, strict=True):
        assert [after.text[s.start:s.end] for s in after.spans] == \
            [before.text[s.start:s.end] for s in before.spans]
        assert "DEPARTMENT" not in {s.label for s in after.spans}
    text = "Patient: Lukas Brandstätter, geb. 14.03.1957.\nBefund: Die Leber ist groß und glatt."
    doc = Document("t", text, spans=(Span(9, 27, "PATIENT"), Span(34, 44, "DATE")))
    out = script.vary_vocabulary(doc, words, random.Random(1), 1.0)
    assert out.text.startswith("Patient: Lukas Brandstätter, geb. 14.03.1957.")
    assert out.text != text


def test_ordinary_words_leave_out_the_packs_names_and_places() -> None:
    script = _train_script()
    words = set(script.ordinary_words("de"))
    assert "leber" in words or "befund" in words
    assert not {"berlin", "müller", "koch"} & words


@pytest.mark.parametrize("old", [
    "crf-de-synth", "crf-fr-synth", "crf-nl-synth", "crf-es-synth"])
def test_a_replaced_builtin_name_still_loads_its_successor(
    old: str, caplog: pytest.LogCaptureFixture
) -> None:
    from fairdeid.detect.transformer import REPLACED_BUILTINS, resolve_model_path

    with caplog.at_level("WARNING"):
        path = resolve_model_path(f"builtin:{old}")
    assert path.name == REPLACED_BUILTINS[old] and path.is_dir()
    assert "replaced" in caplog.text

def test_card_command_names_the_writers_training_notes_where_they_live() -> None:
    """The writers' training notes live in ``benchmarks/data/lang/train/``; a card whose command
    read ``benchmarks/data/lang/de_w1.markup`` would not rerun."""
    script = _train_script()
    lang_dir = MODELS.parents[2] / "benchmarks" / "data" / "lang"
    sets = [script.set_name(lang_dir / "de.markup"),
            script.set_name(lang_dir / "train" / "de_w1.markup")]
    assert sets == ["de.markup", "train/de_w1.markup"]
    command = script._command("de", {"notes_per_seed": 1000, "seeds": [1], "vary": 0.3,
                                     "markup_sets": sets, "markup_weight": 5}, 0.5)
    for name in sets:
        assert (MODELS.parents[2] / "benchmarks" / "data" / "lang" / name).is_file()
        assert f"benchmarks/data/lang/{name}" in command


def test_card_names_training_notes_read_from_another_checkout_where_they_live(
        tmp_path: Path) -> None:
    """Writers' notes merged into the main checkout first are read from there; the card must
    still name them ``train/de_w5.markup`` (under ``benchmarks/data/lang``), not by file name."""
    script = _train_script()
    other = tmp_path / "main" / "benchmarks" / "data" / "lang"
    assert script.set_name(other / "train" / "de_w5.markup") == "train/de_w5.markup"
    assert script.set_name(other / "de_blind1.markup") == "de_blind1.markup"
    assert script.set_name(tmp_path / "site_notes" / "de_site.markup") == "de_site.markup"


def test_scoring_can_leave_the_encoder_out_for_a_like_for_like_table() -> None:
    """fr runs its encoder now; the crf-many table was made without it, so a held-out row that
    is compared with it must be scored without it too."""
    script = _train_script()
    assert "transformer" in script.pack_config("fr", None, None)["pipeline"]["detectors"]
    config = script.pack_config("fr", Path("/m"), 0.7, ["transformer"])
    assert "transformer" not in config["pipeline"]["detectors"]
    assert "crf" in config["pipeline"]["detectors"]
    assert config["resolve"]["thresholds"]["crf"] == 0.7


def test_card_says_which_detectors_its_scores_ran_without() -> None:
    script = _train_script()
    assert script.left_out_note([]) == ""
    assert "transformer detector" in script.left_out_note(["transformer"])
