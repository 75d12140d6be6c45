"""Functions that rewrite a dataset's pixel data: decompress, compress, set_pixel_data.

Each reads the Image Pixel module once (:func:`~dcmcore.pixels.module.read_image_pixel`),
works on the checked :class:`~dcmcore.pixels.module.PixelModule`, then updates the
dataset through the pydicom-style Dataset API. They keep no state on the dataset (its
cached array follows its Pixel Data, see :mod:`dcmcore.pixel_members`).
"""

from __future__ import annotations

import warnings
from typing import Any, TypeVar

import numpy as np

from dcmcore.dataset import Dataset, FileMetaDataset
from dcmcore.errors import NoEncoderError, PixelDataError
from dcmcore.pixels import encapsulation as enc
from dcmcore.pixels.api import dataset_source
from dcmcore.pixels.decode import DecodeOptions, decode
from dcmcore.pixels.encode import encode_frames
from dcmcore.pixels.module import (
    PixelModule,
    element_value,
    read_image_pixel,
    syntax_for,
    transfer_syntax_of,
)
from dcmcore.pixels.native import pack_bits, subsample_ybr422
from dcmcore.pixels.record import remember
from dcmcore.pixels.validation import validate_module
from dcmcore.uid import (
    DeflatedImageFrameCompression,
    EncapsulatedUncompressedExplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    RLELossless,
    generate_uid,
)

__all__ = ["decompress", "compress", "set_pixel_data", "NoEncoderError", "BOT_MAX_OFFSET"]

_DS = TypeVar("_DS", bound=Dataset)

#: Largest offset a Basic Offset Table can hold; beyond it compress() adds an Extended one
BOT_MAX_OFFSET = 2**32 - 1
_PIXEL_TAG = 0x7FE00010


def _file_meta(ds: Dataset) -> FileMetaDataset:
    """The dataset's file meta, an empty one made when missing."""
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        meta = FileMetaDataset()
        ds.file_meta = meta
    return meta


def _new_instance_uid(ds: Dataset) -> None:
    uid = str(generate_uid())
    ds.SOPInstanceUID = uid
    _file_meta(ds).MediaStorageSOPInstanceUID = uid


def _set_pixel_element(ds: Dataset, value: bytes, vr: str, undefined_length: bool) -> None:
    ds.PixelData = value
    elem = ds[_PIXEL_TAG]
    elem.VR = vr
    elem.is_undefined_length = undefined_length


def _delete(ds: Dataset, *keywords: str) -> None:
    for kw in keywords:
        if kw in ds:
            del ds[kw]


def decompress(
    ds: _DS,
    handler_name: str = "",
    *,
    as_rgb: bool = True,
    generate_instance_uid: bool = True,
    decoding_plugin: str = "",
    **kwargs: Any,
) -> _DS:
    """Decode compressed Pixel Data in place and make the dataset Explicit VR Little Endian.

    Updates Pixel Data (native, padded to even length, OB/OW, defined length), the
    Transfer Syntax UID, Photometric Interpretation (RGB after a YBR conversion),
    Planar Configuration (0), Number of Frames, removes the Extended Offset Table
    elements and, if `generate_instance_uid`, sets a new SOP Instance UID. Afterwards
    :func:`~dcmcore.pixels.decoded_by` of the dataset tells which codec plugins
    decoded it (as long as its Pixel Data stays the one written here).

    Examples
    --------
    >>> ds = dcmcore.dcmread("ct_jpeg2000.dcm")  # doctest: +SKIP
    >>> decompress(ds, decoding_plugin="openjpeg")  # doctest: +SKIP
    >>> ds.file_meta.TransferSyntaxUID.name  # doctest: +SKIP
    'Explicit VR Little Endian'
    """
    if handler_name:
        warnings.warn("'handler_name' is deprecated, use 'decoding_plugin'",
                      DeprecationWarning, stacklevel=2)
        decoding_plugin = decoding_plugin or handler_name
    if _PIXEL_TAG not in ds:
        raise AttributeError(
            "Unable to decompress as the dataset has no (7FE0,0010) 'Pixel Data' element"
        )
    tsyntax = transfer_syntax_of(ds)
    if not tsyntax:
        raise AttributeError(
            "Unable to determine the initial compression state as there's no (0002,0010) "
            "'Transfer Syntax UID' element in the dataset's 'file_meta' attribute"
        )
    record = syntax_for(tsyntax)
    if not record.encapsulated:
        raise ValueError("The dataset is already uncompressed")
    kwargs.pop("index", None)
    opts = DecodeOptions.from_kwargs(decoding_plugin=decoding_plugin, as_rgb=as_rgb, **kwargs)
    arr, props, how = decode(dataset_source(ds, tsyntax=record), None, opts)
    nr_frames = props["number_of_frames"]
    data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    if props["bits_allocated"] == 1:
        data = pack_bits(arr, pad=False)
    if len(data) >= 2**32 - 1:
        raise PixelDataError(
            "Unable to decompress as the length of the uncompressed pixel data will be "
            "greater than the maximum allowed by the DICOM Standard"
        )
    if len(data) % 2:
        data += b"\x00"
    _set_pixel_element(ds, data, "OB" if props["bits_allocated"] <= 8 else "OW", False)
    _file_meta(ds).TransferSyntaxUID = ExplicitVRLittleEndian
    if generate_instance_uid:
        _new_instance_uid(ds)
    ds.PhotometricInterpretation = props["photometric_interpretation"]
    if props["samples_per_pixel"] > 1:
        ds.PlanarConfiguration = props["planar_configuration"]
    if "NumberOfFrames" in ds or nr_frames > 1:
        ds.NumberOfFrames = nr_frames
    _delete(ds, "ExtendedOffsetTable", "ExtendedOffsetTableLengths")
    if how is not None:
        remember(ds, how, dataset=True)
    return ds


def _frames_from_array(arr: np.ndarray, mod: PixelModule) -> list[np.ndarray]:
    rows, cols, spp = mod.rows, mod.columns, mod.samples_per_pixel
    per = rows * cols * spp
    if arr.size != per * mod.number_of_frames:
        raise PixelDataError(
            f"The array has shape {arr.shape}, which does not match the dataset's "
            f"{mod.number_of_frames} frame(s) of {rows} x {cols} x {spp}"
        )
    shaped = arr.reshape(mod.number_of_frames, rows, cols, spp)
    if spp == 1:
        shaped = shaped[..., 0]
    return list(shaped)


def compress(
    ds: _DS,
    transfer_syntax_uid: str,
    arr: np.ndarray | None = None,
    encoding_plugin: str = "",
    encapsulate_ext: bool = False,
    *,
    generate_instance_uid: bool = True,
    jls_error: int | None = None,
    j2k_cr: list[float] | None = None,
    j2k_psnr: list[float] | None = None,
    **kwargs: Any,
) -> _DS:
    """Compress the uncompressed pixel data (or `arr`) of `ds` in place.

    Each frame is encoded by the first encoder of ``encoders_for(transfer_syntax_uid)``
    that succeeds, then encapsulated with a Basic Offset Table, or an Extended Offset
    Table when `encapsulate_ext` or when offsets would not fit in 32 bits. Updates the
    Transfer Syntax UID, Pixel Data (OB, undefined length) and, if
    `generate_instance_uid`, the SOP Instance UID.
    """
    target = syntax_for(str(transfer_syntax_uid))
    uid = target.uid
    if not target.encapsulated:
        raise NoEncoderError(
            f"No pixel data encoders have been implemented for '{uid}': it is not a "
            "compressed (encapsulated) transfer syntax"
        )
    if jls_error is not None:
        kwargs["jls_error"] = jls_error
    if j2k_cr is not None:
        kwargs["j2k_cr"] = j2k_cr
    if j2k_psnr is not None:
        kwargs["j2k_psnr"] = j2k_psnr
    if arr is None:
        tsyntax = transfer_syntax_of(ds)
        if not tsyntax:
            raise AttributeError(
                "Unable to determine the initial compression state of the dataset as "
                "there's no (0002,0010) 'Transfer Syntax UID' element in the dataset's "
                "'file_meta' attribute"
            )
        record = syntax_for(tsyntax)
        if record.encapsulated:
            raise ValueError("Only uncompressed datasets may be compressed")
        src = dataset_source(ds, tsyntax=record)
        mod = src.module
        if mod.pixel_keyword != "PixelData":
            raise PixelDataError("Only (7FE0,0010) 'Pixel Data' can be compressed")
        data, props, _ = decode(src, None, DecodeOptions(raw=True, correct_unused_bits=False,
                                                         allow_excess_frames=False))
        mod = mod.with_(photometric_interpretation=props["photometric_interpretation"])
        data = np.asarray(data)
        data = data.astype(data.dtype.newbyteorder("="), copy=False)
        frames = _frames_from_array(data, mod.with_(planar_configuration=0))
    else:
        mod = validate_module(read_image_pixel(ds, syntax_for(ExplicitVRLittleEndian)))
        frames = _frames_from_array(np.asarray(arr), mod)
    mod = mod.with_(transfer_syntax=target)
    results = encode_frames(mod, frames, encoding_plugin, kwargs)
    encoded = [r.data for r in results]
    total = sum(len(f) + len(f) % 2 + 8 for f in encoded[:-1])
    if encapsulate_ext or total > BOT_MAX_OFFSET:
        value, eot, eot_lengths = enc.encapsulate_extended(encoded)
        _set_pixel_element(ds, value, "OB", True)
        ds.ExtendedOffsetTable = eot
        ds.ExtendedOffsetTableLengths = eot_lengths
    else:
        _set_pixel_element(ds, enc.encapsulate(encoded), "OB", True)
        _delete(ds, "ExtendedOffsetTable", "ExtendedOffsetTableLengths")
    pi = next((r.photometric_interpretation for r in results
               if r.photometric_interpretation), mod.photometric_interpretation)
    if pi != element_value(ds, 0x00280004):
        ds.PhotometricInterpretation = pi
    if (mod.samples_per_pixel > 1 and uid not in _PLANAR_MEANINGFUL
            and element_value(ds, 0x00280006) not in (None, 0)):
        # JPEG, JPEG-LS and JPEG 2000 colour data is interleaved (PS3.5 8.2, CP-1843)
        ds.PlanarConfiguration = 0
    methods = [r.lossy_method for r in results if r.lossy_method]
    if methods:
        _record_lossy(ds, methods[0], native_size=sum(f.nbytes for f in frames),
                      encoded_size=sum(len(f) for f in encoded))
    _file_meta(ds).TransferSyntaxUID = uid
    if generate_instance_uid:
        _new_instance_uid(ds)
    return ds


#: Syntaxes whose encoded frames keep the Planar Configuration of the data: RLE (one segment
#: per sample and byte), Deflated Image Frame Compression and Encapsulated Uncompressed (the
#: native frame bytes). Every other compressed colour frame is interleaved.
_PLANAR_MEANINGFUL = frozenset({RLELossless, DeflatedImageFrameCompression,
                                EncapsulatedUncompressedExplicitVRLittleEndian})


def _record_lossy(ds: Dataset, method: str, native_size: int, encoded_size: int) -> None:
    """Set Lossy Image Compression and append this compression's ratio and method."""
    ratio = f"{native_size / max(encoded_size, 1):.6g}"[:16]
    ds.LossyImageCompression = "01"
    for keyword, value in (("LossyImageCompressionRatio", ratio),
                           ("LossyImageCompressionMethod", method)):
        previous = ds.get(keyword)
        if previous is None or previous == "":
            setattr(ds, keyword, value)
        elif isinstance(previous, (str, float, int)):
            setattr(ds, keyword, [previous, value])
        else:
            setattr(ds, keyword, [*previous, value])


_SAMPLES = {"MONOCHROME1": 1, "MONOCHROME2": 1, "PALETTE COLOR": 1, "RGB": 3,
            "YBR_FULL": 3, "YBR_FULL_422": 3}


def set_pixel_data(
    ds: Dataset,
    arr: np.ndarray,
    photometric_interpretation: str,
    bits_stored: int,
    *,
    generate_instance_uid: bool = True,
) -> None:
    """Set Pixel Data from `arr` and update the Image Pixel module, as pydicom 3 does.

    Parameters
    ----------
    ds : Dataset
        The dataset to change in place.
    arr : numpy.ndarray
        uint8, int8, uint16 or int16 samples shaped (rows, columns), (frames, rows,
        columns), (rows, columns, 3) or (frames, rows, columns, 3).
    photometric_interpretation : str
        The colour space of `arr`.
    bits_stored : int
        Bits used by each sample (at most the item size of `arr` in bits).
    generate_instance_uid : bool
        Set a new SOP Instance UID.

    Raises
    ------
    AttributeError
        The dataset holds Float or Double Float Pixel Data.
    NotImplementedError
        The dataset's transfer syntax is big endian.
    ValueError
        `arr`'s dtype or shape, or `photometric_interpretation`, is not supported.
    """
    for tag, name in ((0x7FE00008, "Float Pixel Data"), (0x7FE00009, "Double Float Pixel Data")):
        if tag in ds:
            raise AttributeError(
                f"The dataset has an existing (7FE0,{tag & 0xFFFF:04X}) '{name}' element "
                "which indicates the (0008,0016) 'SOP Class UID' value is not suitable for "
                f"a dataset with 'Pixel Data'. The '{name}' element should be deleted and "
                "the 'SOP Class UID' changed."
            )
    tsyntax = transfer_syntax_of(ds)
    if tsyntax and not syntax_for(tsyntax).little_endian:
        raise NotImplementedError(
            f"The dataset's transfer syntax '{tsyntax}' is big-endian, which is not supported"
        )
    arr = np.asarray(arr)
    dtype = arr.dtype
    if dtype.kind not in ("u", "i") or dtype.itemsize not in (1, 2):
        raise ValueError(
            f"Unsupported ndarray dtype '{dtype}', must be int8, int16, uint8 or uint16"
        )
    pi = str(photometric_interpretation)
    if pi not in _SAMPLES:
        raise ValueError(f"Unsupported 'photometric_interpretation' value '{pi}'")
    nr_samples = _SAMPLES[pi]
    shape, ndim = arr.shape, arr.ndim
    changes: dict[str, tuple[str, Any]] = {}
    if nr_samples == 1:
        if ndim not in (2, 3):
            raise ValueError(
                f"An ndarray with '{pi}' data must have 2 or 3 dimensions, not {ndim}"
            )
        # as pydicom: Number of Frames is removed when arr holds a single frame
        multi = ndim == 3 and shape[0] > 1
        changes["NumberOfFrames"] = ("+", shape[0]) if multi else ("-", None)
        rows, cols = shape[-2:]
    else:
        if ndim not in (3, 4):
            raise ValueError(
                f"An ndarray with '{pi}' data must have 3 or 4 dimensions, not {ndim}"
            )
        if shape[-1] != nr_samples:
            raise ValueError(
                f"An ndarray with '{pi}' data must have shape (rows, columns, 3) or "
                f"(frames, rows, columns, 3), not {shape}"
            )
        multi = ndim == 4 and shape[0] > 1
        changes["NumberOfFrames"] = ("+", shape[0]) if multi else ("-", None)
        rows, cols = shape[-3:-1]
        if pi == "YBR_FULL_422" and cols % 2:
            raise ValueError("'YBR_FULL_422' data needs an even number of columns")
    changes["Rows"] = ("+", rows)
    changes["Columns"] = ("+", cols)
    if not 0 < bits_stored <= dtype.itemsize * 8:
        raise ValueError(
            f"Invalid 'bits_stored' value '{bits_stored}', must be greater than 0 and less "
            "than or equal to the number of bits for the ndarray's itemsize "
            f"'{dtype.itemsize * 8}'"
        )
    if arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        amin = 0 if dtype.kind == "u" else -(2 ** (bits_stored - 1))
        amax = 2**bits_stored - 1 if dtype.kind == "u" else 2 ** (bits_stored - 1) - 1
        if lo < amin or hi > amax:
            raise ValueError(
                f"The range of values in the ndarray [{lo}, {hi}] is greater than that "
                f"allowed by the 'bits_stored' value [{amin}, {amax}]"
            )
    changes["SamplesPerPixel"] = ("+", nr_samples)
    changes["PlanarConfiguration"] = ("+", 0) if nr_samples > 1 else ("-", None)
    changes["PhotometricInterpretation"] = ("+", pi)
    changes["BitsAllocated"] = ("+", dtype.itemsize * 8)
    changes["BitsStored"] = ("+", bits_stored)
    changes["HighBit"] = ("+", bits_stored - 1)
    changes["PixelRepresentation"] = ("+", 0 if dtype.kind == "u" else 1)

    for keyword, (op, value) in changes.items():
        if op == "+":
            setattr(ds, keyword, value)
        elif keyword in ds:
            del ds[keyword]
    flat = np.ascontiguousarray(arr, dtype=dtype.newbyteorder("<")).reshape(-1)
    if pi == "YBR_FULL_422":
        flat = subsample_ybr422(flat)
    data = flat.tobytes()
    if len(data) % 2:
        data += b"\x00"
    _set_pixel_element(ds, data, "OB" if dtype.itemsize == 1 else "OW", False)
    _delete(ds, "ExtendedOffsetTable", "ExtendedOffsetTableLengths")
    meta = _file_meta(ds)
    if not tsyntax or syntax_for(tsyntax).encapsulated:
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
    if generate_instance_uid:
        _new_instance_uid(ds)
