"""Reading the header of a JPEG-LS codestream (ITU-T T.87 | ISO/IEC 14495-1), no dcmcore import.

The plugin reads the header itself, before CharLS sees the data, for three reasons:

- CharLS (through pyjpegls) allocates its output from the header's width, height,
  component count and precision; comparing them with the dataset first bounds that
  allocation by the frame description and turns a mismatch into a clear error;
- the decoded buffer is shaped from these values (interleave mode 0 is colour-by-plane);
- features CharLS 2.4 decodes without applying (mapping tables) are refused here.

A JPEG-LS codestream is ``SOI [tables/misc] SOF55 [tables/misc] SOS <scan> [SOS <scan>...]
EOI``. Marker segments before the first SOS may be APPn (e.g. a SPIFF header), COM, DRI
and LSE (preset coding parameters, mapping tables, oversize image dimensions).

:func:`without_padding_before_eoi` removes the zero bytes some encoders leave between the
end of the scan data and EOI, which CharLS 2.3 and later refuse (team-charls/charls#365).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "JPEGLSHeader",
    "JPEGLSCodestreamError",
    "end_of_image",
    "parse_header",
    "without_padding_before_eoi",
]

_SOI, _EOI, _SOF55, _LSE, _SOS = 0xD8, 0xD9, 0xF7, 0xF8, 0xDA
# Start Of Frame markers of the other JPEG processes (ISO/IEC 10918-1): not JPEG-LS
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: RSTm, TEM
_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}


class JPEGLSCodestreamError(ValueError):
    """The JPEG-LS codestream header is invalid or truncated (a ``ValueError``)."""


@dataclass(frozen=True)
class JPEGLSHeader:
    """What the frame (SOF55) and first scan (SOS) headers of a JPEG-LS codestream say.

    Attributes
    ----------
    precision : int
        Sample precision P, 2 to 16 bits.
    rows, columns : int
        Number of lines Y and samples per line X (oversize values from an LSE
        segment applied).
    components : int
        Number of components Nf in the frame.
    component_ids : tuple of int
        The component identifiers Ci of the frame.
    near : int
        NEAR of the first scan: 0 for lossless, else the largest absolute error.
    interleave_mode : int
        ILV of the first scan: 0 by plane (one scan per component), 1 by line,
        2 by sample.
    scan_components : int
        Number of components in the first scan.
    mapping_table : bool
        Whether the first scan selects a mapping table (palette) for a component,
        or the header defines one.
    point_transform : int
        The point transform Al of the first scan (0 when unused).
    scan_offset : int
        Byte offset of the first scan's entropy-coded data.
    """

    precision: int
    rows: int
    columns: int
    components: int
    component_ids: tuple[int, ...]
    near: int
    interleave_mode: int
    scan_components: int
    mapping_table: bool
    point_transform: int
    scan_offset: int


def _u16(data: bytes, pos: int) -> int:
    return (data[pos] << 8) | data[pos + 1]


def parse_header(data: bytes) -> JPEGLSHeader:
    """Read the JPEG-LS header of `data` up to the first scan's entropy-coded data.

    Parameters
    ----------
    data : bytes
        One frame's codestream.

    Returns
    -------
    JPEGLSHeader
        The frame and first scan parameters.

    Raises
    ------
    JPEGLSCodestreamError
        If `data` does not start with SOI, is another JPEG process, ends inside the
        header, has a marker segment whose length runs past the end, or has frame or
        scan parameters outside the ranges of T.87 (precision 2-16, at least one line,
        column and component, ILV 0-2, NEAR at most min(255, MAXVAL/2)).
    """
    n = len(data)
    if n < 2 or data[0] != 0xFF or data[1] != _SOI:
        raise JPEGLSCodestreamError(
            "JPEG-LS codestream does not start with a Start Of Image marker (FFD8): "
            f"its first bytes are {bytes(data[:4]).hex(' ').upper() or 'missing'}"
        )
    pos = 2
    frame: tuple[int, int, int, list[int]] | None = None  # precision, Y, X, ids
    oversize: tuple[int, int] | None = None
    maxval = 0
    mapping = False
    while True:
        if pos >= n:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream truncated at byte {n}: the header ends before the "
                "first Start Of Scan (FFDA)"
            )
        if data[pos] != 0xFF:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream header: expected a marker (FFxx) at byte {pos}, "
                f"found 0x{data[pos]:02X}"
            )
        marker_pos = pos
        while pos < n and data[pos] == 0xFF:  # fill bytes before a marker code
            pos += 1
        if pos >= n:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream truncated at byte {n}: it ends in a marker prefix"
            )
        code = data[pos]
        pos += 1
        if code == _EOI:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream has an End Of Image marker (FFD9) at byte {marker_pos}, "
                "before any scan"
            )
        if code == _SOI or code in _STANDALONE or code == 0x00:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream header: unexpected marker FF{code:02X} at byte {marker_pos}"
            )
        if pos + 2 > n:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream truncated at byte {n}: marker FF{code:02X} at byte "
                f"{marker_pos} has no length"
            )
        length = _u16(data, pos)
        end = pos + length
        if length < 2:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream header: marker FF{code:02X} at byte {marker_pos} has an "
                f"invalid segment length {length}"
            )
        if end > n:
            raise JPEGLSCodestreamError(
                f"JPEG-LS codestream truncated at byte {n}: marker segment FF{code:02X} at "
                f"byte {marker_pos} is {length} bytes long and would end at byte {end}"
            )
        body = data[pos + 2 : end]
        if code == _SOF55:
            if frame is not None:
                raise JPEGLSCodestreamError(
                    f"JPEG-LS codestream has a second Start Of Frame (FFF7) at byte {marker_pos}"
                )
            frame = _frame(body, marker_pos)
        elif code in _JPEG_SOF:
            raise JPEGLSCodestreamError(
                f"not a JPEG-LS codestream: its frame header is FF{code:02X} at byte "
                f"{marker_pos} (ISO/IEC 10918-1 JPEG), not FFF7 (JPEG-LS)"
            )
        elif code == _LSE:
            kind = body[0] if body else 0
            if kind == 1 and len(body) >= 3:
                maxval = _u16(body, 1)
            elif kind in (2, 3):
                mapping = True
            elif kind == 4:
                oversize = _oversize(body, marker_pos)
        elif code == _SOS:
            if frame is None:
                raise JPEGLSCodestreamError(
                    f"JPEG-LS codestream has a Start Of Scan (FFDA) at byte {marker_pos} "
                    "before its Start Of Frame (FFF7)"
                )
            return _scan(body, marker_pos, end, frame, oversize, maxval, mapping)
        pos = end


def _frame(body: bytes, at: int) -> tuple[int, int, int, list[int]]:
    if len(body) < 6:
        raise JPEGLSCodestreamError(
            f"JPEG-LS Start Of Frame (FFF7) at byte {at} is too short ({len(body) + 2} bytes)"
        )
    precision, rows, columns, count = body[0], _u16(body, 1), _u16(body, 3), body[5]
    if not 2 <= precision <= 16:
        raise JPEGLSCodestreamError(
            f"JPEG-LS precision {precision} (Start Of Frame at byte {at}) is not in 2-16"
        )
    if count < 1 or len(body) < 6 + 3 * count:
        raise JPEGLSCodestreamError(
            f"JPEG-LS Start Of Frame (FFF7) at byte {at} declares {count} components in "
            f"{len(body) + 2} bytes"
        )
    ids = [body[6 + 3 * i] for i in range(count)]
    return precision, rows, columns, ids


def _oversize(body: bytes, at: int) -> tuple[int, int]:
    width = body[1] if len(body) > 1 else 0
    if not 2 <= width <= 4 or len(body) < 2 + 2 * width:
        raise JPEGLSCodestreamError(
            f"JPEG-LS oversize image dimension segment (LSE type 4) at byte {at} is invalid"
        )
    rows = int.from_bytes(body[2 : 2 + width], "big")
    columns = int.from_bytes(body[2 + width : 2 + 2 * width], "big")
    return rows, columns


def _scan(
    body: bytes,
    at: int,
    end: int,
    frame: tuple[int, int, int, list[int]],
    oversize: tuple[int, int] | None,
    maxval: int,
    mapping: bool,
) -> JPEGLSHeader:
    precision, rows, columns, ids = frame
    if oversize is not None:
        rows = rows or oversize[0]
        columns = columns or oversize[1]
    if rows < 1 or columns < 1:
        raise JPEGLSCodestreamError(
            f"JPEG-LS frame has {rows} lines and {columns} columns: both must be at least 1"
        )
    count = body[0] if body else 0
    if count < 1 or len(body) < 1 + 2 * count + 3:
        raise JPEGLSCodestreamError(
            f"JPEG-LS Start Of Scan (FFDA) at byte {at} declares {count} components in "
            f"{len(body) + 2} bytes"
        )
    tables = [body[2 + 2 * i] for i in range(count)]
    near, ilv, transform = body[1 + 2 * count], body[2 + 2 * count], body[3 + 2 * count]
    if ilv > 2 or (ilv and count == 1 and len(ids) > 1):
        raise JPEGLSCodestreamError(
            f"JPEG-LS Start Of Scan at byte {at}: interleave mode {ilv} is invalid for a scan "
            f"of {count} of {len(ids)} components"
        )
    limit = min(255, (maxval or (1 << precision) - 1) // 2)
    if near > limit:
        raise JPEGLSCodestreamError(
            f"JPEG-LS Start Of Scan at byte {at}: NEAR {near} exceeds {limit}, the largest "
            f"allowed for precision {precision}"
        )
    return JPEGLSHeader(
        precision=precision,
        rows=rows,
        columns=columns,
        components=len(ids),
        component_ids=tuple(ids),
        near=near,
        interleave_mode=ilv,
        scan_components=count,
        mapping_table=mapping or any(tables),
        point_transform=transform & 0x0F,
        scan_offset=end,
    )


def end_of_image(data: bytes, start: int = 2) -> int | None:
    """Return the offset just past the last End Of Image marker (FFD9), or None.

    In JPEG-LS entropy-coded data a 0xFF byte is always followed by a byte below 0x80
    (bit stuffing), so an FFD9 found after the first scan header is a marker.

    Parameters
    ----------
    data : bytes
        One frame's codestream.
    start : int
        Where to start looking (the first scan's data).

    Returns
    -------
    int or None
        ``offset + 2`` of the last FFD9 at or after `start`; None when there is none
        (the codestream is truncated).
    """
    end = len(data)
    while end > start and data[end - 1] == 0:  # odd-length fragment padding
        end -= 1
    if end - start >= 2 and data[end - 2] == 0xFF and data[end - 1] == _EOI:
        return end
    found = data.rfind(b"\xff\xd9", start)
    return None if found < 0 else found + 2


def without_padding_before_eoi(data: bytes, max_kept: int = 2) -> list[bytes]:
    """Return `data` with the zero bytes before its final EOI marker removed, then kept 1, 2...

    Some DICOM encoders write ``... 00 FF D9`` (padding between the end of the scan data
    and End Of Image, e.g. the WG04 sample MR1_JLSL); CharLS 2.3 and later refuse such
    streams ("the leading start byte (0xFF) for a JPEG marker was not found"), CharLS 2.2
    ignored the bytes (team-charls/charls#365). Zero bytes *after* EOI (the padding of an
    odd-length fragment) are left alone: CharLS ignores them.

    A zero just before EOI may also be the last byte of the scan data, so the callers try
    the candidates in order and keep the first that decodes. Removing a zero data byte
    made CharLS 2.4.2 either fail ("general structural problem") or give the same pixels
    (300 streams ending in one: 134 and 166 times, never different pixels).

    Parameters
    ----------
    data : bytes
        One frame's codestream.
    max_kept : int
        Largest number of zero bytes kept in a candidate.

    Returns
    -------
    list of bytes
        The candidates, the zero run removed entirely first; empty when no zero byte
        precedes the final EOI. A zero byte right after a 0xFF byte is always kept (it
        holds the stuffed bits of that 0xFF).
    """
    end = len(data)
    while end and data[end - 1] == 0:  # odd-length fragment padding after EOI
        end -= 1
    if end < 4 or data[end - 2] != 0xFF or data[end - 1] != _EOI:
        return []
    eoi = end - 2
    start = eoi
    while start > 2 and data[start - 1] == 0:
        start -= 1
    if start < eoi and data[start - 1] == 0xFF:
        start += 1  # the byte after 0xFF is entropy-coded data (bit stuffing)
    head, tail = bytes(data[:start]), bytes(data[eoi:])
    run = eoi - start
    return [head + bytes(kept) + tail for kept in range(min(run, max_kept + 1))]
