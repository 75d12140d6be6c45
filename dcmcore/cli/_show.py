"""``dcmcore show PATH...``: a dataset as ``str(ds)`` prints it, and who would decode its pixels."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from dcmcore import transfer_syntax
from dcmcore.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_parser,
    report_error,
    resolve_path,
)
from dcmcore.dataset import Dataset, FileDataset
from dcmcore.errors import PluginError
from dcmcore.io.reader import dcmread
from dcmcore.pixels.selection import select
from dcmcore.tag import PIXEL_DATA_TAGS, BaseTag, Tag

__all__ = ["register", "run", "parse_tag", "decoder_line"]

_HEX_TAG = re.compile(r"^\(?([0-9A-Fa-f]{4})[,| ]?([0-9A-Fa-f]{4})\)?$")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``show`` subcommand."""
    parser = add_parser(
        subparsers, "show", help="print a DICOM file's dataset",
        description="Print each file's dataset as str(ds) does, then which codec plugin "
                    "would decode its pixel data.")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="a DICOM file, or example:NAME for a bundled example")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true",
                      help="print the DICOM JSON model (PS3.18 Annex F) instead; with "
                           "several files, one JSON object per line")
    form.add_argument("--top", action="store_true",
                      help="only the top-level elements (sequences not expanded)")
    parser.add_argument("--no-pixels", action="store_true",
                        help="stop reading before the pixel data (faster; no decoder line)")
    parser.add_argument("--tag", nargs="+", metavar="KEYWORD", default=None,
                        help="only these elements: keywords (PatientName) or tags "
                             "(0010,0010 or 00100010)")
    parser.add_argument("--force", action="store_true",
                        help="read files without the DICM preamble too")
    parser.set_defaults(run=run)


def parse_tag(text: str) -> BaseTag:
    """A tag from a keyword or a hex ``gggg,eeee`` / ``ggggeeee`` / ``(gggg,eeee)``.

    Raises
    ------
    UsageError
        Neither a known keyword nor a tag.
    """
    match = _HEX_TAG.match(text.strip())
    if match:
        return BaseTag(int(match.group(1) + match.group(2), 16))
    try:
        return Tag(text.strip())
    except (ValueError, TypeError, OverflowError):
        raise UsageError(f"--tag {text}: not a DICOM keyword or a tag such as 0010,0010") from None


def decoder_line(ds: Dataset) -> str | None:
    """Which plugin would decode the pixel data of `ds` (None when it has none)."""
    if not any(tag in ds for tag in PIXEL_DATA_TAGS):
        return None
    meta = getattr(ds, "file_meta", None)
    uid = str(meta.get("TransferSyntaxUID", "")) if meta is not None else ""
    record = transfer_syntax.get(uid) if uid else None
    name = f"{record.name} ({uid})" if record is not None else (uid or "no Transfer Syntax UID")
    if record is None or not record.encapsulated:
        return f"Pixel data: {name}: native, read by dcmcore without a plugin"
    try:
        plan = select("decoder", uid)
    except PluginError as exc:
        return f"Pixel data: {name}: no plugin can decode it: {' '.join(str(exc).split())}"
    first, *rest = plan.codecs
    then = f"; then {', '.join(c.name for c in rest)}" if rest else ""
    return (f"Pixel data: {name}: decoded by {first.name} "
            f"({first.provided_by or first.plugin}){then}")


def _selected(ds: Dataset, tags: Sequence[BaseTag]) -> Dataset:
    out = Dataset()
    for tag in tags:
        if tag in ds:
            out.add(ds[tag])
    return out


def _show_one(path: Path, args: argparse.Namespace, tags: Sequence[BaseTag] | None) -> None:
    ds: FileDataset = dcmread(path, stop_before_pixels=args.no_pixels, force=args.force)
    write = sys.stdout.write
    if args.json:
        shown = _selected(ds, tags) if tags is not None else ds
        several = len(args.paths) > 1  # then JSON Lines: one object per line and file
        write(json.dumps(shown.to_json_dict(), indent=None if several else 2) + "\n")
        return
    if tags is not None:
        for tag in tags:
            if tag in ds:
                write(f"{ds[tag]}\n")
            else:
                write(f"{tag}: not present\n")
        return
    write((ds.top() if args.top else str(ds)) + "\n")
    line = None if args.no_pixels else decoder_line(ds)
    if line:
        write(line + "\n")


def run(args: argparse.Namespace) -> int:
    """Print each file; a file that cannot be read is one error line and exit code 1."""
    tags = [parse_tag(t) for t in args.tag] if args.tag else None
    paths = [resolve_path(p) for p in args.paths]
    debug = bool(getattr(args, "debug", False))
    code = EXIT_OK
    for i, (text, path) in enumerate(zip(args.paths, paths)):
        if len(paths) > 1 and not args.json:
            sys.stdout.write(("\n" if i else "") + f"== {text} ==\n")
        try:
            _show_one(path, args, tags)
        except BrokenPipeError:
            raise  # the reader of our output left: main ends quietly
        except Exception as exc:  # one bad file: name it, go on with the others
            sys.stdout.flush()
            report_error(text, exc, debug=debug)
            code = EXIT_FAILED
    return code
