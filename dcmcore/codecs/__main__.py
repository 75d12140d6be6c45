"""``python -m dcmcore.codecs [SYNTAX] [--file PATH]``: plugins, codecs and the order tried.

Shows every setting with its source, every plugin (distribution, version, status,
problems), every codec (plugin, distribution, codec library and its installed
version, licence, availability, transfer syntaxes, ``thread_safe``, priority) and,
per transfer syntax, the codecs in the order they are tried. With ``--file`` it
decodes that file's pixel data and says which plugin decoded it.
"""

from __future__ import annotations

import argparse

# This module is a command, not a library layer: nothing imports it, so reading a file
# and decoding it here does not make codecs/ depend on io/ or pixels/.
from dcmcore.codecs.report import effective_order
from dcmcore.errors import DcmcoreError
from dcmcore.io.reader import dcmread
from dcmcore.pixels import decoded_by, pixel_array

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Print :func:`dcmcore.codecs.effective_order`, and who decodes ``--file``.

    Returns 0, or 1 when ``--file`` could not be decoded.
    """
    parser = argparse.ArgumentParser(
        prog="python -m dcmcore.codecs",
        description="List dcmcore's codec plugins and the codec order per transfer syntax.",
    )
    parser.add_argument("syntax", nargs="?", default=None,
                        help="a transfer syntax UID or keyword (default: every syntax, or "
                             "the syntax of --file)")
    parser.add_argument("--file", metavar="PATH",
                        help="decode this file's pixel data and say which plugin decoded it")
    parser.add_argument("--plugin", default="", metavar="NAME",
                        help="with --file: decode with this codec, plugin or distribution")
    args = parser.parse_args(argv)
    syntax = args.syntax
    if args.file and syntax is None:
        syntax = str(dcmread(args.file, stop_before_pixels=True).file_meta.TransferSyntaxUID)
    print(effective_order(syntax))
    if not args.file:
        return 0
    try:
        arr = pixel_array(args.file, decoding_plugin=args.plugin)
    except DcmcoreError as exc:
        print(f"{args.file}: not decoded: {exc}")
        return 1
    record = decoded_by(arr)
    print(f"{args.file}: {arr.shape} {arr.dtype}, decoded by "
          f"{record if record is not None else 'no plugin (native pixel data)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
