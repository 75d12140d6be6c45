"""The pixel API of the seed: what ``Dataset``'s pixel members delegate to.

Every function takes a pydicom-compatible dataset first (``pixel_array`` and
``iter_pixels`` also accept a path or a readable binary file, in which case only the
wanted frames' bytes are read).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from dcmcore.errors import DcmcoreWarning, InvalidDicomError, PixelDataError
from dcmcore.pixels import encapsulation as enc
from dcmcore.pixels._compat import (
    element_value,
    file_meta_of,
    has_element,
    new_uid,
    transfer_syntax_of,
)
from dcmcore.pixels.decode import DecodeOptions, PixelSource, decode, iter_decode
from dcmcore.pixels.frame_info import PIXEL_TAGS, module_from_dataset, syntax_for
from dcmcore.pixels.native import pack_bits, subsample_ybr422
from dcmcore.pixels.overlays import overlay_array, waveform_array
from dcmcore.pixels.validation import validate_module
from dcmcore.uid import ExplicitVRLittleEndian

__all__ = [
    "pixel_array",
    "iter_pixels",
    "pixel_array_options",
    "decompress",
    "compress",
    "set_pixel_data",
    "convert_pixel_data",
    "overlay_array",
    "waveform_array",
    "dataset_source",
]

_OPTS_ATTR = "_pixel_array_opts"
#: Largest offset a Basic Offset Table can hold; beyond it compress() adds an Extended one
BOT_MAX_OFFSET = 2**32 - 1
_PIXEL_TAG = 0x7FE00010


def _is_file_input(src: Any) -> bool:
    return isinstance(src, (str, bytes, os.PathLike)) or hasattr(src, "read")


def _set_private(ds: Any, name: str, value: Any) -> None:
    try:
        setattr(ds, name, value)
    except Exception:  # noqa: BLE001 - datasets that refuse unknown attributes
        object.__setattr__(ds, name, value)


def _clear_cache(ds: Any) -> None:
    for name, value in (("_pixel_array", None), ("_pixel_id", {})):
        if name in getattr(ds, "__dict__", {}):
            _set_private(ds, name, value)


def dataset_source(ds: Any, **overrides: Any) -> PixelSource:
    """Return the validated :class:`PixelSource` for the pixel data of `ds`."""
    present = [tag for tag in PIXEL_TAGS if has_element(ds, tag)]
    if not present:
        raise AttributeError(
            "The dataset has no 'Pixel Data', 'Float Pixel Data' or 'Double Float Pixel "
            "Data' element, no pixel data to decode"
        )
    if len(present) > 1:
        raise AttributeError(
            "One and only one of 'Pixel Data', 'Float Pixel Data' or 'Double Float Pixel "
            "Data' may be present in the dataset"
        )
    mod = validate_module(module_from_dataset(ds, **overrides))
    return PixelSource.from_buffer(mod, ds[present[0]].value)


# ---- pixel_array / iter_pixels ----------------------------------------------------------

def pixel_array_options(
    ds: Any,
    *,
    index: int | None = None,
    raw: bool = False,
    decoding_plugin: str = "",
    use_v2_backend: bool = False,
    **kwargs: Any,
) -> None:
    """Set the options :func:`pixel_array` uses for `ds` (stored on the dataset).

    Parameters
    ----------
    index : int, optional
        Return only this frame (0-based).
    raw : bool
        Skip colour conversion.
    decoding_plugin : str
        Use only this decoding plugin.
    **kwargs
        Core options (``as_rgb``, ``view_only``, ``correct_unused_bits``,
        ``allow_excess_frames``, ``workers``, ``executor``, ``force_rgb``, ``force_ybr``,
        ``max_decoded_bytes``) and plugin options.
    """
    if use_v2_backend:
        warnings.warn("'use_v2_backend' is not supported by dcmcore and is ignored",
                      DcmcoreWarning, stacklevel=2)
    opts = dict(kwargs)
    opts["index"] = index
    opts["raw"] = raw
    if decoding_plugin:
        opts["decoding_plugin"] = decoding_plugin.lower()
    _set_private(ds, _OPTS_ATTR, opts)
    _clear_cache(ds)


def _dataset_opts(ds: Any, given: dict[str, Any]) -> dict[str, Any]:
    stored = getattr(ds, _OPTS_ATTR, None)
    opts = dict(stored) if isinstance(stored, dict) else {}
    opts.pop("use_pdh", None)
    opts.update(given)
    return opts


def _open(src: Any) -> tuple[BinaryIO, bool, int]:
    if hasattr(src, "read"):
        return src, False, src.tell()
    path = Path(os.fsdecode(src)).resolve(strict=True)
    return path.open("rb"), True, 0


def _fill_ds_out(ds_out: Any, f: BinaryIO, specific_tags: Any) -> None:
    from dcmcore.io.reader import dcmread

    f.seek(0)
    found = dcmread(f, stop_before_pixels=True, force=True)
    if hasattr(found, "file_meta"):
        ds_out.file_meta = found.file_meta
    from dcmcore.tag import Tag

    if isinstance(specific_tags, (str, int)):
        specific_tags = [specific_tags]  # one tag, not in a list
    wanted = {int(Tag(t)) for t in specific_tags or ()} | {0x7FE00001, 0x7FE00002}
    for elem in found:
        # as pydicom: the Image Pixel group, the Extended Offset Table and specific_tags
        if elem.tag >> 16 == 0x0028 or int(elem.tag) in wanted:
            ds_out[elem.tag] = elem


_MODULE_OVERRIDES = frozenset({
    "rows", "columns", "samples_per_pixel", "bits_allocated", "bits_stored",
    "pixel_representation", "photometric_interpretation", "planar_configuration",
    "number_of_frames"})


def _pop_overrides(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Remove and return the Image Pixel values given as options (they win, as in pydicom)."""
    return {k: kwargs.pop(k) for k in list(kwargs) if k in _MODULE_OVERRIDES}


def _file_source(f: BinaryIO, kwargs: dict[str, Any]) -> PixelSource:
    from dcmcore.pixels.source import open_file_source

    src = open_file_source(f)
    overrides = _pop_overrides(kwargs)
    if overrides:
        src.module = validate_module(src.module.with_(**overrides))
    return src


def _file_or_dataset_source(f: BinaryIO, opts: dict[str, Any]) -> PixelSource:
    """Random access to the pixel data of `f`; a full read when that is impossible.

    Deflated datasets cannot be seeked into, and the header walk refuses files without
    a Transfer Syntax UID and some non-conformant encodings (say implicit VR data in an
    explicit VR file) that the reader tolerates: all fall back to dcmread.
    """
    try:
        return _file_source(f, opts)
    except (NotImplementedError, InvalidDicomError):
        from dcmcore.io.reader import dcmread

        f.seek(0)
        ds = dcmread(f, force=True)
    return dataset_source(ds, **_pop_overrides(opts))


def pixel_array(
    src: Any,
    index: int | None = None,
    *,
    raw: bool | None = None,
    decoding_plugin: str | None = None,
    ds_out: Any = None,
    specific_tags: Any = None,
    **kwargs: Any,
) -> np.ndarray:
    """Return the pixel data of a dataset, a path or a binary file as an array.

    Parameters
    ----------
    src : Dataset | str | PathLike | file-like
        A dataset, or a Part 10 file; from a file only the wanted frame(s) are read.
    index : int, optional
        Return only the frame at `index` (0-based) shaped (rows, columns[, samples]).
    raw : bool
        If True skip the colour space conversion (YBR to RGB).
    decoding_plugin : str
        Use only this decoding plugin.
    ds_out : Dataset, optional
        For file input: filled with the elements before the pixel data.
    specific_tags : list of int, str or (int, int), optional
        For file input with `ds_out`: the extra tags to copy (tags, keywords or
        ``(group, element)`` tuples).
    **kwargs
        Options: ``as_rgb``, ``view_only``, ``correct_unused_bits``,
        ``allow_excess_frames``, ``workers``, ``executor``, ``force_rgb``, ``force_ybr``,
        ``max_decoded_bytes``; anything else is passed to the decoding plugin.

    Returns
    -------
    numpy.ndarray
        Shaped (rows, columns), (rows, columns, samples), (frames, rows, columns) or
        (frames, rows, columns, samples).
    """
    given: dict[str, Any] = dict(kwargs)
    if index is not None:
        given["index"] = index
    if raw is not None:
        given["raw"] = raw
    if decoding_plugin is not None:
        given["decoding_plugin"] = decoding_plugin
    if not _is_file_input(src):
        opts = _dataset_opts(src, given)
        idx = opts.pop("index", None)
        overrides = _pop_overrides(opts)
        return decode(dataset_source(src, **overrides), idx,
                      DecodeOptions.from_kwargs(**opts))[0]

    f, owned, start = _open(src)
    try:
        opts = dict(given)
        idx = opts.pop("index", None)
        source = _file_or_dataset_source(f, opts)
        arr = decode(source, idx, DecodeOptions.from_kwargs(**opts))[0]
        if ds_out is not None:
            _fill_ds_out(ds_out, f, specific_tags)
        return arr
    finally:
        if owned:
            f.close()
        else:
            f.seek(start)


def iter_pixels(
    src: Any,
    *,
    ds_out: Any = None,
    specific_tags: Any = None,
    indices: Iterable[int] | None = None,
    raw: bool = False,
    decoding_plugin: str = "",
    **kwargs: Any,
) -> Iterator[np.ndarray]:
    """Yield the frames of a dataset, path or binary file one at a time.

    From a file, each frame's bytes are read when the frame is wanted, never all at
    once. Parameters as for :func:`pixel_array`; `indices` selects frames.
    """
    overrides = _pop_overrides(kwargs)
    opts = DecodeOptions.from_kwargs(raw=raw, decoding_plugin=decoding_plugin, **kwargs)
    if not _is_file_input(src):
        for arr, _ in iter_decode(dataset_source(src, **overrides), indices, opts):
            yield arr
        return
    kwargs = dict(overrides)  # applied to the file's module below
    f, owned, start = _open(src)
    try:
        source = _file_or_dataset_source(f, kwargs)
        if ds_out is not None:
            _fill_ds_out(ds_out, f, specific_tags)
        for arr, _ in iter_decode(source, indices, opts):
            yield arr
    finally:
        if owned:
            f.close()
        else:
            f.seek(start)


def convert_pixel_data(ds: Any, handler_name: str = "") -> None:
    """Deprecated alias kept for pydicom compatibility: decode now and cache."""
    warnings.warn(
        "convert_pixel_data() is deprecated, use pixel_array_options() instead",
        DeprecationWarning, stacklevel=2,
    )
    opts = _dataset_opts(ds, {"decoding_plugin": handler_name.lower()} if handler_name else {})
    idx = opts.pop("index", None)
    arr = decode(dataset_source(ds), idx, DecodeOptions.from_kwargs(**opts))[0]
    _set_private(ds, "_pixel_array", arr)


# ---- decompress / compress / set_pixel_data --------------------------------------------

def _new_instance_uid(ds: Any) -> None:
    uid = new_uid()
    ds.SOPInstanceUID = uid
    file_meta_of(ds).MediaStorageSOPInstanceUID = uid


def _set_pixel_element(ds: Any, value: bytes, vr: str, undefined_length: bool) -> None:
    ds.PixelData = value
    elem = ds[_PIXEL_TAG]
    elem.VR = vr
    elem.is_undefined_length = undefined_length


def _delete(ds: Any, *keywords: str) -> None:
    for kw in keywords:
        if kw in ds:
            del ds[kw]


def decompress(
    ds: Any,
    handler_name: str = "",
    *,
    as_rgb: bool = True,
    generate_instance_uid: bool = True,
    decoding_plugin: str = "",
    **kwargs: Any,
) -> Any:
    """Decode compressed Pixel Data in place and make the dataset Explicit VR Little Endian.

    Updates Pixel Data (native, padded to even length, OB/OW, defined length), the
    Transfer Syntax UID, Photometric Interpretation (RGB after a YBR conversion),
    Planar Configuration (0), Number of Frames, removes the Extended Offset Table
    elements and, if `generate_instance_uid`, sets a new SOP Instance UID.
    """
    if handler_name:
        warnings.warn("'handler_name' is deprecated, use 'decoding_plugin'",
                      DeprecationWarning, stacklevel=2)
        decoding_plugin = decoding_plugin or handler_name
    if not has_element(ds, _PIXEL_TAG):
        raise AttributeError(
            "Unable to decompress as the dataset has no (7FE0,0010) 'Pixel Data' element"
        )
    tsyntax = transfer_syntax_of(ds)
    if not tsyntax:
        raise AttributeError(
            "Unable to determine the initial compression state as there's no (0002,0010) "
            "'Transfer Syntax UID' element in the dataset's 'file_meta' attribute"
        )
    if not syntax_for(tsyntax).encapsulated:
        raise ValueError("The dataset is already uncompressed")
    kwargs.pop("index", None)
    opts = DecodeOptions.from_kwargs(decoding_plugin=decoding_plugin, as_rgb=as_rgb, **kwargs)
    arr, props = decode(dataset_source(ds), None, opts)
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
    file_meta_of(ds).TransferSyntaxUID = ExplicitVRLittleEndian
    if generate_instance_uid:
        _new_instance_uid(ds)
    ds.PhotometricInterpretation = props["photometric_interpretation"]
    if props["samples_per_pixel"] > 1:
        ds.PlanarConfiguration = props["planar_configuration"]
    if "NumberOfFrames" in ds or nr_frames > 1:
        ds.NumberOfFrames = nr_frames
    _delete(ds, "ExtendedOffsetTable", "ExtendedOffsetTableLengths")
    _clear_cache(ds)
    return ds


class NoEncoderError(PixelDataError, NotImplementedError):
    """compress() to a syntax nothing encodes (pydicom raises NotImplementedError)."""


def _frames_from_array(arr: np.ndarray, mod: Any) -> list[np.ndarray]:
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
    ds: Any,
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
) -> Any:
    """Compress the uncompressed pixel data (or `arr`) of `ds` in place.

    Each frame is encoded by the first encoder of ``encoders_for(transfer_syntax_uid)``
    that succeeds, then encapsulated with a Basic Offset Table, or an Extended Offset
    Table when `encapsulate_ext` or when offsets would not fit in 32 bits. Updates the
    Transfer Syntax UID, Pixel Data (OB, undefined length) and, if
    `generate_instance_uid`, the SOP Instance UID.
    """
    from dcmcore.pixels.encode import encode_frames

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
        if syntax_for(tsyntax).encapsulated:
            raise ValueError("Only uncompressed datasets may be compressed")
        src = dataset_source(ds)
        mod = src.module
        if mod.pixel_keyword != "PixelData":
            raise PixelDataError("Only (7FE0,0010) 'Pixel Data' can be compressed")
        data, props = decode(src, None, DecodeOptions(raw=True, correct_unused_bits=False,
                                                      allow_excess_frames=False))
        mod = mod.with_(photometric_interpretation=props["photometric_interpretation"])
        data = np.asarray(data)
        data = data.astype(data.dtype.newbyteorder("="), copy=False)
        frames = _frames_from_array(data, mod.with_(planar_configuration=0))
    else:
        native = syntax_for(ExplicitVRLittleEndian)
        mod = validate_module(module_from_dataset(ds, tsyntax=native))
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
    methods = [r.lossy_method for r in results if r.lossy_method]
    if methods:
        _record_lossy(ds, methods[0], native_size=sum(f.nbytes for f in frames),
                      encoded_size=sum(len(f) for f in encoded))
    file_meta_of(ds).TransferSyntaxUID = uid
    if generate_instance_uid:
        _new_instance_uid(ds)
    _clear_cache(ds)
    return ds


def _record_lossy(ds: Any, method: str, native_size: int, encoded_size: int) -> None:
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
    ds: Any,
    arr: np.ndarray,
    photometric_interpretation: str,
    bits_stored: int,
    *,
    generate_instance_uid: bool = True,
) -> None:
    """Set Pixel Data from `arr` and update the Image Pixel module (see the seed)."""
    for tag, name in ((0x7FE00008, "Float Pixel Data"), (0x7FE00009, "Double Float Pixel Data")):
        if has_element(ds, tag):
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
        # the seed: Number of Frames is removed when arr holds a single frame
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
    meta = file_meta_of(ds)
    if not tsyntax or syntax_for(tsyntax).encapsulated:
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
    if generate_instance_uid:
        _new_instance_uid(ds)
    _clear_cache(ds)
