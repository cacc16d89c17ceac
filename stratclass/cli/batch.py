"""`stratclass batch`: label feeds, OPML lists and exports into a JSONL or CSV file, resumably."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from stratclass.cli import RECORDS_FAILED
from stratclass.cli.options import (
    batch_size_option,
    id_field_option,
    jobs_option,
    model_option,
    spacy_model_option,
    text_field_option,
    threshold_option,
    top_phrases_option,
)

if TYPE_CHECKING:  # pragma: no cover
    from tqdm import tqdm

    from stratclass.batch import BatchSummary
    from stratclass.records import Result

INTERRUPTED = 130


@click.command("batch")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="OUT",
    help="Results file, .jsonl or .csv, or - for JSON lines on stdout.",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Keep the results an interrupted run left (or a finished OUT holds) and label only the rest.",
)
@click.option(
    "--retry-errors",
    is_flag=True,
    help="With --resume: drop the earlier run's error records (a feed that was down, a missing file) "
    "and try those records again.",
)
@jobs_option
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Label on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786).",
)
@text_field_option
@id_field_option
@model_option
@spacy_model_option
@threshold_option
@top_phrases_option
@batch_size_option
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Records per unit of work sent to a worker and per journal flush.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=15.0,
    show_default=True,
    help="Seconds to wait for a feed server to connect or send data.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="Further attempts for a feed URL after a timeout, a dropped connection or a 408/429/5xx answer.",
)
def batch_command(
    sources: tuple[str, ...],
    output: str,
    resume: bool,
    retry_errors: bool,
    jobs: int,
    scheduler: str | None,
    text_field: str,
    id_field: str,
    model: str | None,
    spacy_model: str | None,
    threshold: float | None,
    top_phrases: int,
    batch_size: int,
    chunk_size: int,
    timeout: float,
    retries: int,
) -> None:
    """Label every item of SOURCE... into OUT, one result per item, in input order.

    \b
    SOURCE is an RSS or Atom feed (file or http(s) URL), an OPML list of feeds,
    a JSONL or CSV export, a text file, or a folder of these (searched recursively).
    An item seen twice (same id) is labelled once. A source or item that fails
    gets an error record and the run goes on (exit status 1).

    \b
    Results go to a journal beside OUT (.OUT.partial) as they are made; OUT
    appears when the run is complete. If a run is interrupted, run the same
    command with --resume to finish it without labelling anything twice.

    \b
    Examples:
      stratclass batch feeds.opml https://example.com/news.rss --output labels.jsonl
      stratclass batch exports/ --text-field body --jobs 4 --output labels.csv
      stratclass batch big.jsonl --output labels.jsonl --resume
      stratclass batch feeds/ --scheduler tcp://10.0.0.5:8786 --output labels.jsonl
    """
    from stratclass.batch import ClassifierSettings, run_batch
    from stratclass.fetch import FetchOptions
    from stratclass.journal import journal_path

    settings = ClassifierSettings(
        model=model,
        spacy_model=spacy_model,
        threshold=threshold,
        top_phrases=top_phrases,
        batch_size=batch_size,
    )
    progress = _progress_bar() if sys.stderr.isatty() else None

    def on_chunk(results: list[Result], summary: BatchSummary) -> None:
        if progress is not None:
            progress.update(len(results))
            progress.set_postfix(errors=summary.errors, refresh=False)

    try:
        summary = run_batch(
            sources,
            output,
            settings=settings,
            jobs=jobs,
            scheduler=scheduler,
            resume=resume,
            retry_errors=retry_errors,
            text_field=text_field,
            id_field=id_field,
            fetch=FetchOptions(timeout=timeout, retries=retries),
            chunk_size=chunk_size,
            on_chunk=on_chunk,
        )
    except KeyboardInterrupt:
        if output != "-":
            click.echo(
                f"\nstratclass: interrupted; finished records are kept in {journal_path(output)}: "
                f"run the same command with --resume to go on",
                err=True,
            )
        sys.exit(INTERRUPTED)
    finally:
        if progress is not None:
            progress.close()
    click.echo(format_summary(summary), err=True)
    if summary.errors:
        sys.exit(RECORDS_FAILED)


def _progress_bar() -> tqdm:
    from tqdm import tqdm

    bar = tqdm(unit="item", file=sys.stderr, dynamic_ncols=True, desc="labelling")
    bar.set_postfix(errors=0)
    return bar


def format_summary(summary: BatchSummary) -> str:
    """The end-of-run report: totals, then the count per label."""
    parts = [
        f"{summary.labelled} labelled",
        f"{summary.errors} errors",
        f"{summary.duplicates} duplicates skipped",
    ]
    if summary.resumed:
        parts.append(f"{summary.resumed} kept from the interrupted run")
    if summary.retried:
        parts.append(f"{summary.retried} earlier error(s) retried")
    where = "stdout" if summary.output == "-" else summary.output
    lines = [f"stratclass: {summary.items} items in {where}: " + ", ".join(parts)]
    if summary.labels:
        counts = ", ".join(
            f"{label} {n}" for label, n in sorted(summary.labels.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"stratclass: labels: {counts}")
    if summary.errors:
        lines.append("stratclass: see the error field of the failed records for each reason")
    return "\n".join(lines)
