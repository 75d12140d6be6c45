"""dcmcore plugin ``pylibjpeg``: pylibjpeg's backends as dcmcore decoders and encoders.

One codec per backend library, each with its own name, ``library`` and ``license``:

========================  ======================  ==========================================
codec                     library (licence)       transfer syntaxes
========================  ======================  ==========================================
pylibjpeg-libjpeg         pylibjpeg-libjpeg       JPEG Baseline, Extended, Lossless, Lossless
                          (GPL-3.0-only)          SV1, JPEG-LS Lossless and Near-Lossless
                                                  (decoder)
pylibjpeg-openjpeg        pylibjpeg-openjpeg      JPEG 2000, HTJ2K (decoder); JPEG 2000
                          (MIT AND BSD-2-Clause)  Lossless and lossy (encoder)
pylibjpeg-rle             pylibjpeg-rle (MIT)     RLE Lossless (decoder and encoder)
========================  ======================  ==========================================

The plugin name ``pylibjpeg`` selects the bridge as a whole: ``decoding_plugin="pylibjpeg"``
picks whichever of these handles the syntax (dcmcore matches a plugin name when no codec
has that name). Which backends exist, and the syntaxes each registered, is read from
pylibjpeg's entry points (:mod:`dcmcore_pylibjpeg.discovery`) without importing them;
the codec libraries are imported on first decode/encode.

Every frame's header is checked against the frame description before a library sees
it (:mod:`dcmcore_pylibjpeg.headers`): the libraries size their output from the header.
"""

from __future__ import annotations

import io
from typing import Any, ClassVar, cast

import numpy as np

from dcmcore.codecs import DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo, hookimpl
from dcmcore.errors import PixelDataError
from dcmcore_pylibjpeg import discovery, headers

__all__ = [
    "PylibjpegPixelDataError",
    "LibjpegDecoder",
    "OpenJpegDecoder",
    "OpenJpegEncoder",
    "RLEDecoder",
    "RLEEncoder",
    "JPEG_SYNTAXES",
    "JPEGLS_SYNTAXES",
    "J2K_SYNTAXES",
    "HTJ2K_SYNTAXES",
    "RLE_LOSSLESS",
]

JPEG_SYNTAXES = (
    "1.2.840.10008.1.2.4.50",  # JPEG Baseline (Process 1)
    "1.2.840.10008.1.2.4.51",  # JPEG Extended (Process 2 and 4)
    "1.2.840.10008.1.2.4.57",  # JPEG Lossless, Non-Hierarchical (Process 14)
    "1.2.840.10008.1.2.4.70",  # JPEG Lossless, Non-Hierarchical, First-Order Prediction
)
JPEGLS_SYNTAXES = ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81")
J2K_LOSSLESS = "1.2.840.10008.1.2.4.90"
J2K_LOSSY = "1.2.840.10008.1.2.4.91"
J2K_SYNTAXES = (J2K_LOSSLESS, J2K_LOSSY)
HTJ2K_SYNTAXES = ("1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
                  "1.2.840.10008.1.2.4.203")
RLE_LOSSLESS = "1.2.840.10008.1.2.5"

_YBR = ("YBR_FULL", "YBR_FULL_422")
_MCT = ("YBR_RCT", "YBR_ICT")
#: pylibjpeg-openjpeg encodes with 6 resolutions: 5 decompositions need 2**5 samples.
_J2K_MIN_SIZE = 32


class PylibjpegPixelDataError(PixelDataError):
    """A frame the bridge refuses or a backend failed on (a ``PixelDataError``, ``ValueError``)."""


def _as_bytes(data: Any) -> bytes | bytearray:
    """The libraries take ``bytes``/``bytearray`` only (a memoryview is copied once)."""
    return data if isinstance(data, (bytes, bytearray)) else bytes(data)


def _checked(what: str, parse: Any, check: Any, data: Any, info: FrameInfo) -> Any:
    """Parse and check a header; HeaderError becomes PylibjpegPixelDataError."""
    try:
        header = parse(data)
        check(header, info)
    except headers.HeaderError as exc:
        raise PylibjpegPixelDataError(f"{what}: {exc}") from exc
    return header


class _Bridge:
    """What the bridge codecs share: the backend they call and its availability.

    ``transfer_syntaxes`` is what the backend registered with pylibjpeg among those
    the codec supports (all it supports when the backend is missing, so listings say
    why it is unavailable instead of hiding it).
    """

    backend: ClassVar[str] = ""      # module named in pylibjpeg's entry points
    supported: ClassVar[tuple[str, ...]] = ()
    role: ClassVar[str] = "decodes"  # "decodes" or "encodes"
    name: str
    library: str
    transfer_syntaxes: tuple[str, ...]

    def __init__(self) -> None:
        found = discovery.backend(self.backend)
        registered = set(getattr(found, self.role, ())) if found else set()
        usable = tuple(uid for uid in self.supported if uid in registered)
        self.transfer_syntaxes = usable or self.supported

    def _registration_problem(self) -> str | None:
        found = discovery.backend(self.backend)
        group = discovery.DECODER_GROUP if self.role == "decodes" else discovery.ENCODER_GROUP
        if found is None:
            return (f"{self.library} is not installed (nothing named {self.backend!r} in "
                    f"pylibjpeg's {group!r} entry points)")
        if not set(getattr(found, self.role)) & set(self.supported):
            return (f"{found.distribution or self.library} registers none of "
                    f"{', '.join(self.supported)} in {group!r}")
        return None


class _BridgeDecoder(_Bridge, Decoder):
    def unavailable_reason(self) -> str | None:
        """None when the backend is registered with pylibjpeg and importable, else why."""
        return self._registration_problem() or Decoder.unavailable_reason(self)


class _BridgeEncoder(_Bridge, Encoder):
    role = "encodes"

    def unavailable_reason(self) -> str | None:
        """None when the backend is registered with pylibjpeg and importable, else why."""
        return self._registration_problem() or Encoder.unavailable_reason(self)


def _check_shape(arr: np.ndarray, info: FrameInfo, what: str) -> np.ndarray:
    expected = (info.rows, info.columns) + ((info.samples_per_pixel,)
                                            if info.samples_per_pixel > 1 else ())
    if arr.shape != expected:
        raise PylibjpegPixelDataError(f"{what} returned shape {arr.shape}, {expected} "
                                      "expected")
    return arr


# ---- pylibjpeg-libjpeg --------------------------------------------------------------

class LibjpegDecoder(_BridgeDecoder):
    """JPEG (ISO/IEC 10918) and JPEG-LS (ISO/IEC 14495-1) decoder through pylibjpeg-libjpeg.

    pylibjpeg-libjpeg is GPL-3.0-only. Returns libjpeg's stored values: unsigned, 8-bit
    or 16-bit (signed data included: the core applies the sign, from Bits Stored for
    JPEG and from the codestream precision for JPEG-LS), colour as encoded (YCbCr
    stays YCbCr: the core converts it to RGB as for every decoder).

    Priority 25: the slowest decoder of these syntaxes measured (see the README), so
    it is tried after pillow, pyjpegls and gdcm; it is the one that decodes every
    process (12-bit Extended, arithmetic coding, hierarchical).

    Options
    -------
    libjpeg_ybr_to_rgb : bool
        False (default): return YCbCr untouched, so the core's conversion gives
        arrays identical to pydicom's. True: let libjpeg convert 8-bit YBR_FULL /
        YBR_FULL_422 data to RGB itself (faster, differs from pydicom's conversion
        by a few levels; ``as_rgb=False`` cannot return YCbCr then).
    """

    name = "pylibjpeg-libjpeg"
    backend = "libjpeg"
    supported = JPEG_SYNTAXES + JPEGLS_SYNTAXES
    priority = 25
    thread_safe = False
    requires = ("libjpeg", "_libjpeg")
    library = "pylibjpeg-libjpeg"
    license = "GPL-3.0-only"
    options = {"libjpeg_ybr_to_rgb": False, "as_rgb": True}

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray | DecodedFrame:
        """Decode one JPEG or JPEG-LS frame to ``(rows, columns[, samples])`` unsigned ints."""
        header = _checked(self.name, headers.parse_jpeg, headers.check_jpeg, data, info)
        convert = bool(options.get("libjpeg_ybr_to_rgb")) and bool(
            options.get("as_rgb", True)) and not header.is_jpegls and (
            info.samples_per_pixel == 3 and header.precision == 8
            and info.photometric_interpretation in _YBR)
        from libjpeg import decode

        try:
            arr = decode(_as_bytes(data), 1 if convert else 0, reshape=True)
        except (RuntimeError, ValueError) as exc:
            raise PylibjpegPixelDataError(f"{self.name}: {exc}") from exc
        arr = _check_shape(arr, info, self.name)
        return DecodedFrame(arr, "RGB") if convert else arr


# ---- pylibjpeg-openjpeg -------------------------------------------------------------

class OpenJpegDecoder(_BridgeDecoder):
    """JPEG 2000 and HTJ2K decoder through pylibjpeg-openjpeg.

    Returns the stored values as unsigned ints of the codestream's precision (1, 2 or 4
    bytes); the core reconciles the codestream's signedness with Pixel Representation.
    openjpeg undoes the multiple-component transform, so YBR_RCT/YBR_ICT frames come
    back as ``DecodedFrame(array, "RGB")`` (as pydicom labels them).
    """

    name = "pylibjpeg-openjpeg"
    backend = "openjpeg"
    supported = J2K_SYNTAXES + HTJ2K_SYNTAXES
    priority = 40
    thread_safe = False
    requires = ("openjpeg", "_openjpeg")
    library = "pylibjpeg-openjpeg"
    license = "MIT AND BSD-2-Clause"

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray | DecodedFrame:
        """Decode one JPEG 2000 frame to ``(rows, columns[, samples])`` unsigned ints."""
        header = _checked(self.name, headers.parse_j2k, headers.check_j2k, data, info)
        from openjpeg.utils import decode

        try:
            raw = decode(io.BytesIO(_as_bytes(data)), j2k_format=2 if header.jp2 else 0,
                         reshape=False)
        except (RuntimeError, ValueError) as exc:
            raise PylibjpegPixelDataError(f"{self.name}: {exc}") from exc
        arr = np.asarray(raw).view(f"<u{header.bytes_per_sample}")
        spp = info.samples_per_pixel
        if arr.size != info.rows * info.columns * spp:
            raise PylibjpegPixelDataError(
                f"{self.name} returned {arr.size} samples, {info.rows * info.columns * spp} "
                "expected")
        arr = arr.reshape((info.rows, info.columns) + ((spp,) if spp > 1 else ()))
        if info.photometric_interpretation in _MCT:
            return DecodedFrame(arr, "RGB")
        return arr


class OpenJpegEncoder(_BridgeEncoder):
    """JPEG 2000 encoder through pylibjpeg-openjpeg (one tile, 6 resolutions, LRCP).

    JPEG 2000 Lossless (reversible 5-3 wavelet) and JPEG 2000 (lossy 9-7 wavelet,
    needs ``j2k_cr`` or ``j2k_psnr``). As in pydicom, the multiple-component
    transform is applied only when the data is RGB and Photometric Interpretation
    already says ``YBR_RCT`` (lossless) or ``YBR_ICT`` (lossy).

    Options
    -------
    j2k_cr : list of float
        Compression ratio of each quality layer, decreasing, the last at least 1
        (JPEG 2000 only).
    j2k_psnr : list of float
        Peak signal-to-noise ratio of each quality layer in dB, increasing (JPEG 2000
        only).
    use_mct : bool
        Apply the component transform to YBR_RCT/YBR_ICT data (default True); False
        encodes the RGB data as is and sets Photometric Interpretation to RGB.
    """

    name = "pylibjpeg-openjpeg"
    backend = "openjpeg"
    supported = J2K_SYNTAXES
    priority = 40
    thread_safe = False
    requires = ("openjpeg", "_openjpeg")
    library = "pylibjpeg-openjpeg"
    license = "MIT AND BSD-2-Clause"
    options = {"j2k_cr": None, "j2k_psnr": None, "use_mct": True}

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes | EncodedFrame:
        """Encode one ``(rows, columns[, samples])`` frame."""
        lossy = info.transfer_syntax_uid == J2K_LOSSY
        cr, psnr = options.get("j2k_cr"), options.get("j2k_psnr")
        pi = info.photometric_interpretation
        if lossy and not (cr or psnr):
            raise PylibjpegPixelDataError(
                "JPEG 2000 (lossy) needs 'j2k_cr' or 'j2k_psnr'; use JPEG 2000 Lossless "
                "for lossless encoding")
        if cr and psnr:
            raise PylibjpegPixelDataError("give 'j2k_cr' or 'j2k_psnr', not both")
        if not lossy and (cr or psnr):
            raise PylibjpegPixelDataError(
                "'j2k_cr'/'j2k_psnr' ask for lossy encoding: use JPEG 2000 "
                "(1.2.840.10008.1.2.4.91), not JPEG 2000 Lossless")
        if pi == "YBR_ICT" and not lossy or pi == "YBR_RCT" and lossy:
            raise PylibjpegPixelDataError(
                f"Photometric Interpretation {pi} is not allowed with "
                f"{'JPEG 2000' if lossy else 'JPEG 2000 Lossless'} (YBR_RCT is lossless, "
                "YBR_ICT lossy)")
        if not 1 <= info.bits_stored <= 24 or info.bits_allocated > 32:
            raise PylibjpegPixelDataError(
                f"Bits Stored {info.bits_stored} / Bits Allocated {info.bits_allocated} not "
                "supported by openjpeg's encoder (Bits Stored 1 to 24)")
        if min(info.rows, info.columns) < _J2K_MIN_SIZE:
            raise PylibjpegPixelDataError(
                f"openjpeg's encoder in pylibjpeg-openjpeg always uses 6 wavelet resolutions, "
                f"which need at least {_J2K_MIN_SIZE} rows and columns; the frame is "
                f"{info.rows} x {info.columns}")
        frame = _encoder_input(arr, info)
        mct = bool(options.get("use_mct", True)) and pi in _MCT
        from openjpeg.utils import encode_array

        try:
            data = encode_array(
                frame, bits_stored=info.bits_stored, photometric_interpretation=1 if mct else 0,
                use_mct=mct, compression_ratios=[float(v) for v in cr or []],
                signal_noise_ratios=[float(v) for v in psnr or []], codec_format=0)
        except (RuntimeError, ValueError, TypeError) as exc:
            raise PylibjpegPixelDataError(f"{self.name}: {exc}") from exc
        # YBR_RCT/YBR_ICT data encoded without the transform (use_mct=False) is plain RGB
        new_pi = "RGB" if pi in _MCT and not mct else ""
        if lossy or new_pi:
            return EncodedFrame(bytes(data), new_pi, "ISO_15444_1" if lossy else "")
        return bytes(data)


def _encoder_input(arr: np.ndarray, info: FrameInfo) -> np.ndarray:
    """Check an encoder's frame (shape, integer kind, values within Bits Stored)."""
    arr = np.asarray(arr)
    _check_shape(arr, info, "the frame to encode")
    signed = info.pixel_representation == 1
    if arr.dtype.kind not in "ui" or (arr.dtype.kind == "i") != signed:
        raise PylibjpegPixelDataError(
            f"the frame's dtype {arr.dtype} does not match Pixel Representation "
            f"{info.pixel_representation}")
    bits = info.bits_stored
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if arr.size and (int(arr.min()) < lo or int(arr.max()) > hi):
        raise PylibjpegPixelDataError(
            f"the frame holds values outside ({lo}, {hi}), the range of Bits Stored {bits}")
    return np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))


# ---- pylibjpeg-rle ------------------------------------------------------------------

def _is_panic(exc: BaseException) -> bool:
    """pyo3's PanicException (a BaseException) raised by the Rust extension."""
    return type(exc).__name__ == "PanicException"


class RLEDecoder(_BridgeDecoder):
    """RLE Lossless decoder through pylibjpeg-rle (Rust; keeps the GIL while decoding).

    Priority 55, above dcmcore-rle's 50: measured about 3 times faster.

    Options
    -------
    rle_segment_order : str
        ``">"`` (default, the standard: most significant byte first) or ``"<"`` for
        non-conformant data whose segments are least significant first (the option
        dcmcore-rle declares too, so one call serves both).
    """

    name = "pylibjpeg-rle"
    backend = "rle"
    supported = (RLE_LOSSLESS,)
    priority = 55
    thread_safe = False
    requires = ("rle",)
    library = "pylibjpeg-rle"
    license = "MIT"
    options = {"rle_segment_order": ">"}

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray:
        """Decode one RLE frame to ``(rows, columns[, samples])`` unsigned ints."""
        buf = _as_bytes(data)
        _checked(self.name, headers.parse_rle,
                 lambda h, i: headers.check_rle(h, i, len(buf)), buf, info)
        order = options.get("rle_segment_order", ">")
        if order not in (">", "<"):
            raise PylibjpegPixelDataError(f"rle_segment_order must be '>' or '<', not {order!r}")
        from rle.utils import decode_pixel_data

        try:
            # Segments least significant first, decoded as if most significant first into
            # big endian samples, leave each sample's bytes in little endian order.
            raw = decode_pixel_data(cast(bytes, buf), version=2, rows=info.rows,
                                    columns=info.columns,
                                    bits_allocated=info.bits_allocated,
                                    byteorder="<" if order == ">" else ">")
        except Exception as exc:
            raise PylibjpegPixelDataError(f"{self.name}: {exc}") from exc
        except BaseException as exc:
            if _is_panic(exc):
                raise PylibjpegPixelDataError(f"{self.name}: {exc}") from exc
            raise
        itemsize = 1 if info.bits_allocated == 1 else info.bits_allocated // 8
        arr = np.frombuffer(raw, dtype=f"<u{itemsize}")
        spp, rows, cols = info.samples_per_pixel, info.rows, info.columns
        if arr.size != spp * rows * cols:
            raise PylibjpegPixelDataError(
                f"{self.name} returned {arr.size} samples, {spp * rows * cols} expected")
        planes = arr.reshape(spp, rows, cols)  # pylibjpeg-rle returns planar data
        return planes[0] if spp == 1 else np.moveaxis(planes, 0, -1)


class RLEEncoder(_BridgeEncoder):
    """RLE Lossless encoder through pylibjpeg-rle (Rust)."""

    name = "pylibjpeg-rle"
    backend = "rle"
    supported = (RLE_LOSSLESS,)
    priority = 40
    thread_safe = False
    requires = ("rle",)
    library = "pylibjpeg-rle"
    license = "MIT"

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes:
        """Encode one ``(rows, columns[, samples])`` frame."""
        arr = np.asarray(arr)
        _check_shape(arr, info, "the frame to encode")
        if arr.dtype.kind not in "uib":
            raise PylibjpegPixelDataError(f"the frame's dtype {arr.dtype} is not an integer")
        itemsize = 1 if info.bits_allocated == 1 else info.bits_allocated // 8
        if info.bits_allocated not in (1, 8, 16, 32, 64) or arr.dtype.itemsize != itemsize:
            raise PylibjpegPixelDataError(
                f"the frame's dtype {arr.dtype} does not match Bits Allocated "
                f"{info.bits_allocated}")
        if info.bits_allocated == 1:  # pylibjpeg-rle takes 1-bit frames packed, LSB first
            src = np.packbits(arr.astype(bool).ravel(), bitorder="little").tobytes()
        else:
            src = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
        from rle.utils import encode_pixel_data

        try:
            return bytes(encode_pixel_data(
                src, rows=info.rows, columns=info.columns,
                samples_per_pixel=info.samples_per_pixel,
                bits_allocated=info.bits_allocated, byteorder="<"))
        except Exception as exc:
            raise PylibjpegPixelDataError(f"{self.name}: {exc}") from exc
        except BaseException as exc:
            if _is_panic(exc):
                raise PylibjpegPixelDataError(f"{self.name}: {exc}") from exc
            raise


# ---- hooks --------------------------------------------------------------------------

DECODERS: tuple[type[Decoder], ...] = (LibjpegDecoder, OpenJpegDecoder, RLEDecoder)
ENCODERS: tuple[type[Encoder], ...] = (OpenJpegEncoder, RLEEncoder)


@hookimpl
def dcmcore_decoders() -> list[Decoder]:
    """Return one decoder per pylibjpeg backend (unavailable ones say why)."""
    return [cls() for cls in DECODERS]


@hookimpl
def dcmcore_encoders() -> list[Encoder]:
    """Return the encoders of the pylibjpeg backends that offer one."""
    return [cls() for cls in ENCODERS]
