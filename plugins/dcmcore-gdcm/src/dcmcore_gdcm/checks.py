"""Checks run on a frame before GDCM sees it.

GDCM aborts the whole process (an uncaught C++ exception from a throwing
``assert``, or a plain ``abort()``) when the decoded size disagrees with the size
the DICOM header promises, and some bundled codecs (IJG libjpeg 6b, CharLS 2.0,
OpenJPEG 2.3) allocate from header values. So every frame is checked here, in
pure Python, first: the frame description (:func:`check_frame_info`), then the
codestream header against it (:func:`check_codestream`). What passes decodes to
exactly ``rows x columns x samples`` samples of the expected size, or GDCM fails
cleanly. Nothing here imports GDCM.

The functions raise :class:`GDCMCheckError` (a ``ValueError``) naming what is
wrong; the plugin turns it into a :class:`dcmcore.errors.PixelDataError`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.codecs import FrameInfo

__all__ = [
    "GDCMCheckError",
    "CodestreamHeader",
    "DECODE_SYNTAXES",
    "JPEG_SYNTAXES",
    "JPEGLS_SYNTAXES",
    "J2K_SYNTAXES",
    "RLE_LOSSLESS",
    "MAX_J2K_TILES",
    "check_frame_info",
    "check_codestream",
    "parse_jpeg",
    "parse_j2k",
    "parse_rle",
]

JPEG_SYNTAXES = (
    "1.2.840.10008.1.2.4.50",  # JPEG Baseline (Process 1)
    "1.2.840.10008.1.2.4.51",  # JPEG Extended (Process 2 & 4)
    "1.2.840.10008.1.2.4.57",  # JPEG Lossless (Process 14)
    "1.2.840.10008.1.2.4.70",  # JPEG Lossless SV1
)
JPEGLS_SYNTAXES = ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81")
J2K_SYNTAXES = ("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91")
RLE_LOSSLESS = "1.2.840.10008.1.2.5"
DECODE_SYNTAXES = JPEG_SYNTAXES + JPEGLS_SYNTAXES + J2K_SYNTAXES + (RLE_LOSSLESS,)

#: OpenJPEG refuses more tiles than this (15444-1 allows 65535 tile-parts indexes).
MAX_J2K_TILES = 65535
#: Photometric interpretations accepted per samples per pixel.
_PI_BY_SAMPLES = {
    1: frozenset({"MONOCHROME1", "MONOCHROME2", "PALETTE COLOR"}),
    3: frozenset({"RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT"}),
}
# JPEG start-of-frame markers handled by GDCM's IJG-based codec (Huffman coding):
# baseline, extended sequential, progressive, lossless.
_SOF_HUFFMAN = {0xC0: "baseline", 0xC1: "extended", 0xC2: "progressive", 0xC3: "lossless"}
# Other SOF markers: differential (hierarchical) and arithmetic-coded processes.
_SOF_OTHER = {0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_SOF55 = 0xF7  # JPEG-LS
_LSE = 0xF8
# Marker segments accepted before the first scan: APPn, DQT, DHT, DRI, COM (and
# SOF, SOS, LSE, handled separately). Anything else (DAC, DNL, DHP, EXP, JPGn,
# reserved codes, 0xFF00) is refused.
_TABLES_MISC = frozenset(range(0xE0, 0xF0)) | {0xDB, 0xC4, 0xDD, 0xFE}
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


class GDCMCheckError(ValueError):
    """A frame that must not be handed to GDCM (a ``ValueError``)."""


@dataclass(frozen=True)
class CodestreamHeader:
    """What the checks read from a codestream header.

    Attributes
    ----------
    kind : str
        ``"jpeg"``, ``"jpegls"``, ``"j2k"`` or ``"rle"``.
    rows, columns, components : int
        Image size and number of components (segments for RLE).
    precision : int
        Bits per sample (for RLE: bits allocated implied by the segment count).
    process : str
        JPEG process (``"baseline"``, ``"extended"``, ``"progressive"``,
        ``"lossless"``), ``"jp2"`` or ``"j2c"`` for JPEG 2000, ``""`` otherwise.
    signed : bool
        JPEG 2000 components are signed.
    offset : int
        Offset of the codestream inside the frame (a JP2 file's ``jp2c`` box).
    """

    kind: str
    rows: int
    columns: int
    components: int
    precision: int
    process: str = ""
    signed: bool = False
    offset: int = 0


def _as_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                return int(value)
        except ImportError:  # pragma: no cover - numpy is a dependency
            pass
        raise GDCMCheckError(f"GDCM: {name} must be an integer, got {value!r}")
    return value


def check_frame_info(info: FrameInfo, *, encoding: bool = False) -> None:
    """Check a frame description before GDCM sees anything of the frame.

    Parameters
    ----------
    info : dcmcore.codecs.FrameInfo
        The frame description.
    encoding : bool
        Checking an encoder's input (the transfer syntax is the target).

    Raises
    ------
    GDCMCheckError
        If rows or columns are not 1..65535, samples per pixel is not 1 or 3,
        bits allocated is not 8 or 16 (also 32 for RLE Lossless decoding, where
        colour frames must be 8-bit), bits
        stored is not 1..bits allocated, pixel representation is not 0 or 1,
        planar configuration is not 0 or 1, the photometric interpretation does
        not suit the samples per pixel, or the transfer syntax is not handled.
    """
    uid = str(getattr(info, "transfer_syntax_uid", ""))
    if uid not in DECODE_SYNTAXES:
        raise GDCMCheckError(f"GDCM: transfer syntax {uid!r} is not handled by this plugin")
    rows = _as_int("rows", getattr(info, "rows", None))
    columns = _as_int("columns", getattr(info, "columns", None))
    for name, value in (("rows", rows), ("columns", columns)):
        if not 1 <= value <= 0xFFFF:
            raise GDCMCheckError(f"GDCM: {name} must be between 1 and 65535, got {value}")
    spp = _as_int("samples per pixel", getattr(info, "samples_per_pixel", None))
    if spp not in (1, 3):
        raise GDCMCheckError(f"GDCM: samples per pixel must be 1 or 3, got {spp}")
    ba = _as_int("bits allocated", getattr(info, "bits_allocated", None))
    allowed = (8, 16, 32) if uid == RLE_LOSSLESS and not encoding else (8, 16)
    if ba not in allowed:
        names = ", ".join(str(b) for b in allowed)
        raise GDCMCheckError(
            f"GDCM: bits allocated {ba} is not supported for {uid} (supported: {names})"
        )
    if uid == RLE_LOSSLESS and spp == 3 and ba > 8 and not encoding:
        raise GDCMCheckError(
            f"GDCM: {ba}-bit colour RLE is not supported (GDCM 3.2 returns the bytes of "
            "such frames out of order)"
        )
    bs = _as_int("bits stored", getattr(info, "bits_stored", None))
    if not 1 <= bs <= ba:
        raise GDCMCheckError(
            f"GDCM: bits stored must be between 1 and bits allocated ({ba}), got {bs}"
        )
    pr = _as_int("pixel representation", getattr(info, "pixel_representation", None))
    if pr not in (0, 1):
        raise GDCMCheckError(f"GDCM: pixel representation must be 0 or 1, got {pr}")
    pc = _as_int("planar configuration", getattr(info, "planar_configuration", 0) or 0)
    if pc not in (0, 1):
        raise GDCMCheckError(f"GDCM: planar configuration must be 0 or 1, got {pc}")
    pi = str(getattr(info, "photometric_interpretation", "")).strip()
    if pi not in _PI_BY_SAMPLES[spp]:
        expected = ", ".join(sorted(_PI_BY_SAMPLES[spp]))
        raise GDCMCheckError(
            f"GDCM: photometric interpretation {pi!r} is not supported with {spp} "
            f"samples per pixel (supported: {expected})"
        )


# ---- JPEG and JPEG-LS -------------------------------------------------------------


def parse_jpeg(data: bytes | bytearray | memoryview) -> CodestreamHeader:
    """Read a JPEG or JPEG-LS frame header and check the marker structure up to the scan.

    Walks the marker segments from SOI: every segment must lie inside the data,
    exactly one start-of-frame must come before the first start-of-scan, and the
    first scan header must name components of the frame.

    Raises
    ------
    GDCMCheckError
        Naming the byte offset of the first problem.
    """
    buf = bytes(data[: min(len(data), 1 << 20)]) if len(data) > 1 << 20 else bytes(data)
    n = len(data)
    if n < 4 or buf[0:2] != b"\xff\xd8":
        raise GDCMCheckError("GDCM: the frame is not a JPEG codestream (no SOI marker at byte 0)")
    pos = 2
    header: CodestreamHeader | None = None
    frame_ids: list[int] = []
    adobe_transform: int | None = None
    while True:
        if pos >= len(buf):
            where = "before its start of frame" if header is None else "before its first scan"
            raise GDCMCheckError(f"GDCM: the JPEG codestream ends at byte {pos} {where}")
        if buf[pos] != 0xFF:
            raise GDCMCheckError(
                f"GDCM: JPEG marker expected at byte {pos}, found 0x{buf[pos]:02X}"
            )
        while pos < len(buf) and buf[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(buf):
            raise GDCMCheckError(f"GDCM: the JPEG codestream ends inside a marker at byte {pos}")
        marker = buf[pos]
        start = pos - 1
        pos += 1
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            raise GDCMCheckError(
                f"GDCM: unexpected JPEG marker 0xFF{marker:02X} at byte {start} before the scan"
            )
        if marker in (0xD8, 0xD9):
            raise GDCMCheckError(
                f"GDCM: JPEG marker 0xFF{marker:02X} at byte {start} before the first scan"
            )
        if pos + 2 > len(buf):
            raise GDCMCheckError(f"GDCM: JPEG segment length missing at byte {pos}")
        length = struct.unpack_from(">H", buf, pos)[0]
        if length < 2 or pos + length > n:
            raise GDCMCheckError(
                f"GDCM: JPEG marker 0xFF{marker:02X} at byte {start} has length {length}, "
                f"which runs past the end of the {n}-byte frame"
            )
        if pos + length > len(buf):
            raise GDCMCheckError(
                f"GDCM: JPEG marker segment at byte {start} is longer than 1 MiB"
            )
        body = buf[pos + 2 : pos + length]
        if marker == 0xE0 and len(body) >= 14 and body[:5] == b"JFIF\x00" and body[5] != 1:
            # libjpeg warns (JWRN_JFIF_MAJOR) and GDCM asserts on any header warning
            raise GDCMCheckError(
                f"GDCM: JFIF major version {body[5]} at byte {start + 9} (only 1 is supported)"
            )
        if marker == 0xEE and len(body) >= 12 and body[:5] == b"Adobe":
            adobe_transform = body[11]
        if marker in _SOF_HUFFMAN or marker in _SOF_OTHER or marker == _SOF55:
            if header is not None:
                raise GDCMCheckError(
                    f"GDCM: second JPEG start of frame (0xFF{marker:02X}) at byte {start}"
                )
            if marker in _SOF_OTHER:
                raise GDCMCheckError(
                    f"GDCM: JPEG process of marker 0xFF{marker:02X} (hierarchical or "
                    "arithmetic coding) is not supported"
                )
            if len(body) < 6:
                raise GDCMCheckError(f"GDCM: JPEG frame header at byte {start} is truncated")
            precision, rows, columns, ncomp = struct.unpack_from(">BHHB", body, 0)
            if len(body) != 6 + 3 * ncomp:
                raise GDCMCheckError(
                    f"GDCM: JPEG frame header at byte {start} has length {length}, "
                    f"{8 + 3 * ncomp} expected for {ncomp} components"
                )
            for i in range(ncomp):
                cid, sampling, tq = body[6 + 3 * i : 9 + 3 * i]
                h, v = sampling >> 4, sampling & 0x0F
                if marker == _SOF55:
                    if (h, v) != (1, 1):
                        raise GDCMCheckError(
                            f"GDCM: JPEG-LS component {i} has sampling factors {h}x{v}; "
                            "only 1x1 is supported"
                        )
                elif not (1 <= h <= 4 and 1 <= v <= 4) or tq > 3:
                    raise GDCMCheckError(
                        f"GDCM: JPEG component {i} at byte {start + 10 + 3 * i} has invalid "
                        f"sampling factors {h}x{v} or table {tq}"
                    )
                if cid in frame_ids:
                    raise GDCMCheckError(f"GDCM: JPEG component id {cid} appears twice")
                frame_ids.append(cid)
            kind = "jpegls" if marker == _SOF55 else "jpeg"
            process = "" if marker == _SOF55 else _SOF_HUFFMAN[marker]
            header = CodestreamHeader(kind, rows, columns, ncomp, precision, process)
        elif marker == 0xDA:
            if header is None:
                raise GDCMCheckError(
                    f"GDCM: JPEG start of scan at byte {start} comes before the start of frame"
                )
            if not body or not 1 <= body[0] <= 4 or len(body) != 4 + 2 * body[0]:
                raise GDCMCheckError(f"GDCM: JPEG scan header at byte {start} is malformed")
            for i in range(body[0]):
                if body[1 + 2 * i] not in frame_ids:
                    raise GDCMCheckError(
                        f"GDCM: JPEG scan at byte {start} names component {body[1 + 2 * i]}, "
                        "which is not in the frame"
                    )
            if header.kind == "jpeg" and header.components == 3 and adobe_transform not in (
                None, 0, 1
            ):
                # libjpeg warns (JWRN_ADOBE_XFORM) and GDCM asserts on header warnings
                raise GDCMCheckError(
                    f"GDCM: Adobe APP14 colour transform {adobe_transform} is not 0 or 1"
                )
            if header.kind == "jpegls":
                near, ilv = body[-3], body[-2]
                if ilv > 2:
                    raise GDCMCheckError(
                        f"GDCM: JPEG-LS interleave mode {ilv} at byte {start} is invalid"
                    )
                limit = min(255, ((1 << header.precision) - 1) // 2)
                if near > limit:
                    raise GDCMCheckError(
                        f"GDCM: JPEG-LS NEAR {near} at byte {start} is above {limit}"
                    )
            return header
        elif marker == _LSE:
            if not body or body[0] != 1:
                raise GDCMCheckError(
                    f"GDCM: JPEG-LS LSE segment at byte {start} of type "
                    f"{body[0] if body else None} is not supported (only preset parameters)"
                )
        elif marker not in _TABLES_MISC:
            raise GDCMCheckError(
                f"GDCM: JPEG marker 0xFF{marker:02X} at byte {start} is not supported before "
                "the first scan"
            )
        pos += length


def _check_jpeg(header: CodestreamHeader, info: FrameInfo) -> None:
    ba = int(info.bits_allocated)
    p = header.precision
    if header.kind == "jpegls":
        if not 2 <= p <= 16:
            raise GDCMCheckError(f"GDCM: JPEG-LS precision {p} is not supported (2 to 16)")
        # CharLS writes (P + 7) // 8 bytes per sample; GDCM copies the size the
        # DICOM header promises out of it and aborts when it is shorter.
        if (p + 7) // 8 != ba // 8:
            raise GDCMCheckError(
                f"GDCM: JPEG-LS precision {p} does not fit bits allocated {ba} "
                f"(GDCM needs {8 * ((p + 7) // 8)} bits allocated for it)"
            )
        return
    process = header.process
    if process == "baseline" and p != 8:
        raise GDCMCheckError(f"GDCM: JPEG baseline precision must be 8, got {p}")
    if process in ("extended", "progressive") and p not in (8, 12):
        raise GDCMCheckError(f"GDCM: lossy JPEG precision must be 8 or 12, got {p}")
    if process == "lossless" and not 2 <= p <= 16:
        raise GDCMCheckError(f"GDCM: lossless JPEG precision must be 2 to 16, got {p}")
    if (p + 7) // 8 != ba // 8:
        raise GDCMCheckError(
            f"GDCM: JPEG precision {p} does not fit bits allocated {ba} "
            f"(GDCM needs {8 * ((p + 7) // 8)} bits allocated for it)"
        )


# ---- JPEG 2000 --------------------------------------------------------------------


def _jp2_codestream_offset(data: bytes | bytearray | memoryview) -> int:
    """Offset of the contiguous codestream box's payload in a JP2 file."""
    pos, n = 0, len(data)
    while pos + 8 <= n:
        length = int.from_bytes(bytes(data[pos : pos + 4]), "big")
        box = bytes(data[pos + 4 : pos + 8])
        header = 8
        if length == 1:
            if pos + 16 > n:
                break
            length = int.from_bytes(bytes(data[pos + 8 : pos + 16]), "big")
            header = 16
        if box == b"jp2c":
            return pos + header
        if length == 0 or length < header or pos + length > n:
            break
        pos += length
    raise GDCMCheckError("GDCM: the JP2 file has no contiguous codestream box")


def parse_j2k(data: bytes | bytearray | memoryview) -> CodestreamHeader:
    """Read the SIZ marker of a JPEG 2000 codestream (bare, or inside a JP2 file).

    Raises
    ------
    GDCMCheckError
        If there is no SOC/SIZ, the SIZ segment is truncated or inconsistent, the
        image or tile geometry is impossible, there are more than
        :data:`MAX_J2K_TILES` tiles, or components differ in precision,
        signedness or sub-sampling.
    """
    offset = 0
    process = "j2c"
    if bytes(data[:12]) == _JP2_SIGNATURE:
        offset = _jp2_codestream_offset(data)
        process = "jp2"
    head = bytes(data[offset : offset + 4])
    if head != b"\xff\x4f\xff\x51":
        raise GDCMCheckError(
            f"GDCM: the frame is not a JPEG 2000 codestream (no SOC and SIZ markers at byte "
            f"{offset})"
        )
    siz = bytes(data[offset + 4 : offset + 4 + 38])
    if len(siz) < 38:
        raise GDCMCheckError("GDCM: the JPEG 2000 SIZ segment is truncated")
    lsiz, _rsiz, xsiz, ysiz, xo, yo, xt, yt, xto, yto, csiz = struct.unpack(">HHIIIIIIIIH", siz)
    if not 1 <= csiz <= 16384 or lsiz != 38 + 3 * csiz:
        raise GDCMCheckError(
            f"GDCM: the JPEG 2000 SIZ segment has length {lsiz} for {csiz} components"
        )
    comps = bytes(data[offset + 42 : offset + 42 + 3 * csiz])
    if len(comps) < 3 * csiz:
        raise GDCMCheckError("GDCM: the JPEG 2000 SIZ segment is truncated")
    if not (xo < xsiz and yo < ysiz):
        raise GDCMCheckError(
            f"GDCM: JPEG 2000 image offset ({xo}, {yo}) is outside the image ({xsiz}, {ysiz})"
        )
    if xt == 0 or yt == 0 or xto > xo or yto > yo or xto + xt <= xo or yto + yt <= yo:
        raise GDCMCheckError(
            f"GDCM: JPEG 2000 tile grid (size {xt} x {yt}, offset {xto}, {yto}) does not "
            f"cover the image offset ({xo}, {yo})"
        )
    tiles = -(-(xsiz - xto) // xt) * -(-(ysiz - yto) // yt)
    if tiles > MAX_J2K_TILES:
        raise GDCMCheckError(
            f"GDCM: the JPEG 2000 codestream has {tiles} tiles, more than {MAX_J2K_TILES}"
        )
    first = comps[0]
    for i in range(csiz):
        ssiz, xr, yr = comps[3 * i : 3 * i + 3]
        if ssiz != first:
            raise GDCMCheckError(
                f"GDCM: JPEG 2000 component {i} precision/sign byte 0x{ssiz:02X} differs from "
                f"component 0 (0x{first:02X})"
            )
        if (xr, yr) != (1, 1):
            raise GDCMCheckError(
                f"GDCM: JPEG 2000 component {i} is sub-sampled ({xr} x {yr}); not supported"
            )
    precision = (first & 0x7F) + 1
    return CodestreamHeader(
        "j2k", ysiz - yo, xsiz - xo, csiz, precision, process, bool(first & 0x80), offset
    )


def _check_j2k(header: CodestreamHeader, info: FrameInfo) -> None:
    ba = int(info.bits_allocated)
    p = header.precision
    if not 1 <= p <= 16:
        raise GDCMCheckError(f"GDCM: JPEG 2000 precision {p} is not supported (1 to 16)")
    if p > ba:
        raise GDCMCheckError(
            f"GDCM: JPEG 2000 precision {p} does not fit bits allocated {ba}"
        )


# ---- RLE ----------------------------------------------------------------------------


def parse_rle(data: bytes | bytearray | memoryview) -> list[int]:
    """Return the segment offsets of an RLE frame after checking its header.

    Raises
    ------
    GDCMCheckError
        If the frame is shorter than the 64-byte header, the segment count is not
        1 to 15, the first offset is not 64, offsets are not increasing or point
        past the end of the frame, or unused offsets are not zero.
    """
    n = len(data)
    if n < 64:
        raise GDCMCheckError(f"GDCM: the RLE frame is {n} bytes, shorter than its 64-byte header")
    values = struct.unpack("<16I", bytes(data[:64]))
    count = values[0]
    if not 1 <= count <= 15:
        raise GDCMCheckError(f"GDCM: the RLE header gives {count} segments (1 to 15 allowed)")
    offsets = list(values[1 : count + 1])
    if offsets[0] != 64:
        raise GDCMCheckError(f"GDCM: the first RLE segment offset is {offsets[0]}, not 64")
    for i in range(1, count):
        if not offsets[i - 1] < offsets[i] < n:
            raise GDCMCheckError(
                f"GDCM: RLE segment {i + 1} offset {offsets[i]} (header byte {4 + 4 * i}) "
                f"must be after the previous one ({offsets[i - 1]}) and before the end of "
                f"the {n}-byte frame"
            )
    if offsets[-1] >= n:
        raise GDCMCheckError(
            f"GDCM: RLE segment {count} offset {offsets[-1]} is not before the end of the "
            f"{n}-byte frame"
        )
    if any(values[count + 1 :]):
        raise GDCMCheckError("GDCM: the RLE header has non-zero offsets for unused segments")
    return offsets


# ---- dispatch -----------------------------------------------------------------------


def check_codestream(data: bytes | bytearray | memoryview, info: FrameInfo) -> CodestreamHeader:
    """Check that a frame's codestream header agrees with its description.

    Parameters
    ----------
    data : bytes-like
        One frame's codestream (fragments joined, maybe with a trailing pad byte).
    info : dcmcore.codecs.FrameInfo
        The frame description, already checked by :func:`check_frame_info`.

    Returns
    -------
    CodestreamHeader
        What the header says.

    Raises
    ------
    GDCMCheckError
        If the codestream is not of the transfer syntax's kind, or its size,
        number of components or precision disagree with the description.
    """
    uid = str(info.transfer_syntax_uid)
    rows, columns = int(info.rows), int(info.columns)
    spp, ba = int(info.samples_per_pixel), int(info.bits_allocated)
    if uid == RLE_LOSSLESS:
        offsets = parse_rle(data)
        expected = spp * ba // 8
        if len(offsets) != expected:
            raise GDCMCheckError(
                f"GDCM: the RLE header gives {len(offsets)} segments, {expected} expected for "
                f"{spp} samples of {ba} bits"
            )
        return CodestreamHeader("rle", rows, columns, len(offsets), ba)
    if uid in J2K_SYNTAXES:
        header = parse_j2k(data)
        _check_geometry(header, rows, columns, spp)
        _check_j2k(header, info)
        return header
    header = parse_jpeg(data)
    wanted = "jpegls" if uid in JPEGLS_SYNTAXES else "jpeg"
    if header.kind != wanted:
        names = {"jpeg": "JPEG", "jpegls": "JPEG-LS"}
        raise GDCMCheckError(
            f"GDCM: the frame is a {names[header.kind]} codestream but the transfer syntax "
            f"{uid} is {names[wanted]}"
        )
    _check_geometry(header, rows, columns, spp)
    _check_jpeg(header, info)
    return header


def _check_geometry(header: CodestreamHeader, rows: int, columns: int, spp: int) -> None:
    names = {"jpeg": "JPEG", "jpegls": "JPEG-LS", "j2k": "JPEG 2000"}
    name = names.get(header.kind, header.kind)
    if (header.rows, header.columns) != (rows, columns):
        raise GDCMCheckError(
            f"GDCM: the {name} codestream is {header.columns} x {header.rows} (columns x rows), "
            f"the frame description says {columns} x {rows}"
        )
    if header.components != spp:
        raise GDCMCheckError(
            f"GDCM: the {name} codestream has {header.components} components, the frame "
            f"description says {spp} samples per pixel"
        )
