"""dcmcore plugin: the ``"openjpeg"`` JPEG 2000 / HTJ2K decoder and JPEG 2000 encoder.

Registered through the ``dcmcore`` entry-point group (``openjpeg = "dcmcore_openjpeg.plugin"``).
The work is done by pylibjpeg-openjpeg (import name ``openjpeg``), imported lazily.

Decoding checks the codestream's main header against the frame description
before openjpeg sees it (:func:`check_header`), because openjpeg sizes its output
and its tile structures from header values. Encoding validates the options the
library would otherwise reject with a bare return code.

``thread_safe`` is False: pylibjpeg-openjpeg keeps the GIL for the whole decode
and encode (it reads the codestream through Python file-object callbacks), so two
threads decode 0.72-1.13x as fast as one (measured, README); the core uses processes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from dcmcore.codecs import DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo, hookimpl
from dcmcore.errors import PixelDataError
from dcmcore_openjpeg.codestream import CodestreamError, J2KHeader, parse_header

__all__ = [
    "OpenJpegDecoder",
    "OpenJpegEncoder",
    "OpenJpegPixelDataError",
    "check_header",
    "library_colour_space",
    "JPEG2000_LOSSLESS",
    "JPEG2000",
    "HTJ2K_LOSSLESS",
    "HTJ2K_LOSSLESS_RPCL",
    "HTJ2K",
    "MAX_TILES",
]

JPEG2000_LOSSLESS = "1.2.840.10008.1.2.4.90"
JPEG2000 = "1.2.840.10008.1.2.4.91"
HTJ2K_LOSSLESS = "1.2.840.10008.1.2.4.201"
HTJ2K_LOSSLESS_RPCL = "1.2.840.10008.1.2.4.202"
HTJ2K = "1.2.840.10008.1.2.4.203"

#: Most tiles accepted in one frame. openjpeg allocates and initialises a coding
#: parameter block per tile while reading the main header (about 10 KB each for
#: one component: 4096 tiles cost ~75 MB, 16384 ~190 MB, the 65535 it allows ~0.7 GB).
MAX_TILES = 4096
#: Highest component precision openjpeg decodes (its SIZ reader refuses more).
MAX_DECODE_PRECISION = 31
#: Highest precision pylibjpeg-openjpeg encodes.
MAX_ENCODE_PRECISION = 24
#: pylibjpeg-openjpeg always encodes with 5 decomposition levels (6 resolutions):
#: openjpeg then refuses images narrower or lower than 2**5 pixels.
MIN_ENCODE_SIZE = 32
#: openjpeg's output buffer is ``Xsiz * Ysiz`` pixels (the image offset included);
#: refuse offsets that would make it more than this many times the frame.
MAX_OFFSET_OVERHEAD = 4

_MCT_PIS = ("YBR_RCT", "YBR_ICT")
_SYCC = 18  # JP2 enumerated colour space sYCC
_LOSSY_METHOD = "ISO_15444_1"


class OpenJpegPixelDataError(PixelDataError, ValueError):
    """Invalid JPEG 2000 data, parameters or options (a dcmcore ``PixelDataError``)."""


def _container(precision: int) -> int:
    """Bytes per sample openjpeg uses for a component of `precision` bits (1, 2 or 4)."""
    size = (precision + 7) // 8
    return 4 if size == 3 else size


def library_colour_space(header: J2KHeader) -> bool:
    """Whether pylibjpeg-openjpeg will convert this frame from YCbCr to RGB itself.

    It does so (``color_sycc_to_rgb``) when a JP2 ``colr`` box says sYCC, or when
    three components have chroma sub-sampled horizontally (its "implicit sYCC"
    rule); only the 4:4:4, 4:2:2 and 4:2:0 layouts are then converted.

    Parameters
    ----------
    header : J2KHeader
        The parsed main header.

    Returns
    -------
    bool
        True when the decoded array is RGB although the components were YCbCr.
    """
    comps = header.components
    if len(comps) != 3:
        return False
    sycc = header.jp2_colourspace == _SYCC or (
        comps[0].dx == comps[0].dy and comps[1].dx != 1
    )
    if not sycc:
        return False
    layout = tuple((c.dx, c.dy) for c in comps)
    return layout in (((1, 1),) * 3, ((1, 1), (2, 1), (2, 1)), ((1, 1), (2, 2), (2, 2)))


def check_header(header: J2KHeader, info: FrameInfo) -> None:
    """Refuse a codestream whose main header disagrees with `info` or openjpeg's limits.

    Checked before openjpeg allocates anything: the image area equals Rows x
    Columns, the component count equals Samples per Pixel, no component is
    sub-sampled, every precision is at most 31 and fits Bits Allocated, the image
    offset keeps openjpeg's buffer within 4 frames, at most :data:`MAX_TILES`
    tiles, and no JP2 palette (openjpeg would expand it into more components than
    the buffer it sized holds).

    Parameters
    ----------
    header : J2KHeader
        The parsed main header.
    info : FrameInfo
        The frame description from the dataset.

    Raises
    ------
    OpenJpegPixelDataError
        Naming the first disagreement.
    """
    comps = header.components
    if len(comps) != info.samples_per_pixel:
        raise OpenJpegPixelDataError(
            f"JPEG 2000 codestream has {len(comps)} components but (0028,0002) "
            f"'Samples per Pixel' is {info.samples_per_pixel}"
        )
    if (header.rows, header.columns) != (info.rows, info.columns):
        raise OpenJpegPixelDataError(
            f"JPEG 2000 codestream image is {header.rows} rows x {header.columns} columns "
            f"(SIZ marker) but the dataset says {info.rows} x {info.columns}"
        )
    for i, comp in enumerate(comps):
        if comp.dx != 1 or comp.dy != 1:
            raise OpenJpegPixelDataError(
                f"JPEG 2000 component {i} is sub-sampled ({comp.dx} x {comp.dy}); "
                "sub-sampled components are not supported by the 'openjpeg' plugin"
            )
        if comp.precision > MAX_DECODE_PRECISION:
            raise OpenJpegPixelDataError(
                f"JPEG 2000 component {i} has precision {comp.precision}; openjpeg "
                f"decodes at most {MAX_DECODE_PRECISION} bits"
            )
    container = _container(comps[0].precision)
    if container * 8 > info.bits_allocated:
        raise OpenJpegPixelDataError(
            f"JPEG 2000 precision {comps[0].precision} needs {container * 8}-bit samples, "
            f"more than (0028,0100) 'Bits Allocated' {info.bits_allocated}"
        )
    wider = [i for i, c in enumerate(comps) if _container(c.precision) > container]
    if wider:
        raise OpenJpegPixelDataError(
            f"JPEG 2000 component {wider[0]} has precision {comps[wider[0]].precision}, "
            f"wider than component 0's {comps[0].precision}: openjpeg would truncate it"
        )
    if header.width * header.height > MAX_OFFSET_OVERHEAD * header.rows * header.columns:
        raise OpenJpegPixelDataError(
            f"JPEG 2000 image offset ({header.x0}, {header.y0}) is too large: openjpeg "
            f"would allocate {header.width} x {header.height} pixels for a "
            f"{header.columns} x {header.rows} frame"
        )
    if header.tiles > MAX_TILES:
        raise OpenJpegPixelDataError(
            f"JPEG 2000 codestream has {header.tiles} tiles of {header.tile_width} x "
            f"{header.tile_height}; at most {MAX_TILES} are accepted (openjpeg allocates "
            "coding parameters for every tile up front)"
        )
    if header.jp2_palette:
        raise OpenJpegPixelDataError(
            "JP2 palette ('pclr' box) is not supported: openjpeg expands it into more "
            "components than its output buffer holds"
        )


def _as_bytes(data: Any) -> bytes:
    """The frame as ``bytes`` (BytesIO shares a bytes object; others are copied once)."""
    return data if type(data) is bytes else bytes(memoryview(data).cast("B"))


class OpenJpegDecoder(Decoder):
    """JPEG 2000 and HTJ2K decoder backed by pylibjpeg-openjpeg.

    Returns openjpeg's stored values: unsigned or signed (as the codestream's
    first component says) in 1, 2 or 4 bytes per sample as openjpeg sizes them
    from the precision; the core reconciles sign and precision with the dataset.
    Frames whose Photometric Interpretation is YBR_RCT or YBR_ICT come back as
    ``DecodedFrame(array, "RGB")``: openjpeg undoes the codestream's component
    transform itself (and for a non-conformant frame without one, the components
    were never transformed), as pydicom and GDCM assume too.
    """

    name = "openjpeg"
    transfer_syntaxes = (JPEG2000_LOSSLESS, JPEG2000, HTJ2K_LOSSLESS, HTJ2K_LOSSLESS_RPCL, HTJ2K)
    priority = 60
    thread_safe = False
    requires = ("openjpeg",)
    library = "pylibjpeg-openjpeg"
    license = "MIT AND BSD-2-Clause"

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray | DecodedFrame:
        """Decode one frame to ``(rows, columns[, samples])`` integers.

        Parameters
        ----------
        data : bytes
            The JPEG 2000 codestream of one frame (JP2-wrapped data is accepted).
        info : FrameInfo
            The frame description; checked against the codestream's SIZ marker.
        **options
            None are used.

        Returns
        -------
        numpy.ndarray or DecodedFrame
            A :class:`DecodedFrame` with ``"RGB"`` when the array is RGB but
            ``info.photometric_interpretation`` is not.

        Raises
        ------
        OpenJpegPixelDataError
            If the codestream is not JPEG 2000, is truncated, disagrees with
            `info` (see :func:`check_header`) or openjpeg fails on it.
        """
        frame = _as_bytes(data)
        try:
            header = parse_header(frame)
        except CodestreamError as exc:
            raise OpenJpegPixelDataError(str(exc)) from exc
        check_header(header, info)
        from openjpeg.utils import decode_pixel_data

        try:
            # version 2: a bytearray sized from the header; one header read, no copy
            out = decode_pixel_data(frame, version=2)
        except (RuntimeError, ValueError) as exc:
            raise OpenJpegPixelDataError(f"openjpeg could not decode the frame: {exc}") from exc
        comp = header.components[0]
        dtype = np.dtype(f"<{'i' if comp.signed else 'u'}{_container(comp.precision)}")
        count = info.rows * info.columns * info.samples_per_pixel
        if len(out) < count * dtype.itemsize:  # cannot happen after check_header
            raise OpenJpegPixelDataError(
                f"openjpeg returned {len(out)} bytes, {count * dtype.itemsize} expected"
            )
        arr = np.frombuffer(out, dtype=dtype, count=count)
        shape = (info.rows, info.columns) + ((info.samples_per_pixel,)
                                             if info.samples_per_pixel > 1 else ())
        arr = arr.reshape(shape)
        pi = info.photometric_interpretation
        if pi != "RGB" and (pi in _MCT_PIS or library_colour_space(header)):
            return DecodedFrame(arr, "RGB")
        return arr


def _layers(value: Any, name: str) -> list[float]:
    """Validate a j2k_cr / j2k_psnr value: a number or a sequence of positive numbers."""
    if value is None:
        return []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise OpenJpegPixelDataError(
            f"'{name}' must be a list of numbers, one per quality layer, not {value!r}"
        )
    layers = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (int, float, np.integer, np.floating)):
            raise OpenJpegPixelDataError(f"'{name}' items must be numbers, got {item!r}")
        if not math.isfinite(float(item)):
            raise OpenJpegPixelDataError(f"'{name}' items must be finite, got {item!r}")
        layers.append(float(item))
    if len(layers) > 100:
        raise OpenJpegPixelDataError(f"'{name}' has {len(layers)} layers; at most 100 allowed")
    return layers


class OpenJpegEncoder(Encoder):
    """JPEG 2000 (Lossless and lossy) encoder backed by pylibjpeg-openjpeg.

    Options
    -------
    j2k_cr : list of float
        Compression ratio of each quality layer, decreasing, the last at least 1
        (lossy; JPEG 2000 only).
    j2k_psnr : list of float
        Peak signal-to-noise ratio (dB) of each quality layer, increasing, all
        positive (lossy; JPEG 2000 only). Not together with `j2k_cr`.
    use_mct : bool or None
        Multiple component transform of RGB data. None (default): as pydicom,
        only when the input's Photometric Interpretation is YBR_RCT/YBR_ICT (RGB
        data that the caller wants transformed); True: also for RGB; False:
        never. With the transform the encoded frame's Photometric Interpretation
        is YBR_RCT (reversible, lossless) or YBR_ICT (irreversible, lossy),
        without it RGB.

    Without `j2k_cr` and `j2k_psnr` the encoding is lossless (reversible 5-3
    wavelet), for both transfer syntaxes.
    """

    name = "openjpeg"
    transfer_syntaxes = (JPEG2000_LOSSLESS, JPEG2000)
    priority = 60
    thread_safe = False
    options = {"j2k_cr": None, "j2k_psnr": None, "use_mct": None}
    requires = ("openjpeg",)
    library = "pylibjpeg-openjpeg"
    license = "MIT AND BSD-2-Clause"

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes | EncodedFrame:
        """Encode one ``(rows, columns[, samples])`` frame.

        Parameters
        ----------
        arr : numpy.ndarray
            The frame, interleaved, integer values within Bits Stored.
        info : FrameInfo
            Its description; ``transfer_syntax_uid`` is the target.
        **options
            `j2k_cr`, `j2k_psnr`, `use_mct` (see the class).

        Returns
        -------
        bytes or EncodedFrame
            An :class:`EncodedFrame` naming the new Photometric Interpretation
            and/or the lossy method ``"ISO_15444_1"`` when either applies.

        Raises
        ------
        OpenJpegPixelDataError
            For invalid options (both ratio kinds, lossy options with JPEG 2000
            Lossless or PALETTE COLOR data), a frame the library cannot encode (fewer than 32 rows or
            columns, precision above 24, values outside Bits Stored), or a
            library failure.
        """
        cr = _layers(options.get("j2k_cr"), "j2k_cr")
        psnr = _layers(options.get("j2k_psnr"), "j2k_psnr")
        if cr and psnr:
            raise OpenJpegPixelDataError(
                "'j2k_cr' and 'j2k_psnr' cannot both be used: give the quality layers as "
                "compression ratios or as PSNR values, not both"
            )
        lossy = bool(cr or psnr)
        uid = info.transfer_syntax_uid
        if lossy and uid == JPEG2000_LOSSLESS:
            which = "j2k_cr" if cr else "j2k_psnr"
            raise OpenJpegPixelDataError(
                f"'{which}' asks for lossy compression, which JPEG 2000 Lossless "
                f"({JPEG2000_LOSSLESS}) does not allow: use JPEG 2000 ({JPEG2000})"
            )
        if uid not in self.transfer_syntaxes:
            raise OpenJpegPixelDataError(f"the 'openjpeg' encoder does not encode '{uid}'")
        if cr and (min(cr) < 1 or any(a < b for a, b in zip(cr, cr[1:]))):
            raise OpenJpegPixelDataError(
                f"'j2k_cr' {cr}: compression ratios must decrease layer by layer and be "
                "at least 1"
            )
        if psnr and (min(psnr) <= 0 or any(a > b for a, b in zip(psnr, psnr[1:]))):
            raise OpenJpegPixelDataError(
                f"'j2k_psnr' {psnr}: PSNR values must increase layer by layer and be positive"
            )
        pi = info.photometric_interpretation
        if lossy and pi == "PALETTE COLOR":
            raise OpenJpegPixelDataError(
                "PALETTE COLOR data are lookup table indices: lossy JPEG 2000 would change "
                "them into other colours; encode them losslessly"
            )
        frame = self._checked_frame(arr, info)
        mct = self._use_mct(options.get("use_mct"), pi, info.samples_per_pixel)
        from openjpeg.utils import encode_array

        try:
            data = encode_array(
                frame,
                bits_stored=info.bits_stored,
                photometric_interpretation=1 if mct else (2 if frame.ndim == 2 else 0),
                use_mct=mct,
                compression_ratios=cr,
                signal_noise_ratios=psnr,
                codec_format=0,
            )
        except (RuntimeError, ValueError) as exc:
            raise OpenJpegPixelDataError(f"openjpeg could not encode the frame: {exc}") from exc
        if mct:
            new_pi = "YBR_ICT" if lossy else "YBR_RCT"
        else:
            new_pi = "RGB" if pi in _MCT_PIS else ""
        if new_pi == pi:
            new_pi = ""
        if new_pi or lossy:
            return EncodedFrame(data, new_pi, _LOSSY_METHOD if lossy else "")
        return data

    @staticmethod
    def _use_mct(option: Any, pi: str, samples: int) -> bool:
        if option is not None and not isinstance(option, (bool, np.bool_)):
            raise OpenJpegPixelDataError(f"'use_mct' must be True, False or None, not {option!r}")
        if samples != 3:
            return False
        if option is None:
            return pi in _MCT_PIS
        return bool(option) and (pi == "RGB" or pi in _MCT_PIS)

    @staticmethod
    def _checked_frame(arr: np.ndarray, info: FrameInfo) -> np.ndarray:
        """Check what the library needs and return a C-contiguous little-endian frame."""
        arr = np.asarray(arr)
        spp = info.samples_per_pixel
        shape = (info.rows, info.columns) + ((spp,) if spp > 1 else ())
        if arr.shape != shape and not (spp == 1 and arr.shape == (*shape, 1)):
            raise OpenJpegPixelDataError(
                f"the frame has shape {arr.shape}, {shape} expected from the dataset"
            )
        arr = arr.reshape(shape)
        if arr.dtype.kind not in "ui" or arr.dtype.itemsize not in (1, 2, 4):
            raise OpenJpegPixelDataError(
                f"openjpeg encodes 8, 16 or 32-bit integer samples, not {arr.dtype}"
            )
        if spp not in (1, 3):
            raise OpenJpegPixelDataError(
                f"openjpeg encodes 1 or 3 samples per pixel here, not {spp}"
            )
        if not 1 <= info.bits_stored <= min(MAX_ENCODE_PRECISION, arr.dtype.itemsize * 8):
            raise OpenJpegPixelDataError(
                f"(0028,0101) 'Bits Stored' {info.bits_stored} is not supported: openjpeg "
                f"encodes 1 to {MAX_ENCODE_PRECISION} bits within the {arr.dtype} samples"
            )
        if min(info.rows, info.columns) < MIN_ENCODE_SIZE or max(info.rows, info.columns) > 65535:
            raise OpenJpegPixelDataError(
                f"a {info.rows} x {info.columns} frame cannot be encoded: pylibjpeg-openjpeg "
                f"uses 5 wavelet decomposition levels, so rows and columns must be "
                f"{MIN_ENCODE_SIZE} to 65535"
            )
        signed = arr.dtype.kind == "i"
        if signed != bool(info.pixel_representation):
            raise OpenJpegPixelDataError(
                f"the frame's dtype {arr.dtype} disagrees with (0028,0103) "
                f"'Pixel Representation' {info.pixel_representation}"
            )
        lo, hi = int(arr.min()), int(arr.max())
        bits = info.bits_stored
        low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        if lo < low or hi > high:
            raise OpenJpegPixelDataError(
                f"pixel values [{lo}, {hi}] are outside the range [{low}, {high}] of "
                f"(0028,0101) 'Bits Stored' {bits}"
            )
        return np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))


@hookimpl
def dcmcore_decoders() -> list[Decoder]:
    """Return the openjpeg decoder."""
    return [OpenJpegDecoder()]


@hookimpl
def dcmcore_encoders() -> list[Encoder]:
    """Return the openjpeg encoder."""
    return [OpenJpegEncoder()]
