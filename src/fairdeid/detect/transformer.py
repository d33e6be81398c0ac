"""Transformer token-classification detector (any local BERT-family directory), ONNX or torch.

Why it looks like this:

* **Words, not subwords, are labelled.** Text is split by :func:`fairdeid.detect.tokens.words_of`;
  the tokenizer only sees those words (``is_pretokenized``), each word takes the label of its first
  subword, and spans are rebuilt from the words' offsets in the original string. Offsets are
  therefore exact for any text (accents, CJK, Devanagari) whatever the tokenizer normalises.
* **Long notes are windowed.** The fewest windows of at most ``max_length`` tokens that overlap by
  ``stride``, all of one length (:func:`window_bounds`); every subword takes its prediction from
  the window where it sits furthest from an edge (most context), so a word is labelled exactly
  once and no span is duplicated.
* **Casing.** The default encoder is uncased, and casing is a strong PHI cue ("Rose" vs "rose").
  A model trained with ``case_features`` gets each word's case class (see ``CASE_CLASSES``) as its
  token-type id: the token-type embedding table is widened at training time, so the graph stays a
  plain BERT and the ONNX BERT fusion still applies.
* **Two backends.** ``onnx`` needs only onnxruntime + tokenizers + numpy (no torch import at all);
  ``torch`` is kept for training, GPUs and models without an ONNX file. ``auto`` prefers ONNX.
* **Never downloads.** Models load from local directories only (``builtin:<name>`` resolves to a
  directory inside the installed package).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from fairdeid.detect.base import BaseDetector
from fairdeid.detect.tokens import Word, case_class, spans_from_tags, words_of
from fairdeid.document import Document, Span
from fairdeid.errors import ConfigError

log = logging.getLogger(__name__)

#: File in a model directory that describes it to fairdeid (labels, windowing, casing).
META_FILE = "fairdeid_model.json"
#: Preferred ONNX files, best first.
ONNX_FILES = ("model.int8.onnx", "model.opt.onnx", "model.onnx")

#: Windows per onnx call. One, because int8 graphs quantize activations per tensor at run time:
#: padding and the other windows of a batch move each window's quantization range, so batching
#: changed a note's labels with its neighbours; one window per call costs no more CPU
#: (benchmarks/README.md, model settings).
ONNX_BATCH_SIZE = 1
#: Windows per torch call (fp32 and GPUs gain from batches, and padding is masked exactly).
TORCH_BATCH_SIZE = 16

#: (input_ids, attention_mask, token_type_ids) -> logits [batch, seq, labels]
Runner = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


#: Built-in models that were replaced: a config written for the old name keeps working, with a
#: warning, on the model that took its place (the packs' CRFs trained on many writers' notes).
REPLACED_BUILTINS: dict[str, str] = {
    "crf-de-synth": "crf-de-mw",
    "crf-fr-synth": "crf-fr-mw",
    "crf-nl-synth": "crf-nl-mw",
    "crf-es-synth": "crf-es-mw",
}


def resolve_model_path(model: str | os.PathLike[str]) -> Path:
    """A local model directory; ``builtin:NAME`` means ``fairdeid/models/NAME`` in the package."""
    text = str(model)
    if text.startswith("builtin:"):
        name = text.split(":", 1)[1]
        if name in REPLACED_BUILTINS:
            log.warning("built-in model %r was replaced by %r; using it (update the config)",
                        name, REPLACED_BUILTINS[name])
            name = REPLACED_BUILTINS[name]
        path = Path(str(resources.files("fairdeid").joinpath("models", name)))
        if not path.is_dir():
            raise ConfigError(f"no built-in model {name!r} in this installation")
        return path
    path = Path(text).expanduser()
    if not path.is_dir():
        raise ConfigError(f"model directory not found: {path}")
    return path


@dataclass(frozen=True)
class ModelMeta:
    """What fairdeid needs to know about a model directory (``fairdeid_model.json``)."""

    name: str
    labels: tuple[str, ...]
    scheme: str = "coarse"
    max_length: int = 256
    stride: int = 64
    case_features: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ModelMeta:
        meta_path = path / META_FILE
        if meta_path.is_file():
            data = json.loads(meta_path.read_text("utf-8"))
        else:
            # A plain Hugging Face token-classification dir: take labels from config.json.
            cfg_path = path / "config.json"
            if not cfg_path.is_file():
                raise ConfigError(f"{path} has neither {META_FILE} nor config.json")
            cfg = json.loads(cfg_path.read_text("utf-8"))
            id2label = cfg.get("id2label") or {}
            data = {
                "name": path.name,
                "labels": [id2label[str(i)] for i in range(len(id2label))],
                "max_length": min(int(cfg.get("max_position_embeddings", 512)), 512),
            }
        known = {"name", "labels", "scheme", "max_length", "stride", "case_features"}
        return cls(
            name=str(data.get("name", path.name)),
            labels=tuple(data["labels"]),
            scheme=str(data.get("scheme", "coarse")),
            max_length=int(data.get("max_length", 256)),
            stride=int(data.get("stride", 64)),
            case_features=bool(data.get("case_features", False)),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def save(self, path: Path) -> None:
        data = {
            **dict(self.extra),
            "name": self.name,
            "labels": list(self.labels),
            "scheme": self.scheme,
            "max_length": self.max_length,
            "stride": self.stride,
            "case_features": self.case_features,
        }
        (path / META_FILE).write_text(json.dumps(data, indent=2) + "\n", "utf-8")


def load_tokenizer(path: Path) -> Any:
    """The fast tokenizer of a model dir, with truncation and padding off (we window ourselves)."""
    from tokenizers import Tokenizer

    tok_file = path / "tokenizer.json"
    if not tok_file.is_file():
        raise ConfigError(f"{path} has no tokenizer.json (a fast tokenizer file is required)")
    tok = Tokenizer.from_file(str(tok_file))
    tok.no_truncation()
    tok.no_padding()
    return tok


#: ``graph_optimization`` config values -> onnxruntime ``GraphOptimizationLevel`` member names.
GRAPH_OPTIMIZATION = {
    "disable": "ORT_DISABLE_ALL",
    "basic": "ORT_ENABLE_BASIC",
    "extended": "ORT_ENABLE_EXTENDED",
    "all": "ORT_ENABLE_ALL",
}
#: ``execution_mode`` config values -> onnxruntime ``ExecutionMode`` member names.
EXECUTION_MODES = {"sequential": "ORT_SEQUENTIAL", "parallel": "ORT_PARALLEL"}


@dataclass(frozen=True)
class OrtSettings:
    """onnxruntime session settings; they change speed and CPU use, never the output.

    Why spinning is off by default: onnxruntime's idle pool threads busy-wait for the next op, so
    with two threads on two cores the process burns CPU that the rules, the tokenizer, other
    workers and other tenants need (``benchmarks/README.md``, model settings). ``None`` threads
    keeps onnxruntime's own choice (one per physical core).
    """

    threads: int | None = None
    inter_threads: int | None = None
    spinning: bool = False
    graph_optimization: str = "all"
    execution_mode: str = "sequential"

    def __post_init__(self) -> None:
        if self.graph_optimization not in GRAPH_OPTIMIZATION:
            raise ConfigError(
                f"graph_optimization must be one of {sorted(GRAPH_OPTIMIZATION)}, "
                f"not {self.graph_optimization!r}"
            )
        if self.execution_mode not in EXECUTION_MODES:
            raise ConfigError(
                f"execution_mode must be one of {sorted(EXECUTION_MODES)}, "
                f"not {self.execution_mode!r}"
            )
        for key in ("threads", "inter_threads"):
            value = getattr(self, key)
            if value is not None and (isinstance(value, bool) or int(value) < 0):
                raise ConfigError(f"{key} must be a whole number >= 0")

    def session_options(self) -> Any:
        """``onnxruntime.SessionOptions`` for these settings (imports onnxruntime)."""
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.graph_optimization_level = getattr(
            ort.GraphOptimizationLevel, GRAPH_OPTIMIZATION[self.graph_optimization]
        )
        opts.execution_mode = getattr(ort.ExecutionMode, EXECUTION_MODES[self.execution_mode])
        if self.threads:
            opts.intra_op_num_threads = int(self.threads)
        if self.inter_threads:
            opts.inter_op_num_threads = int(self.inter_threads)
        spin = "1" if self.spinning else "0"
        opts.add_session_config_entry("session.intra_op.allow_spinning", spin)
        opts.add_session_config_entry("session.inter_op.allow_spinning", spin)
        return opts


@dataclass
class _Window:
    doc: int
    start: int  # first content token (index into the document's subword sequence)
    ids: list[int]
    case: list[int]


@dataclass
class _Encoded:
    words: list[Word]
    ids: list[int]
    word_ids: list[int]
    case: list[int]


class TransformerDetector(BaseDetector):
    """Token classification over words; see the module docstring."""

    name = "transformer"

    def __init__(
        self,
        tokenizer: Any,
        runner: Runner,
        meta: ModelMeta,
        *,
        batch_size: int = 16,
        max_length: int | None = None,
        stride: int | None = None,
        backend: str = "custom",
        bucket: bool = True,
    ) -> None:
        self.tokenizer = tokenizer
        self.runner = runner
        self.meta = meta
        self.labels = list(meta.labels)
        self.batch_size = batch_size
        self.max_length = int(max_length or meta.max_length)
        self.stride = int(meta.stride if stride is None else stride)
        if self.max_length < 8:
            raise ConfigError("max_length must be at least 8")
        if not 0 <= self.stride < self.max_length - 2:
            raise ConfigError("stride must be >= 0 and smaller than max_length - 2")
        self.backend = backend
        self.bucket = bucket
        self.source = f"transformer:{meta.name}"
        specials = tokenizer.encode("", add_special_tokens=True).ids
        if len(specials) >= 2:
            self._prefix, self._suffix = [specials[0]], [specials[-1]]
        else:  # pragma: no cover - tokenizers without a post-processor
            self._prefix, self._suffix = [], []
        self._pad_id = tokenizer.token_to_id("[PAD]")
        if self._pad_id is None:
            self._pad_id = tokenizer.token_to_id("<pad>") or 0

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TransformerDetector:
        """Build from a ``[detectors.transformer]`` table.

        Keys: ``model`` (dir or ``builtin:NAME``, required), ``backend`` (``auto``|``onnx``|
        ``torch``), ``batch_size``, ``max_length``, ``stride``, ``bucket`` (batch windows of
        similar length), ``threads``, ``device`` (torch); onnx session settings (see
        :class:`OrtSettings`): ``inter_threads``, ``spinning``, ``graph_optimization``,
        ``execution_mode``.
        """
        cfg = dict(config)
        if "model" not in cfg:
            raise ConfigError("[detectors.transformer] needs 'model' (a directory or builtin:NAME)")
        known = {"model", "backend", "batch_size", "max_length", "stride", "threads", "device"}
        known |= {"bucket", *_ORT_KEYS}
        unknown = set(cfg) - known
        if unknown:
            raise ConfigError(f"unknown [detectors.transformer] keys: {sorted(unknown)}")
        return cls.load(
            cfg["model"],
            backend=str(cfg.get("backend", "auto")),
            batch_size=None if cfg.get("batch_size") is None else int(cfg["batch_size"]),
            max_length=cfg.get("max_length"),
            stride=cfg.get("stride"),
            threads=cfg.get("threads"),
            device=str(cfg.get("device", "cpu")),
            bucket=_flag(cfg, "bucket", default=True),
            ort=_ort_settings(cfg),
        )

    @classmethod
    def load(
        cls,
        model: str | os.PathLike[str],
        *,
        backend: str = "auto",
        batch_size: int | None = None,
        max_length: int | None = None,
        stride: int | None = None,
        threads: int | None = None,
        device: str = "cpu",
        bucket: bool = True,
        ort: OrtSettings | None = None,
    ) -> TransformerDetector:
        path = resolve_model_path(model)
        meta = ModelMeta.load(path)
        tokenizer = load_tokenizer(path)
        onnx_file = next((path / f for f in ONNX_FILES if (path / f).is_file()), None)
        if backend == "auto":
            backend = "onnx" if onnx_file is not None and _has_module("onnxruntime") else "torch"
        if backend == "onnx":
            if onnx_file is None:
                raise ConfigError(f"{path} has no ONNX file ({', '.join(ONNX_FILES)})")
            settings = ort or OrtSettings()
            if threads is not None:
                settings = dataclasses.replace(settings, threads=int(threads))
            runner = onnx_runner(onnx_file, settings=settings)
        elif backend == "torch":
            runner = torch_runner(path, device=device, threads=threads)
        else:
            raise ConfigError(f"unknown backend {backend!r}; use auto, onnx or torch")
        if batch_size is None:
            batch_size = ONNX_BATCH_SIZE if backend == "onnx" else TORCH_BATCH_SIZE
        return cls(
            tokenizer,
            runner,
            meta,
            batch_size=batch_size,
            max_length=max_length,
            stride=stride,
            backend=backend,
            bucket=bucket,
        )

    # -- inference ------------------------------------------------------------------------------

    def _encode(self, text: str) -> _Encoded:
        words = words_of(text)
        if not words:
            return _Encoded(words, [], [], [])
        texts = [w.text for w in words]
        enc = self.tokenizer.encode(texts, is_pretokenized=True, add_special_tokens=False)
        word_ids = [(-1 if w is None else w) for w in enc.word_ids]
        if self.meta.case_features:
            # Per distinct word: notes repeat most of their words (a third of the Python time).
            known = {t: case_class(t) for t in set(texts)}
            classes = [known[t] for t in texts]
            case = [classes[w] if w >= 0 else 0 for w in word_ids]
        else:
            case = [0] * len(word_ids)
        return _Encoded(words, enc.ids, word_ids, case)

    def _windows(self, doc_index: int, enc: _Encoded) -> list[_Window]:
        content = self.max_length - len(self._prefix) - len(self._suffix)
        return [
            _Window(doc_index, s, enc.ids[s:e], enc.case[s:e])
            for s, e in window_bounds(len(enc.ids), content, self.stride)
        ]

    def _run_windows(self, windows: list[_Window]) -> list[np.ndarray]:
        """Probabilities per window (content tokens only), batched by similar length."""
        out: list[np.ndarray] = [np.empty(0)] * len(windows)
        order: list[int] = list(range(len(windows)))
        if self.bucket:  # similar lengths share a batch: less padding to compute
            order.sort(key=lambda i: len(windows[i].ids))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            width = max(len(windows[i].ids) for i in idx) + len(self._prefix) + len(self._suffix)
            ids = np.full((len(idx), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            types = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                seq = self._prefix + windows[i].ids + self._suffix
                ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
                types[row, len(self._prefix) : len(self._prefix) + len(windows[i].case)] = windows[
                    i
                ].case
            logits = np.asarray(self.runner(ids, mask, types), dtype=np.float32)
            probs = _softmax(logits)
            for row, i in enumerate(idx):
                lo = len(self._prefix)
                out[i] = probs[row, lo : lo + len(windows[i].ids)]
        return out

    def word_probs(self, texts: Sequence[str]) -> list[tuple[list[Word], np.ndarray]]:
        """Per text: its words and a ``[n_words, n_labels]`` probability matrix."""
        encoded = [self._encode(t) for t in texts]
        windows: list[_Window] = []
        for i, enc in enumerate(encoded):
            windows.extend(self._windows(i, enc))
        probs = self._run_windows(windows) if windows else []
        n_labels = len(self.labels)
        token_probs = [np.zeros((len(e.ids), n_labels), dtype=np.float32) for e in encoded]
        best_ctx = [np.full(len(e.ids), -1, dtype=np.int64) for e in encoded]
        for window, p in zip(windows, probs, strict=True):
            m = len(window.ids)
            pos = np.arange(m)
            ctx = np.minimum(pos, m - 1 - pos)
            if window.start == 0:  # the document start has no left context to miss
                ctx = np.where(pos < m - 1 - pos, m, ctx)
            if window.start + m == len(encoded[window.doc].ids):  # nor the document end
                ctx = np.where(pos >= m - 1 - pos, m, ctx)
            sl = slice(window.start, window.start + m)
            better = ctx > best_ctx[window.doc][sl]
            token_probs[window.doc][sl][better] = p[better]
            best_ctx[window.doc][sl][better] = ctx[better]
        results = []
        for enc, tp in zip(encoded, token_probs, strict=True):
            wp = np.zeros((len(enc.words), n_labels), dtype=np.float32)
            wp[:, 0] = 1.0  # words the tokenizer dropped entirely stay "O"
            word_ids = np.asarray(enc.word_ids, dtype=np.int64)
            tokens = np.flatnonzero(word_ids >= 0)
            # Each word takes the prediction of its first subword.
            labelled, first = np.unique(word_ids[tokens], return_index=True)
            wp[labelled] = tp[tokens[first]]
            results.append((enc.words, wp))
        return results

    def detect_batch(self, docs: Sequence[Document]) -> list[list[Span]]:
        return self._detect(docs, with_scores=False)[0]

    def detect_batch_with_word_scores(
        self, docs: Sequence[Document]
    ) -> tuple[list[list[Span]], list[list[tuple[int, int, float]]]]:
        """Spans, and per document each word's ``(start, end, P(PHI))`` with ``P(PHI) = 1 -
        P(O)``, from one forward pass: the hybrid LLM sends the words the model is unsure of
        and skips the capitalised words it is sure are not PHI (``detect/llm/selection.py``)."""
        return self._detect(docs, with_scores=True)

    def _detect(
        self, docs: Sequence[Document], *, with_scores: bool
    ) -> tuple[list[list[Span]], list[list[tuple[int, int, float]]]]:
        """The spans, plus the per-word scores only when asked: building them is a Python loop
        over every word, wasted on the ordinary (non-hybrid) path."""
        out: list[list[Span]] = []
        scored: list[list[tuple[int, int, float]]] = []
        o_index = self.labels.index("O") if "O" in self.labels else 0
        for doc, (words, wp) in zip(docs, self.word_probs([d.text for d in docs]), strict=True):
            if not words:
                out.append([])
                scored.append([])
                continue
            best = wp.argmax(axis=1)
            tags = [self.labels[i] for i in best]
            scores = wp[np.arange(len(best)), best]
            # The text goes along so spans end at line breaks the model never saw.
            out.append(spans_from_tags(words, tags, scores, source=self.source, text=doc.text))
            if with_scores:
                phi = 1.0 - wp[:, o_index]
                scored.append([(w.start, w.end, float(p))
                               for w, p in zip(words, phi, strict=True)])
        return out, scored

    def detect(self, doc: Document) -> list[Span]:
        return self.detect_batch([doc])[0]


def window_bounds(n: int, size: int, overlap: int) -> list[tuple[int, int]]:
    """``(start, end)`` of the windows over ``n`` tokens: the fewest windows of at most ``size``
    tokens that overlap by at least ``overlap``, all of one length and evenly spaced.

    Why even: with one window per onnx call the cost is the tokens fed. Full windows with the
    last one pinned to the end re-ran up to a whole window of tokens (a 200-token note cost 252);
    even windows feed ``n + (k - 1) * overlap`` (and a few rounding tokens), and every window
    keeps as much context as the next.
    """
    if n <= size:
        return [(0, n)]
    k = -(-(n - overlap) // (size - overlap))  # ceil: the fewest windows that fit
    width = -(-(n + (k - 1) * overlap) // k)  # ceil: <= size because k windows fit
    starts = [i * (n - width) // (k - 1) for i in range(k)]  # the last one ends at n
    return [(start, start + width) for start in starts]


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True), dtype=np.float32)


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


_ORT_KEYS = ("inter_threads", "spinning", "graph_optimization", "execution_mode")


def _flag(cfg: Mapping[str, Any], key: str, *, default: bool) -> bool:
    value = cfg.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"[detectors.transformer] {key} must be true or false")
    return value


def _ort_settings(cfg: Mapping[str, Any]) -> OrtSettings:
    base = OrtSettings()
    inter = cfg.get("inter_threads")
    return OrtSettings(
        threads=None,  # ``threads`` travels separately (the torch backend uses it too)
        inter_threads=None if inter is None else int(inter),
        spinning=_flag(cfg, "spinning", default=base.spinning),
        graph_optimization=str(cfg.get("graph_optimization", base.graph_optimization)),
        execution_mode=str(cfg.get("execution_mode", base.execution_mode)),
    )


def onnx_runner(
    path: Path, *, threads: int | None = None, settings: OrtSettings | None = None
) -> Runner:
    """An onnxruntime session as a Runner; feeds only the inputs the graph declares."""
    import onnxruntime as ort

    settings = settings or OrtSettings()
    if threads is not None:
        settings = dataclasses.replace(settings, threads=int(threads))
    session = ort.InferenceSession(
        str(path), sess_options=settings.session_options(), providers=["CPUExecutionProvider"]
    )
    names = {i.name for i in session.get_inputs()}
    output = session.get_outputs()[0].name

    def run(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        result = session.run([output], {k: v for k, v in feed.items() if k in names})[0]
        return np.asarray(result)

    return run


def torch_runner(path: Path, *, device: str = "cpu", threads: int | None = None) -> Runner:
    """A local Hugging Face token-classification model as a Runner (imports torch)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModelForTokenClassification

    if threads:
        torch.set_num_threads(int(threads))
    if not (path / "config.json").is_file():
        raise ConfigError(f"{path} has no torch weights (config.json); use backend='onnx'")
    model = AutoModelForTokenClassification.from_pretrained(str(path), local_files_only=True)
    model.to(device).eval()
    return module_runner(model, device=device)


def module_runner(model: Any, *, device: str = "cpu") -> Runner:
    """Wrap an in-memory torch token-classification model (used during training for dev eval)."""
    import torch

    uses_types = _uses_token_types(model)

    def run(ids: np.ndarray, mask: np.ndarray, types: np.ndarray) -> np.ndarray:
        kwargs = {
            "input_ids": torch.from_numpy(ids).to(device),
            "attention_mask": torch.from_numpy(mask).to(device),
        }
        if uses_types:
            kwargs["token_type_ids"] = torch.from_numpy(types).to(device)
        with torch.inference_mode():
            logits = model(**kwargs).logits
        return np.asarray(logits.float().cpu().numpy())

    return run


def _uses_token_types(model: Any) -> bool:
    return int(getattr(model.config, "type_vocab_size", 0) or 0) > 1
