"""Metric arithmetic on a hand-computed case, and bootstrap determinism."""

from __future__ import annotations

import numpy as np
import pytest

from fairdeid.document import Document, Span
from fairdeid.evaluate.bootstrap import interval, paired_difference, resample_weights
from fairdeid.evaluate.metrics import count_matrix, prf, summarise, tokenize
from fairdeid.replace.tags import TagReplacer
from fairdeid.train.scoring import score

TEXT = "Seen by Dr. Wei Zhang on 03/04/2021 in Paris."
#       0    5  8   12  16    22 25         36 39   44
GOLD = Document(
    "g",
    TEXT,
    spans=(
        Span(12, 21, "DOCTOR"),  # "Wei Zhang"
        Span(25, 35, "DATE"),  # "03/04/2021"
        Span(39, 44, "CITY"),  # "Paris"
    ),
)
PRED = Document(
    "g",
    TEXT,
    spans=(
        Span(0, 4, "CITY", "x"),  # "Seen": a false positive
        Span(12, 15, "PATIENT", "x"),  # "Wei": right label, half the name
        Span(25, 35, "DATE", "x"),  # exact
    ),
)


def test_offsets_of_the_hand_case() -> None:
    assert [GOLD.span_text(s) for s in GOLD.spans] == ["Wei Zhang", "03/04/2021", "Paris"]
    assert [PRED.span_text(s) for s in PRED.spans] == ["Seen", "Wei", "03/04/2021"]
    assert len(tokenize(TEXT)) == 15


def test_hand_computed_metrics() -> None:
    result = summarise([GOLD], [PRED], n_boot=50).to_json()
    # strict: only the date matches exactly (1 of 3 predicted, 1 of 3 gold).
    assert result["strict"]["precision"] == pytest.approx(1 / 3, abs=1e-6)
    assert result["strict"]["recall"] == pytest.approx(1 / 3, abs=1e-6)
    assert result["strict"]["f1"] == pytest.approx(1 / 3, abs=1e-6)
    # partial: "Wei" overlaps the NAME, the date matches; "Seen" and "Paris" do not.
    assert result["partial"]["precision"] == pytest.approx(2 / 3, abs=1e-6)
    assert result["partial"]["recall"] == pytest.approx(2 / 3, abs=1e-6)
    # tokens: 8 gold (Wei Zhang 0 3 / 0 4 / 2021 Paris), 7 predicted, 6 both, 15 in all.
    assert result["binary_token"]["precision"] == pytest.approx(6 / 7, abs=1e-6)
    assert result["binary_token"]["recall"] == pytest.approx(6 / 8, abs=1e-6)
    assert result["binary_token"]["f1"] == pytest.approx(0.8, abs=1e-6)
    # characters: 24 gold PHI characters; " Zhang" (6) and "Paris" (5) survive.
    assert result["leak_rate"]["value"] == pytest.approx(11 / 24, abs=1e-6)
    # non-PHI tokens: 7 (Seen by Dr . on in .), "Seen" was removed.
    assert result["retention"]["value"] == pytest.approx(6 / 7, abs=1e-6)
    name = result["by_label"]["NAME"]
    assert name["support"] == 1 and name["predicted"] == 1
    assert name["strict"]["recall"] == 0.0
    assert name["partial"]["recall"] == 1.0
    assert name["token"]["precision"] == 1.0 and name["token"]["recall"] == 0.5
    assert result["by_label"]["LOCATION"]["token"]["recall"] == 0.0
    assert result["documents"] == 1 and result["words"] == 9


def test_leak_rate_matches_the_tag_replacer_output() -> None:
    """What leak_rate counts is what a tag-mode replacement actually leaves in the text."""
    out = TagReplacer().replace(PRED, PRED.spans).text
    assert "Zhang" in out and "Paris" in out
    assert "Wei" not in out and "03/04/2021" not in out


def test_fine_and_coarse_labels_compare_equal() -> None:
    pred = Document(
        "g",
        TEXT,
        spans=(Span(12, 21, "NAME", "x"), Span(25, 35, "DATE", "x"), Span(39, 44, "LOCATION", "x")),
    )
    result = summarise([GOLD], [pred], n_boot=10).to_json()
    assert result["strict"]["f1"] == 1.0
    assert result["leak_rate"]["value"] == 0.0
    assert result["retention"]["value"] == 1.0


def test_undefined_metrics_are_null_not_zero() -> None:
    doc = Document("e", "nothing here")
    result = summarise([doc], [doc], n_boot=10).to_json()
    assert result["strict"]["precision"] is None
    assert result["leak_rate"]["value"] is None
    assert result["retention"]["value"] == 1.0


def test_texts_must_match() -> None:
    with pytest.raises(ValueError):
        count_matrix([GOLD], [Document("g", TEXT + " ")])


def test_bootstrap_is_deterministic_with_a_seed(gold_docs: list[Document]) -> None:
    pred = [d.with_spans(d.spans[1:]) for d in gold_docs]
    pred[0] = gold_docs[0]
    a = summarise(gold_docs, pred, n_boot=200, seed=7).to_json()
    b = summarise(gold_docs, pred, n_boot=200, seed=7).to_json()
    c = summarise(gold_docs, pred, n_boot=200, seed=8).to_json()
    assert a == b
    assert a["binary_token"]["ci95"] != c["binary_token"]["ci95"]
    lo, hi = a["binary_token"]["ci95"]["recall"]
    assert lo <= a["binary_token"]["recall"] <= hi


def test_resample_weights_rows_sum_to_n() -> None:
    w = resample_weights(5, 100, seed=1)
    assert w.shape == (100, 5)
    assert np.all(w.sum(axis=1) == 5)
    assert np.array_equal(w, resample_weights(5, 100, seed=1))


def test_interval_ignores_undefined_resamples() -> None:
    assert interval(np.array([np.nan, np.nan])) == (None, None)
    assert interval(np.array([0.5] * 10)) == (0.5, 0.5)


def test_paired_difference_significance(gold_docs: list[Document]) -> None:
    counts = count_matrix(gold_docs, gold_docs)
    worse = count_matrix(gold_docs, [d.with_spans(d.spans[1:]) for d in gold_docs])

    def recall(t: np.ndarray) -> np.ndarray:
        return prf(t, "token")["recall"]

    same = paired_difference(counts, counts, recall, n_boot=100)
    assert same["difference"] == 0.0 and not same["significant"]
    gap = paired_difference(counts, worse, recall, n_boot=100)
    assert gap["difference"] < 0 and gap["significant"]
    assert gap["ci95"][1] < 0


#: (text, the PHI in it, how many tokens the text has). Scripts where ``\\w`` alone fails: CJK has
#: no spaces (one token per character), Bengali/Devanagari vowel signs and viramas and Arabic
#: harakat are combining marks that must stay inside their word.
MULTILINGUAL = {
    "zh": ("患者张伟今天出院。", "张伟", 9),
    "bn": ("অমিত রায় আজ ছুটি পেয়েছেন।", "অমিত রায়", 6),
    "hi": ("रोगी राहुल शर्मा को छुट्टी दी गई।", "राहुल शर्मा", 8),
    "ar": ("المريض أَحْمَد عَلِيّ خرج اليوم.", "أَحْمَد عَلِيّ", 6),
    "ru": ("Пациент Иван Петров выписан сегодня.", "Иван Петров", 6),
}


@pytest.mark.parametrize("lang", sorted(MULTILINGUAL))
def test_tokens_of_scripts_without_spaces_or_with_combining_marks(lang: str) -> None:
    text, _, n_tokens = MULTILINGUAL[lang]
    assert len(tokenize(text)) == n_tokens


def test_the_issue_examples_tokenize_per_character_and_per_word() -> None:
    assert len(tokenize("患者张伟今天出院")) == 8
    assert len(tokenize("অমিত রায়")) == 2


@pytest.mark.parametrize("lang", sorted(MULTILINGUAL))
def test_training_and_evaluation_count_the_same_binary_tokens(lang: str) -> None:
    """One tokenizer, one metric core: the dev scores printed while training are the numbers
    ``fairdeid evaluate`` reports on the same documents."""
    text, phi, _ = MULTILINGUAL[lang]
    start = text.index(phi)
    gold = Document(lang, text, spans=(Span(start, start + len(phi), "PATIENT"),))
    # The prediction finds the first PHI token only and wrongly takes the last word too.
    first_end = start + tokenize(phi)[0][1]
    last = tokenize(text)[-2]
    pred_spans = [Span(start, first_end, "PATIENT", "x"), Span(last[0], last[1], "CITY", "x")]
    pred = gold.with_spans(pred_spans)

    totals = count_matrix([gold], [pred]).sum(axis=0)
    evaluated = prf(totals, "token")
    trained = score([gold], [pred_spans])
    assert (trained.tp, trained.fp, trained.fn) == (1, 1, 1)
    assert trained.recall == pytest.approx(float(evaluated["recall"]))
    assert trained.precision == pytest.approx(float(evaluated["precision"]))
    assert summarise([gold], [pred], n_boot=10).binary_token["recall"].value == pytest.approx(0.5)


def test_character_scores_ignore_labels_and_whitespace() -> None:
    from fairdeid.evaluate.metrics import char_counts, char_recall_precision

    gold = Document("d", "Jan de Vries, 3 mei",
                    spans=(Span(0, 12, "PATIENT"), Span(14, 19, "DATE")))
    # the name found under another label and one word short; a comma too many; the date missed
    pred = Document("d", gold.text, spans=(Span(0, 6, "DOCTOR"), Span(12, 13, "CITY")))
    assert char_counts(gold, pred) == (14, 6, 5)  # "JandeVries" + "3mei"; "Jande" + ","
    assert char_recall_precision([gold], [pred]) == (5 / 14, 5 / 6)
    assert char_recall_precision([gold], [Document("d", gold.text)]) == (0.0, None)
