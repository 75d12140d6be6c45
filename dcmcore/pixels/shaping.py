"""Turning a plugin's decoded frame into the core's layout and dtype."""

from __future__ import annotations

from typing import Any

import numpy as np

from dcmcore.errors import CodecError
from dcmcore.pixels.frame_info import PixelModule

__all__ = ["conform_decoded", "target_dtype"]


def target_dtype(mod: PixelModule) -> np.dtype:
    return mod.dtype.newbyteorder("=") if mod.little_endian else mod.dtype


def conform_decoded(out: Any, mod: PixelModule, index: int) -> tuple[np.ndarray, dict]:
    """Turn a plugin's result into a (rows, columns, samples) array of the module dtype."""
    overrides: dict[str, Any] = {}
    if isinstance(out, tuple) and len(out) == 2:
        # codecs.DecodedFrame(array, photometric_interpretation) or (array, dict)
        out, extra = out
        if isinstance(extra, str):
            overrides = {"photometric_interpretation": extra.strip()}
        elif isinstance(extra, dict):
            overrides = dict(extra)
    rows, cols, spp = mod.rows, mod.columns, mod.samples_per_pixel
    target = np.dtype(target_dtype(mod).str.lstrip("<>=|"))  # native byte order
    if isinstance(out, (bytes, bytearray, memoryview)):
        itemsize = 1 if mod.bits_allocated == 1 else mod.bits_allocated // 8
        out = np.frombuffer(out, dtype=target.newbyteorder("<"),
                            count=min(len(out) // itemsize, rows * cols * spp))
    arr = np.asarray(out)
    size = rows * cols * spp
    if arr.size != size:
        raise CodecError(
            f"The decoded frame {index} has {arr.size} values, {size} expected for "
            f"{rows} x {cols} x {spp}"
        )
    if arr.ndim == 1:
        if spp > 1 and overrides.get("planar_configuration", mod.planar_configuration) == 1:
            arr = np.moveaxis(arr.reshape(spp, rows, cols), 0, -1)
        else:
            arr = arr.reshape(rows, cols, spp)
    else:
        arr = arr.reshape(rows, cols, spp)
    if arr.dtype != target:
        if arr.dtype.kind in "ui" and target.kind in "ui" and arr.dtype.itemsize == \
                target.itemsize:
            arr = arr.view(target.newbyteorder(arr.dtype.byteorder)).astype(target, copy=False)
        else:
            arr = arr.astype(target)
    return arr, overrides
