"""``python -m dcmcore.codecs [TS_UID_OR_KEYWORD]``: print installed plugins and the effective order."""

from __future__ import annotations

import sys

from dcmcore.codecs.report import effective_order


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(effective_order(args[0] if args else None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
