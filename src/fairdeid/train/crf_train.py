"""Train the CRF detector (python-crfsuite, the engine behind sklearn-crfsuite).

Each document is one sequence. With ``augment_locales``, ``epochs`` is the number of localized
copies of each note (one random locale each): a CRF makes one pass over a fixed training set, so
augmentation means more copies rather than a new draw per epoch.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fairdeid.detect.crf import META_FILE, MODEL_FILE, CRFDetector, featurizer
from fairdeid.detect.tokens import word_tags, words_of
from fairdeid.document import Document
from fairdeid.train.augment import Augmenter
from fairdeid.train.scoring import score


@dataclass
class CRFTrainConfig:
    out: Path
    name: str = ""
    seed: int = 13
    epochs: int = 1
    augment_locales: list[str] = field(default_factory=list)
    scheme: str = "coarse"
    c1: float = 0.05
    c2: float = 0.05
    max_iterations: int = 150
    #: Keep the original notes next to the localized copies.
    keep_original: bool = True
    #: Feature set (``fairdeid.detect.crf.FEATURE_SETS``), written into the model's metadata.
    features: str = "v1"
    #: With ``v2``: the language pack whose word lists are features (``None``: none).
    gazetteers: str | None = None

    def feature_meta(self) -> dict[str, Any]:
        """What a loaded model needs to rebuild the features it was trained with."""
        meta: dict[str, Any] = {"features": self.features}
        if self.gazetteers:
            meta["gazetteers"] = self.gazetteers
        return meta


def crf_training_docs(cfg: CRFTrainConfig, docs: Sequence[Document]) -> list[Document]:
    if not cfg.augment_locales:
        return list(docs)
    aug = Augmenter(cfg.augment_locales, seed=cfg.seed)
    out = list(docs) if cfg.keep_original else []
    for epoch in range(cfg.epochs):
        out.extend(aug.epoch(docs, epoch))
    return out


def train_crf(
    cfg: CRFTrainConfig, train_docs: Sequence[Document], dev_docs: Sequence[Document] | None = None
) -> dict[str, Any]:
    """Train, save to ``cfg.out`` and return a summary (with dev scores when given)."""
    import pycrfsuite

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    featurize = featurizer(cfg.feature_meta())
    n_words = 0
    for doc in crf_training_docs(cfg, train_docs):
        words = words_of(doc.text)
        if not words:
            continue
        trainer.append(featurize(doc.text, words), word_tags(words, doc.spans, cfg.scheme))
        n_words += len(words)
    trainer.set_params(
        {
            "c1": cfg.c1,
            "c2": cfg.c2,
            "max_iterations": cfg.max_iterations,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(out / MODEL_FILE))
    seconds = time.perf_counter() - t0
    meta = {
        "name": cfg.name or out.name,
        "kind": "crf",
        "scheme": cfg.scheme,
        "augment_locales": cfg.augment_locales,
        "seed": cfg.seed,
        **cfg.feature_meta(),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    summary: dict[str, Any] = {
        "train_words": n_words,
        "train_seconds": round(seconds, 1),
    }
    if dev_docs:
        det = CRFDetector.load(out)
        summary["dev"] = score(dev_docs, det.detect_batch(list(dev_docs))).as_dict()
    with (out / "train_log.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps({"event": "done", "time": round(time.time(), 3), **summary}) + "\n")
    return summary
