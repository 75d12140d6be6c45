"""``dcmcore codify PATH``: Python code that builds the file's dataset (``dcmcore.util.codify``).

Registered only when :mod:`dcmcore.util.codify` is installed with dcmcore.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path

from dcmcore.cli._common import EXIT_FAILED, EXIT_OK, add_parser, report_error, resolve_path

__all__ = ["register", "run"]

_CODIFY = "dcmcore.util.codify"


def _available() -> bool:
    try:
        return importlib.util.find_spec(_CODIFY) is not None
    except ModuleNotFoundError:  # no dcmcore.util at all
        return False


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``codify`` subcommand (when dcmcore.util.codify exists)."""
    if not _available():
        return
    parser = add_parser(
        subparsers, "codify", help="write Python code that recreates a DICOM file",
        description="Write the Python code that builds the file's dataset element by "
                    "element, as pydicom's codify does.")
    parser.add_argument("path", metavar="PATH", help="a DICOM file or example:NAME")
    parser.add_argument("-o", "--output", default=None, metavar="OUT.py",
                        help="write the code here (default: standard output)")
    parser.add_argument("-e", "--exclude-size", type=int, default=100, metavar="BYTES",
                        help="leave out values longer than this (default 100)")
    parser.add_argument("-p", "--include-private", action="store_true",
                        help="include private elements")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the code; an unreadable file is one error line, exit 1."""
    path = resolve_path(args.path)
    codify = importlib.import_module(_CODIFY)  # present: checked at registration
    try:
        code: str = codify.code_file(str(path), args.exclude_size, args.include_private)
    except Exception as exc:
        report_error(args.path, exc, debug=bool(getattr(args, "debug", False)))
        return EXIT_FAILED
    if args.output is None:
        sys.stdout.write(code if code.endswith("\n") else code + "\n")
    else:
        Path(args.output).write_text(code, encoding="utf-8")
    return EXIT_OK
