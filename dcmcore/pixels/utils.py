"""pydicom 3's ``pixels.utils``: pixel helpers with pydicom's names and signatures.

The decoding and encoding functions (:func:`pixel_array`, :func:`iter_pixels`,
:func:`compress`, :func:`decompress`, :func:`set_pixel_data`) are dcmcore's pixel
pipeline (:mod:`dcmcore.pixels`) called with pydicom's keyword-only parameters; the
rest read the Image Pixel module of a dataset the way pydicom does.
"""

from __future__ import annotations

import sys
from collections.abc import ByteString, Iterable, Iterator
from os import PathLike
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import numpy as np

from dcmcore.codecs._warnings import warn as _warn
from dcmcore.pixels import api, native, rewrite
from dcmcore.pixels._luts import dataset_is_little_endian
from dcmcore.pixels.codestream import inspect as inspect_codestream
from dcmcore.pixels.native import pack_bits, unpack_bits

if TYPE_CHECKING:
    from dcmcore.dataset import Dataset

__all__ = [
    "as_pixel_options",
    "compress",
    "decompress",
    "expand_ybr422",
    "get_expected_length",
    "get_image_pixel_ids",
    "get_j2k_parameters",
    "get_nr_frames",
    "iter_pixels",
    "pack_bits",
    "pixel_array",
    "pixel_dtype",
    "reshape_pixel_array",
    "set_pixel_data",
    "unpack_bits",
]

#: Image Pixel tag -> the option name pydicom's decoders use
_IMAGE_PIXEL_OPTIONS: Final = {
    0x00280002: "samples_per_pixel",
    0x00280004: "photometric_interpretation",
    0x00280006: "planar_configuration",
    0x00280008: "number_of_frames",
    0x00280010: "rows",
    0x00280011: "columns",
    0x00280100: "bits_allocated",
    0x00280101: "bits_stored",
    0x00280103: "pixel_representation",
}
_PIXEL_ID_KEYWORDS: Final = (
    "SamplesPerPixel", "PhotometricInterpretation", "PlanarConfiguration", "NumberOfFrames",
    "Rows", "Columns", "BitsAllocated", "BitsStored", "PixelRepresentation",
    "FloatPixelData", "DoubleFloatPixelData", "PixelData",
)
#: syntaxes whose decoded samples are always interleaved / always planar
_INTERLEAVED_SYNTAXES: Final = frozenset({
    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70",
    "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81", "1.2.840.10008.1.2.4.90",
    "1.2.840.10008.1.2.4.91",
})
_PLANAR_SYNTAXES: Final = frozenset({"1.2.840.10008.1.2.5"})


def as_pixel_options(ds: Dataset, **kwargs: Any) -> dict[str, Any]:
    """The Image Pixel values of `ds` as decoder options, updated with `kwargs`.

    Keys: ``samples_per_pixel``, ``photometric_interpretation``,
    ``planar_configuration``, ``number_of_frames`` (1 when absent, empty or 0, with a
    warning for the last two), ``rows``, ``columns``, ``bits_allocated``,
    ``bits_stored``, ``pixel_representation``, and ``extended_offsets`` when the
    dataset has an Extended Offset Table.
    """
    opts: dict[str, Any] = {
        name: ds[tag].value for tag, name in _IMAGE_PIXEL_OPTIONS.items() if tag in ds
    }
    frames = opts.get("number_of_frames", 1) if 0x00280008 in ds else 1
    frames = int(frames) if isinstance(frames, str) and frames.strip() else frames
    if frames in (None, 0, ""):
        _warn(f"A value of '{frames}' for (0028,0008) 'Number of Frames' is invalid, "
              "assuming 1 frame")
        frames = 1
    opts["number_of_frames"] = frames
    if 0x7FE00001 in ds and 0x7FE00002 in ds:
        opts["extended_offsets"] = (ds.ExtendedOffsetTable, ds.ExtendedOffsetTableLengths)
    opts.update(kwargs)
    return opts


def expand_ybr422(src: ByteString, bits_allocated: int) -> bytes:
    """YBR_FULL_422 data (``Y1 Y2 Cb Cr`` groups) expanded to ``Y1 Cb Cr Y2 Cb Cr``.

    Parameters
    ----------
    src : bytes-like
        The sub-sampled data.
    bits_allocated : int
        8, 16 or 32: the size of each sample.

    Returns
    -------
    bytes
        1.5 times as many bytes as `src`.
    """
    size = bits_allocated // 8
    if size not in (1, 2, 4):
        raise ValueError(f"Unsupported 'bits_allocated' value {bits_allocated}")
    data = memoryview(src).cast("B")
    usable = len(data) // (4 * size) * 4 * size
    samples = np.frombuffer(data[:usable], dtype=f"u{size}")
    return native.expand_ybr422(samples).tobytes()


def get_expected_length(ds: Dataset, unit: str = "bytes") -> int:
    """The length of the native pixel data `ds` describes, in bytes or pixels.

    Parameters
    ----------
    ds : Dataset
        With Rows, Columns, Samples per Pixel, Bits Allocated, Photometric
        Interpretation and (optionally) Number of Frames.
    unit : str, optional
        ``"bytes"`` (default; bit-packed data rounded up to whole bytes, YBR_FULL_422
        two thirds of full) or ``"pixels"`` (samples, in fact: rows x columns x
        samples x frames).
    """
    length = int(ds.Rows) * int(ds.Columns) * int(ds.SamplesPerPixel)
    length *= get_nr_frames(ds)
    if unit == "pixels":
        return length
    bits_allocated = int(ds.BitsAllocated)
    if bits_allocated == 1:
        length = -(-length // 8)
    else:
        length *= bits_allocated // 8
    if ds.PhotometricInterpretation == "YBR_FULL_422":
        length = length // 3 * 2
    return length


def get_image_pixel_ids(ds: Dataset) -> dict[str, int]:
    """``id()`` of each Image Pixel value of `ds` (and its pixel data), by keyword.

    Comparing two results tells whether any of them was replaced.
    """
    return {keyword: id(getattr(ds, keyword, None)) for keyword in _PIXEL_ID_KEYWORDS}


def get_j2k_parameters(codestream: bytes) -> dict[str, Any]:
    """The precision and signedness of a JPEG 2000 codestream's first component.

    Returns
    -------
    dict
        ``{"jp2": bool, "precision": int, "is_signed": bool}``, or ``{}`` when
        `codestream` is not a JPEG 2000 codestream (or JP2 file) with a SIZ marker.
    """
    info = inspect_codestream(codestream)
    if info.kind != "j2k" or info.precision is None:
        return {}
    return {"jp2": bytes(codestream[:4]) == b"\x00\x00\x00\x0c",
            "precision": info.precision, "is_signed": bool(info.is_signed)}


def get_nr_frames(ds: Dataset, warn: bool = True) -> int:
    """(0028,0008) *Number of Frames*, 1 when absent; an empty or 0 value gives 1 (with
    a warning unless `warn` is False)."""
    frames = getattr(ds, "NumberOfFrames", 1)
    if not frames:
        if warn:
            _warn(f"A value of {frames} for (0028,0008) 'Number of Frames' is "
                  "non-conformant. It's recommended that this value be changed to 1")
        return 1
    return int(frames)


def pixel_dtype(ds: Dataset, as_float: bool = False) -> np.dtype:
    """The numpy dtype of the native pixel data of `ds`, in the dataset's byte order.

    Parameters
    ----------
    ds : Dataset
        With Bits Allocated and (unless `as_float`) Pixel Representation, and a byte
        order: a Transfer Syntax UID in its file meta, or the encoding it was read in.
    as_float : bool, optional
        A float dtype (Float / Double Float Pixel Data).

    Raises
    ------
    AttributeError
        No byte order is known.
    ValueError
        An invalid Pixel Representation or Bits Allocated.
    NotImplementedError
        numpy has no such dtype.
    """
    little = dataset_is_little_endian(ds)
    if as_float:
        kind = "float"
    else:
        representation = ds.PixelRepresentation
        if representation not in (0, 1):
            raise ValueError(
                "Unable to determine the data type to use to contain the Pixel Data as a "
                f"value of '{representation}' for '(0028,0103) Pixel Representation' is "
                "invalid")
        kind = "uint" if representation == 0 else "int"
    bits = int(ds.BitsAllocated)
    if bits == 1:
        name = "uint8"
    elif bits > 0 and bits % 8 == 0:
        name = f"{kind}{bits}"
    else:
        raise ValueError(
            "Unable to determine the data type to use to contain the Pixel Data as a "
            f"value of '{bits}' for '(0028,0100) Bits Allocated' is invalid")
    try:
        dtype = np.dtype(name)
    except TypeError:
        raise NotImplementedError(
            f"The data type '{name}' needed to contain the Pixel Data is not supported "
            "by numpy") from None
    if little != (sys.byteorder == "little"):
        dtype = dtype.newbyteorder("S")
    return dtype


def reshape_pixel_array(ds: Dataset, arr: np.ndarray) -> np.ndarray:
    """`arr`, the flat pixel data of `ds`, shaped (frames, rows, columns, samples).

    Single-frame data loses the frames axis and single-sample data the samples axis.
    Planar data (Planar Configuration 1, and RLE Lossless whatever its value) is
    transposed to interleaved; JPEG and JPEG 2000 data are always interleaved.
    """
    frames = get_nr_frames(ds)
    samples = int(ds.SamplesPerPixel)
    if samples < 1:
        raise ValueError(f"Unable to reshape the pixel array as a value of {samples} for "
                         "(0028,0002) 'Samples per Pixel' is invalid.")
    planar = 0
    if samples > 1:
        syntax = str(ds.file_meta.TransferSyntaxUID)
        if syntax in _INTERLEAVED_SYNTAXES:
            planar = 0
        elif syntax in _PLANAR_SYNTAXES:
            planar = 1
        else:
            planar = ds.PlanarConfiguration
        if planar not in (0, 1):
            raise ValueError(
                f"Unable to reshape the pixel array as a value of {planar} for (0028,0006) "
                "'Planar Configuration' is invalid.")
    rows, columns = int(ds.Rows), int(ds.Columns)
    lead = (frames,) if frames > 1 else ()
    if samples == 1:
        return arr.reshape(*lead, rows, columns)
    if planar == 0:
        return arr.reshape(*lead, rows, columns, samples)
    planes = arr.reshape(*lead, samples, rows, columns)
    return np.moveaxis(planes, -3, -1)


def pixel_array(
    src: str | PathLike[str] | BinaryIO | Dataset,
    *,
    ds_out: Dataset | None = None,
    specific_tags: list[int] | None = None,
    index: int | None = None,
    raw: bool = False,
    decoding_plugin: str = "",
    **kwargs: Any,
) -> np.ndarray:
    """The pixel data of a dataset, a path or a binary file as an array.

    Parameters
    ----------
    src : Dataset, str, PathLike or binary file
        A dataset, or a Part 10 file; from a file only the wanted frame(s) are read.
    ds_out : Dataset, optional
        For file input: filled with the elements before the pixel data.
    specific_tags : list of int, optional
        For file input with `ds_out`: extra tags to copy.
    index : int, optional
        Only the frame at `index` (0-based), shaped (rows, columns[, samples]).
    raw : bool, optional
        Skip the YCbCr to RGB conversion.
    decoding_plugin : str, optional
        Use only this codec, plugin or distribution (``"pydicom"``: dcmcore's own).
    **kwargs
        Decoding options (``as_rgb``, ``view_only``, ``workers``...) and Image Pixel
        values that replace the dataset's; others go to the plugins that declare them.

    Returns
    -------
    numpy.ndarray
        (rows, columns[, samples]) or (frames, rows, columns[, samples]);
        :func:`dcmcore.pixels.decoded_by` tells which codecs decoded it.

    Examples
    --------
    >>> arr = pixel_array("ct.dcm", index=0)  # doctest: +SKIP
    """
    return api.pixel_array(src, index, raw=raw, decoding_plugin=decoding_plugin,
                           ds_out=ds_out, specific_tags=specific_tags, **kwargs)


def iter_pixels(
    src: str | PathLike[str] | BinaryIO | Dataset,
    *,
    ds_out: Dataset | None = None,
    specific_tags: list[int] | None = None,
    indices: Iterable[int] | None = None,
    raw: bool = False,
    decoding_plugin: str = "",
    **kwargs: Any,
) -> Iterator[np.ndarray]:
    """Yield the frames of a dataset, path or binary file; :func:`dcmcore.pixels.iter_pixels`."""
    return api.iter_pixels(src, ds_out=ds_out, specific_tags=specific_tags, indices=indices,
                           raw=raw, decoding_plugin=decoding_plugin, **kwargs)


def compress(
    ds: Dataset,
    transfer_syntax_uid: str,
    arr: np.ndarray | None = None,
    *,
    encoding_plugin: str = "",
    encapsulate_ext: bool = False,
    generate_instance_uid: bool = True,
    jls_error: int | None = None,
    j2k_cr: list[float] | None = None,
    j2k_psnr: list[float] | None = None,
    **kwargs: Any,
) -> Dataset:
    """Compress the pixel data of `ds` (or `arr`) in place; :func:`dcmcore.pixels.compress`.

    Returns
    -------
    Dataset
        `ds`.
    """
    out: Dataset = rewrite.compress(
        ds, transfer_syntax_uid, arr, encoding_plugin, encapsulate_ext,
        generate_instance_uid=generate_instance_uid, jls_error=jls_error, j2k_cr=j2k_cr,
        j2k_psnr=j2k_psnr, **kwargs)
    return out


def decompress(
    ds: Dataset,
    *,
    as_rgb: bool = True,
    generate_instance_uid: bool = True,
    decoding_plugin: str = "",
    **kwargs: Any,
) -> Dataset:
    """Decompress the pixel data of `ds` in place; :func:`dcmcore.pixels.decompress`.

    Returns
    -------
    Dataset
        `ds`.
    """
    out: Dataset = rewrite.decompress(ds, as_rgb=as_rgb,
                                      generate_instance_uid=generate_instance_uid,
                                      decoding_plugin=decoding_plugin, **kwargs)
    return out


def set_pixel_data(
    ds: Dataset,
    arr: np.ndarray,
    photometric_interpretation: str,
    bits_stored: int,
    *,
    generate_instance_uid: bool = True,
) -> None:
    """Replace the pixel data of `ds` with `arr`; :func:`dcmcore.pixels.set_pixel_data`."""
    rewrite.set_pixel_data(ds, arr, photometric_interpretation, bits_stored,
                           generate_instance_uid=generate_instance_uid)
