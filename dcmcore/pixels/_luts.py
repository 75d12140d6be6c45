"""Lookup tables of the grayscale and colour pipelines (PS3.3 C.7.6.3, C.7.9, C.11).

Reading LUT descriptors and data from a dataset, mapping stored values through a LUT
(values below the first mapped value take the first entry, values past the end the
last one) and expanding Segmented Palette Color Lookup Table Data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from dcmcore import transfer_syntax
from dcmcore.errors import PixelDataError
from dcmcore.pixels.module import transfer_syntax_of

__all__ = [
    "dataset_is_little_endian",
    "lut_descriptor",
    "lut_data",
    "map_through_lut",
    "expand_segmented_lut",
]

#: the most entries a segmented LUT may expand to (a descriptor allows at most 2**16)
MAX_SEGMENTED_ENTRIES: Final = 2**20
_MAX_INDIRECT_DEPTH: Final = 16


def dataset_is_little_endian(ds: Any) -> bool:
    """Whether the OW values of `ds` are little endian.

    The file meta's Transfer Syntax UID decides when `ds` has file meta, otherwise the
    encoding `ds` was read with.

    Raises
    ------
    AttributeError
        Neither tells the byte order.
    """
    little: bool | None
    if hasattr(ds, "file_meta"):
        record = transfer_syntax.get(transfer_syntax_of(ds))
        little = record.little_endian if record is not None else None
    else:
        encoding = getattr(ds, "original_encoding", (None, None))
        little = encoding[1] if isinstance(encoding, tuple) and len(encoding) == 2 else None
    if little is None:
        raise AttributeError(
            "Unable to determine the endianness of the dataset, please set an "
            f"appropriate Transfer Syntax UID in '{type(ds).__name__}.file_meta'"
        )
    return bool(little)


def lut_descriptor(value: Any, where: str) -> tuple[int, int, int]:
    """(entries, first mapped value, bits per entry) of a LUT Descriptor value.

    An entry count of 0 means 2**16 entries (PS3.3 C.11.1.1.1).
    """
    try:
        entries, first_map, bits = (int(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise PixelDataError(f"{where} must have 3 values, got {value!r}") from exc
    return entries or 2**16, first_map, bits


def lut_data(item: Any, ds: Any, nr_entries: int, dtype: str) -> np.ndarray:
    """The LUT Data (0028,3006) of `item` as an array of `dtype`.

    US data is a list of ints; OW data is read as 16-bit words in the byte order of
    `ds`, the first `nr_entries` of them.
    """
    elem = item["LUTData"]
    if elem.VR == "OW":
        raw = bytes(elem.value or b"")
        order = "<" if dataset_is_little_endian(ds) else ">"
        if len(raw) < 2 * nr_entries:
            raise PixelDataError(
                f"(0028,3006) LUT Data holds {len(raw)} bytes, fewer than the "
                f"{nr_entries} 16-bit entries of its LUT Descriptor"
            )
        values = np.frombuffer(raw, dtype=f"{order}u2", count=nr_entries).astype(np.int64)
    else:
        value = elem.value
        values = np.asarray([value] if isinstance(value, int) else list(value or []),
                            dtype=np.int64)
    top = np.iinfo(np.dtype(dtype)).max
    if values.size and (values.min() < 0 or values.max() > top):
        raise PixelDataError(
            f"(0028,3006) LUT Data has values outside 0..{top}, the range of the bits per "
            "entry of its LUT Descriptor")
    return values.astype(dtype)


def map_through_lut(arr: np.ndarray, lut: np.ndarray, first_map: int,
                    nr_entries: int) -> np.ndarray:
    """`lut` applied to `arr`: ``lut[clip(arr - first_map, 0, last)]``.

    Values below `first_map` take the first entry, values mapped past the last entry
    the last one (PS3.3 C.11.1.1.1, C.7.6.3.1.5).  A float `arr` is truncated.
    """
    if lut.size == 0:
        raise PixelDataError("The LUT Data is empty")
    last = min(nr_entries, lut.shape[0]) - 1
    wide = np.int64 if arr.dtype.itemsize > 2 or arr.dtype.kind == "f" else np.int32
    index = np.subtract(arr.astype(wide), first_map, dtype=wide)
    np.clip(index, 0, last, out=index)
    return lut[index]


def _indirect_offset(data: Sequence[int], pos: int, one_byte: bool,
                     little: bool) -> tuple[int, int]:
    """(offset, position after it) of an indirect segment's 32-bit offset."""
    if one_byte:
        b = data[pos:pos + 4]
        if len(b) < 4:
            raise PixelDataError("a truncated indirect segment")
        if little:
            return b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24, pos + 4
        return (b[0] << 8 | b[1]) | (b[2] << 8 | b[3]) << 16, pos + 4
    w = data[pos:pos + 2]
    if len(w) < 2:
        raise PixelDataError("a truncated indirect segment")
    return w[0] | w[1] << 16, pos + 2


def _expand(data: Sequence[int], start: int, out: list[int], max_segments: int | None,
            one_byte: bool, little: bool, depth: int, work: list[int]) -> None:
    """Append the values of the segments of `data` from `start` to `out`.

    `work` counts the segments read in the whole expansion (indirect segments may
    copy each other: the count bounds the time, the output cap the memory).
    """
    pos = start
    done = 0
    # a trailing padding value is shorter than any segment
    while pos + 1 < len(data) and (max_segments is None or done < max_segments):
        work[0] += 1
        if work[0] > MAX_SEGMENTED_ENTRIES:
            raise PixelDataError(f"it has more than {MAX_SEGMENTED_ENTRIES} segments to expand")
        opcode, length = data[pos], data[pos + 1]
        pos += 2
        if opcode == 0:  # discrete
            out.extend(data[pos:pos + length])
            pos += length
        elif opcode == 1:  # linear from the last value to y1
            if not out:
                raise PixelDataError("the first segment cannot be a linear segment")
            if pos >= len(data):
                raise PixelDataError("a truncated linear segment")
            y0, y1 = out[-1], data[pos]
            pos += 1
            if y0 == y1:
                out.extend([y1] * length)
            elif length:
                step = (y1 - y0) / length
                out.extend(int(v) for v in np.rint(np.linspace(y0 + step, y1, length)))
        elif opcode == 2:  # indirect: `length` segments copied from an offset
            if not out:
                raise PixelDataError("the first segment cannot be an indirect segment")
            if depth >= _MAX_INDIRECT_DEPTH:
                raise PixelDataError(f"indirect segments nested more than {_MAX_INDIRECT_DEPTH} deep")
            offset, pos = _indirect_offset(data, pos, one_byte, little)
            _expand(data, offset, out, length, one_byte, little, depth + 1, work)
        else:
            raise PixelDataError(f"unknown segment type '{opcode}' at entry {pos - 2}")
        if len(out) > MAX_SEGMENTED_ENTRIES:
            raise PixelDataError(f"it expands to more than {MAX_SEGMENTED_ENTRIES} entries")
        done += 1


def expand_segmented_lut(data: bytes, bits: int, little: bool) -> list[int]:
    """The entries of Segmented Palette Color Lookup Table Data (PS3.3 C.7.9.2).

    Parameters
    ----------
    data : bytes
        The element value.
    bits : int
        Bits per entry from the LUT Descriptor: 8 reads the value byte by byte,
        otherwise as 16-bit words.
    little : bool
        Byte order of the words.

    Raises
    ------
    ValueError
        The segments are malformed (the message says how).
    """
    one_byte = bits <= 8
    if one_byte:
        values: Sequence[int] = data
    else:
        values = np.frombuffer(data[:len(data) // 2 * 2],
                               dtype="<u2" if little else ">u2").tolist()
    out: list[int] = []
    try:
        _expand(values, 0, out, None, one_byte, little, 0, [0])
    except PixelDataError as exc:
        raise PixelDataError(
            f"Error expanding a segmented palette color lookup table: {exc}") from None
    return out
