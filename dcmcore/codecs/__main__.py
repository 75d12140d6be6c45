"""``python -m dcmcore.codecs [TS_UID_OR_KEYWORD]``: print plugins, codecs and the effective order.

Shows every setting with its source, every plugin (distribution, version, status,
problems), every codec (plugin, distribution, codec library and its installed
version, licence, availability, transfer syntaxes, ``thread_safe``, priority) and,
per transfer syntax, the codecs in the order they are tried.
"""

from __future__ import annotations

import argparse

from dcmcore.codecs.report import effective_order

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Print :func:`dcmcore.codecs.effective_order` for the syntax given (default all)."""
    parser = argparse.ArgumentParser(
        prog="python -m dcmcore.codecs",
        description="List dcmcore's codec plugins and the codec order per transfer syntax.",
    )
    parser.add_argument("syntax", nargs="?", default=None,
                        help="a transfer syntax UID or keyword (default: every syntax)")
    args = parser.parse_args(argv)
    print(effective_order(args.syntax))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
