"""A smaller student cut from a fine-tuned BERT token classifier by keeping some encoder layers.

Why: the default pipeline's speed target (issue 14) leaves no room for a 6-layer encoder, and
almost all of the model's CPU time is spent in the encoder layers' matrix products, so halving
the layers roughly halves the model's cost. Starting the student from the teacher's own layers
(embeddings, case features and classifier kept as they are) rather than from the bare encoder
keeps what fine-tuning learnt, so a short training run is enough to close most of the gap.

The kept layers are renumbered ``0..k-1`` in the order given, so the saved model is an ordinary
``BertForTokenClassification`` with ``config.num_hidden_layers = k`` that the export, the
rebuild from ONNX and the detector load without knowing it was cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fairdeid.errors import ConfigError


def parse_layers(spec: str) -> tuple[int, ...]:
    """``"0,2,4"`` -> ``(0, 2, 4)``; a clear error for anything that is not integers."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise ConfigError("--keep-layers needs at least one layer index, e.g. 0,2,4")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ConfigError(
            f"--keep-layers {spec!r}: give comma-separated layer indices, e.g. 0,2,4"
        ) from None


def check_layers(layers: Sequence[int], available: int) -> tuple[int, ...]:
    """``layers`` if they can be kept from a ``available``-layer encoder: in range, no
    duplicates, increasing (a layer's input is what the one before it produced, so reordering
    them would hand each layer activations it never saw)."""
    kept = tuple(int(i) for i in layers)
    if not kept:
        raise ConfigError("--keep-layers needs at least one layer index")
    bad = [i for i in kept if not 0 <= i < available]
    if bad:
        raise ConfigError(
            f"--keep-layers: layer {bad[0]} does not exist; the model has {available} encoder "
            f"layers (0..{available - 1})"
        )
    if len(set(kept)) != len(kept):
        raise ConfigError("--keep-layers: a layer is given twice")
    if list(kept) != sorted(kept):
        raise ConfigError("--keep-layers: give the layers in increasing order")
    return kept


def keep_encoder_layers(model: Any, layers: Sequence[int]) -> tuple[int, ...]:
    """Cut ``model`` (a BERT-family token classifier, in place) down to ``layers``; returns them.

    The kept layer modules are the teacher's own (same tensors, not copies); the config's
    ``num_hidden_layers`` follows so that saving and reloading gives the same model.
    """
    import torch

    encoder: Any = getattr(getattr(model, "base_model", None), "encoder", None)
    stack = getattr(encoder, "layer", None)
    if encoder is None or not isinstance(stack, torch.nn.ModuleList):
        raise ConfigError("--keep-layers supports BERT-style encoders (encoder.layer) only")
    kept = check_layers(layers, len(stack))
    encoder.layer = torch.nn.ModuleList(stack[i] for i in kept)
    for new_index, layer in enumerate(encoder.layer):
        for module in layer.modules():  # only used by decoder caches; keep it consistent
            if hasattr(module, "layer_idx"):
                module.layer_idx = new_index
    model.config.num_hidden_layers = len(kept)
    return kept
