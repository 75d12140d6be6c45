"""Codestream headers read and checked before a frame reaches a C library.

pylibjpeg-libjpeg and pylibjpeg-openjpeg size their output buffer from the codestream
header (JPEG SOF, JPEG 2000 SIZ) and trust it; pylibjpeg-rle sizes its output from the
segment count in the RLE header. A frame whose header disagrees with the frame
description (rows, columns, samples, precision) is refused here, with a message naming
the header field and its byte offset, so the libraries only ever allocate what the
dataset describes and never walk a header that is cut short.

Nothing here imports dcmcore or a codec library; errors are :class:`HeaderError`
(a ``ValueError``), which the plugin turns into its ``PixelDataError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "HeaderError",
    "FrameShape",
    "JPEGHeader",
    "J2KHeader",
    "RLEHeader",
    "parse_jpeg",
    "parse_j2k",
    "parse_rle",
    "check_jpeg",
    "check_j2k",
    "check_rle",
    "MAX_J2K_TILES",
]

#: JPEG 2000 allows tile indices 0..65534 (Isot, ISO/IEC 15444-1 A.4.2).
MAX_J2K_TILES = 65535

# SOFn markers of ISO/IEC 10918-1 (not DHT C4, JPG C8, DAC CC) and SOF55 of JPEG-LS.
_SOF_MARKERS = frozenset(m for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC))
_SOF55 = 0xF7
# Markers without a length field (ISO/IEC 10918-1 B.1.1.3): TEM and RST0-RST7.
_STANDALONE = frozenset([0x01, *range(0xD0, 0xD8)])
_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


class HeaderError(ValueError):
    """A codestream header is truncated, malformed or disagrees with the frame."""


class FrameShape(Protocol):
    """The part of :class:`dcmcore.codecs.FrameInfo` the checks read."""

    rows: int
    columns: int
    samples_per_pixel: int
    bits_allocated: int
    bits_stored: int


@dataclass
class JPEGHeader:
    """The frame header (SOFn or JPEG-LS SOF55) of an ISO/IEC 10918 / 14495 codestream."""

    marker: int            # 0xC0-0xCF or 0xF7
    offset: int            # byte offset of the SOF marker
    precision: int
    rows: int
    columns: int
    components: list[tuple[int, int, int]] = field(default_factory=list)  # (id, h, v)

    @property
    def is_jpegls(self) -> bool:
        """True for a JPEG-LS (SOF55) codestream."""
        return self.marker == _SOF55

    @property
    def bytes_per_sample(self) -> int:
        """Bytes per sample the libjpeg output uses (1 up to 8 bits, else 2)."""
        return (self.precision + 7) // 8


@dataclass
class J2KHeader:
    """The SIZ marker segment of a JPEG 2000 codestream (ISO/IEC 15444-1 A.5.1)."""

    offset: int                 # byte offset of the codestream (after a JP2 wrapper)
    jp2: bool                   # wrapped in the JP2 file format
    rows: int
    columns: int
    precisions: list[int]
    signed: list[bool]
    subsampling: list[tuple[int, int]]
    tiles: int

    @property
    def bytes_per_sample(self) -> int:
        """Bytes per sample of the openjpeg output (1, 2 or 4: 3 bytes become 4)."""
        size = (max(self.precisions) + 7) // 8
        return 4 if size == 3 else size


@dataclass
class RLEHeader:
    """The 64-byte header of an RLE Lossless frame (PS3.5 G.5)."""

    segments: int
    offsets: list[int]


def _be16(data: bytes, pos: int) -> int:
    return (data[pos] << 8) | data[pos + 1]


def _be32(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos:pos + 4], "big")


def parse_jpeg(data: bytes) -> JPEGHeader:
    """Find and read the frame header of a JPEG or JPEG-LS codestream.

    Parameters
    ----------
    data : bytes
        The codestream, starting with SOI (``FF D8``).

    Returns
    -------
    JPEGHeader
        The SOF marker's values.

    Raises
    ------
    HeaderError
        No SOI, a marker segment that runs past the end, a scan before the frame
        header, or a frame header that is too short for its component count.
    """
    n = len(data)
    if n < 4 or data[0] != 0xFF or data[1] != _SOI:
        raise HeaderError("not a JPEG codestream: it does not start with the SOI marker FF D8")
    pos = 2
    while True:
        if pos + 2 > n:
            raise HeaderError(f"JPEG codestream truncated at byte {n}: no SOF marker found")
        if data[pos] != 0xFF:
            raise HeaderError(
                f"JPEG codestream: a marker was expected at byte {pos}, found 0x{data[pos]:02X}")
        while pos + 1 < n and data[pos + 1] == 0xFF:  # fill bytes
            pos += 1
        if pos + 2 > n:
            raise HeaderError(f"JPEG codestream truncated at byte {n}: no SOF marker found")
        marker = data[pos + 1]
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker in (_SOI, _EOI, _SOS, 0x00):
            raise HeaderError(
                f"JPEG codestream: marker FF {marker:02X} at byte {pos} before any SOF marker")
        if pos + 4 > n:
            raise HeaderError(f"JPEG codestream truncated at byte {n}: marker FF {marker:02X} "
                              f"at byte {pos} has no length")
        length = _be16(data, pos + 2)
        if length < 2:
            raise HeaderError(f"JPEG codestream: marker FF {marker:02X} at byte {pos} has "
                              f"length {length} (at least 2)")
        if pos + 2 + length > n:
            raise HeaderError(f"JPEG codestream truncated at byte {n}: marker FF {marker:02X} "
                              f"at byte {pos} needs {length} bytes")
        if marker in _SOF_MARKERS or marker == _SOF55:
            return _read_sof(data, pos, marker, length)
        pos += 2 + length


def _read_sof(data: bytes, pos: int, marker: int, length: int) -> JPEGHeader:
    if length < 8:
        raise HeaderError(f"JPEG codestream: SOF marker FF {marker:02X} at byte {pos} has "
                          f"length {length} (at least 8)")
    precision = data[pos + 4]
    rows = _be16(data, pos + 5)
    columns = _be16(data, pos + 7)
    count = data[pos + 9]
    if length != 8 + 3 * count:
        raise HeaderError(f"JPEG codestream: SOF marker FF {marker:02X} at byte {pos} has "
                          f"length {length} for {count} components ({8 + 3 * count} expected)")
    components = []
    for i in range(count):
        at = pos + 10 + 3 * i
        hv = data[at + 1]
        components.append((data[at], hv >> 4, hv & 0x0F))
    return JPEGHeader(marker, pos, precision, rows, columns, components)


def check_jpeg(header: JPEGHeader, info: FrameShape) -> None:
    """Refuse a JPEG/JPEG-LS frame header that disagrees with the frame description.

    Checked: rows (0, a DNL-defined height, is refused), columns, component count,
    precision (2-16; at most 8 for the 8-bit processes, which libjpeg enforces too),
    sampling factors (1-4) and that each sample fits in Bits Allocated.

    Raises
    ------
    HeaderError
        Naming the field, its value and what the frame description says.
    """
    where = f"{'JPEG-LS' if header.is_jpegls else 'JPEG'} SOF marker at byte {header.offset}"
    if header.rows == 0:
        raise HeaderError(f"{where}: number of lines 0 (height defined by a DNL marker) "
                          "is not supported")
    if (header.rows, header.columns) != (info.rows, info.columns):
        raise HeaderError(f"{where}: the image is {header.rows} rows x {header.columns} "
                          f"columns, the frame is {info.rows} x {info.columns}")
    if len(header.components) != info.samples_per_pixel:
        raise HeaderError(f"{where}: {len(header.components)} components, the frame has "
                          f"{info.samples_per_pixel} samples per pixel")
    if not 2 <= header.precision <= 16:
        raise HeaderError(f"{where}: precision {header.precision} not supported (2 to 16)")
    if header.precision > max(info.bits_allocated, 8):
        raise HeaderError(f"{where}: precision {header.precision} exceeds Bits Allocated "
                          f"{info.bits_allocated}")
    for cid, h, v in header.components:
        if not (1 <= h <= 4 and 1 <= v <= 4):
            raise HeaderError(f"{where}: component {cid} has sampling factors {h}x{v} "
                              "(1 to 4 each)")


def _jp2_codestream(data: bytes) -> int:
    """Offset of the contiguous codestream box content of a JP2 file."""
    pos, n = 12, len(data)
    while pos + 8 <= n:
        length = _be32(data, pos)
        kind = bytes(data[pos + 4:pos + 8])
        header = 8
        if length == 1:  # XLBox
            if pos + 16 > n:
                break
            length = int.from_bytes(data[pos + 8:pos + 16], "big")
            header = 16
        if kind == b"jp2c":
            return pos + header
        if length == 0 or length < header:
            break
        pos += length
    raise HeaderError("JP2 file: no contiguous codestream (jp2c) box found")


def parse_j2k(data: bytes) -> J2KHeader:
    """Read the SIZ marker segment of a JPEG 2000 codestream (or JP2 file).

    Raises
    ------
    HeaderError
        Not a J2K codestream, SIZ truncated or inconsistent (offsets past the
        image, zero tile or component sizes, too many tiles).
    """
    jp2 = bytes(data[:12]) == _JP2_SIGNATURE
    start = _jp2_codestream(data) if jp2 else 0
    n = len(data)
    if bytes(data[start:start + 4]) != b"\xff\x4f\xff\x51":
        raise HeaderError("not a JPEG 2000 codestream: it does not start with the SOC and "
                          "SIZ markers FF 4F FF 51")
    pos = start + 2  # SIZ marker
    if pos + 40 > n:
        raise HeaderError(f"JPEG 2000 codestream truncated at byte {n}: the SIZ marker at "
                          f"byte {pos} needs 40 bytes")
    lsiz = _be16(data, pos + 2)
    xsiz, ysiz, xo, yo, xt, yt, xto, yto = (_be32(data, pos + 6 + 4 * i) for i in range(8))
    csiz = _be16(data, pos + 38)
    if lsiz != 38 + 3 * csiz:
        raise HeaderError(f"JPEG 2000 SIZ marker at byte {pos}: length {lsiz} for {csiz} "
                          f"components ({38 + 3 * csiz} expected)")
    if csiz == 0:
        raise HeaderError(f"JPEG 2000 SIZ marker at byte {pos}: 0 components")
    if pos + 2 + lsiz > n:
        raise HeaderError(f"JPEG 2000 codestream truncated at byte {n}: the SIZ marker at "
                          f"byte {pos} needs {lsiz} bytes")
    if not (xo < xsiz and yo < ysiz):
        raise HeaderError(f"JPEG 2000 SIZ marker at byte {pos}: image offset ({xo}, {yo}) "
                          f"not inside the reference grid {xsiz} x {ysiz}")
    if xt == 0 or yt == 0 or xto > xo or yto > yo or xto + xt <= xo or yto + yt <= yo:
        raise HeaderError(f"JPEG 2000 SIZ marker at byte {pos}: invalid tiling (tile "
                          f"{xt} x {yt} at ({xto}, {yto}), image offset ({xo}, {yo}))")
    tiles = -(-(xsiz - xto) // xt) * -(-(ysiz - yto) // yt)
    if tiles > MAX_J2K_TILES:
        raise HeaderError(f"JPEG 2000 SIZ marker at byte {pos}: {tiles} tiles (at most "
                          f"{MAX_J2K_TILES})")
    precisions, signed, sub = [], [], []
    for i in range(csiz):
        at = pos + 40 + 3 * i
        ssiz = data[at]
        precisions.append((ssiz & 0x7F) + 1)
        signed.append(bool(ssiz & 0x80))
        sub.append((data[at + 1], data[at + 2]))
    if any(x == 0 or y == 0 for x, y in sub):
        raise HeaderError(f"JPEG 2000 SIZ marker at byte {pos}: a component subsampling "
                          "factor is 0")
    return J2KHeader(start, jp2, ysiz - yo, xsiz - xo, precisions, signed, sub, tiles)


def check_j2k(header: J2KHeader, info: FrameShape) -> None:
    """Refuse a SIZ that disagrees with the frame description.

    Checked: rows and columns (image area less offsets), component count, that every
    component has the same precision and signedness (openjpeg sizes the output from
    the first), precision 1 to 32 (openjpeg's limit) and that it fits Bits Allocated.
    """
    where = f"JPEG 2000 SIZ marker at byte {header.offset + 2}"
    if (header.rows, header.columns) != (info.rows, info.columns):
        raise HeaderError(f"{where}: the image is {header.rows} rows x {header.columns} "
                          f"columns, the frame is {info.rows} x {info.columns}")
    if len(header.precisions) != info.samples_per_pixel:
        raise HeaderError(f"{where}: {len(header.precisions)} components, the frame has "
                          f"{info.samples_per_pixel} samples per pixel")
    if len(set(header.precisions)) > 1 or len(set(header.signed)) > 1:
        raise HeaderError(f"{where}: components differ in precision or signedness "
                          f"({header.precisions}, signed {header.signed})")
    precision = header.precisions[0]
    if precision > 32:
        raise HeaderError(f"{where}: precision {precision} not supported (at most 32)")
    if header.bytes_per_sample * 8 > max(info.bits_allocated, 8):
        raise HeaderError(f"{where}: precision {precision} exceeds Bits Allocated "
                          f"{info.bits_allocated}")


def parse_rle(data: bytes) -> RLEHeader:
    """Read the RLE header: segment count and offsets (little endian ``uint32``)."""
    if len(data) < 64:
        raise HeaderError(f"RLE frame truncated at byte {len(data)}: the header needs 64 bytes")
    values = [int.from_bytes(data[i:i + 4], "little") for i in range(0, 64, 4)]
    return RLEHeader(values[0], values[1:])


def check_rle(header: RLEHeader, info: FrameShape, length: int) -> None:
    """Refuse an RLE header whose segments do not match the frame.

    The segment count must be samples x bytes per sample (samples for Bits Allocated 1);
    offsets must start at 64, increase and stay inside the `length` bytes of the frame.
    """
    per_sample = 1 if info.bits_allocated == 1 else info.bits_allocated // 8
    expected = info.samples_per_pixel * per_sample
    if header.segments != expected:
        raise HeaderError(f"RLE header (byte 0): {header.segments} segments, "
                          f"{expected} expected for {info.samples_per_pixel} samples of "
                          f"{info.bits_allocated} bits")
    offsets = header.offsets[:header.segments]
    if offsets[0] != 64:
        raise HeaderError(f"RLE header (byte 4): first segment offset {offsets[0]}, "
                          "64 expected")
    for i in range(1, len(offsets)):
        if offsets[i] <= offsets[i - 1]:
            raise HeaderError(f"RLE header (byte {4 + 4 * i}): segment offset {offsets[i]} "
                              f"is not after the previous one ({offsets[i - 1]})")
    if offsets[-1] >= length:
        raise HeaderError(f"RLE header (byte {4 * len(offsets)}): segment offset "
                          f"{offsets[-1]} is past the end of the {length}-byte frame")
