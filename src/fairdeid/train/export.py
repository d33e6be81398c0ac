"""ONNX export: eager-attention export, BERT graph fusion, per-channel dynamic int8.

The recipe is the one DESIGN.md measured on this class of machine: unfused onnxruntime is slower
than torch, per-tensor int8 loses accuracy, while fused + per-channel int8 is faster than torch at
a quarter of the size. Export uses ``attn_implementation="eager"`` because the fusion pass matches
the eager attention subgraph, not SDPA.

One fusion is undone afterwards (:func:`unfuse_skip_layernorm`): onnxruntime's CPU
``SkipLayerNormalization`` kernel costs about five times its ``Add`` + ``LayerNormalization``
equivalent, a quarter of the shipped graph's time (issue 14, ``benchmarks/README.md``).
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from fairdeid.detect.transformer import META_FILE


def export_onnx(
    model_dir: str | Path,
    out_dir: str | Path | None = None,
    *,
    opset: int = 17,
    quantize: bool = True,
    keep_intermediate: bool = False,
) -> dict[str, Any]:
    """Export ``model_dir`` (HF weights) to ``out_dir`` as ``model.int8.onnx`` (+ tokenizer, meta).

    Returns file sizes and a parity check (max |logit difference| torch vs fused fp32, and
    argmax agreement of int8 with torch) on a fixed probe input.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModelForTokenClassification

    model_dir = Path(model_dir)
    out = Path(out_dir) if out_dir is not None else model_dir
    out.mkdir(parents=True, exist_ok=True)
    model = AutoModelForTokenClassification.from_pretrained(
        str(model_dir), local_files_only=True, attn_implementation="eager"
    )
    model.eval()
    cfg = model.config
    uses_types = int(getattr(cfg, "type_vocab_size", 0) or 0) > 1

    class _Wrap(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            kw = {"input_ids": input_ids, "attention_mask": attention_mask}
            if uses_types:
                kw["token_type_ids"] = token_type_ids
            return self.inner(**kw).logits

    probe = _probe_inputs(cfg)
    raw = out / "model.onnx"
    inputs = ("input_ids", "attention_mask", "token_type_ids")
    dyn = {name: {0: "batch", 1: "sequence"} for name in inputs}
    dyn["logits"] = {0: "batch", 1: "sequence"}
    with torch.no_grad(), warnings.catch_warnings():
        # The legacy TorchScript exporter is deprecated but is what the BERT fusion matches.
        warnings.simplefilter("ignore")
        # Reference logits before export: tracing can leave the module in a different state.
        ref = _Wrap(model)(*(torch.from_numpy(probe[n]) for n in inputs)).numpy()
        torch.onnx.export(
            _Wrap(model),
            tuple(torch.from_numpy(probe[n]) for n in inputs),
            str(raw),
            input_names=list(inputs),
            output_names=["logits"],
            dynamic_axes=dyn,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )
    opt_path = out / "model.opt.onnx"
    opt = optimize_model(
        str(raw),
        model_type="bert",
        num_heads=int(cfg.num_attention_heads),
        hidden_size=int(cfg.hidden_size),
    )
    fused_ops = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
    opt.save_model_to_file(str(opt_path))
    report: dict[str, Any] = {"fused_operators": fused_ops}
    # Padded positions are garbage in both runtimes (and ignored by the detector): compare the rest.
    real = probe["attention_mask"].astype(bool)
    report["max_abs_diff_fp32"] = float(np.abs(_run(opt_path, probe) - ref)[real].max())
    final = opt_path
    if quantize:
        q_path = out / "model.int8.onnx"
        # Fused contrib ops (Attention, SkipLayerNorm) defeat shape inference; the default
        # tensor type tells the quantizer their outputs are float.
        quantize_dynamic(
            str(opt_path),
            str(q_path),
            per_channel=True,
            weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        q = _run(q_path, probe)
        report["max_abs_diff_int8"] = float(np.abs(q - ref)[real].max())
        report["argmax_agreement_int8"] = float((q.argmax(-1) == ref.argmax(-1))[real].mean())
        final = q_path
    report["skip_layernorm_unfused"] = unfuse_skip_layernorm_file(final, final)
    report["max_abs_diff_final"] = float(np.abs(_run(final, probe) - ref)[real].max())
    if not keep_intermediate:
        raw.unlink(missing_ok=True)
        if final != opt_path:
            opt_path.unlink(missing_ok=True)
    if out != model_dir:
        for name in ("tokenizer.json", META_FILE, "config.json"):
            if (model_dir / name).is_file():
                shutil.copyfile(model_dir / name, out / name)
    report["file"] = final.name
    report["size_mb"] = round(final.stat().st_size / 2**20, 2)
    (out / "export_report.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    return report


#: Outputs of ``SkipLayerNormalization`` after the first: mean, inverse std, input+skip+bias sum.
_SLN_SUM_OUTPUT = 3
#: ``LayerNormalization`` entered the default ONNX domain at opset 17.
_LAYERNORM_OPSET = 17
#: ``SkipLayerNormalization``'s epsilon when the attribute is absent (onnxruntime's default).
_SLN_DEFAULT_EPSILON = 1e-12


def unfuse_skip_layernorm(model: Any) -> int:
    """Replace each ``SkipLayerNormalization`` of an ONNX ``ModelProto`` (in place) by
    ``Add(input, skip)`` [``+ bias``] and ``LayerNormalization``; returns how many were replaced.

    Why: the same arithmetic runs about five times faster on onnxruntime's CPU kernels this way
    (``benchmarks/README.md``, model rows; onnxruntime 1.32), and nothing on CPU fuses it back.
    Nodes whose mean / inverse-std outputs are used, and graphs below opset 17 (no
    ``LayerNormalization``), are left as they are.
    """
    from onnx import helper

    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    if opset < _LAYERNORM_OPSET:
        return 0
    nodes: list[Any] = []
    replaced = 0
    for node in model.graph.node:
        outputs = list(node.output) + [""] * (_SLN_SUM_OUTPUT + 1 - len(node.output))
        if node.op_type != "SkipLayerNormalization" or any(outputs[1:_SLN_SUM_OUTPUT]):
            nodes.append(node)
            continue
        x, skip, gamma = node.input[:3]
        beta = node.input[3] if len(node.input) > 3 else ""
        bias = node.input[4] if len(node.input) > 4 else ""
        eps = next(
            (a.f for a in node.attribute if a.name == "epsilon"), _SLN_DEFAULT_EPSILON
        )
        name = node.name or f"SkipLayerNormalization_{replaced}"
        total = outputs[_SLN_SUM_OUTPUT] or f"{name}_sum"
        added = f"{name}_input_skip" if bias else total
        nodes.append(helper.make_node("Add", [x, skip], [added], name=f"{name}_add"))
        if bias:
            nodes.append(helper.make_node("Add", [added, bias], [total], name=f"{name}_bias"))
        ln_inputs = [total, gamma] + ([beta] if beta else [])
        nodes.append(
            helper.make_node(
                "LayerNormalization",
                ln_inputs,
                [outputs[0]],
                name=f"{name}_layernorm",
                axis=-1,
                epsilon=eps,
            )
        )
        replaced += 1
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return replaced


def unfuse_skip_layernorm_file(src: Path, dst: Path) -> int:
    """:func:`unfuse_skip_layernorm` from one ONNX file to another (may be the same file)."""
    import onnx

    model = onnx.load(str(src))
    replaced = unfuse_skip_layernorm(model)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return replaced


def _probe_inputs(cfg: Any) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    vocab = int(cfg.vocab_size)
    types = max(1, int(getattr(cfg, "type_vocab_size", 1) or 1))
    ids = rng.integers(5, vocab, size=(2, 24), dtype=np.int64)
    mask = np.ones_like(ids)
    mask[1, 18:] = 0
    tt = rng.integers(0, types, size=(2, 24), dtype=np.int64)
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": tt}


def _run(path: Path, feed: dict[str, np.ndarray]) -> np.ndarray:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}
    return np.asarray(sess.run(None, {k: v for k, v in feed.items() if k in names})[0])
