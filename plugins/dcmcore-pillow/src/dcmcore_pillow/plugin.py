"""dcmcore plugin: the ``"pillow"`` JPEG decoder and encoder (Pillow / libjpeg-turbo).

Registered through the ``dcmcore`` entry-point group (``pillow = "dcmcore_pillow.plugin"``).

Decoding (JPEG Baseline 1.2.840.10008.1.2.4.50 and 8-bit JPEG Extended .4.51): the
frame header is read and checked against the frame description before Pillow sees the
data (Pillow decodes into whatever size it is given and only supports 8-bit samples),
then the codestream is decoded with Pillow's ``"jpeg"`` decoder through
:func:`PIL.Image.frombytes`, told both the colour space *stored* in the codestream and
the one wanted, so libjpeg never guesses it from JFIF/Adobe markers or component IDs:

- 1 sample: greyscale, no conversion;
- 3 samples, YBR_FULL / YBR_FULL_422 (as corrected by the core from the codestream's
  component IDs and JFIF marker): libjpeg-turbo converts YCbCr to RGB while decoding
  and the result is returned as ``DecodedFrame(array, "RGB")``; with the option
  ``pillow_ycbcr_to_rgb=False`` the stored YCbCr values are returned instead and the
  core converts (if asked to);
- 3 samples, anything else (RGB): the stored values, no conversion.

Encoding (JPEG Baseline only): 8-bit unsigned greyscale or colour; RGB (or YBR_FULL)
input is written as YCbCr with 4:2:2 chroma subsampling and reported as YBR_FULL_422;
the JFIF APP0 segment libjpeg writes is removed (PS3.5 8.2.1 recommends its absence).

Both codecs import Pillow lazily and never read or change Pillow's global settings
(``Image.MAX_IMAGE_PIXELS``, ``ImageFile.LOAD_TRUNCATED_IMAGES``): they use neither
``Image.open`` nor ``ImageFile.load``, and size limits come from the frame description.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import operator
from typing import Any

import numpy as np

from dcmcore.codecs import DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo, hookimpl
from dcmcore.errors import PixelDataError
from dcmcore_pillow import jpeg

__all__ = [
    "PillowJPEGDecoder",
    "PillowJPEGEncoder",
    "PillowPixelDataError",
    "JPEG_BASELINE",
    "JPEG_EXTENDED",
    "check_frame",
    "check_quality",
]

JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"

#: Frame header markers Pillow's libjpeg-turbo is used for: the Huffman DCT processes.
#: Progressive (SOF2) is not allowed by either transfer syntax but decodes correctly,
#: as it does with pydicom and Pillow.
_DECODABLE_SOF = {0xC0, 0xC1, 0xC2}
_YBR = ("YBR_FULL", "YBR_FULL_422")
_MIN_PILLOW = (10, 0)


class PillowPixelDataError(PixelDataError, ValueError):
    """Invalid JPEG data or parameters for the pillow plugin (a dcmcore ``PixelDataError``)."""


def _pillow_unavailable() -> str | None:
    """Why Pillow cannot be used (not installed or too old), None when it can."""
    try:
        if importlib.util.find_spec("PIL") is None:
            return "requires the module 'PIL' (pillow), which is not installed"
        version = importlib.metadata.version("pillow")
    except (ImportError, ValueError, importlib.metadata.PackageNotFoundError):
        return "requires pillow, which is not installed"
    try:
        major_minor = tuple(int(p) for p in version.split(".")[:2])
    except ValueError:
        return None  # a development version: let it try
    if major_minor < _MIN_PILLOW:
        return f"requires pillow >= {_MIN_PILLOW[0]}.{_MIN_PILLOW[1]}, {version} is installed"
    return None


def check_frame(data: bytes, info: FrameInfo) -> jpeg.JPEGHeader:
    """Read the JPEG frame header of `data` and check it against `info`.

    Parameters
    ----------
    data : bytes
        One frame's codestream.
    info : FrameInfo
        The frame description from the dataset.

    Returns
    -------
    dcmcore_pillow.jpeg.JPEGHeader
        The header, once it is known to be safe to hand to Pillow.

    Raises
    ------
    PillowPixelDataError
        If the header is malformed or truncated, the coding process is not a
        Huffman DCT one, the precision is not 8 bits, the component count, rows
        or columns differ from `info`, there are neither 1 nor 3 components, a
        sampling factor is outside 1-4, or the codestream is too short to hold
        that many blocks (:func:`dcmcore_pillow.jpeg.min_codestream_length`).
    """
    if info.bits_allocated < 8:
        raise PillowPixelDataError(
            f"JPEG: Bits Allocated {info.bits_allocated} is not supported (8-bit JPEG "
            "decodes to 8-bit samples)"
        )
    try:
        header = jpeg.read_header(data)
    except jpeg.JPEGHeaderError as exc:
        raise PillowPixelDataError(str(exc)) from exc
    where = f"(SOF marker FF{header.sof_marker:02X} at byte {header.sof_offset})"
    if header.sof_marker not in _DECODABLE_SOF:
        raise PillowPixelDataError(
            f"JPEG coding process '{header.process}' {where} is not supported by the "
            "pillow plugin, which decodes Huffman-coded DCT JPEG (SOF0, SOF1, SOF2) only"
        )
    if header.precision != 8:
        raise PillowPixelDataError(
            f"JPEG sample precision {header.precision} {where} is not supported: Pillow "
            "decodes 8-bit JPEG only (use another plugin for 12-bit JPEG Extended)"
        )
    count = len(header.components)
    if count not in (1, 3):
        raise PillowPixelDataError(
            f"JPEG frame header {where} has {count} components; 1 or 3 are supported"
        )
    if count != info.samples_per_pixel:
        raise PillowPixelDataError(
            f"JPEG frame header {where} has {count} components, (0028,0002) 'Samples "
            f"per Pixel' is {info.samples_per_pixel}"
        )
    if header.rows == 0:
        raise PillowPixelDataError(
            f"JPEG frame header {where} gives 0 lines (height set later by a DNL marker), "
            "which is not supported"
        )
    if (header.rows, header.columns) != (info.rows, info.columns):
        raise PillowPixelDataError(
            f"JPEG frame header {where} gives {header.rows} rows x {header.columns} "
            f"columns, the dataset {info.rows} x {info.columns}"
        )
    for ident, h, v in header.components:
        if not (1 <= h <= 4 and 1 <= v <= 4):
            raise PillowPixelDataError(
                f"JPEG frame header {where}: component {ident} has sampling factors "
                f"{h}x{v}, outside 1-4"
            )
    needed = jpeg.min_codestream_length(header)
    if len(data) < needed:
        raise PillowPixelDataError(
            f"JPEG codestream truncated: {len(data)} bytes cannot hold the {header.rows} x "
            f"{header.columns} x {count} frame {where} (at least {needed} bytes are needed)"
        )
    return header


def _decode_failure(exc: Exception, data: bytes) -> str:
    """Explain why Pillow failed on a codestream whose header passed the checks."""
    body = data.rstrip(b"\x00")
    if "not available" in str(exc):  # Pillow built without libjpeg
        return f"Pillow cannot decode JPEG here ({exc})"
    if "not enough image data" in str(exc):
        if not body.endswith(b"\xff\xd9"):
            return (
                f"JPEG codestream truncated: libjpeg ran out of data and the {len(data)} "
                "bytes do not end with an EOI marker (FFD9)"
            )
        return "JPEG codestream ended before the last row was decoded (corrupt data)"
    return f"libjpeg-turbo could not decode the JPEG codestream ({exc})"


class PillowJPEGDecoder(Decoder):
    """JPEG Baseline and 8-bit JPEG Extended decoder using Pillow (libjpeg-turbo).

    Options
    -------
    pillow_ycbcr_to_rgb : bool
        True (default): YBR_FULL / YBR_FULL_422 frames are converted to RGB by
        libjpeg-turbo while decoding (2.5-3x faster than decoding then converting
        in numpy) and returned as RGB. False: the stored YCbCr values are returned
        and the core converts them when RGB is wanted (identical to pydicom with
        its Pillow backend; needed for ``as_rgb=False`` to give YCbCr).
    """

    name = "pillow"
    transfer_syntaxes = (JPEG_BASELINE, JPEG_EXTENDED)
    priority = 70
    thread_safe = True
    options = {"pillow_ycbcr_to_rgb": True, "as_rgb": True}
    requires = ("PIL",)
    library = "pillow"
    license = "MIT-CMU"

    def unavailable_reason(self) -> str | None:
        """Return why Pillow cannot be used, None when it can (never imports it)."""
        return _pillow_unavailable()

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray | DecodedFrame:
        """Decode one frame to ``(rows, columns)`` or ``(rows, columns, 3)`` uint8.

        Returns a :class:`~dcmcore.codecs.DecodedFrame` naming ``"RGB"`` when
        libjpeg-turbo converted YCbCr to RGB, else a bare array of the stored
        values.
        """
        buf = data if isinstance(data, bytes) else bytes(data)
        check_frame(buf, info)
        # the core offers as_rgb=False when the caller wants the stored YCbCr values
        to_rgb = bool(options.get("pillow_ycbcr_to_rgb", True)) and bool(
            options.get("as_rgb", True))
        if info.samples_per_pixel == 1:
            mode = rawmode = stored = "L"
        elif info.photometric_interpretation in _YBR:
            stored = "YCbCr"
            mode = rawmode = "RGB" if to_rgb else "YCbCr"
        else:  # RGB, or a colour space libjpeg does not know: keep the stored values
            mode = rawmode = stored = "RGB"
        from PIL import Image

        try:
            # Pillow's "jpeg" decoder arguments: (wanted colour space, stored colour space)
            image = Image.frombytes(mode, (info.columns, info.rows), buf, "jpeg", rawmode, stored)
            pixels = image.tobytes()
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - Pillow raises ValueError, OSError...
            raise PillowPixelDataError(_decode_failure(exc, buf)) from exc
        shape = (info.rows, info.columns) if mode == "L" else (info.rows, info.columns, 3)
        arr = np.frombuffer(pixels, dtype=np.uint8).reshape(shape)
        if stored == "YCbCr" and mode == "RGB":
            return DecodedFrame(arr, "RGB")
        return arr


def check_quality(value: Any) -> int:
    """Return `value` as a JPEG quality: an integer 1-95, or 100.

    Parameters
    ----------
    value : int
        The ``jpeg_quality`` option (any integer type, not bool).

    Returns
    -------
    int
        The quality.

    Raises
    ------
    PillowPixelDataError
        For anything else (Pillow itself accepts any integer silently; above 95
        libjpeg disables parts of the compression and files grow for little gain,
        100 is kept for near-lossless use).
    """
    if isinstance(value, bool):
        raise PillowPixelDataError(f"jpeg_quality must be an integer 1-95 or 100, got {value!r}")
    try:
        quality = operator.index(value)
    except TypeError:
        raise PillowPixelDataError(
            f"jpeg_quality must be an integer 1-95 or 100, got {value!r}"
        ) from None
    if not (1 <= quality <= 95 or quality == 100):
        raise PillowPixelDataError(f"jpeg_quality must be an integer 1-95 or 100, got {quality}")
    return quality


class PillowJPEGEncoder(Encoder):
    """JPEG Baseline (process 1) encoder using Pillow (libjpeg-turbo).

    Accepts 8-bit unsigned frames (Bits Allocated and Bits Stored 8, Pixel
    Representation 0): MONOCHROME1/MONOCHROME2, encoded as one component; RGB,
    YBR_FULL or YBR_FULL_422, encoded as YCbCr (converted from RGB by libjpeg)
    with the chroma subsampled 2:1 horizontally (4:2:2), so the dataset becomes
    YBR_FULL_422. The frame header is SOF0 with 8-bit quantisation tables at every
    quality, the component IDs are 1, 2, 3 and no JFIF APP0 segment is written.

    Options
    -------
    jpeg_quality : int
        libjpeg's quality scale, 1-95 or 100 (default 90).
    """

    name = "pillow"
    transfer_syntaxes = (JPEG_BASELINE,)
    priority = 70
    thread_safe = True
    options = {"jpeg_quality": 90}
    requires = ("PIL",)
    library = "pillow"
    license = "MIT-CMU"

    def unavailable_reason(self) -> str | None:
        """Return why Pillow cannot be used, None when it can (never imports it)."""
        return _pillow_unavailable()

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> EncodedFrame:
        """Encode one frame; return ``EncodedFrame(data, pi, "ISO_10918_1")``.

        ``pi`` is ``"YBR_FULL_422"`` for colour and ``""`` (unchanged) for greyscale.
        """
        quality = check_quality(options.get("jpeg_quality", 90))
        if (info.bits_allocated, info.bits_stored, info.pixel_representation) != (8, 8, 0):
            raise PillowPixelDataError(
                "JPEG Baseline encoding needs 8-bit unsigned samples (Bits Allocated 8, Bits "
                f"Stored 8, Pixel Representation 0), got {info.bits_allocated}, "
                f"{info.bits_stored}, {info.pixel_representation}"
            )
        pi = info.photometric_interpretation
        spp = info.samples_per_pixel
        shape: tuple[int, ...]
        if spp == 1 and pi in ("MONOCHROME1", "MONOCHROME2"):
            mode, shape = "L", (info.rows, info.columns)
        elif spp == 3 and pi == "RGB":
            mode, shape = "RGB", (info.rows, info.columns, 3)
        elif spp == 3 and pi in _YBR:
            mode, shape = "YCbCr", (info.rows, info.columns, 3)
        else:
            raise PillowPixelDataError(
                f"JPEG Baseline encoding of Samples per Pixel {spp} with Photometric "
                f"Interpretation '{pi}' is not supported (MONOCHROME1, MONOCHROME2 with 1 "
                "sample; RGB, YBR_FULL, YBR_FULL_422 with 3)"
            )
        pixels = np.asarray(arr)
        if pixels.shape != shape and pixels.size == int(np.prod(shape)):
            pixels = pixels.reshape(shape)
        if pixels.shape != shape:
            raise PillowPixelDataError(
                f"JPEG Baseline encoding: the frame has shape {pixels.shape}, {shape} expected"
            )
        if pixels.dtype != np.uint8:
            if pixels.dtype.kind not in "ui" or (
                pixels.size and (pixels.min() < 0 or pixels.max() > 255)
            ):
                raise PillowPixelDataError(
                    f"JPEG Baseline encoding needs uint8 samples, got {pixels.dtype} values"
                )
            pixels = pixels.astype(np.uint8)
        from PIL import Image

        image = Image.frombuffer(
            mode, (info.columns, info.rows), np.ascontiguousarray(pixels), "raw", mode, 0, 1
        )
        out = io.BytesIO()
        # 4:2:2 for colour; nothing for greyscale, where Pillow would otherwise write
        # sampling factors 2x1 for the single component
        sampling = {"subsampling": 1} if spp == 3 else {}
        try:
            image.save(out, "JPEG", quality=quality, optimize=False, progressive=False,
                       **sampling)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - Pillow raises OSError, ValueError...
            raise PillowPixelDataError(f"Pillow could not encode the frame: {exc}") from exc
        data = jpeg.strip_jfif(out.getvalue())
        return EncodedFrame(data, "YBR_FULL_422" if spp == 3 else "", "ISO_10918_1")


@hookimpl
def dcmcore_decoders() -> list[Decoder]:
    """Return the Pillow JPEG decoder."""
    return [PillowJPEGDecoder()]


@hookimpl
def dcmcore_encoders() -> list[Encoder]:
    """Return the Pillow JPEG Baseline encoder."""
    return [PillowJPEGEncoder()]
