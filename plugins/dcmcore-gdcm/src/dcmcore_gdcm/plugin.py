"""dcmcore plugin: the ``"gdcm"`` decoder and encoder (python-gdcm).

Registered through the ``dcmcore`` entry-point group (``gdcm = "dcmcore_gdcm.plugin"``).

GDCM aborts the whole process on some malformed input, so nothing reaches it
unchecked: :mod:`dcmcore_gdcm.checks` validates the frame description and the
codestream header first, and every frame goes through ``gdcm.ImageReader``
reading a minimal Part 10 file (:mod:`dcmcore_gdcm.gdcm_io`), never through a
``gdcm.Image`` assembled in Python.

``thread_safe`` is False: python-gdcm's SWIG wrappers never release the GIL
(two threads decode no faster than one, see the README), so the core decodes
in processes, which the codecs support (they pickle and keep no state).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dcmcore.codecs import DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo, hookimpl
from dcmcore.errors import PixelDataError
from dcmcore_gdcm import checks, gdcm_io, memory
from dcmcore_gdcm.checks import (
    J2K_SYNTAXES,
    JPEG_SYNTAXES,
    JPEGLS_SYNTAXES,
    RLE_LOSSLESS,
    GDCMCheckError,
)

__all__ = [
    "GDCMDecoder",
    "GDCMEncoder",
    "GDCMPixelDataError",
    "DECODE_SYNTAXES",
    "ENCODE_SYNTAXES",
]

JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57"
JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70"
JPEGLS_LOSSLESS, JPEGLS_NEAR_LOSSLESS = JPEGLS_SYNTAXES
J2K_LOSSLESS, J2K_LOSSY = J2K_SYNTAXES

DECODE_SYNTAXES = checks.DECODE_SYNTAXES
#: What GDCM encodes reliably (checked by round trips in the tests): JPEG Baseline
#: and Extended are left out (GDCM labels YCbCr output "RGB" and its 16-bit lossy
#: JPEG does not decode back).
ENCODE_SYNTAXES = (
    RLE_LOSSLESS,
    JPEGLS_LOSSLESS,
    JPEGLS_NEAR_LOSSLESS,
    J2K_LOSSLESS,
    J2K_LOSSY,
    JPEG_LOSSLESS,
    JPEG_LOSSLESS_SV1,
)


class GDCMPixelDataError(PixelDataError, ValueError):
    """A frame GDCM must not see, or one it failed on (a dcmcore ``PixelDataError``)."""


def _pi_for_gdcm(info: FrameInfo) -> str:
    """The photometric interpretation written in the file GDCM decodes.

    Monochrome and palette frames are written MONOCHROME2 (GDCM would want a
    palette for PALETTE COLOR; the stored values are the same). Colour JPEG is
    written YBR_FULL: for it GDCM tells libjpeg to convert nothing (for
    YBR_FULL_422 its source lets libjpeg convert YCbCr to RGB), so the output is
    always the stored components. Other colour frames keep their colour space,
    YBR_FULL_422 written YBR_FULL (GDCM logs an error for YBR_FULL_422 outside JPEG).
    """
    if info.samples_per_pixel == 1:
        return "MONOCHROME2"
    uid = info.transfer_syntax_uid
    pi = str(info.photometric_interpretation).strip()
    if uid in JPEG_SYNTAXES:
        return "YBR_FULL"
    if pi == "YBR_FULL_422":
        return "YBR_FULL"
    if uid not in J2K_SYNTAXES and pi in ("YBR_ICT", "YBR_RCT"):
        return "RGB"
    return pi


class GDCMDecoder(Decoder):
    """Decoder for JPEG, JPEG-LS, JPEG 2000 and RLE Lossless frames with python-gdcm.

    The frame description and the codestream header are checked before GDCM
    sees the frame (see :mod:`dcmcore_gdcm.checks`); GDCM then reads the frame
    from a minimal Part 10 file with ``gdcm.ImageReader``. Returns the stored
    values as unsigned integers of at most ``bits_allocated`` bits; JPEG 2000
    ``YBR_ICT``/``YBR_RCT`` frames come back as RGB (OpenJPEG inverts the
    component transform), reported with a :class:`~dcmcore.codecs.DecodedFrame`.
    """

    name = "gdcm"
    transfer_syntaxes = DECODE_SYNTAXES
    priority = 30
    thread_safe = False
    process_safe = True
    options = {"gdcm_max_frame_bytes": memory.DEFAULT_MAX_FRAME_BYTES}
    requires = ("gdcm",)
    library = "python-gdcm"
    license = "Apache-2.0"

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray | DecodedFrame:
        """Decode one frame to ``(rows, columns[, samples])`` unsigned integers.

        Parameters
        ----------
        data : bytes
            The frame's codestream (fragments joined; a trailing pad byte is fine).
        info : dcmcore.codecs.FrameInfo
            The frame description.
        **options
            ``gdcm_max_frame_bytes``: the largest decoded frame handed to GDCM
            (default 1 GiB; None for no fixed limit). Frames are also refused
            when about 10 times their size is not available (see
            :mod:`dcmcore_gdcm.memory`): GDCM aborts when an allocation fails.

        Returns
        -------
        numpy.ndarray or dcmcore.codecs.DecodedFrame
            The samples; a ``DecodedFrame(array, "RGB")`` for JPEG 2000 frames
            described as ``YBR_ICT`` or ``YBR_RCT``.

        Raises
        ------
        GDCMPixelDataError
            If the frame description or codestream header is refused, or GDCM fails.
        """
        try:
            checks.check_frame_info(info)
            checks.check_codestream(data, info)
        except GDCMCheckError as exc:
            raise GDCMPixelDataError(str(exc)) from exc
        _check_memory(info, options)
        try:
            image = gdcm_io.read_image(
                data,
                info.transfer_syntax_uid,
                rows=info.rows,
                columns=info.columns,
                samples_per_pixel=info.samples_per_pixel,
                bits_allocated=info.bits_allocated,
                pixel_representation=info.pixel_representation,
                photometric_interpretation=_pi_for_gdcm(info),
                planar_configuration=int(info.planar_configuration or 0),
            )
            arr = image.as_array()
        except gdcm_io.GDCMRuntimeError as exc:
            raise GDCMPixelDataError(f"{exc} ({info.transfer_syntax_uid})") from exc
        except (RuntimeError, TypeError, ValueError, OSError) as exc:  # SWIG / file errors
            raise GDCMPixelDataError(
                f"GDCM failed on the frame ({info.transfer_syntax_uid}): "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if (
            info.transfer_syntax_uid in J2K_SYNTAXES
            and info.samples_per_pixel == 3
            and info.photometric_interpretation in ("YBR_ICT", "YBR_RCT")
        ):
            return DecodedFrame(arr, "RGB")
        return arr


def _check_memory(info: FrameInfo, options: dict[str, Any]) -> None:
    limit = options.get("gdcm_max_frame_bytes", memory.DEFAULT_MAX_FRAME_BYTES)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise GDCMPixelDataError(f"GDCM: gdcm_max_frame_bytes must be an integer, got {limit!r}")
    size = info.rows * info.columns * info.samples_per_pixel * (info.bits_allocated // 8)
    reason = memory.check_frame_memory(size, limit)
    if reason:
        raise GDCMPixelDataError(f"GDCM: {reason}")


def _check_array(arr: np.ndarray, info: FrameInfo) -> None:
    shape = (info.rows, info.columns) + ((info.samples_per_pixel,) if info.samples_per_pixel > 1
                                        else ())
    if arr.shape != shape:
        raise GDCMPixelDataError(
            f"GDCM: the frame array has shape {arr.shape}, {shape} expected from the description"
        )
    if arr.dtype.kind not in "ui" or arr.dtype.itemsize * 8 != info.bits_allocated:
        raise GDCMPixelDataError(
            f"GDCM: the frame array dtype {arr.dtype} does not match bits allocated "
            f"{info.bits_allocated}"
        )


#: GDCM 3.2 (OpenJPEG 2.3) aborted, crashed or hung encoding JPEG 2000 frames
#: with fewer rows or columns than this (always for 1 x N; 8 x 16, 10 x 10...).
MIN_J2K_ENCODE_SIZE = 16


def _check_encodable(uid: str, info: FrameInfo) -> None:
    """Refuse frames GDCM's encoders abort or fail on (found by mutation tests)."""
    length = info.rows * info.columns * info.samples_per_pixel * (info.bits_allocated // 8)
    if length % 2 and uid in (RLE_LOSSLESS, JPEG_LOSSLESS, JPEG_LOSSLESS_SV1):
        # GDCM pads the native frame to even length; its RLE encoder then
        # aborts the process (assert "partition % dims[1] == 0") and its
        # lossless JPEG encoder fails.
        raise GDCMPixelDataError(
            f"GDCM: cannot encode a frame of odd length ({length} bytes) as {uid}"
        )
    if uid in J2K_SYNTAXES and min(info.rows, info.columns) < MIN_J2K_ENCODE_SIZE:
        raise GDCMPixelDataError(
            f"GDCM: JPEG 2000 encoding needs at least {MIN_J2K_ENCODE_SIZE} rows and columns, "
            f"got {info.rows} x {info.columns} (GDCM crashes on smaller frames)"
        )


def _rates(value: Any, name: str) -> list[float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)) or not value:
        raise GDCMPixelDataError(f"GDCM: {name} must be a non-empty list of numbers, got {value!r}")
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float)) or not (
            math.isfinite(item) and item > 0
        ):
            raise GDCMPixelDataError(f"GDCM: {name} values must be positive numbers, got {item!r}")
        out.append(float(item))
    if len(out) > 32:
        raise GDCMPixelDataError(f"GDCM: {name} allows at most 32 quality layers")
    return out


class GDCMEncoder(Encoder):
    """Encoder for RLE, JPEG-LS, JPEG 2000 and lossless JPEG with python-gdcm.

    8 or 16 bits allocated, 1 or 3 samples per pixel. GDCM writes the
    codestream precision as ``bits_allocated`` (16 for 12-bit data) for JPEG-LS,
    JPEG 2000 and lossless JPEG.

    Options
    -------
    jls_error : int
        JPEG-LS Near-Lossless: the maximum error (NEAR), 0 (default) to 255
        (at most half the sample range); must be 0 for JPEG-LS Lossless.
    j2k_cr : list of float
        JPEG 2000: compression ratios of the quality layers, e.g. ``[20]``
        (irreversible 9-7 wavelet). Not with `j2k_psnr`.
    j2k_psnr : list of float
        JPEG 2000: peak signal-to-noise ratios (dB, relative to ``bits_stored``)
        of the quality layers, e.g. ``[80]``. Not with `j2k_cr`.
    j2k_mct : bool
        JPEG 2000, 3 samples: apply the component transform (default True); the
        data set becomes ``YBR_RCT`` (lossless) or ``YBR_ICT`` (lossy).
    gdcm_max_frame_bytes : int or None
        The largest frame handed to GDCM (default 1 GiB), as for the decoder.
    """

    name = "gdcm"
    transfer_syntaxes = ENCODE_SYNTAXES
    priority = 30
    thread_safe = False
    process_safe = True
    options = {
        "jls_error": None,
        "j2k_cr": None,
        "j2k_psnr": None,
        "j2k_mct": True,
        "gdcm_max_frame_bytes": memory.DEFAULT_MAX_FRAME_BYTES,
    }
    requires = ("gdcm",)
    library = "python-gdcm"
    license = "Apache-2.0"

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes | EncodedFrame:
        """Encode one ``(rows, columns[, samples])`` frame.

        Parameters
        ----------
        arr : numpy.ndarray
            The frame, dtype matching ``info``.
        info : dcmcore.codecs.FrameInfo
            The frame description; ``transfer_syntax_uid`` is the target.
        **options
            See the class docstring.

        Returns
        -------
        bytes or dcmcore.codecs.EncodedFrame
            An ``EncodedFrame`` when the encoding is lossy or the colour space changed.

        Raises
        ------
        GDCMPixelDataError
            If the frame, its description or the options are refused, or GDCM fails.
        """
        uid = info.transfer_syntax_uid
        if uid not in ENCODE_SYNTAXES:
            raise GDCMPixelDataError(f"GDCM: encoding to {uid} is not supported by this plugin")
        try:
            checks.check_frame_info(info, encoding=True)
        except GDCMCheckError as exc:
            raise GDCMPixelDataError(str(exc)) from exc
        arr = np.asarray(arr)
        _check_array(arr, info)
        pi = str(info.photometric_interpretation).strip()
        if info.samples_per_pixel == 3 and pi not in ("RGB", "YBR_FULL"):
            raise GDCMPixelDataError(
                f"GDCM: encoding {pi} data is not supported (RGB or YBR_FULL only)"
            )
        _check_encodable(uid, info)
        _check_memory(info, options)
        codec, out_pi, lossy = self._plan(uid, info, pi, options)
        try:
            data, _gdcm_pi = gdcm_io.encode_image(
                arr,
                uid,
                bits_stored=info.bits_stored,
                pixel_representation=info.pixel_representation,
                photometric_interpretation=pi,
                codec=codec,
            )
        except gdcm_io.GDCMRuntimeError as exc:
            raise GDCMPixelDataError(str(exc)) from exc
        except (RuntimeError, TypeError, ValueError, OSError) as exc:
            raise GDCMPixelDataError(
                f"GDCM failed to encode the frame as {uid}: {type(exc).__name__}: {exc}"
            ) from exc
        if out_pi == pi and not lossy:
            return data
        return EncodedFrame(data, "" if out_pi == pi else out_pi, lossy)

    def _plan(
        self, uid: str, info: FrameInfo, pi: str, options: dict[str, Any]
    ) -> tuple[Callable[[Any], Any] | None, str, str]:
        """Return (codec factory, encoded photometric interpretation, lossy method)."""
        jls_error = options.get("jls_error")
        cr, psnr = options.get("j2k_cr"), options.get("j2k_psnr")
        if uid in JPEGLS_SYNTAXES:
            near = 0 if jls_error is None else jls_error
            if isinstance(near, bool) or not isinstance(near, (int, np.integer)):
                raise GDCMPixelDataError(f"GDCM: jls_error must be an integer, got {near!r}")
            near = int(near)
            limit = min(255, ((1 << info.bits_allocated) - 1) // 2)
            if not 0 <= near <= limit:
                raise GDCMPixelDataError(f"GDCM: jls_error must be 0 to {limit}, got {near}")
            if uid == JPEGLS_LOSSLESS and near:
                raise GDCMPixelDataError(
                    "GDCM: jls_error must be 0 for JPEG-LS Lossless; use JPEG-LS Near-Lossless"
                )
            if not near:
                return None, pi, ""

            def jpegls(gdcm: Any) -> Any:
                codec = gdcm.JPEGLSCodec()
                codec.SetLossless(False)
                codec.SetLossyError(near)
                return codec

            return jpegls, pi, "ISO_14495_1"
        if uid in J2K_SYNTAXES:
            return self._plan_j2k(uid, info, pi, cr, psnr, options.get("j2k_mct", True))
        return None, pi, ""  # RLE and lossless JPEG take no options

    def _plan_j2k(
        self, uid: str, info: FrameInfo, pi: str, cr: Any, psnr: Any, mct: Any
    ) -> tuple[Callable[[Any], Any] | None, str, str]:
        if cr is not None and psnr is not None:
            raise GDCMPixelDataError("GDCM: give j2k_cr or j2k_psnr, not both")
        lossy = cr is not None or psnr is not None
        if lossy and uid == J2K_LOSSLESS:
            raise GDCMPixelDataError(
                "GDCM: j2k_cr and j2k_psnr need JPEG 2000 (lossy), not JPEG 2000 Lossless"
            )
        rates = _rates(cr, "j2k_cr") if cr is not None else []
        qualities = _rates(psnr, "j2k_psnr") if psnr is not None else []
        # GDCM writes the codestream with bits_allocated precision: its PSNR is
        # relative to 2**bits_allocated - 1, ours to 2**bits_stored - 1.
        gain = 20 * math.log10(
            (2.0 ** info.bits_allocated - 1) / (2.0 ** info.bits_stored - 1)
        )
        qualities = [q + gain for q in qualities]
        use_mct = bool(mct) and info.samples_per_pixel == 3 and pi == "RGB"

        def j2k(gdcm: Any) -> Any:
            codec = gdcm.JPEG2000Codec()
            codec.SetReversible(not lossy)
            codec.SetMCT(use_mct)
            for index, rate in enumerate(rates):
                codec.SetRate(index, rate)
            for index, quality in enumerate(qualities):
                codec.SetQuality(index, quality)
            return codec

        out_pi = ("YBR_ICT" if lossy else "YBR_RCT") if use_mct else pi
        return j2k, out_pi, "ISO_15444_1" if lossy else ""


@hookimpl
def dcmcore_decoders() -> list[Decoder]:
    """Return the GDCM decoder."""
    return [GDCMDecoder()]


@hookimpl
def dcmcore_encoders() -> list[Encoder]:
    """Return the GDCM encoder."""
    return [GDCMEncoder()]
