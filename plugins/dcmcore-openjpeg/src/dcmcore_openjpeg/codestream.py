"""Reading what openjpeg will do with a JPEG 2000 frame before letting it decode.

openjpeg (through pylibjpeg-openjpeg) sizes its output buffer and its internal
structures from header values: the image and tile sizes of the SIZ marker, the
number of components, JP2 boxes. A frame whose header lies about them can make it
allocate gigabytes, or (a JP2 palette box adds components after the output buffer
was sized) write past its buffer. This module parses the main header (ISO/IEC
15444-1 Annex A) and, for the non-conformant but common JP2 wrapping, the boxes
before the codestream (Annex I), with no dependency on openjpeg or dcmcore, so the
plugin can compare the header with the frame description and refuse before any
allocation.

It also walks the tile-parts (SOT ``Psot`` lengths) so that a truncated frame is
reported with the byte offset where it ends instead of openjpeg's generic
"failed to decode image".
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

__all__ = ["CodestreamError", "Component", "J2KHeader", "parse_header", "MARKERS"]

_SOC, _SIZ, _COD, _CAP, _SOT, _EOC = 0xFF4F, 0xFF51, 0xFF52, 0xFF50, 0xFF90, 0xFFD9
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"

#: Main and tile-part header markers by code (for messages).
MARKERS = {
    0xFF4F: "SOC", 0xFF50: "CAP", 0xFF51: "SIZ", 0xFF52: "COD", 0xFF53: "COC",
    0xFF55: "TLM", 0xFF57: "PLM", 0xFF58: "PLT", 0xFF59: "CPF", 0xFF5C: "QCD",
    0xFF5D: "QCC", 0xFF5E: "RGN", 0xFF5F: "POC", 0xFF60: "PPM", 0xFF61: "PPT",
    0xFF63: "CRG", 0xFF64: "COM", 0xFF90: "SOT", 0xFF93: "SOD", 0xFFD9: "EOC",
}
_PROGRESSIONS = ("LRCP", "RLCP", "RPCL", "PCRL", "CPRL")


class CodestreamError(ValueError):
    """The frame is not a readable JPEG 2000 codestream (message names what and where)."""


@dataclass(frozen=True)
class Component:
    """One component of the SIZ marker (``Ssiz``, ``XRsiz``, ``YRsiz``)."""

    precision: int
    signed: bool
    dx: int
    dy: int


@dataclass(frozen=True)
class J2KHeader:
    """Facts from a JPEG 2000 main header (and JP2 boxes when wrapped).

    Attributes
    ----------
    start : int
        Offset of the SOC marker in the frame (0 unless JP2-wrapped).
    jp2 : bool
        The codestream is wrapped in JP2 boxes (non-conformant in DICOM).
    jp2_colourspace : int or None
        The enumerated colour space of the JP2 ``colr`` box (16 sRGB, 17 grey,
        18 sYCC...), None when absent or not enumerated.
    jp2_palette : bool
        The JP2 header has a ``pclr`` palette box.
    rsiz : int
        Capabilities (bit 14 set: HTJ2K, Part 15).
    width, height, x0, y0 : int
        ``Xsiz``, ``Ysiz``, ``XOsiz``, ``YOsiz``: the image area is
        ``[x0, width) x [y0, height)``.
    tile_width, tile_height, tile_x0, tile_y0 : int
        ``XTsiz``, ``YTsiz``, ``XTOsiz``, ``YTOsiz``.
    components : tuple of Component
    mct : bool or None
        Multiple component transform flag of the main COD marker (None: no COD).
    reversible : bool or None
        The COD wavelet is the reversible 5-3 one.
    layers, levels : int
        Quality layers and decomposition levels of the main COD marker.
    progression : str
        Progression order of the main COD marker.
    high_throughput : bool
        HTJ2K block coding (Rsiz bit 14, a CAP marker or the COD code-block style).
    tile_parts_end : int
        Offset just past the last tile-part walked (the EOC marker's offset when
        the codestream is complete).
    has_eoc : bool
        An EOC marker follows the last tile-part.
    """

    start: int
    jp2: bool
    jp2_colourspace: int | None
    jp2_palette: bool
    rsiz: int
    width: int
    height: int
    x0: int
    y0: int
    tile_width: int
    tile_height: int
    tile_x0: int
    tile_y0: int
    components: tuple[Component, ...]
    mct: bool | None = None
    reversible: bool | None = None
    layers: int = 0
    levels: int = 0
    progression: str = ""
    high_throughput: bool = False
    tile_parts_end: int = 0
    has_eoc: bool = False
    markers: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> int:
        """Width of the image area (``Xsiz - XOsiz``)."""
        return self.width - self.x0

    @property
    def rows(self) -> int:
        """Height of the image area (``Ysiz - YOsiz``)."""
        return self.height - self.y0

    @property
    def tiles(self) -> int:
        """Number of tiles (15444-1 B.3, equation B-5)."""
        across = -(-(self.width - self.tile_x0) // self.tile_width)
        down = -(-(self.height - self.tile_y0) // self.tile_height)
        return across * down

    @property
    def precision(self) -> int:
        """Precision of the first component."""
        return self.components[0].precision

    @property
    def signed(self) -> bool:
        """Signedness of the first component."""
        return self.components[0].signed


def _u16(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos : pos + 2], "big")


def _find_jp2_codestream(data: bytes) -> tuple[int, int | None, bool]:
    """Return (offset of the codestream, enumerated colour space, has a palette)."""
    pos, end = 0, len(data)
    colourspace: int | None = None
    palette = False
    parents = [end]  # ends of the boxes being read (superboxes nest)
    while pos + 8 <= parents[-1]:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if length == 1:
            if pos + 16 > end:
                break
            length = int.from_bytes(data[pos + 8 : pos + 16], "big")
            header = 16
        elif length == 0:
            length = parents[-1] - pos
        if length < header:
            raise CodestreamError(f"JP2 box {kind!r} at byte {pos} has an invalid length {length}")
        if kind == b"jp2c":
            return pos + header, colourspace, palette
        if kind in (b"jp2h", b"res "):  # superboxes: read their boxes
            parents.append(min(pos + length, parents[-1]))
            pos += header
            continue
        if kind == b"colr" and pos + header + 7 <= end and data[pos + header] == 1:
            colourspace = int.from_bytes(data[pos + header + 3 : pos + header + 7], "big")
        elif kind == b"pclr":
            palette = True
        pos += length
        while len(parents) > 1 and pos >= parents[-1]:
            parents.pop()
    raise CodestreamError("JP2 file without a contiguous codestream ('jp2c') box")


def parse_header(data: bytes | bytearray | memoryview) -> J2KHeader:
    """Parse the main header of a JPEG 2000 codestream (optionally JP2-wrapped).

    Parameters
    ----------
    data : bytes-like
        The whole frame.

    Returns
    -------
    J2KHeader
        What the header says; the tile-parts are walked to find where they end.

    Raises
    ------
    CodestreamError
        If the data is not JPEG 2000, or a marker segment is invalid or cut short
        (the message names the marker and its byte offset).
    """
    data = bytes(data) if not isinstance(data, bytes) else data
    jp2 = data[:12] == _JP2_SIGNATURE
    colourspace: int | None = None
    palette = False
    start = 0
    if jp2:
        start, colourspace, palette = _find_jp2_codestream(data)
    n = len(data)
    if data[start : start + 2] != b"\xff\x4f":
        head = data[start : start + 4].hex(" ")
        raise CodestreamError(
            f"not a JPEG 2000 codestream: no SOC marker (FF4F) at byte {start}, found '{head}'"
        )
    pos = start + 2
    if _u16(data, pos) != _SIZ or pos + 4 > n:
        raise CodestreamError(f"JPEG 2000 codestream: the SIZ marker must follow SOC (byte {pos})")
    lsiz = _u16(data, pos + 2)
    if pos + 2 + lsiz > n or lsiz < 41:
        raise CodestreamError(
            f"JPEG 2000 codestream truncated in the SIZ marker at byte {pos} "
            f"(length {lsiz}, {n - pos - 2} bytes left)"
        )
    rsiz, xsiz, ysiz, xo, yo, xt, yt, xto, yto, csiz = struct.unpack(
        ">H8IH", data[pos + 4 : pos + 40]
    )
    if csiz < 1 or lsiz != 38 + 3 * csiz:
        raise CodestreamError(
            f"JPEG 2000 SIZ marker at byte {pos}: length {lsiz} does not match "
            f"{csiz} components (38 + 3 x Csiz expected)"
        )
    comps = []
    for i in range(csiz):
        ssiz, dx, dy = data[pos + 40 + 3 * i : pos + 43 + 3 * i]
        if dx == 0 or dy == 0:
            raise CodestreamError(
                f"JPEG 2000 SIZ marker: component {i} has a sub-sampling factor of 0"
            )
        comps.append(Component((ssiz & 0x7F) + 1, bool(ssiz & 0x80), dx, dy))
    if not (xsiz > xo and ysiz > yo):
        raise CodestreamError(
            f"JPEG 2000 SIZ marker: empty image area (Xsiz {xsiz}, XOsiz {xo}, "
            f"Ysiz {ysiz}, YOsiz {yo})"
        )
    if xt == 0 or yt == 0 or xto > xo or yto > yo or xto + xt <= xo or yto + yt <= yo:
        raise CodestreamError(
            f"JPEG 2000 SIZ marker: invalid tiling (XTsiz {xt}, YTsiz {yt}, XTOsiz {xto}, "
            f"YTOsiz {yto}) for the image offset ({xo}, {yo})"
        )
    pos += 2 + lsiz
    mct = reversible = None
    layers = levels = 0
    progression = ""
    high_throughput = bool(rsiz & 0x4000)
    markers = ["SOC", "SIZ"]
    while True:
        if pos + 4 > n:
            raise CodestreamError(
                f"JPEG 2000 codestream truncated in the main header at byte {pos} "
                "(no SOT marker found)"
            )
        marker = _u16(data, pos)
        if marker == _SOT:
            break
        if marker >> 8 != 0xFF or marker < 0xFF30:
            raise CodestreamError(
                f"JPEG 2000 main header: 0x{marker:04X} at byte {pos} is not a marker"
            )
        length = _u16(data, pos + 2)
        if length < 2 or pos + 2 + length > n:
            raise CodestreamError(
                f"JPEG 2000 codestream truncated in the {MARKERS.get(marker, hex(marker))} "
                f"marker at byte {pos} (length {length}, {n - pos - 2} bytes left)"
            )
        markers.append(MARKERS.get(marker, f"0x{marker:04X}"))
        body = data[pos + 4 : pos + 2 + length]
        if marker == _COD and len(body) >= 10:
            progression_code = body[1]
            progression = (_PROGRESSIONS[progression_code] if progression_code < 5
                           else f"unknown ({progression_code})")
            layers = _u16(body, 2)
            mct = bool(body[4] & 1)
            levels = body[5]
            if body[8] & 0x40:
                high_throughput = True
            reversible = body[9] == 1
        elif marker == _CAP:
            high_throughput = True
        pos += 2 + length
    # Tile-parts: SOT Lsot(10) Isot Psot TPsot TNsot; Psot 0: up to the EOC.
    has_eoc = False
    while pos + 2 <= n:
        marker = _u16(data, pos)
        if marker == _EOC:
            has_eoc = True
            break
        if marker != _SOT:
            break  # trailing bytes (padding) or a corrupt tile-part: openjpeg decides
        if pos + 12 > n:
            raise CodestreamError(f"JPEG 2000 codestream truncated in the SOT marker at byte {pos}")
        psot = int.from_bytes(data[pos + 6 : pos + 10], "big")
        if psot == 0:  # the last tile-part runs to the EOC marker
            eoc = data.rfind(b"\xff\xd9", pos + 12)
            if eoc < 0:
                raise CodestreamError(
                    f"JPEG 2000 codestream truncated: the last tile-part (byte {pos}) "
                    f"runs to the end of the data ({n} bytes) without an EOC marker"
                )
            pos, has_eoc = eoc, True
            break
        if psot < 14 or pos + psot > n:
            raise CodestreamError(
                f"JPEG 2000 codestream truncated at byte {n}: the tile-part at byte {pos} "
                f"declares {psot} bytes (Psot), {n - pos} are left"
            )
        pos += psot
    return J2KHeader(
        start, jp2, colourspace, palette, rsiz, xsiz, ysiz, xo, yo, xt, yt, xto, yto,
        tuple(comps), mct, reversible, layers, levels, progression, high_throughput,
        pos, has_eoc, tuple(markers),
    )
