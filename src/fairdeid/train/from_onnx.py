"""Torch weights rebuilt from a shipped (fused, int8) ONNX graph, so it can be fine-tuned.

Why this exists: the shipped model holds only ``model.int8.onnx`` (the repository's size budget
has no room for fp32 torch weights), yet the annotation loop ends in
``fairdeid train --init builtin:minilm-mc-deid``. Every weight of a BERT token classifier is in
the graph -- quantized, fused and renamed -- so the fp32 model can be recovered up to the int8
rounding of its weights, which costs far less than starting from the bare encoder.

How: the graph is read with ``onnx`` (no onnxruntime session), walked in node order, and each
fused operator's weights are dequantized and mapped onto the parameter names of Hugging Face's
``BertForTokenClassification``:

* ``(Q)EmbedLayerNormalization``: word, position and token-type tables and the embedding norm;
* ``(Q)Attention``: the packed ``[Q | K | V]`` projection, split into query, key and value;
* ``MatMulInteger`` (+ its scale ``Mul``), ``DynamicQuantizeMatMul`` or ``MatMul``: the dense
  layers, told apart by what consumes them -- ``SkipLayerNormalization`` (attention output and
  FFN output, carrying the dense bias), ``BiasGelu`` (FFN intermediate) or the final ``Add``
  (classifier);
* ``SkipLayerNormalization``: the two layer norms of each encoder layer.

Every parameter of the target model must be filled: a tensor the graph does not hold raises a
``ConfigError`` naming it, never a silently random initialisation. The rebuilt directory is
cached under ``$XDG_CACHE_HOME/fairdeid/init/<name>-<sha12>`` (the project's cache convention,
as for the local LLMs), keyed by the ONNX file's SHA-256, so a changed graph is never served
stale weights.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fairdeid.errors import ConfigError
from fairdeid.io.fingerprint import file_sha256

#: Written last into a rebuilt directory: its presence marks the rebuild complete.
REPORT_FILE = "rebuild_report.json"
#: Notes (``generate_notes(PROBE_NOTES, seed=PROBE_SEED)``) the rebuild is checked on.
PROBE_NOTES = 8
PROBE_SEED = 424242
#: Buffers a freshly built model fills itself (not weights, so the graph does not hold them).
_DERIVED_BUFFERS = ("embeddings.position_ids", "embeddings.token_type_ids")

_LAYER_ROLES = ("attention.output.dense", "intermediate.dense", "output.dense")


@dataclass(frozen=True)
class RebuildReport:
    """How a rebuilt model compares with the graph it came from (measured, not assumed)."""

    onnx_file: str
    onnx_sha256: str
    notes: int
    words: int
    #: Share of words whose argmax label is the same under the graph and the rebuilt model.
    word_label_agreement: float
    #: Largest |probability difference| over all words and labels.
    max_prob_diff: float
    tensors: int

    def save(self, directory: Path) -> None:
        (directory / REPORT_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n", "utf-8")

    @classmethod
    def load(cls, directory: Path) -> RebuildReport | None:
        """The report of a rebuilt directory; None for any other model directory."""
        path = directory / REPORT_FILE
        if not path.is_file():
            return None
        return cls(**json.loads(path.read_text("utf-8")))


# -- reading the graph ---------------------------------------------------------------------------


class _Graph:
    """Initializers as numpy arrays, plus who produces and who consumes each value."""

    def __init__(self, model: Any) -> None:
        from onnx import numpy_helper

        graph = model.graph
        self.nodes = list(graph.node)
        self.outputs = {o.name for o in graph.output}
        self.init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        self.producer = {out: n for n in self.nodes for out in n.output}
        self.consumers: dict[str, list[Any]] = {}
        for node in self.nodes:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)

    def const(self, name: str, what: str) -> np.ndarray:
        if name not in self.init:
            raise ConfigError(f"the ONNX graph has no initializer {name!r} ({what})")
        return self.init[name]

    def only_consumer(self, value: str, what: str) -> Any:
        users = self.consumers.get(value, [])
        if len(users) != 1:
            raise ConfigError(f"unsupported ONNX graph: {what} has {len(users)} consumers")
        return users[0]


def _dequantize(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray) -> np.ndarray:
    """int8/uint8 -> fp32; a 1-D scale is per output channel (the last axis of a MatMul B)."""
    return ((q.astype(np.float32) - zero_point.astype(np.float32)) * scale).astype(np.float32)


def _input(node: Any, i: int) -> str:
    return node.input[i] if len(node.input) > i else ""


def _embeddings(g: _Graph, node: Any) -> dict[str, np.ndarray]:
    names = ("word_embeddings.weight", "position_embeddings.weight",
             "token_type_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias")
    out = {}
    for k, name in enumerate(names):
        what = f"embeddings.{name}"
        value = g.const(_input(node, 2 + k), what)
        if node.op_type == "QEmbedLayerNormalization":
            value = _dequantize(value, g.const(_input(node, 8 + k), what),
                                g.const(_input(node, 13 + k), what))
        out[f"bert.embeddings.{name}"] = value.astype(np.float32)
    return out


def _attention(g: _Graph, node: Any, layer: int, heads: int) -> dict[str, np.ndarray]:
    what = f"layer {layer} attention QKV"
    weight = g.const(_input(node, 1), what)
    if node.op_type == "QAttention":
        weight = _dequantize(weight, g.const(_input(node, 4), what), g.const(_input(node, 7), what))
    bias = g.const(_input(node, 2), what)
    hidden = weight.shape[0]
    if weight.shape != (hidden, 3 * hidden) or bias.shape != (3 * hidden,):
        raise ConfigError(f"unsupported ONNX graph: {what} has shape {weight.shape}")
    attr = {a.name: a.i for a in node.attribute}
    if attr.get("num_heads", heads) != heads:
        raise ConfigError(f"{what}: {attr['num_heads']} heads, config.json says {heads}")
    prefix = f"bert.encoder.layer.{layer}.attention.self"
    out = {}
    for k, part in enumerate(("query", "key", "value")):
        cols = slice(k * hidden, (k + 1) * hidden)
        out[f"{prefix}.{part}.weight"] = np.ascontiguousarray(weight[:, cols].T)
        out[f"{prefix}.{part}.bias"] = bias[cols].astype(np.float32)
    return out


def _dense(g: _Graph, node: Any) -> tuple[np.ndarray, str, np.ndarray | None]:
    """(weight as [in, out] fp32, the value holding the product, the bias fused into the op)."""
    if node.op_type == "MatMulInteger":
        what = f"MatMulInteger {node.name}"
        q = g.const(_input(node, 1), what)
        zero = g.const(_input(node, 3), what) if _input(node, 3) else np.zeros((), q.dtype)
        cast = g.only_consumer(node.output[0], what)
        scaled = g.only_consumer(cast.output[0], what)
        if cast.op_type != "Cast" or scaled.op_type != "Mul":
            raise ConfigError(f"unsupported ONNX graph: {what} is not followed by Cast, Mul")
        scale_mul = next((g.producer[i] for i in scaled.input if i in g.producer
                          and g.producer[i].op_type == "Mul"), None)
        scales = [g.init[i] for i in (scale_mul.input if scale_mul is not None else [])
                  if i in g.init]
        if len(scales) != 1:
            raise ConfigError(f"unsupported ONNX graph: no weight scale for {what}")
        return _dequantize(q, scales[0], zero), scaled.output[0], None
    if node.op_type == "DynamicQuantizeMatMul":
        what = f"DynamicQuantizeMatMul {node.name}"
        q = g.const(_input(node, 1), what)
        zero = g.const(_input(node, 3), what) if _input(node, 3) else np.zeros((), q.dtype)
        weight = _dequantize(q, g.const(_input(node, 2), what), zero)
        bias = g.const(_input(node, 4), what) if _input(node, 4) else None
        return weight, node.output[0], bias
    # MatMul with a float initializer (fused fp32 graphs)
    return g.const(_input(node, 1), f"MatMul {node.name}").astype(np.float32), node.output[0], None


def _is_dense(g: _Graph, node: Any) -> bool:
    if node.op_type in ("MatMulInteger", "DynamicQuantizeMatMul"):
        return True
    return node.op_type == "MatMul" and _input(node, 1) in g.init


@dataclass
class _Walk:
    """Where the node-order walk is: which encoder layer, how many dense/norm ops seen in it."""

    layer: int = -1
    dense: int = 0
    norms: int = 0
    classifier: bool = False


def _dense_tensors(g: _Graph, node: Any, walk: _Walk, layers: int) -> dict[str, np.ndarray]:
    """A dense layer's weight (as torch's [out, in]) and bias, named by its place in the walk."""
    weight, value, bias = _dense(g, node)
    user = g.only_consumer(value, f"dense {node.name}")
    expect: tuple[str, ...]
    if walk.layer == layers - 1 and walk.dense == len(_LAYER_ROLES):
        name, expect = "classifier", ("Add",)
        walk.classifier = True
    elif 0 <= walk.layer < layers and walk.dense < len(_LAYER_ROLES):
        role = _LAYER_ROLES[walk.dense]
        name = f"bert.encoder.layer.{walk.layer}.{role}"
        # "Add": a SkipLayerNormalization unfused at export (train.export.unfuse_skip_layernorm)
        norm = ("SkipLayerNormalization", "Add")
        expect = ("BiasGelu",) if role == "intermediate.dense" else norm
    else:
        raise ConfigError(f"unsupported ONNX graph: unexpected dense op {node.name}")
    walk.dense += 1
    if user.op_type not in expect:
        raise ConfigError(f"unsupported ONNX graph: {name} feeds {user.op_type}, not {expect[0]}")
    if bias is None:
        bias_name = {"Add": _added_constant(g, user),
                     "BiasGelu": _input(user, 1),
                     "SkipLayerNormalization": _input(user, 4)}[user.op_type]
        bias = g.const(bias_name, f"{name}.bias")
    return {f"{name}.weight": np.ascontiguousarray(weight.T), f"{name}.bias": bias}


def _added_constant(g: _Graph, add: Any) -> str:
    """The initializer an ``Add`` adds, or (an unfused SkipLayerNormalization: dense + skip,
    then + bias) the one its only consumer adds."""
    found = next((i for i in add.input if i in g.init), "")
    if found or add.output[0] in g.outputs:
        return found
    after = g.only_consumer(add.output[0], f"Add {add.name}")
    return next((i for i in after.input if i in g.init), "") if after.op_type == "Add" else ""


def _norm_tensors(g: _Graph, node: Any, walk: _Walk) -> dict[str, np.ndarray]:
    role = ("attention.output.LayerNorm", "output.LayerNorm")
    if walk.layer < 0 or walk.norms >= len(role):
        raise ConfigError(f"unsupported ONNX graph: unexpected layer norm {node.name}")
    name = f"bert.encoder.layer.{walk.layer}.{role[walk.norms]}"
    walk.norms += 1
    first = 2 if node.op_type == "SkipLayerNormalization" else 1  # LayerNormalization: 1
    return {f"{name}.weight": g.const(_input(node, first), f"{name}.weight"),
            f"{name}.bias": g.const(_input(node, first + 1), f"{name}.bias")}


def graph_state_dict(onnx_model: Any, *, layers: int, heads: int) -> dict[str, np.ndarray]:
    """The fp32 ``BertForTokenClassification`` tensors held by a fused BERT graph, by HF name."""
    g = _Graph(onnx_model)
    attention = sum(n.op_type in ("Attention", "QAttention") for n in g.nodes)
    if attention != layers:
        raise ConfigError(
            f"the ONNX graph has {attention} attention layers, config.json says {layers} "
            "(a fused BERT graph is needed: fairdeid.train.export)"
        )
    found: dict[str, np.ndarray] = {}
    walk = _Walk()
    for node in g.nodes:
        op = node.op_type
        if op in ("EmbedLayerNormalization", "QEmbedLayerNormalization"):
            found.update(_embeddings(g, node))
        elif op in ("Attention", "QAttention"):
            walk = _Walk(layer=walk.layer + 1)
            found.update(_attention(g, node, walk.layer, heads))
        elif _is_dense(g, node):
            found.update(_dense_tensors(g, node, walk, layers))
        elif op in ("SkipLayerNormalization", "LayerNormalization"):
            found.update(_norm_tensors(g, node, walk))
    if not walk.classifier:
        raise ConfigError("unsupported ONNX graph: no classifier after the last layer")
    return {k: np.asarray(v, dtype=np.float32) for k, v in found.items()}


# -- building the torch model --------------------------------------------------------------------


def build_model(config_dir: Path, tensors: Mapping[str, np.ndarray]) -> Any:
    """A ``BertForTokenClassification`` of ``config_dir``'s config.json holding ``tensors``.

    Raises ``ConfigError`` naming the first parameter the tensors lack (or whose shape differs)
    instead of leaving it at its random initialisation.
    """
    import torch
    from transformers import AutoConfig, BertForTokenClassification

    config = AutoConfig.from_pretrained(str(config_dir), local_files_only=True)
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    state = model.state_dict()
    for name, current in state.items():
        if name.endswith(_DERIVED_BUFFERS):
            continue
        if name not in tensors:
            raise ConfigError(f"the ONNX graph holds no tensor for {name}; cannot rebuild the "
                              "torch model without leaving it randomly initialised")
        if tuple(tensors[name].shape) != tuple(current.shape):
            raise ConfigError(f"the ONNX graph's {name} has shape {tuple(tensors[name].shape)}, "
                              f"the model expects {tuple(current.shape)}")
    extra = sorted(set(tensors) - set(state))
    if extra:
        raise ConfigError(f"the ONNX graph holds tensors the model has no place for: {extra[0]}")
    with torch.no_grad():
        for name, value in tensors.items():
            state[name].copy_(torch.from_numpy(np.array(value, dtype=np.float32)))
    model.eval()
    return model


# -- the cache -----------------------------------------------------------------------------------


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/fairdeid/init`` (default ``~/.cache``), as for the local LLM files."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fairdeid" / "init"


def rebuilt_dir(model_dir: Path, onnx_file: Path, root: Path | None = None) -> Path:
    """Where the rebuild of ``onnx_file`` lives: named by the model and the file's hash."""
    return (root or cache_root()) / f"{model_dir.name}-{file_sha256(onnx_file)[:12]}"


def rebuild_from_onnx(
    model_dir: Path,
    onnx_file: Path,
    *,
    root: Path | None = None,
    note: Callable[[str], None] | None = None,
) -> Path:
    """A torch model directory rebuilt from ``onnx_file`` (cached; built on first use).

    The directory holds ``model.safetensors``, ``config.json``, the tokenizer, a
    ``fairdeid_model.json`` recording where its weights came from, and ``rebuild_report.json``
    with the measured agreement between the graph and the rebuilt model. It is built in a
    private temporary directory (mode 0700, kept) beside the target and renamed into place.
    """
    target = rebuilt_dir(model_dir, onnx_file, root)
    if RebuildReport.load(target) is not None:
        return target
    for name in ("config.json", "tokenizer.json"):
        if not (model_dir / name).is_file():
            raise ConfigError(f"{model_dir} has no {name}; its ONNX weights cannot be rebuilt "
                              "into a trainable model")
    if note:
        note(f"rebuilding torch weights from {onnx_file.name} (once; cached in {target})")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as exc:
        raise ConfigError(f"cannot write the rebuilt model under {target.parent} "
                          f"({exc.strerror}); set XDG_CACHE_HOME to a writable directory") from None
    try:
        _write_rebuild(model_dir, onnx_file, work)
        _publish(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _publish(work: Path, target: Path) -> None:
    """Move a finished rebuild into place in one rename, so readers never see half of one.

    A leftover without a report (a rebuild killed by an older version, a hand-made directory)
    is replaced; a complete one another process published meanwhile is kept.
    """
    if target.exists() and RebuildReport.load(target) is None:
        shutil.rmtree(target)
    try:
        work.rename(target)
    except OSError:
        if RebuildReport.load(target) is None:
            raise


def _write_rebuild(model_dir: Path, onnx_file: Path, work: Path) -> None:
    try:
        import onnx
        import transformers
    except ImportError:
        raise ConfigError(
            "rebuilding torch weights from ONNX needs onnx, torch and transformers: "
            "pip install 'fairdeid[train]'"
        ) from None
    from fairdeid.detect.transformer import ModelMeta

    # Offline and silent, like the training run this rebuild is the first step of.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    transformers.utils.logging.disable_progress_bar()
    config = json.loads((model_dir / "config.json").read_text("utf-8"))
    if config.get("model_type") != "bert":
        raise ConfigError(f"{model_dir}: rebuilding from ONNX supports BERT models only, "
                          f"not {config.get('model_type')!r}")
    graph = onnx.load(str(onnx_file))
    tensors = graph_state_dict(graph, layers=int(config["num_hidden_layers"]),
                               heads=int(config["num_attention_heads"]))
    model = build_model(model_dir, tensors)
    model.save_pretrained(str(work))
    shutil.copyfile(model_dir / "tokenizer.json", work / "tokenizer.json")
    meta = ModelMeta.load(model_dir)
    extra = {**dict(meta.extra), "weights": f"rebuilt from {onnx_file.name} (int8, dequantized)"}
    ModelMeta(meta.name, meta.labels, meta.scheme, meta.max_length, meta.stride,
              meta.case_features, extra).save(work)
    agreement = measure_agreement(model_dir, onnx_file, model)
    RebuildReport(
        onnx_file=onnx_file.name,
        onnx_sha256=file_sha256(onnx_file),
        tensors=len(tensors),
        **agreement,
    ).save(work)


# -- parity ----------------------------------------------------------------------------------------


def measure_agreement(
    model_dir: Path,
    onnx_file: Path,
    model: Any,
    texts: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Word-label agreement and max probability difference, graph vs rebuilt model.

    Both run behind the same ``TransformerDetector`` (same windows, case features and word
    pooling), so the figure is the one users would see. ``texts`` default to a few synthetic
    notes of a seed no model was trained on.
    """
    from fairdeid.detect.transformer import (
        ModelMeta,
        TransformerDetector,
        load_tokenizer,
        module_runner,
        onnx_runner,
    )

    if texts is None:
        from fairdeid.corpora.synth import generate_notes

        texts = [d.text for d in generate_notes(PROBE_NOTES, seed=PROBE_SEED)]
    meta, tokenizer = ModelMeta.load(model_dir), load_tokenizer(model_dir)
    graph = TransformerDetector(tokenizer, onnx_runner(onnx_file), meta)
    torch_model = TransformerDetector(tokenizer, module_runner(model), meta)
    agree = words = 0
    max_diff = 0.0
    for (_, p), (_, q) in zip(graph.word_probs(texts), torch_model.word_probs(texts),
                              strict=True):
        agree += int((p.argmax(1) == q.argmax(1)).sum())
        words += len(p)
        if len(p):
            max_diff = max(max_diff, float(np.abs(p - q).max()))
    return {
        "notes": len(texts),
        "words": words,
        "word_label_agreement": round(agree / words, 5) if words else 1.0,
        "max_prob_diff": round(max_diff, 5),
    }

