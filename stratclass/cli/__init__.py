"""The `stratclass` command: a click group whose commands only turn arguments into library calls."""

from __future__ import annotations

import sys
import warnings

import click

from stratclass import __version__

USAGE_ERROR = 2
RECORDS_FAILED = 1


class UserError(click.ClickException):
    """A one-line error for the user; exit status 2."""

    exit_code = USAGE_ERROR

    def show(self, file=None) -> None:
        click.echo(f"stratclass: error: {self.format_message()}", file=file or sys.stderr)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    click.echo(f"stratclass: warning: {message}", err=True)


class StratclassGroup(click.Group):
    """Reports library errors as one line (exit 2); `--debug` shows the traceback instead."""

    def invoke(self, ctx: click.Context):
        from stratclass.errors import StratclassError

        warnings.showwarning = _show_warning
        try:
            return super().invoke(ctx)
        except StratclassError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise UserError(str(exc)) from exc
        except BrokenPipeError:  # e.g. `stratclass classify ... | head`
            sys.stderr.close()
            sys.exit(0)


@click.group(cls=StratclassGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stratclass")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Label text about companies as infrastructure- or consumer-oriented strategy, with key phrases.

    \b
    Examples:
      stratclass classify article.txt news/ 'reports/*.md'
      stratclass phrases article.txt --top-phrases 5
      cat statement.txt | stratclass classify --format jsonl
      stratclass train corpus/ --output my-model --cv 5
      stratclass evaluate --model my-model held-out.jsonl --output metrics.json
      stratclass info

    Exit status: 0 all records fine, 1 some records failed (each still has an error
    record), 2 usage error (bad arguments, unreadable model or corpus).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    from stratclass.cli.batch import batch_command
    from stratclass.cli.classify import classify_command
    from stratclass.cli.evaluate import evaluate_command
    from stratclass.cli.info import info_command
    from stratclass.cli.phrases import phrases_command
    from stratclass.cli.train import train_command

    for command in (
        classify_command,
        phrases_command,
        batch_command,
        train_command,
        evaluate_command,
        info_command,
    ):
        main.add_command(command)


_register()
