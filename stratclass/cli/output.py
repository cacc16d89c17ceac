"""Writing a stream of results where the user asked, and the exit status that follows."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click

from stratclass.cli import RECORDS_FAILED
from stratclass.records import Result


def write_results(
    results: Iterable[Result], fmt: str | None, output: str | None, labels: list[str], labelled: bool = True
) -> None:
    """Stream results to stdout or atomically to `output`; exit 1 if any record failed."""
    from stratclass.sinks import atomic_text_file, format_for_output, make_sink

    fmt = fmt or format_for_output(output, sys.stdout.isatty())
    failed = 0

    def run(stream) -> None:
        nonlocal failed
        colour = stream is sys.stdout and sys.stdout.isatty()
        sink = make_sink(fmt, stream, labels, colour=colour, labelled=labelled)
        for result in results:
            failed += result.error is not None
            sink.write(result)
        sink.close()

    if output and output != "-":
        with atomic_text_file(output) as handle:
            run(handle)
    else:
        run(sys.stdout)
    if failed:
        click.echo(f"stratclass: {failed} record(s) failed; see their error fields", err=True)
        sys.exit(RECORDS_FAILED)


def warn_if_reading_a_terminal(inputs: tuple[str, ...]) -> None:
    if not inputs and sys.stdin.isatty():
        click.echo("stratclass: reading text from stdin (Ctrl-D to end; see --help)", err=True)
