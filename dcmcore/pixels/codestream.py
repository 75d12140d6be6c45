"""What the core reads from a frame's codestream before decoding it.

Plugins decode; but a few facts that decide how the *core* shapes the result are in the
codestream, not the dataset, and must be read the same way whichever plugin decodes:

- JPEG 2000: the precision and signedness of the first component (SIZ marker), used to
  fix data whose signedness disagrees with Pixel Representation;
- JPEG-LS: the precision (SOF55), used to sign-extend signed data (JPEG-LS has no sign);
- JPEG and JPEG-LS: component IDs 'R','G','B' (the data is RGB whatever the dataset says)
  and a JFIF APP0 segment (the data is YCbCr).

The codestream kind is recognised from its first bytes, not from the transfer syntax.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from dcmcore.codecs._warnings import warn
from dcmcore.pixels.module import PixelModule

__all__ = ["CodestreamInfo", "inspect", "corrections"]

_SOF_JPEG = {bytes([0xFF, m]) for m in range(0xC0, 0xD0) if m not in (0xC4, 0xC8, 0xCC)}
_SOF_JPEGLS = b"\xff\xf7"
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


@dataclass
class CodestreamInfo:
    """Facts read from one frame's codestream (``kind`` is '' when unrecognised)."""

    kind: str = ""                     # "jpeg", "jpegls", "j2k" or ""
    precision: int | None = None
    is_signed: bool | None = None      # J2K only
    component_ids: list[int] = field(default_factory=list)
    app: dict[int, bytes] = field(default_factory=dict)
    baseline: bool = False             # JPEG SOF0
    rows: int = 0                      # 0: not stated (a JPEG DNL marker gives it later)
    columns: int = 0
    components: int = 0

    def describes(self, rows: int, columns: int, samples_per_pixel: int) -> bool:
        """Whether this is a recognised codestream of a frame of that size and samples.

        Bytes that only look like a codestream (native pixels in an encapsulated
        uncompressed frame, say) fail this, so nothing is read into them.
        """
        return (bool(self.kind) and self.components == samples_per_pixel
                and self.columns == columns and self.rows in (0, rows))


def _j2k(data: bytes | memoryview) -> CodestreamInfo:
    offset = 0
    if data[:12] == _JP2_SIGNATURE:  # a JP2 file: find the contiguous codestream box
        offset = 12
        while offset + 8 <= len(data):
            length = int.from_bytes(data[offset:offset + 4], "big")
            if data[offset + 4:offset + 8] == b"jp2c":
                offset += 8
                break
            if length < 8:
                return CodestreamInfo()
            offset += length
        else:
            return CodestreamInfo()
    if bytes(data[offset:offset + 4]) != b"\xff\x4f\xff\x51" or len(data) < offset + 43:
        return CodestreamInfo()
    # SIZ (15444-1 A.5.1): Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz XTsiz YTsiz XTOsiz YTOsiz Csiz Ssiz..
    xsiz, ysiz, xosiz, yosiz = struct.unpack(">4L", data[offset + 8:offset + 24])
    csiz = struct.unpack(">H", data[offset + 40:offset + 42])[0]
    ssiz = data[offset + 42]  # first component's Ssiz
    return CodestreamInfo("j2k", (ssiz & 0x7F) + 1, bool(ssiz & 0x80), rows=ysiz - yosiz,
                          columns=xsiz - xosiz, components=csiz)


def _jpeg(data: bytes | memoryview) -> CodestreamInfo:
    offset = 2
    app: dict[int, bytes] = {}
    n = len(data)
    while offset + 4 <= n:
        marker = bytes(data[offset:offset + 2])
        if marker[0] != 0xFF:
            return CodestreamInfo()
        if marker in _SOF_JPEG or marker == _SOF_JPEGLS:
            break
        length = struct.unpack(">H", data[offset + 2:offset + 4])[0]
        if length < 2:
            return CodestreamInfo()
        if 0xE0 <= marker[1] <= 0xEF:
            app[marker[1]] = bytes(data[offset + 4:offset + 2 + length])
        offset += 2 + length
    else:
        return CodestreamInfo()
    if offset + 10 > n:
        return CodestreamInfo()
    kind = "jpegls" if marker == _SOF_JPEGLS else "jpeg"
    # SOF (10918-1 B.2.2): Lf P Y X Nf, then Ci Hi/Vi Tqi per component
    precision, rows, columns, components = struct.unpack(">BHHB", data[offset + 4:offset + 10])
    ids = [data[offset + 10 + 3 * i] for i in range(components) if offset + 10 + 3 * i < n]
    return CodestreamInfo(kind, precision, None, ids, app, marker == b"\xff\xc0",
                          rows=rows, columns=columns, components=components)


def inspect(data: bytes | memoryview) -> CodestreamInfo:
    """Recognise a JPEG, JPEG-LS or JPEG 2000 codestream and read its header facts."""
    head = bytes(data[:2])
    try:
        if head == b"\xff\xd8":
            return _jpeg(data)
        if head == b"\xff\x4f" or bytes(data[:12]) == _JP2_SIGNATURE:
            return _j2k(data)
    except (IndexError, struct.error):
        pass
    return CodestreamInfo()


def _j2k_disagreement(info: CodestreamInfo, mod: PixelModule, sign_corrected: bool) -> str:
    """What the core does when a JPEG 2000 codestream and the dataset disagree ("" if they
    agree): the codestream's precision is used, and the dataset's signedness."""
    signed = bool(mod.pixel_representation)
    precision = info.precision or mod.bits_stored
    if sign_corrected:
        return (f"The JPEG 2000 codestream holds {'signed' if info.is_signed else 'unsigned'} "
                f"{precision}-bit samples but (0028,0103) 'Pixel Representation' is "
                f"{mod.pixel_representation} ({'signed' if signed else 'unsigned'}): the "
                f"codestream's {precision} bits are read as "
                f"{'signed' if signed else 'unsigned'} values")
    if precision != mod.bits_stored:
        return (f"The JPEG 2000 codestream's precision is {precision} bits but (0028,0101) "
                f"'Bits Stored' is {mod.bits_stored}: the codestream's {precision} bits are "
                "kept")
    return ""


def _adobe_transform(info: CodestreamInfo) -> int | None:
    """The colour transform flag of an Adobe APP14 segment (T.872 6.5.3), if any.

    The segment holds ``Adobe``, a version (2 bytes), two flag words and the transform:
    0 none (RGB or CMYK), 1 YCbCr, 2 YCCK.
    """
    segment = info.app.get(0xEE, b"")
    if segment.startswith(b"Adobe") and len(segment) >= 12:
        return segment[11]
    return None


def corrections(info: CodestreamInfo, mod: PixelModule, options: dict[str, Any]
                ) -> tuple[str, int]:
    """Return ``(photometric interpretation of the data, bits to shift)`` for a frame.

    The shift is applied as ``(x << s) >> s`` in the output dtype: it sign-extends signed
    and masks unsigned values. A codestream that does not describe a frame of the
    module (:meth:`CodestreamInfo.describes`) counts as unrecognised. Rules (those of
    pydicom 3):

    - JPEG 2000, monochrome: shift by ``bits_allocated - precision`` when the codestream's
      signedness differs from Pixel Representation, or when the codestream is signed (a
      decoder may return signed samples as their unsigned bit patterns; extending values
      that already are extended changes nothing); otherwise nothing;
    - JPEG-LS with Pixel Representation 1: shift by ``bits_allocated - precision``;
    - anything else: the bits-stored correction ``bits_allocated - bits_stored``;
    - ``correct_unused_bits`` (True/False) forces the bits-stored correction on or off
      where no sign correction applies.

    Where a monochrome JPEG 2000 codestream disagrees with the dataset on its precision
    or signedness, a warning says so (the call makes one, from its first frame): real
    archives hold such files, and the codestream's precision is what the data has.
    """
    if not info.describes(mod.rows, mod.columns, mod.samples_per_pixel):
        info = CodestreamInfo()
    pi = mod.photometric_interpretation
    ba = mod.bits_allocated
    forced = options.get("correct_unused_bits")
    bits_stored_shift = ba - mod.bits_stored if ba > mod.bits_stored else 0
    shift = 0
    if info.kind == "j2k":
        if pi in ("MONOCHROME1", "MONOCHROME2") and options.get("apply_j2k_sign_correction",
                                                                  True):
            corrected = bool(info.precision) and info.is_signed != bool(mod.pixel_representation)
            # signed codestream samples may come back as their unsigned bit pattern (GDCM
            # does): sign-extending values that already are extended changes nothing
            if corrected or (info.precision and info.is_signed):
                shift = max(0, ba - (info.precision or ba))
            disagreement = _j2k_disagreement(info, mod, corrected)
            if disagreement:
                warn(disagreement)
        elif forced:
            shift = bits_stored_shift
    elif info.kind == "jpegls":
        if mod.pixel_representation == 1 and options.get("apply_jls_sign_correction", True):
            shift = max(0, ba - (info.precision or mod.bits_stored))
        elif forced:
            shift = bits_stored_shift
    elif forced is None or forced:
        shift = bits_stored_shift

    if info.kind in ("jpeg", "jpegls") and mod.samples_per_pixel == 3:
        if info.component_ids in ([82, 71, 66], [114, 103, 98]) and pi != "RGB":
            warn(f"The (0028,0004) 'Photometric Interpretation' value is '{pi}' however the "
                 "encoded image's codestream uses component IDs that indicate it should be "
                 "'RGB'")
            pi = "RGB"
        elif "YBR" not in pi and _adobe_transform(info) == 1:
            new = "YBR_FULL_422" if info.baseline else "YBR_FULL"
            warn(f"The (0028,0004) 'Photometric Interpretation' value is '{pi}' however the "
                 "encoded image's codestream has an Adobe APP14 marker whose colour "
                 f"transform (1) indicates it should be '{new}'")
            pi = new
        elif "YBR" not in pi and any(v.startswith(b"JFIF") for v in info.app.values()):
            new = "YBR_FULL_422" if info.baseline else "YBR_FULL"
            warn(f"The (0028,0004) 'Photometric Interpretation' value is '{pi}' however the "
                 f"encoded image's codestream contains a JFIF APP marker which indicates it "
                 f"should be '{new}'")
            pi = new
    return pi, shift
