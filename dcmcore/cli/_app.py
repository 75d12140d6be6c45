"""The ``dcmcore`` argument parser and :func:`main`.

Each subcommand lives in its own module ``dcmcore/cli/_<name>.py`` with a
``register(subparsers)`` function that adds its parser and sets ``run`` (a callable
taking the parsed arguments and returning the exit code). :data:`SUBCOMMANDS` lists
them in the order ``--help`` shows them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import Final

from dcmcore import __version__
from dcmcore.cli._common import (
    EXIT_CODES_HELP,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    UsageError,
    report_error,
)

__all__ = ["SUBCOMMANDS", "build_parser", "main"]

#: The subcommand modules (``dcmcore.cli._<name>``), in ``--help`` order.
SUBCOMMANDS: Final = ("show", "plugins", "render", "transcode", "index", "codify")

_DESCRIPTION: Final = """\
Work with DICOM files from the terminal: print them, list the codec plugins,
render frames as PNG, convert folders to another transfer syntax.

examples:
  dcmcore show example:ct
  dcmcore plugins RLELossless
  dcmcore render example:mr -o mr.png
  dcmcore transcode example:ct example:mr -o out --to JPEG2000Lossless --verify
"""


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``dcmcore`` command, with every installed subcommand."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=_DESCRIPTION, epilog=textwrap.fill(EXIT_CODES_HELP, 79),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", default=False,
                        help="show the traceback of an error")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module_name = f"dcmcore.cli._{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # a subcommand this version does not have
        module.register(subparsers)
    return parser


def _rich_missing() -> bool:
    try:
        import rich  # noqa: F401  (the optional `cli` extra: only checked here)
    except ImportError:
        return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dcmcore`` command with `argv` (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 done, 1 some inputs failed, 2 usage error, 130 interrupted.
    """
    if _rich_missing():
        print(f"{PROG}: error: the dcmcore command needs the 'cli' extra: "
              "pip install 'dcmcore[cli]'", file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    try:
        code: int = run(args)
    except UsageError as exc:
        report_error(None, exc, debug=debug)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `dcmcore show ... | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the exit's flush does not fail again
        return EXIT_OK
    except Exception as exc:
        report_error(None, exc, debug=debug)
        if not debug:
            print(f"{PROG}: (run with --debug for the traceback)", file=sys.stderr)
        return EXIT_FAILED
    return code
