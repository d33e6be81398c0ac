"""Knowledge distillation: train a (smaller) student on a fine-tuned teacher's soft labels too.

Why: the 3-layer student of issue 14 learns from the gold BIO labels alone what the 6-layer
teacher already knows, including how unsure to be on a messy layout. The teacher's whole
probability distribution over the labels of each word says more per window than the one gold
label does, so a short CPU run gets the student closer to the teacher than cross-entropy
alone (Hinton et al., 2015). The loss is

    (1 - A) * CE(gold) + A * T^2 * KL(softmax(teacher / T) || softmax(student / T))

over the words the gold labels (the first subword of each word, the positions the detector
decodes), with ``T^2`` keeping the soft term's gradients on the scale of the hard one's.

The teacher runs in eval mode without gradients on the very batch the student trains on (same
windows, same token types), and is loaded without touching the RNGs, so a run with ``A = 0`` is
the run without a teacher, step for step, and a resumed run (the teacher is loaded again from
the same directory, checked by digest) continues the interrupted one exactly.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairdeid.errors import ConfigError
from fairdeid.train.bio import IGNORE

#: Files whose bytes make a teacher: its weights and its config (labels, layers).
_DIGESTED = ("config.json", "model.safetensors", "pytorch_model.bin")


def check_distill(weight: float, temperature: float) -> None:
    """Refuse distillation settings that cannot work, before any data or model is loaded."""
    if not (math.isfinite(weight) and 0.0 <= weight <= 1.0):
        raise ConfigError("--distill-weight must be between 0 and 1 (the soft term's share)")
    if not (math.isfinite(temperature) and temperature > 0.0):
        raise ConfigError("--distill-temperature must be > 0")


def teacher_digest(directory: Path) -> str:
    """SHA-256 over the teacher's config and weights: a resumed run must be taught by the very
    model the interrupted one was (a path says nothing about what is in it now)."""
    digest = hashlib.sha256()
    for name in _DIGESTED:
        path = directory / name
        if path.is_file():
            digest.update(name.encode("utf-8") + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Teacher:
    """A fine-tuned token classifier, frozen, whose logits the student learns from."""

    model: Any
    name: str
    directory: Path
    digest: str
    weight: float
    temperature: float

    def loss(self, student_logits: Any, inputs: dict[str, Any], gold_loss: Any) -> Any:
        """The distillation loss of one batch, given the student's logits and CE on it."""
        import torch

        with torch.no_grad():
            teacher_logits = self.model(
                **{k: v for k, v in inputs.items() if k != "labels"}
            ).logits
        return distillation_loss(
            student_logits, teacher_logits, inputs["labels"], gold_loss,
            weight=self.weight, temperature=self.temperature,
        )


def distillation_loss(
    student_logits: Any,
    teacher_logits: Any,
    labels: Any,
    gold_loss: Any,
    *,
    weight: float,
    temperature: float,
) -> Any:
    """``(1-A)·gold_loss + A·T²·KL(teacher_T || student_T)``, the KL averaged over the labelled
    positions (``labels != IGNORE``): the words the detector decodes, nothing else."""
    import torch.nn.functional as F

    mask = labels != IGNORE
    if not bool(mask.any()):
        soft = student_logits.sum() * 0.0
    else:
        student = F.log_softmax(student_logits[mask] / temperature, dim=-1)
        teacher = F.log_softmax(teacher_logits[mask].detach() / temperature, dim=-1)
        soft = F.kl_div(student, teacher, log_target=True, reduction="batchmean")
    return (1.0 - weight) * gold_loss + weight * temperature * temperature * soft


def load_teacher(
    directory: Path,
    *,
    tags: tuple[str, ...],
    vocab: dict[str, int],
    type_vocab_size: int,
    weight: float,
    temperature: float,
    digest: str | None = None,
) -> Teacher:
    """The teacher in ``directory`` (``digest``: its :func:`teacher_digest`, when the caller
    has hashed it already) (torch weights: :func:`fairdeid.train.finetune.resolve_init`
    has rebuilt a shipped graph already), checked to speak the student's language: the same
    labels in the same order, the same subword vocabulary and the same token-type (case
    feature) table, since it reads the student's batches as they are. Loaded under a forked
    RNG: building a model may draw random numbers, which would shift the student's dropout."""
    import torch
    from transformers import AutoModelForTokenClassification

    from fairdeid.detect.transformer import ModelMeta, load_tokenizer

    meta = ModelMeta.load(directory)
    if tuple(meta.labels) != tuple(tags):
        raise ConfigError(
            f"--distill-from {directory}: the teacher's labels ({len(meta.labels)}) are not the "
            f"student's ({len(tags)}) in the same order; distil between models of one scheme"
        )
    if load_tokenizer(directory).get_vocab() != vocab:
        raise ConfigError(
            f"--distill-from {directory}: the teacher's tokenizer differs from the student's; "
            "it must read the same subword ids"
        )
    with torch.random.fork_rng(devices=[]):
        model = AutoModelForTokenClassification.from_pretrained(
            str(directory), local_files_only=True
        )
    teacher_types = int(getattr(model.config, "type_vocab_size", 0) or 0)
    if (teacher_types > 1) != (type_vocab_size > 1) or (
        type_vocab_size > 1 and teacher_types != type_vocab_size
    ):
        raise ConfigError(
            f"--distill-from {directory}: the teacher has {teacher_types} token types, the "
            f"student {type_vocab_size}; both must use the same case features"
        )
    model.eval()
    model.requires_grad_(False)
    digest = digest or teacher_digest(directory)
    return Teacher(model, meta.name, directory, digest, weight, temperature)
