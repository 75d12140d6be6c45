"""Print a bundled example: ``python -m dcmcore.examples [NAME]`` (default ``ct``)."""

from __future__ import annotations

import sys

from dcmcore import examples


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    name = args[0] if args else "ct"
    if name not in examples.names():
        print(f"unknown example {name!r}; choose from {', '.join(examples.names())}",
              file=sys.stderr)
        return 2
    ds = getattr(examples, name)
    print(f"{ds.filename}")
    print(ds)
    if "PixelData" in ds:
        arr = ds.pixel_array
        print(f"pixel_array: shape {arr.shape}, dtype {arr.dtype}, "
              f"min {arr.min()}, max {arr.max()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
