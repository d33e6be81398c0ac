"""`fairdeid evaluate`, `fairdeid audit` and `fairdeid bench`.

Results go to stdout: the ``--json`` object, or the tables (Rich on a terminal, tab-separated in
a pipe, so ``> results.txt`` keeps them). Progress bars and notes go to stderr. Errors name files
and reasons, never PHI.

``--config/-c`` and ``--detectors/-d`` are the same options as in ``deidentify``; the older
``--pipeline/-p`` and ``--detector`` still work for now, hidden, with a deprecation note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from fairdeid.cli.app import (
    command,
    console,
    deprecated,
    emit_line,
    emit_table,
    fail,
    lang_option,
    note,
)
from fairdeid.cli.app import plural as _plural
from fairdeid.errors import DetectionFailedError, FairdeidError

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", metavar="FILE", help="Pipeline TOML (default: built-in)."),
]
DetectorsOpt = Annotated[
    str | None,
    typer.Option(
        "--detectors", "-d", metavar="NAMES",
        help="Comma-separated detectors to run (default: the config's).",
    ),
]
#: The old spellings, kept hidden for a release.
OldPipelineOpt = Annotated[Path | None, typer.Option("--pipeline", "-p", hidden=True)]
OldDetectorOpt = Annotated[str | None, typer.Option("--detector", hidden=True)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")]
ReportOpt = Annotated[
    Path | None,
    typer.Option("--report", metavar="DIR", help="Write report.md, report.html and PNGs here."),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", metavar="FORMAT", help="Input format (default: from the path)."
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed for localization and bootstrap.")]
ResamplesOpt = Annotated[int, typer.Option("--resamples", help="Bootstrap resamples.")]
ProgressOpt = Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bars.")]
LangOpt = Annotated[str | None, lang_option()]
ScopeOpt = Annotated[
    str,
    typer.Option(
        "--scope", metavar="SCOPE",
        help="Gold to score against: 'all' spans (default), or 'preset': only those the "
        "policy (preset, ignored labels, ages under 90 for safe_harbor) removes; spans it "
        "keeps leave gold and predictions, and the output says how many.",
    ),
]


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()] or None


def _system(
    config: Path | None, detectors: str | None, old_pipeline: Path | None, old_detector: str | None
) -> tuple[Path | None, list[str] | None]:
    """The config and detectors asked for, accepting the deprecated spellings."""
    if old_pipeline is not None:
        deprecated("--pipeline/-p", "--config/-c")
        if config is not None:
            raise fail("give --config (or the old --pipeline), not both")
        config = old_pipeline
    if old_detector is not None:
        deprecated("--detector", "--detectors/-d")
        if detectors is not None:
            raise fail("give --detectors (or the old --detector), not both")
        detectors = old_detector
    return config, _split(detectors)


def _check_first(config: Path | None, detectors: list[str] | None, report: Path | None) -> None:
    """Everything that can be refused without reading data or loading a model (exit 2)."""
    from fairdeid.cli.extras import require, require_pipeline

    try:
        if report is not None:
            require("--report", ["matplotlib"])
        require_pipeline(config, detectors)
    except FairdeidError as exc:
        raise fail(str(exc)) from None


def _load(path: Path, fmt: str | None) -> list[Any]:
    from fairdeid.evaluate.runner import load_documents

    try:
        docs, skipped = load_documents(path, fmt)
    except FairdeidError as exc:
        raise fail(str(exc)) from None
    if skipped:
        note(f"skipped {_plural(len(skipped), 'invalid record')}, first: {skipped[0]}", "yellow")
    if not docs:
        raise fail(f"no documents in {path.name}")
    return docs


def _pipeline(
    config: Path | None, detectors: list[str] | None, language: str | None = None
) -> Any:
    """Tag mode, so ``leak_rate`` means what ``metrics.py`` says."""
    from fairdeid.cli.extras import missing_extra_is_an_error
    from fairdeid.pipeline import Pipeline

    try:
        with missing_extra_is_an_error("this pipeline"):
            return Pipeline.from_config(
                config, detectors=detectors, mode="tag", language=language)
    except FairdeidError as exc:
        raise fail(str(exc)) from None


def _label(config: Path | None, detectors: list[str] | None, pipe: Any) -> str:
    """Display name of the system: detectors or config stem, with the detectors it runs."""
    from fairdeid.evaluate.runner import system_name

    name = "+".join(detectors) if detectors else system_name(config, None)
    return f"{name} ({'+'.join(pipe.detectors)})"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


#: Failed documents listed on the console; the rest are in --json and in the report's errors.
_SHOWN_FAILURES = 20


def _failure_rows(failures: dict[str, str]) -> list[dict[str, str]]:
    return [{"id": doc, "reason": why} for doc, why in failures.items()]


def _write_failures(report: Path | None, failures: dict[str, str]) -> Path | None:
    """Every failed document in ``REPORT/errors.jsonl``, so a long list is never cut short."""
    if report is None:
        return None
    from fairdeid.errors import RecordError
    from fairdeid.io.writers import write_error_report

    report.mkdir(parents=True, exist_ok=True)
    path = report / "errors.jsonl"
    write_error_report([RecordError(doc, why) for doc, why in failures.items()], path)
    return path


def _print_failures(failures: dict[str, str], total: int, what: str) -> None:
    """Name each failed document and why (ids and detector reasons only, never text)."""
    note(
        f"{len(failures)} of {_plural(total, 'document')} could not be checked by every "
        f"detector; no {what} reported: a detector that failed is not a detector that "
        "found nothing.",
        "red",
    )
    for doc, why in list(failures.items())[:_SHOWN_FAILURES]:
        note(f"  failed {doc}: {why}", "yellow")
    if len(failures) > _SHOWN_FAILURES:
        note(f"  ... and {len(failures) - _SHOWN_FAILURES} more (all in --json output)")


def _detection_failed(
    exc: DetectionFailedError, *, as_json: bool, report: Path | None, what: str
) -> typer.Exit:
    """Report the documents a detector failed on and exit 1: never score them as "no PHI"."""
    if as_json:
        out = {
            "error": "detection_failed",
            "documents": exc.total,
            "failed": _failure_rows(exc.failures),
        }
        print(json.dumps(out, ensure_ascii=False))
    _print_failures(exc.failures, exc.total, what)
    path = _write_failures(report, exc.failures)
    if path is not None:
        note(f"error report written to {path}")
    return typer.Exit(code=1)


@command("evaluate")
def evaluate_cmd(
    gold: Annotated[
        Path, typer.Argument(metavar="GOLD", help="Annotated gold documents (file or folder).")
    ],
    config: ConfigOpt = None,
    detectors: DetectorsOpt = None,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    fmt: FormatOpt = None,
    seed: SeedOpt = 0,
    resamples: ResamplesOpt = 1000,
    progress: ProgressOpt = True,
    lang: LangOpt = None,
    scope: ScopeOpt = "all",
    old_pipeline: OldPipelineOpt = None,
    old_detector: OldDetectorOpt = None,
) -> None:
    """Score a pipeline against gold spans: strict, partial, binary_token, leak_rate, retention.

    Exit code 1, and no metrics, when a detector failed on any document (listed with reasons).
    """
    from fairdeid.evaluate import evaluate_pipeline
    from fairdeid.evaluate.runner import progress_bar
    from fairdeid.evaluate.scope import SCOPES

    if scope not in SCOPES:
        raise fail(f"--scope must be one of: {', '.join(SCOPES)} (got {scope!r})")
    config, names = _system(config, detectors, old_pipeline, old_detector)
    _check_first(config, names, report)
    docs = _load(gold, fmt)
    pipe = _pipeline(config, names, lang)
    try:
        with progress_bar(progress, console) as bar:
            result, pred = evaluate_pipeline(
                pipe, docs, n_boot=resamples, seed=seed, progress=bar, scope=scope)
    except DetectionFailedError as exc:
        raise _detection_failed(exc, as_json=as_json, report=report, what="metrics") from None
    except FairdeidError as exc:  # e.g. a detector emitting a label outside the taxonomy
        raise fail(str(exc)) from None
    out = result.to_json()
    system = _label(config, names, pipe)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        _print_evaluation(out, f"{system} on {_plural(len(docs), 'document')}")
        if "scope" in out:
            _print_scope(out["scope"])
    if report is not None:
        from fairdeid.evaluate.missed import worst_missed
        from fairdeid.evaluate.report import ReportData, write_report

        data = ReportData(system=system, evaluation=out, missed=worst_missed(docs, pred))
        paths = write_report(report, data)
        note(f"report written to {paths['report.html'].parent}")


def _print_evaluation(out: dict[str, Any], title: str) -> None:
    emit_table(
        title,
        ("metric", "precision %", "recall %", "F1 %"),
        [
            [name, *(_pct(out[name][k]) for k in ("precision", "recall", "f1"))]
            for name in ("strict", "partial", "binary_token")
        ],
        right=("precision %", "recall %", "F1 %"),
    )
    emit_line(
        f"leak_rate {_pct(out['leak_rate']['value'])}%   "
        f"retention {_pct(out['retention']['value'])}%   "
        f"{_plural(out['words'], 'word')} in {out['seconds']:.2f} s"
    )


def _print_scope(scope: dict[str, Any]) -> None:
    """Say what ``--scope preset`` left out, so the numbers are never read as "all gold"."""

    def counts(by_label: dict[str, int]) -> str:
        return ", ".join(f"{label} {n}" for label, n in by_label.items()) or "none"

    emit_line(
        f"scope {scope['name']}: scored against the gold the policy removes; left out as kept "
        f"by the policy: gold {counts(scope['gold_dropped'])}; predicted "
        f"{counts(scope['pred_dropped'])}"
    )


@command("audit")
def audit_cmd(
    gold: Annotated[
        Path, typer.Argument(metavar="GOLD", help="Annotated gold documents (file or folder).")
    ],
    locales: Annotated[
        str,
        typer.Option(
            "--locales", "-l", metavar="CODES",
            help="Comma-separated locales, or 'all' for every pool; en_US is the reference.",
        ),
    ] = "en_US,en_GB,en_IN,zh_CN,hi_IN,es_MX,en_NG,tr_TR,pl_PL",
    genders: Annotated[
        bool, typer.Option("--genders", help="Also measure the gender gap.")
    ] = False,
    config: ConfigOpt = None,
    detectors: DetectorsOpt = None,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    fmt: FormatOpt = None,
    seed: SeedOpt = 0,
    resamples: ResamplesOpt = 1000,
    progress: ProgressOpt = True,
    lang: LangOpt = None,
    old_pipeline: OldPipelineOpt = None,
    old_detector: OldDetectorOpt = None,
) -> None:
    """Locale and gender fairness audit: same notes, identifiers from other locales.

    Exit code 1, and no audit, when a detector failed on any document of any variant.
    """
    from fairdeid.evaluate.audit import run_audit
    from fairdeid.evaluate.runner import progress_bar

    config, names = _system(config, detectors, old_pipeline, old_detector)
    _check_first(config, names, report)
    docs = _load(gold, fmt)
    pipe = _pipeline(config, names, lang)
    from fairdeid.locales import expand_locales

    wanted = expand_locales(locales)
    try:
        with progress_bar(progress, console) as bar:
            result = run_audit(
                pipe, docs, wanted, genders=genders, seed=seed, n_boot=resamples, progress=bar
            )
    except DetectionFailedError as exc:
        raise _detection_failed(exc, as_json=as_json, report=report, what="audit") from None
    except ImportError:
        raise fail("the localizer (fairdeid.corpora.multicultural) is not available") from None
    except FairdeidError as exc:
        raise fail(str(exc)) from None
    out = result.to_json()
    system = _label(config, names, pipe)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        _print_audit(out, system)
    if report is not None:
        from fairdeid.evaluate.report import ReportData, write_report

        paths = write_report(
            report, ReportData(title="fairdeid fairness audit", system=system, audit=out)
        )
        note(f"report written to {paths['report.html'].parent}")


def _print_audit(out: dict[str, Any], system: str) -> None:
    rows = []
    for r in out["locales"]:
        drop = r.get("name_recall_relative_drop")
        gap = r.get("name_recall_gap")
        rows.append([
            r["locale"],
            _pct(r["name_recall"]["value"]),
            _pct(r["recall"]["value"]),
            "ref" if drop is None else _pct(drop["value"]),
            "ref" if gap is None else ("yes" if gap["significant"] else "no"),
        ])
    emit_table(
        f"{system}: recall per locale",
        ("locale", "NAME recall %", "all-PHI recall %", "NAME drop vs en_US %", "NAME gap sig."),
        rows,
        right=("NAME recall %", "all-PHI recall %", "NAME drop vs en_US %"),
    )
    for line in out["verdicts"]:
        emit_line(f"• {line}")


@command("bench")
def bench_cmd(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="Documents to time.")],
    configs: Annotated[
        list[Path] | None,
        typer.Option(
            "--config", "-c", metavar="FILE",
            help="Pipeline TOML: one system each (repeatable).",
        ),
    ] = None,
    detectors: Annotated[
        list[str] | None,
        typer.Option(
            "--detectors", "-d", metavar="NAME",
            help="Detector run alone on the default config: one system each (repeatable).",
        ),
    ] = None,
    repeat: Annotated[int, typer.Option("--repeat", "-n", min=1, help="Timed passes.")] = 3,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    fmt: FormatOpt = None,
    isolate: Annotated[
        bool, typer.Option("--isolate/--no-isolate", help="One fresh process per system.")
    ] = True,
    trace: Annotated[
        bool, typer.Option("--tracemalloc", help="Also report the Python-heap peak (slower).")
    ] = False,
    old_pipelines: Annotated[
        list[Path] | None, typer.Option("--pipeline", "-p", hidden=True)
    ] = None,
    old_detectors: Annotated[list[str] | None, typer.Option("--detector", hidden=True)] = None,
    lang: LangOpt = None,
    suite: Annotated[
        str | None,
        typer.Option(
            "--suite", metavar="NAME",
            help="Measure a named set of systems: 'paper' = rules, crf, transformer, default, "
            "presidio, pydeid, scrubadub, llm, llm_hybrid (local SmolLM2, started and stopped "
            "here). Rows whose extra is missing are listed as skipped. -c/-d systems are added.",
        ),
    ] = None,
    llm_limit: Annotated[
        int | None,
        typer.Option(
            "--llm-limit", metavar="N", min=1,
            help="With --suite: the LLM rows read only the first N documents (default: all).",
        ),
    ] = None,
    llm_threads: Annotated[
        int,
        typer.Option(
            "--llm-threads", metavar="N", min=0,
            help="With --suite: CPU threads of the local LLM server (0: all cores; 1 is often "
            "faster on a busy machine).",
        ),
    ] = 0,
) -> None:
    """Warm words per second, model-load seconds, peak memory and CPU seconds per 1,000 words
    per system (median of runs), with recall, precision and leak rate when INPUT has gold spans.

    A system whose detector failed on any document is not timed; it is listed with the failed
    documents and the exit code is 1 (the other systems are still measured).
    """
    from fairdeid.evaluate.bench import systems_from_options

    if old_pipelines:
        deprecated("--pipeline/-p", "--config/-c")
    if old_detectors:
        deprecated("--detector", "--detectors/-d")
    configs = [*(configs or []), *(old_pipelines or [])]
    detectors = [*(detectors or []), *(old_detectors or [])]
    if report is not None:
        _check_first(None, None, report)
    for cfg in configs:
        _check_first(cfg, None, None)
    for name in detectors:
        _check_first(None, [name], None)
    docs = _load(input_path, fmt)
    if lang is not None:
        from fairdeid.lang.routing import check_language

        try:
            check_language(lang)
        except FairdeidError as bad:
            raise fail(str(bad)) from None
    if (llm_limit is not None or llm_threads) and suite is None:
        raise fail("--llm-limit and --llm-threads apply to the LLM rows of --suite")
    results: list[dict[str, Any]] = []
    failed: dict[str, DetectionFailedError] = {}
    skipped: list[dict[str, str]] = []
    if suite is not None:
        results, failed, skipped = _bench_suite(
            suite, docs, lang, (llm_limit, llm_threads), repeat=repeat, isolate=isolate,
            trace=trace,
        )
    if suite is None or configs or detectors:
        systems = systems_from_options([str(p) for p in configs], detectors, lang)
        more, more_failed = _bench_all(systems, docs, repeat=repeat, isolate=isolate, trace=trace)
        results += more
        failed.update(more_failed)
    if as_json:
        out: dict[str, Any] = {"systems": results}
        if suite is not None:
            out.update(suite=suite, llm_limit=llm_limit, skipped=skipped)
        if failed:
            out["failed"] = [
                {"name": name, "documents": exc.total, "failed": _failure_rows(exc.failures)}
                for name, exc in failed.items()
            ]
        print(json.dumps(out, ensure_ascii=False))
    elif results or skipped:
        _print_bench(results, len(docs), skipped)
    if report is not None and (results or skipped):
        from fairdeid.evaluate.report import ReportData, write_report

        paths = write_report(
            report,
            ReportData(
                title="fairdeid throughput benchmark",
                bench=results,
                bench_skipped=skipped,
                notes=_suite_notes(suite, llm_limit, len(docs)),
            ),
        )
        note(f"report written to {paths['report.html'].parent}")
    if failed:
        for name, exc in failed.items():
            note(f"{name}:", "red")
            _print_failures(exc.failures, exc.total, "timing")
        merged = {
            f"{doc} [{name}]": why
            for name, exc in failed.items()
            for doc, why in exc.failures.items()
        }
        path = _write_failures(report, merged)
        if path is not None:
            note(f"error report written to {path}")
        raise typer.Exit(code=1)
    if any(s["skipped"].startswith("failed:") for s in skipped):
        raise typer.Exit(code=1)


def _bench_all(
    systems: list[Any], docs: list[Any], *, repeat: int, isolate: bool, trace: bool
) -> tuple[list[dict[str, Any]], dict[str, DetectionFailedError]]:
    """Measure each system; a system whose detector failed is set aside with its failures."""
    from fairdeid.evaluate.bench import bench_system
    from fairdeid.evaluate.runner import progress_bar

    results: list[dict[str, Any]] = []
    failed: dict[str, DetectionFailedError] = {}
    with progress_bar(True, console) as bar:
        task = bar.add_task("benchmarking", total=len(systems)) if bar else None
        for system in systems:
            if bar is not None and task is not None:
                bar.update(task, description=f"benchmarking {system.name}")
            try:
                bench = bench_system(system, docs, repeat=repeat, isolate=isolate, trace=trace)
            except DetectionFailedError as exc:
                failed[system.name] = exc
            except FairdeidError as exc:
                raise fail(f"{system.name}: {exc}") from None
            else:
                results.append(bench.to_json())
            if bar is not None and task is not None:
                bar.advance(task)
    return results, failed


def _bench_suite(
    suite: str,
    docs: list[Any],
    lang: str | None,
    llm: tuple[int | None, int],
    *,
    repeat: int,
    isolate: bool,
    trace: bool,
) -> tuple[list[dict[str, Any]], dict[str, DetectionFailedError], list[dict[str, str]]]:
    """The rows of ``suite``; the LLM rows against a local server started (and stopped) here,
    on the first ``llm[0]`` documents (all if ``None``) with ``llm[1]`` server threads."""
    from fairdeid.evaluate import suite as suites

    llm_limit, llm_threads = llm
    if suite not in suites.SUITES:
        raise fail(f"unknown suite {suite!r}; suites: {', '.join(sorted(suites.SUITES))}")
    chosen = suites.plan(suite, lang or "en")
    skipped = [s.to_json() for s in chosen.skipped]
    for s in chosen.skipped:
        note(f"{s.name}: {s.reason}", "yellow")
    systems = [r.system for r in chosen.other_rows if r.system is not None]
    results, failed = _bench_all(systems, docs, repeat=repeat, isolate=isolate, trace=trace)
    if chosen.llm_rows:
        llm_docs = docs[:llm_limit] if llm_limit else docs
        note(f"starting the local LLM server for {_plural(len(llm_docs), 'document')} ...")
        try:
            with suites.local_llm_server(llm_threads) as server:
                more, more_failed = _bench_all(
                    suites.llm_systems(chosen.llm_rows, server), llm_docs,
                    repeat=repeat, isolate=isolate, trace=trace,
                )  # fmt: skip
        except FairdeidError as exc:
            # The other rows are measured: keep them, and say why these ones are not (exit 1).
            note(f"local LLM server: {exc}", "red")
            skipped += [
                {"name": row.name, "skipped": f"failed: local LLM server: {exc}"}
                for row in chosen.llm_rows
            ]
            return results, failed, skipped
        results += suites.with_server_load(more, server)
        failed.update(more_failed)
    return results, failed, skipped


def _suite_notes(suite: str | None, llm_limit: int | None, n_docs: int) -> list[str]:
    if suite is None:
        return []
    notes = [
        f"suite {suite!r}: every row in a fresh process; the LLM rows start SmolLM2-135M "
        "(llama-cpp-python) on loopback, whose start-up, CPU seconds and peak RSS count as theirs"
    ]
    if llm_limit and llm_limit < n_docs:
        notes.append(f"LLM rows: the first {llm_limit} of {n_docs} documents (--llm-limit)")
    return notes


def _print_bench(
    results: list[dict[str, Any]], n_docs: int, skipped: list[dict[str, str]] | None = None
) -> None:
    from fairdeid.evaluate.report import bench_rows

    header, rows = bench_rows(results, skipped or [])
    emit_table(
        f"throughput on {_plural(n_docs, 'document')}", header, rows, right=header[1:]
    )
