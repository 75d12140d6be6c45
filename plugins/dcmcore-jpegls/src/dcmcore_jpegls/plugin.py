"""dcmcore plugin: the ``"pyjpegls"`` JPEG-LS decoder and encoder (pyjpegls, CharLS 2.4).

Registered through the ``dcmcore`` entry-point group (``jpegls = "dcmcore_jpegls.plugin"``).

Decoding: the codestream header is read first (:mod:`dcmcore_jpegls.codestream`) and
checked against the frame description, so that CharLS only allocates what the dataset
describes; the stored values are returned unsigned, as CharLS gives them (JPEG-LS has no
sign: the core sign-extends signed data from the codestream precision). Streams with
zero padding before End Of Image, which CharLS 2.3+ refuses, are retried without it.

Encoding: signed data is encoded as its two's complement bit pattern masked to Bits
Stored with precision = Bits Stored, so decoders sign-extend it back. Colour is encoded
as given (RGB stays RGB: no colour transform), by default sample-interleaved (ILV 2).

``thread_safe`` is False for both: pyjpegls calls CharLS without releasing the GIL, so
two threads decode no faster than one (measured, see the README); the core uses worker
processes instead, which the codecs support (they keep no state and pickle).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from dcmcore.codecs import Decoder, EncodedFrame, Encoder, FrameInfo, hookimpl
from dcmcore.errors import DcmcoreWarning, PixelDataError
from dcmcore_jpegls import codestream

__all__ = [
    "JPEGLSDecoder",
    "JPEGLSEncoder",
    "JPEGLSPixelDataError",
    "JPEGLSWarning",
    "JPEGLS_LOSSLESS",
    "JPEGLS_NEAR_LOSSLESS",
]

JPEGLS_LOSSLESS = "1.2.840.10008.1.2.4.80"
JPEGLS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81"
_SYNTAXES = (JPEGLS_LOSSLESS, JPEGLS_NEAR_LOSSLESS)
_LOSSY_METHOD = "ISO_14495_1"
_TOO_SMALL = "destination buffer is too small"
_MAX_FRAME_BYTES = 1 << 31  # pyjpegls computes the output size in 32-bit ints
# what pyjpegls raises: RuntimeError with CharLS' message; the others for sizes or types
_CHARLS_ERRORS = (RuntimeError, ValueError, OverflowError, TypeError)

# PS3.5 Table 8.2.3-1: photometric interpretation -> (samples, pixel representations,
# bits allocated, largest bits stored, allowed under near-lossless)
_PROFILES: dict[str, tuple[int, tuple[int, ...], tuple[int, ...], int, bool]] = {
    "MONOCHROME1": (1, (0, 1), (8, 16), 16, True),
    "MONOCHROME2": (1, (0, 1), (8, 16), 16, True),
    "PALETTE COLOR": (1, (0,), (8, 16), 16, False),
    "RGB": (3, (0,), (8, 16), 16, True),
    "YBR_FULL": (3, (0,), (8,), 8, True),
}


class JPEGLSPixelDataError(PixelDataError, codestream.JPEGLSCodestreamError):
    """Invalid JPEG-LS data or parameters (a dcmcore ``PixelDataError`` and a ``ValueError``)."""


class JPEGLSWarning(DcmcoreWarning):
    """JPEG-LS data that decodes but does not match its dataset (e.g. lossy under .80)."""


def _header(data: bytes, info: FrameInfo) -> codestream.JPEGLSHeader:
    """Parse the codestream header and check it against the frame description."""
    try:
        head = codestream.parse_header(data)
    except codestream.JPEGLSCodestreamError as exc:
        raise JPEGLSPixelDataError(str(exc)) from exc
    found = (head.rows, head.columns, head.components)
    wanted = (info.rows, info.columns, info.samples_per_pixel)
    if found != wanted:
        raise JPEGLSPixelDataError(
            "JPEG-LS codestream is {} x {} with {} component(s) but the dataset describes "
            "{} x {} with {} sample(s) per pixel (rows x columns)".format(*found, *wanted)
        )
    if head.precision > info.bits_allocated:
        raise JPEGLSPixelDataError(
            f"JPEG-LS precision {head.precision} is more than Bits Allocated "
            f"{info.bits_allocated}"
        )
    if head.mapping_table:
        raise JPEGLSPixelDataError(
            "JPEG-LS codestream uses a mapping table (LSE type 2/3 or a scan Tm > 0), which "
            "CharLS does not apply"
        )
    if head.components > 1 and head.scan_components not in (1, head.components):
        raise JPEGLSPixelDataError(
            f"JPEG-LS first scan codes {head.scan_components} of {head.components} "
            "components; only one scan per component or one scan of all are supported"
        )
    return head


def _charls_decode(data: bytes, head: codestream.JPEGLSHeader) -> bytearray:
    """CharLS decode of `data`, retried without zero padding before EOI if refused.

    CharLS 2.4.2 can loop forever on a codestream that stops inside the scan data
    (found by fuzzing; team-charls/charls#334 fixed an endless loop on invalid data
    after that release), so a codestream without End Of Image is refused before CharLS
    sees it, and one with bytes other than zero padding after EOI is cut there.
    """
    import jpeg_ls  # type: ignore[import-untyped,unused-ignore]

    end = codestream.end_of_image(data, head.scan_offset)
    if end is None:
        raise JPEGLSPixelDataError(
            f"JPEG-LS codestream truncated at byte {len(data)}: it has no End Of Image "
            "marker (FFD9) after its scan data"
        )
    if end < len(data) and any(data[end:]):
        data = data[:end]
    try:
        return jpeg_ls.decode_from_buffer(data)
    except _CHARLS_ERRORS as exc:
        first = exc
    for candidate in codestream.without_padding_before_eoi(data):
        try:
            return jpeg_ls.decode_from_buffer(candidate)
        except _CHARLS_ERRORS:
            continue
    message = str(first).removeprefix("Decoding error: ")
    raise JPEGLSPixelDataError(
        f"JPEG-LS decoding failed ({len(data)}-byte codestream): CharLS: {message}"
    ) from first


class JPEGLSDecoder(Decoder):
    """JPEG-LS Lossless and Near-Lossless decoder using pyjpegls (CharLS).

    Returns ``(rows, columns)`` or ``(rows, columns, 3)`` unsigned stored values, uint8
    for a codestream precision up to 8 bits, else uint16; colour as encoded (JPEG-LS
    applies no colour transform). Takes no options.
    """

    name = "pyjpegls"
    transfer_syntaxes = _SYNTAXES
    priority = 60
    thread_safe = False
    requires = ("jpeg_ls",)
    library = "pyjpegls"
    license = "MIT"

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray:
        """Decode one frame.

        Parameters
        ----------
        data : bytes
            One frame's JPEG-LS codestream (may end with a 0x00 padding byte).
        info : FrameInfo
            The frame description; the codestream must match its rows, columns and
            samples per pixel, and its precision must fit in Bits Allocated.
        **options
            None are used.

        Returns
        -------
        numpy.ndarray
            The stored values, interleaved.

        Raises
        ------
        JPEGLSPixelDataError
            If the header is invalid or disagrees with `info`, or CharLS fails.
        """
        if not isinstance(data, bytes):
            data = bytes(data)
        head = _header(data, info)
        if head.near and info.transfer_syntax_uid == JPEGLS_LOSSLESS:
            warnings.warn(
                f"The JPEG-LS codestream is near-lossless (NEAR={head.near}) although the "
                "transfer syntax is JPEG-LS Lossless", JPEGLSWarning, stacklevel=2,
            )
        itemsize = 1 if head.precision <= 8 else 2
        count = info.rows * info.columns * info.samples_per_pixel
        if count * itemsize >= _MAX_FRAME_BYTES:
            raise JPEGLSPixelDataError(
                f"JPEG-LS frame of {count * itemsize} bytes is too large for pyjpegls, whose "
                "output size computation overflows at 2 GiB"
            )
        try:
            buffer = _charls_decode(data, head)
        except MemoryError as exc:
            raise JPEGLSPixelDataError(
                f"not enough memory to decode a JPEG-LS frame of {count * itemsize} bytes"
            ) from exc
        if len(buffer) != count * itemsize:
            raise JPEGLSPixelDataError(
                f"CharLS returned {len(buffer)} bytes for a frame of {count} samples of "
                f"{itemsize} byte(s)"
            )
        arr = np.frombuffer(buffer, dtype="<u1" if itemsize == 1 else "<u2")
        if info.samples_per_pixel == 1:
            return arr.reshape(info.rows, info.columns)
        if head.interleave_mode == 0:  # colour by plane
            return arr.reshape(info.samples_per_pixel, info.rows, info.columns).transpose(1, 2, 0)
        return arr.reshape(info.rows, info.columns, info.samples_per_pixel)


def _check_frame(arr: np.ndarray, info: FrameInfo, near: int) -> None:
    """Refuse frame descriptions JPEG-LS (PS3.5 Table 8.2.3-1) or CharLS cannot encode."""
    pi = info.photometric_interpretation
    profile = _PROFILES.get(pi)
    if profile is None:
        raise JPEGLSPixelDataError(
            f"JPEG-LS cannot encode Photometric Interpretation '{pi}' (PS3.5 Table 8.2.3-1 "
            f"allows {', '.join(_PROFILES)})"
        )
    samples, representations, allocated, max_stored, lossy_ok = profile
    if info.samples_per_pixel != samples:
        raise JPEGLSPixelDataError(
            f"JPEG-LS '{pi}' needs {samples} sample(s) per pixel, not {info.samples_per_pixel}"
        )
    if info.pixel_representation not in representations:
        raise JPEGLSPixelDataError(
            f"JPEG-LS '{pi}' data must be unsigned (Pixel Representation 0), not "
            f"Pixel Representation {info.pixel_representation}"
        )
    if info.bits_allocated not in allocated:
        raise JPEGLSPixelDataError(
            f"JPEG-LS '{pi}' needs Bits Allocated {' or '.join(map(str, allocated))}, not "
            f"{info.bits_allocated}"
        )
    if not 2 <= info.bits_stored <= min(max_stored, info.bits_allocated):
        raise JPEGLSPixelDataError(
            f"JPEG-LS precision (Bits Stored) {info.bits_stored} not supported for '{pi}' "
            f"with Bits Allocated {info.bits_allocated}: 2 to "
            f"{min(max_stored, info.bits_allocated)}"
        )
    if near and not lossy_ok:
        raise JPEGLSPixelDataError(
            f"JPEG-LS near-lossless encoding (jls_error={near}) is not allowed for '{pi}'"
        )
    shape = (info.rows, info.columns) + ((samples,) if samples > 1 else ())
    if arr.shape != shape:
        raise JPEGLSPixelDataError(
            f"the frame has shape {arr.shape}, but the dataset describes {shape}"
        )
    if arr.dtype.kind not in "ui":
        raise JPEGLSPixelDataError(f"JPEG-LS encodes integers, not dtype '{arr.dtype}'")


def _stored_pattern(arr: np.ndarray, info: FrameInfo, near: int) -> np.ndarray:
    """Return the stored values as their unsigned bit pattern, little-endian u1 or u2.

    Only the low Bits Stored bits of a pixel cell are its stored value; higher bits (not
    sign-extended signed data, unused bits holding other data) are dropped with a
    :class:`JPEGLSWarning`, as they are by pixel_array and by pydicom's compress().
    """
    bits = info.bits_stored
    mask = (1 << bits) - 1
    signed = bool(info.pixel_representation)
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, mask)
    amin, amax = int(arr.min()), int(arr.max())
    target = np.dtype("<u1" if bits <= 8 else "<u2")
    if low <= amin and amax <= high:
        if signed:
            unsigned = arr.view(arr.dtype.str.replace("i", "u"))
            pattern = (unsigned & np.array(mask, unsigned.dtype)).astype(target)
        else:
            pattern = arr.astype(target, copy=False)
    else:
        warnings.warn(
            f"the frame holds values from {amin} to {amax}, outside the range {low} to "
            f"{high} of Bits Stored {bits}: only their low {bits} bits are stored values "
            "and are encoded", JPEGLSWarning, stacklevel=4,
        )
        wide = arr.astype(np.int64) & mask
        values = wide - ((wide >> (bits - 1)) << bits) if signed else wide
        amin, amax = int(values.min()), int(values.max())
        pattern = wide.astype(target)
    if near and signed and (amin < low + near or amax > high - near):
        # JPEG-LS sees the two's complement pattern as unsigned: an error of up to NEAR
        # could carry a value across the sign bit (high + 1 would decode as low)
        raise JPEGLSPixelDataError(
            f"near-lossless JPEG-LS of signed data with Bits Stored {bits} and jls_error "
            f"{near} needs values from {low + near} to {high - near} (the error could "
            f"otherwise flip the sign); the frame holds {amin} to {amax}"
        )
    return pattern


def _charls_encode(src: bytes, info: FrameInfo, near: int, ilv: int) -> bytes:
    """Encode with pyjpegls; retry with a large enough output buffer if it was too small.

    pyjpegls gives CharLS an output buffer twice the size of the input, too small for
    frames of a few pixels (the header alone is ~25 bytes) and for noise that JPEG-LS
    expands more than twice; the retry pads the input so the buffer covers the worst case.
    """
    import jpeg_ls  # type: ignore[import-untyped,unused-ignore]

    rows, columns, samples = info.rows, info.columns, info.samples_per_pixel
    try:
        return bytes(jpeg_ls.encode_buffer(src, rows, columns, samples, info.bits_stored,
                                           near, ilv))
    except RuntimeError as exc:
        if _TOO_SMALL not in str(exc):
            raise JPEGLSPixelDataError(
                f"JPEG-LS encoding failed: CharLS: {str(exc).removeprefix('Encoding error: ')}"
            ) from exc
        first = exc
    except ValueError as exc:  # pyjpegls' own argument checks
        raise JPEGLSPixelDataError(f"JPEG-LS encoding failed: pyjpegls: {exc}") from exc
    try:
        import _CharLS  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:  # the module layout of pyjpegls changed
        raise JPEGLSPixelDataError(f"JPEG-LS encoding failed: CharLS: {first}") from exc
    # a sample takes at most LIMIT = 2 * (bpp + max(8, bpp)) bits (4 bytes per input byte),
    # plus bit stuffing, markers and tables: 5x the input plus 1 KiB is enough
    padded = src + bytes(4 * len(src) + 1024)
    try:
        return bytes(_CharLS._encode(padded, near, ilv, rows, columns, samples,
                                     info.bits_stored))
    except RuntimeError as exc:
        raise JPEGLSPixelDataError(
            f"JPEG-LS encoding failed: CharLS: {str(exc).removeprefix('Encoding error: ')}"
        ) from exc


class JPEGLSEncoder(Encoder):
    """JPEG-LS Lossless and Near-Lossless encoder using pyjpegls (CharLS).

    Options
    -------
    jls_error : int
        NEAR, the largest absolute error per sample: 0 (default) is lossless, also under
        JPEG-LS Near-Lossless (1.2.840.10008.1.2.4.81); a positive value needs that
        transfer syntax and at most min(255, (2**bits_stored - 1) // 2).
    jls_interleave_mode : int
        How colour components are coded: 2 by sample (default), 1 by line, 0 by plane
        (one scan per component). Ignored for one sample per pixel.
    """

    name = "pyjpegls"
    transfer_syntaxes = _SYNTAXES
    priority = 60
    thread_safe = False
    options = {"jls_error": 0, "jls_interleave_mode": 2}
    requires = ("jpeg_ls",)
    library = "pyjpegls"
    license = "MIT"

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes | EncodedFrame:
        """Encode one frame.

        Parameters
        ----------
        arr : numpy.ndarray
            ``(rows, columns)`` or ``(rows, columns, 3)`` interleaved integers, signed
            when Pixel Representation is 1, within the range of Bits Stored.
        info : FrameInfo
            The frame description; ``transfer_syntax_uid`` is the target syntax.
        **options
            ``jls_error`` and ``jls_interleave_mode`` (see the class docstring).

        Returns
        -------
        bytes or EncodedFrame
            The codestream; an ``EncodedFrame`` with lossy method ``"ISO_14495_1"``
            when ``jls_error`` is positive.

        Raises
        ------
        JPEGLSPixelDataError
            If the options, the frame description (PS3.5 Table 8.2.3-1) or the values
            do not allow JPEG-LS encoding, or CharLS fails.
        """
        near = options.get("jls_error", 0)
        if near is None:
            near = 0
        ilv = options.get("jls_interleave_mode", 2)
        if isinstance(near, bool) or not isinstance(near, (int, np.integer)) or near < 0:
            raise JPEGLSPixelDataError(f"jls_error must be a non-negative integer, not {near!r}")
        near = int(near)
        if isinstance(ilv, bool) or ilv not in (0, 1, 2):
            raise JPEGLSPixelDataError(f"jls_interleave_mode must be 0, 1 or 2, not {ilv!r}")
        if near and info.transfer_syntax_uid == JPEGLS_LOSSLESS:
            raise JPEGLSPixelDataError(
                f"jls_error={near} asks for near-lossless encoding, but the transfer syntax "
                f"is JPEG-LS Lossless; use JPEG-LS Near-Lossless ({JPEGLS_NEAR_LOSSLESS})"
            )
        arr = np.asarray(arr)
        _check_frame(arr, info, near)
        limit = min(255, ((1 << info.bits_stored) - 1) // 2)
        if near > limit:
            raise JPEGLSPixelDataError(
                f"jls_error={near} is more than {limit}, the largest NEAR for Bits Stored "
                f"{info.bits_stored}"
            )
        pattern = _stored_pattern(arr, info, near)
        if info.samples_per_pixel == 1:
            ilv = 0
        elif ilv == 0:
            pattern = pattern.transpose(2, 0, 1)
        data = _charls_encode(np.ascontiguousarray(pattern).tobytes(), info, near, ilv)
        if near:
            return EncodedFrame(data, "", _LOSSY_METHOD)
        return data


@hookimpl
def dcmcore_decoders() -> list[Decoder]:
    """Return the pyjpegls JPEG-LS decoder."""
    return [JPEGLSDecoder()]


@hookimpl
def dcmcore_encoders() -> list[Encoder]:
    """Return the pyjpegls JPEG-LS encoder."""
    return [JPEGLSEncoder()]
