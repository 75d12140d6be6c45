"""``dcmcore codify PATH [OUTFILE]``: Python code that builds the file's dataset.

The arguments and the work are :mod:`dcmcore.util.codify`'s (pydicom's ``codify``
command line: ``-e/--exclude-size``, ``-p/--include-private``, ``-s/--save-as``); this
module adds ``example:NAME`` paths and the command's error convention. Registered only
when :mod:`dcmcore.util.codify` is installed with dcmcore.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from pathlib import Path

from dcmcore.cli._common import (
    EXAMPLE_PREFIX,
    EXIT_FAILED,
    EXIT_OK,
    add_parser,
    report_error,
    resolve_path,
)

__all__ = ["register", "run"]

_CODIFY = "dcmcore.util.codify"
#: Values longer than this are left out by default (pydicom's codify default).
DEFAULT_EXCLUDE_SIZE = 100


def _available() -> bool:
    try:
        return importlib.util.find_spec(_CODIFY) is not None
    except ModuleNotFoundError:  # no dcmcore.util at all
        return False


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``codify`` subcommand (when dcmcore.util.codify exists)."""
    if not _available():
        return
    codify = importlib.import_module(_CODIFY)
    parser = add_parser(
        subparsers, "codify", help="write Python code that recreates a DICOM file",
        description="Write the Python code that builds the file's dataset element by "
                    "element (pydicom's codify). PATH may be example:NAME.")
    codify.set_parser_arguments(parser, DEFAULT_EXCLUDE_SIZE)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the code; an unreadable file is one error line, exit 1."""
    given = args.filespec
    path = resolve_path(given)
    if given.startswith(EXAMPLE_PREFIX) and not args.save_as:
        args.save_as = f"{path.stem}_from_codify.dcm"  # here, not in the package
    args.filespec = str(path)
    codify = importlib.import_module(_CODIFY)  # present: checked at registration
    try:
        codify.do_codify(args)
    except BrokenPipeError:
        raise  # the reader of our output left: main ends quietly
    except Exception as exc:
        report_error(given, exc, debug=bool(getattr(args, "debug", False)))
        if args.outfile:
            Path(args.outfile).unlink(missing_ok=True)
        return EXIT_FAILED
    return EXIT_OK
