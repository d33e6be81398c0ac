"""`fairdeid evaluate`, `fairdeid audit` and `fairdeid bench`.

stdout carries only the ``--json`` object; tables, progress bars and notes go to stderr. Errors
name files and reasons, never PHI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from fairdeid.cli.app import app, console
from fairdeid.errors import DetectionFailedError

PipelineOpt = Annotated[
    Path | None, typer.Option("--pipeline", "-p", help="Pipeline TOML config (default: built-in).")
]
DetectorOpt = Annotated[
    str | None,
    typer.Option("--detector", "-d", help="Run this one detector on the default config."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")]
ReportOpt = Annotated[
    Path | None, typer.Option("--report", help="Write report.md, report.html and PNGs here.")
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="Input format (default: from the path).")
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed for localization and bootstrap.")]
ResamplesOpt = Annotated[int, typer.Option("--resamples", help="Bootstrap resamples.")]
ProgressOpt = Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bars.")]


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


def _load(path: Path, fmt: str | None) -> list[Any]:
    from fairdeid.errors import FairdeidError
    from fairdeid.evaluate.runner import load_documents

    try:
        docs, skipped = load_documents(path, fmt)
    except FairdeidError as exc:
        raise _fail(str(exc)) from None
    if skipped:
        console.print(
            f"[yellow]skipped {len(skipped)} invalid record(s)[/yellow], first: {skipped[0]}"
        )
    if not docs:
        raise _fail(f"no documents in {path.name}")
    return docs


def _pipeline(config: Path | None, detector: str | None) -> Any:
    from fairdeid.errors import FairdeidError
    from fairdeid.evaluate.runner import build_pipeline

    if config is not None and detector is not None:
        raise _fail("give --pipeline or --detector, not both")
    try:
        return build_pipeline(config, detector)
    except FairdeidError as exc:
        raise _fail(str(exc)) from None


def _label(pipeline: Path | None, detector: str | None, pipe: Any) -> str:
    """Display name of the system: config stem or detector, with the detectors it runs."""
    from fairdeid.evaluate.runner import system_name

    return f"{system_name(pipeline, detector)} ({'+'.join(pipe.detectors)})"


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
    console.print(
        f"[red]{len(failures)} of {total} document(s) could not be checked by every "
        f"detector[/red]; no {what} reported: a detector that failed is not a detector that "
        "found nothing."
    )
    for doc, why in list(failures.items())[:_SHOWN_FAILURES]:
        console.print(f"  [yellow]failed[/yellow] {doc}: {why}")
    if len(failures) > _SHOWN_FAILURES:
        console.print(f"  ... and {len(failures) - _SHOWN_FAILURES} more (all in --json output)")


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
        console.print(f"error report written to {path}")
    return typer.Exit(code=1)


@app.command("evaluate")
def evaluate_cmd(
    gold: Annotated[Path, typer.Argument(help="Annotated gold documents (file or folder).")],
    pipeline: PipelineOpt = None,
    detector: DetectorOpt = None,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    fmt: FormatOpt = None,
    seed: SeedOpt = 0,
    resamples: ResamplesOpt = 1000,
    progress: ProgressOpt = True,
) -> None:
    """Score a pipeline against gold spans: strict, partial, binary_token, leak_rate, retention.

    Exit code 1, and no metrics, when a detector failed on any document (listed with reasons).
    """
    from fairdeid.errors import FairdeidError
    from fairdeid.evaluate import evaluate_pipeline
    from fairdeid.evaluate.runner import progress_bar

    docs = _load(gold, fmt)
    pipe = _pipeline(pipeline, detector)
    try:
        with progress_bar(progress, console) as bar:
            result, pred = evaluate_pipeline(pipe, docs, n_boot=resamples, seed=seed, progress=bar)
    except DetectionFailedError as exc:
        raise _detection_failed(exc, as_json=as_json, report=report, what="metrics") from None
    except FairdeidError as exc:  # e.g. a detector emitting a label outside the taxonomy
        raise _fail(str(exc)) from None
    out = result.to_json()
    system = _label(pipeline, detector, pipe)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        _print_evaluation(out, f"{system} on {len(docs)} documents")
    if report is not None:
        from fairdeid.evaluate.missed import worst_missed
        from fairdeid.evaluate.report import ReportData, write_report

        data = ReportData(system=system, evaluation=out, missed=worst_missed(docs, pred))
        paths = write_report(report, data)
        console.print(f"report written to {paths['report.html'].parent}")


def _print_evaluation(out: dict[str, Any], title: str) -> None:
    from rich.table import Table

    table = Table(title=title)
    for col in ("metric", "precision", "recall", "F1"):
        table.add_column(col)
    for name in ("strict", "partial", "binary_token"):
        table.add_row(name, *(_pct(out[name][k]) for k in ("precision", "recall", "f1")))
    console.print(table)
    console.print(
        f"leak_rate {_pct(out['leak_rate']['value'])}%   "
        f"retention {_pct(out['retention']['value'])}%   "
        f"{out['words']} words in {out['seconds']:.2f} s"
    )


@app.command("audit")
def audit_cmd(
    gold: Annotated[Path, typer.Argument(help="Annotated gold documents (file or folder).")],
    locales: Annotated[
        str,
        typer.Option("--locales", "-l", help="Comma-separated locales; en_US is the reference."),
    ] = "en_US,en_GB,en_IN,zh_CN,hi_IN,es_MX,en_NG",
    genders: Annotated[
        bool, typer.Option("--genders", help="Also measure the gender gap.")
    ] = False,
    pipeline: PipelineOpt = None,
    detector: DetectorOpt = None,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    fmt: FormatOpt = None,
    seed: SeedOpt = 0,
    resamples: ResamplesOpt = 1000,
    progress: ProgressOpt = True,
) -> None:
    """Locale and gender fairness audit: same notes, identifiers from other locales.

    Exit code 1, and no audit, when a detector failed on any document of any variant.
    """
    from rich.table import Table

    from fairdeid.errors import FairdeidError
    from fairdeid.evaluate.audit import run_audit
    from fairdeid.evaluate.runner import progress_bar

    docs = _load(gold, fmt)
    pipe = _pipeline(pipeline, detector)
    wanted = [loc.strip() for loc in locales.split(",") if loc.strip()]
    try:
        with progress_bar(progress, console) as bar:
            result = run_audit(
                pipe, docs, wanted, genders=genders, seed=seed, n_boot=resamples, progress=bar
            )
    except DetectionFailedError as exc:
        raise _detection_failed(exc, as_json=as_json, report=report, what="audit") from None
    except ImportError:
        raise _fail("the localizer (fairdeid.corpora.localize) is not available") from None
    except FairdeidError as exc:
        raise _fail(str(exc)) from None
    out = result.to_json()
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        table = Table(title=f"{_label(pipeline, detector, pipe)}: recall per locale")
        for col in (
            "locale",
            "NAME recall",
            "all-PHI recall",
            "NAME drop vs en_US",
            "NAME gap sig.",
        ):
            table.add_column(col)
        for r in out["locales"]:
            drop = r.get("name_recall_relative_drop")
            gap = r.get("name_recall_gap")
            table.add_row(
                r["locale"],
                _pct(r["name_recall"]["value"]),
                _pct(r["recall"]["value"]),
                "ref" if drop is None else _pct(drop["value"]),
                "ref" if gap is None else ("yes" if gap["significant"] else "no"),
            )
        console.print(table)
        for line in out["verdicts"]:
            console.print(f"• {line}")
    if report is not None:
        from fairdeid.evaluate.report import ReportData, write_report

        paths = write_report(
            report,
            ReportData(
                title="fairdeid fairness audit", system=_label(pipeline, detector, pipe), audit=out
            ),
        )
        console.print(f"report written to {paths['report.html'].parent}")


@app.command("bench")
def bench_cmd(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="Documents to time.")],
    pipelines: Annotated[
        list[Path] | None, typer.Option("--pipeline", "-p", help="Pipeline TOML (repeatable).")
    ] = None,
    detectors: Annotated[
        list[str] | None, typer.Option("--detector", "-d", help="Detector name (repeatable).")
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
) -> None:
    """Warm words per second, model-load seconds and peak memory per system (median of runs).

    A system whose detector failed on any document is not timed; it is listed with the failed
    documents and the exit code is 1 (the other systems are still measured).
    """
    from fairdeid.evaluate.bench import systems_from_options

    docs = _load(input_path, fmt)
    systems = systems_from_options([str(p) for p in pipelines or []], detectors)
    results, failed = _bench_all(systems, docs, repeat=repeat, isolate=isolate, trace=trace)
    if as_json:
        out: dict[str, Any] = {"systems": results}
        if failed:
            out["failed"] = [
                {"name": name, "documents": exc.total, "failed": _failure_rows(exc.failures)}
                for name, exc in failed.items()
            ]
        print(json.dumps(out, ensure_ascii=False))
    elif results:
        _print_bench(results, len(docs))
    if report is not None and results:
        from fairdeid.evaluate.report import ReportData, write_report

        paths = write_report(
            report, ReportData(title="fairdeid throughput benchmark", bench=results)
        )
        console.print(f"report written to {paths['report.html'].parent}")
    if failed:
        for name, exc in failed.items():
            console.print(f"[red]{name}:[/red]")
            _print_failures(exc.failures, exc.total, "timing")
        merged = {
            f"{doc} [{name}]": why
            for name, exc in failed.items()
            for doc, why in exc.failures.items()
        }
        path = _write_failures(report, merged)
        if path is not None:
            console.print(f"error report written to {path}")
        raise typer.Exit(code=1)


def _bench_all(
    systems: list[Any], docs: list[Any], *, repeat: int, isolate: bool, trace: bool
) -> tuple[list[dict[str, Any]], dict[str, DetectionFailedError]]:
    """Measure each system; a system whose detector failed is set aside with its failures."""
    from fairdeid.errors import FairdeidError
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
                raise _fail(f"{system.name}: {exc}") from None
            else:
                results.append(bench.to_json())
            if bar is not None and task is not None:
                bar.advance(task)
    return results, failed


def _print_bench(results: list[dict[str, Any]], n_docs: int) -> None:
    from rich.table import Table

    table = Table(title=f"throughput on {n_docs} documents")
    for col in ("system", "words/s", "load s", "peak RSS MB", "token recall %"):
        table.add_column(col)
    for b in results:
        ev = b.get("evaluation") or {}
        table.add_row(
            b["name"],
            f"{b['words_per_second']:.0f}",
            f"{b['load_seconds']:.2f}",
            f"{b['peak_rss_mb']:.0f}",
            _pct((ev.get("binary_token") or {}).get("recall")),
        )
    console.print(table)
