"""JPEG (ISO/IEC 10918-1) codestream header reading, without Pillow or dcmcore.

Pillow decodes whatever libjpeg-turbo accepts and never checks the result against
what the caller expects: given a size that differs from the frame header it decodes
into the wrong geometry without complaint, and libjpeg sizes its work buffers from
the frame header. So the plugin reads the header itself first (:func:`read_header`)
and compares it with the DICOM frame description before Pillow sees the data.

The marker walk follows libjpeg's reader: bytes that are not a marker between
marker segments are skipped (libjpeg only warns about them), fill bytes ``0xFF``
before a marker code are skipped, and the walk stops at the first Start Of Scan.
Only the segments before the first scan are read; the entropy-coded data is not.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "JPEGHeaderError",
    "JPEGHeader",
    "read_header",
    "strip_jfif",
    "SOF_NAMES",
    "min_codestream_length",
]

#: Start Of Frame markers and the coding process each one introduces (T.81 Table B.1).
SOF_NAMES = {
    0xC0: "baseline sequential DCT, Huffman",
    0xC1: "extended sequential DCT, Huffman",
    0xC2: "progressive DCT, Huffman",
    0xC3: "lossless, Huffman",
    0xC5: "differential sequential DCT, Huffman (hierarchical)",
    0xC6: "differential progressive DCT, Huffman (hierarchical)",
    0xC7: "differential lossless, Huffman (hierarchical)",
    0xC9: "extended sequential DCT, arithmetic",
    0xCA: "progressive DCT, arithmetic",
    0xCB: "lossless, arithmetic",
    0xCD: "differential sequential DCT, arithmetic (hierarchical)",
    0xCE: "differential progressive DCT, arithmetic (hierarchical)",
    0xCF: "differential lossless, arithmetic (hierarchical)",
    0xF7: "JPEG-LS (ISO/IEC 14495-1)",
}

_SOI, _EOI, _SOS, _TEM = 0xD8, 0xD9, 0xDA, 0x01
_RST = range(0xD0, 0xD8)


class JPEGHeaderError(ValueError):
    """The codestream's marker segments are missing, truncated or malformed."""


@dataclass(frozen=True)
class JPEGHeader:
    """What the marker segments before the first scan say about a JPEG frame.

    Attributes
    ----------
    sof_marker : int
        Second byte of the Start Of Frame marker, e.g. ``0xC0`` (baseline).
    sof_offset : int
        Byte offset of that marker.
    precision : int
        Sample precision P in bits (8 or 12 for DCT processes).
    rows, columns : int
        Number of lines Y and samples per line X of the frame header.
    components : tuple of (int, int, int)
        ``(identifier, horizontal sampling, vertical sampling)`` per component.
    adobe_transform : int or None
        Transform flag of an Adobe APP14 segment (0 none: RGB/CMYK, 1 YCbCr,
        2 YCCK), None without such a segment.
    jfif : bool
        Whether a JFIF APP0 segment is present.
    sos_offset : int
        Byte offset of the first Start Of Scan marker.
    """

    sof_marker: int
    sof_offset: int
    precision: int
    rows: int
    columns: int
    components: tuple[tuple[int, int, int], ...]
    adobe_transform: int | None
    jfif: bool
    sos_offset: int

    @property
    def process(self) -> str:
        """Name of the coding process of the frame header."""
        return SOF_NAMES.get(self.sof_marker, "unknown")


def _next_marker(data: bytes, pos: int) -> tuple[int, int]:
    """Return ``(marker code, offset of its 0xFF)`` at or after `pos` (libjpeg's rules)."""
    n = len(data)
    while True:
        ff = data.find(b"\xff", pos)
        if ff < 0 or ff + 1 >= n:
            raise JPEGHeaderError(
                f"JPEG codestream truncated at byte {n}: no Start Of Scan marker found"
            )
        code_at = ff + 1
        while code_at < n and data[code_at] == 0xFF:  # fill bytes
            code_at += 1
        if code_at >= n:
            raise JPEGHeaderError(
                f"JPEG codestream truncated at byte {n}: no Start Of Scan marker found"
            )
        if data[code_at] != 0x00:  # 0xFF00 is not a marker: keep looking
            return data[code_at], code_at - 1
        pos = code_at + 1


def read_header(data: bytes) -> JPEGHeader:
    """Read the marker segments of a JPEG codestream up to its first scan.

    Parameters
    ----------
    data : bytes
        One frame's codestream (it may be followed by padding or anything else).

    Returns
    -------
    JPEGHeader
        The frame header (SOF) facts, the Adobe and JFIF markers and where the
        first scan starts.

    Raises
    ------
    JPEGHeaderError
        If there is no SOI, a marker segment runs past the end of the data or is
        shorter than its fixed fields, a second SOI/SOF or an EOI comes before the
        first scan, a scan comes before the frame header, or there is no scan.
    """
    if len(data) < 2 or data[0] != 0xFF or data[1] != _SOI:
        raise JPEGHeaderError(
            "not a JPEG codestream: it does not start with the SOI marker FFD8 "
            f"(first bytes {bytes(data[:4]).hex(' ').upper() or 'none'})"
        )
    n = len(data)
    pos = 2
    sof: tuple[int, int, bytes] | None = None
    adobe: int | None = None
    jfif = False
    while True:
        code, at = _next_marker(data, pos)
        if code in _RST or code == _TEM:
            pos = at + 2
            continue
        if code == _SOI:
            raise JPEGHeaderError(f"JPEG codestream has a second SOI marker at byte {at}")
        if code == _EOI:
            raise JPEGHeaderError(
                f"JPEG codestream ends (EOI marker at byte {at}) before its first scan"
            )
        if at + 4 > n:
            raise JPEGHeaderError(
                f"JPEG codestream truncated at byte {n} in the FF{code:02X} marker "
                f"segment at byte {at}"
            )
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if length < 2:
            raise JPEGHeaderError(
                f"JPEG marker segment FF{code:02X} at byte {at} has an invalid length {length}"
            )
        end = at + 2 + length
        if end > n:
            raise JPEGHeaderError(
                f"JPEG codestream truncated at byte {n}: the FF{code:02X} marker segment "
                f"at byte {at} needs {end} bytes"
            )
        body = bytes(data[at + 4 : end])
        if code in SOF_NAMES:
            if sof is not None:
                raise JPEGHeaderError(
                    f"JPEG codestream has a second frame header (FF{code:02X} at byte {at}) "
                    f"after the one at byte {sof[1]}"
                )
            sof = (code, at, body)
        elif code == 0xEE and body.startswith(b"Adobe") and len(body) >= 12:
            adobe = body[11]
        elif code == 0xE0 and body.startswith(b"JFIF\x00"):
            jfif = True
        elif code == _SOS:
            if sof is None:
                raise JPEGHeaderError(
                    f"JPEG codestream has a Start Of Scan (byte {at}) before any frame header"
                )
            return _frame_header(sof, adobe, jfif, at)
        pos = end


def _frame_header(sof: tuple[int, int, bytes], adobe: int | None, jfif: bool, sos_at: int
                  ) -> JPEGHeader:
    code, at, body = sof
    if len(body) < 6:
        raise JPEGHeaderError(
            f"JPEG frame header FF{code:02X} at byte {at} is {len(body) + 2} bytes long, "
            "shorter than its 8 fixed bytes"
        )
    count = body[5]
    if len(body) < 6 + 3 * count:
        raise JPEGHeaderError(
            f"JPEG frame header FF{code:02X} at byte {at} declares {count} components but "
            f"holds {(len(body) - 6) // 3}"
        )
    components = tuple(
        (body[6 + 3 * i], body[7 + 3 * i] >> 4, body[7 + 3 * i] & 0x0F) for i in range(count)
    )
    return JPEGHeader(
        sof_marker=code,
        sof_offset=at,
        precision=body[0],
        rows=int.from_bytes(body[1:3], "big"),
        columns=int.from_bytes(body[3:5], "big"),
        components=components,
        adobe_transform=adobe,
        jfif=jfif,
        sos_offset=sos_at,
    )


def min_codestream_length(header: JPEGHeader) -> int:
    """Fewest bytes a complete Huffman DCT codestream with this frame header can have.

    Counted without MCU padding, per component (a lower bound for interleaved
    scans too), a frame has ``B`` 8x8 blocks. In a sequential frame (SOF0, SOF1)
    every block needs a DC code and an AC code or the end-of-block code, each at
    least one bit long: ``B / 4`` bytes after the first scan header. A
    progressive frame (SOF2) may code runs of empty AC bands in a few bits, but
    its DC scans still need at least one bit per block: ``B / 8`` bytes. Other
    frame types get no bound (0).

    This keeps a short codestream whose frame header (and dataset) claim a huge
    image from making libjpeg allocate and decode that image.

    Parameters
    ----------
    header : JPEGHeader
        The frame's header, from :func:`read_header`.

    Returns
    -------
    int
        The minimum length in bytes of the whole codestream (0: no bound known).
    """
    bits_per_block = {0xC0: 2, 0xC1: 2, 0xC2: 1}.get(header.sof_marker, 0)
    h_max = max((h for _, h, _ in header.components), default=1) or 1
    v_max = max((v for _, _, v in header.components), default=1) or 1
    blocks = 0
    for _, h, v in header.components:
        width = -(-header.columns * h // h_max)
        height = -(-header.rows * v // v_max)
        blocks += -(-width // 8) * -(-height // 8)
    if not bits_per_block:
        return 0
    return header.sos_offset + blocks * bits_per_block // 8


def strip_jfif(data: bytes) -> bytes:
    """Return `data` without JFIF/JFXX APP0 marker segments placed right after SOI.

    Only the APP0 segments that directly follow SOI are looked at (JFIF requires its
    segments there); the rest of the codestream is returned unchanged.

    Parameters
    ----------
    data : bytes
        A JPEG codestream.

    Returns
    -------
    bytes
        The codestream without its leading JFIF/JFXX segments (`data` itself when
        there are none).
    """
    pos = 2
    while (
        len(data) >= pos + 4
        and data[pos] == 0xFF
        and data[pos + 1] == 0xE0
        and data[pos + 4 : pos + 9] in (b"JFIF\x00", b"JFXX\x00")
    ):
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    if pos == 2:
        return data
    return data[:2] + data[pos:]
