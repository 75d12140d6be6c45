"""``dcmcore render PATH -o out.png [--frame N | --grid]``: a frame as a viewer shows it."""

from __future__ import annotations

import argparse
import io
import os

import numpy as np

from dcmcore.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_parser,
    report_error,
    resolve_path,
)
from dcmcore.cli._display import contact_sheet, display_frame, frame_dataset
from dcmcore.io._atomic import write_atomically
from dcmcore.io.reader import dcmread
from dcmcore.pixels import pixel_array

__all__ = ["register", "run", "write_png"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``render`` subcommand."""
    parser = add_parser(
        subparsers, "render", help="write a frame (or all frames) as a PNG",
        description="Write a frame as an 8-bit PNG with the display pipeline a viewer "
                    "applies: Modality LUT or rescale, then the VOI LUT or window when "
                    "present (else the frame's range), MONOCHROME1 inverted, RGB and "
                    "palette colour kept. --grid writes a contact sheet of every frame. "
                    "Needs Pillow (pip install 'dcmcore[cli]').")
    parser.add_argument("path", metavar="PATH", help="a DICOM file or example:NAME")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.png",
                        help="the PNG to write")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--frame", type=int, default=None, metavar="N",
                       help="the frame to render, 0 for the first (default 0)")
    which.add_argument("--grid", action="store_true",
                       help="a contact sheet of all frames, row by row")
    parser.set_defaults(run=run)


def write_png(image: np.ndarray, path: str | os.PathLike[str]) -> None:
    """Write a ``uint8`` (rows, cols) or (rows, cols, 3) array as a PNG, complete or not at all."""
    # Pillow is optional (the `cli` extra): only render needs it
    try:
        from PIL import Image
    except ImportError:
        raise UsageError("render needs Pillow: pip install 'dcmcore[cli]'") from None
    buffer = io.BytesIO()
    Image.fromarray(image, "RGB" if image.ndim == 3 else "L").save(buffer, format="PNG")
    umask = os.umask(0)
    os.umask(umask)
    # the writer's atomic write: the PNG is complete or absent, as DICOM outputs are
    write_atomically(os.path.realpath(path), [buffer.getvalue()], overwrite=True,
                     mode=0o666 & ~umask)


def run(args: argparse.Namespace) -> int:
    """Render; an unreadable file or a frame out of range is one error line, exit 1."""
    path = resolve_path(args.path)
    try:
        ds = dcmread(path)
        frames = int(ds.get("NumberOfFrames") or 1)
        if args.grid:
            every = pixel_array(ds)
            stack = every if frames > 1 else every[np.newaxis]
            image = contact_sheet([display_frame(f, frame_dataset(ds, i))
                                   for i, f in enumerate(stack)])
        else:
            index = args.frame or 0
            if not 0 <= index < frames:
                raise IndexError(f"--frame {index}: the file has {frames} frame(s), "
                                 f"0 to {frames - 1}")
            frame = pixel_array(ds, index=index)
            image = display_frame(frame, frame_dataset(ds, index))
    except UsageError:
        raise
    except Exception as exc:
        report_error(args.path, exc, debug=bool(getattr(args, "debug", False)))
        return EXIT_FAILED
    try:
        write_png(image, args.output)
    except OSError as exc:
        report_error(args.output, exc, debug=bool(getattr(args, "debug", False)))
        return EXIT_FAILED
    return EXIT_OK
