"""Reading pixel data: :func:`pixel_array` and :func:`iter_pixels`.

Both take a pydicom-compatible dataset, a path or a readable binary file (from a file,
only the wanted frames' bytes are read). They keep no state on a dataset: a
:class:`~dcmcore.dataset.Dataset`'s options and cached array are its pixel members'
(:mod:`dcmcore.pixel_members`), which call these functions with the options.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final, TypeAlias, TypeGuard, cast

import numpy as np

from dcmcore.errors import InvalidDicomError
from dcmcore.io._source import is_special, read_special
from dcmcore.io.reader import dcmread
from dcmcore.pixels._file_value import FilePixelValue
from dcmcore.pixels.decode import Decoded, DecodeOptions, PixelSource, decode, iter_decode
from dcmcore.pixels.module import IMAGE_PIXEL_TAGS, read_image_pixel
from dcmcore.pixels.record import decoded_by, remember
from dcmcore.pixels.source import open_file_source
from dcmcore.pixels.validation import validate_module
from dcmcore.protocols import DatasetLike
from dcmcore.tag import Tag
from dcmcore.transfer_syntax import TransferSyntax

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = ["FileInput", "PixelInput", "pixel_array", "iter_pixels", "dataset_source", "decoded_by"]

#: A Part 10 file: a path or a readable binary file.
FileInput: TypeAlias = "str | bytes | os.PathLike[str] | os.PathLike[bytes] | BinaryIO"
#: What :func:`pixel_array` and :func:`iter_pixels` read: a dataset or a Part 10 file.
PixelInput: TypeAlias = "DatasetLike | FileInput"

#: Image Pixel values given as options replace the dataset's (as in pydicom)
_MODULE_OVERRIDES: Final = frozenset(IMAGE_PIXEL_TAGS)


def _is_file_input(src: object) -> TypeGuard[FileInput]:
    return isinstance(src, (str, bytes, os.PathLike)) or hasattr(src, "read")


def _pop_overrides(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Remove and return the Image Pixel values given as options."""
    return {k: kwargs.pop(k) for k in list(kwargs) if k in _MODULE_OVERRIDES}


def dataset_source(
    ds: DatasetLike, *, tsyntax: TransferSyntax | None = None,
    overrides: Mapping[str, object] | None = None,
) -> PixelSource:
    """The checked :class:`PixelSource` of the pixel data of `ds`.

    Parameters
    ----------
    ds : Dataset
        Any pydicom-compatible dataset; each Image Pixel element is read once.
    tsyntax : TransferSyntax, optional
        The transfer syntax, when the caller has read it already.
    overrides : mapping, optional
        Image Pixel values (``rows``, ``number_of_frames``...) that replace the dataset's.
    """
    found = read_image_pixel(ds, tsyntax, in_file=True)
    if not found.pixel_tags:
        raise AttributeError(
            "The dataset has no 'Pixel Data', 'Float Pixel Data' or 'Double Float Pixel "
            "Data' element, no pixel data to decode"
        )
    if len(found.pixel_tags) > 1:
        raise AttributeError(
            "One and only one of 'Pixel Data', 'Float Pixel Data' or 'Double Float Pixel "
            "Data' may be present in the dataset"
        )
    mod = validate_module(found.with_values(**overrides) if overrides else found)
    value = found.pixel_value
    if isinstance(value, FilePixelValue):  # left in the file by the reader: read from there
        return PixelSource(mod, value.read_at, value.length, origin=value.offset,
                           read_into=value.read_into)
    return PixelSource.from_buffer(mod, value)


def _open(src: FileInput) -> tuple[BinaryIO, bool, int]:
    if isinstance(src, (str, bytes, os.PathLike)):
        path = Path(os.fsdecode(src)).resolve(strict=True)
        f = path.open("rb")
        if is_special(f):  # a device or pipe: its checked header, bounded (io/_source.py)
            with f:
                return io.BytesIO(read_special(f, False, str(path))), True, 0
        return f, True, 0
    if is_special(src):  # an open device or pipe: cannot seek
        return io.BytesIO(read_special(src, False, str(getattr(src, "name", src)))), True, 0
    return src, False, src.tell()


def _fill_ds_out(ds_out: Dataset, f: BinaryIO, specific_tags: object) -> None:
    f.seek(0)
    found = dcmread(f, stop_before_pixels=True, force=True)
    if hasattr(found, "file_meta"):
        ds_out.file_meta = found.file_meta
    if isinstance(specific_tags, (str, int)):
        specific_tags = [specific_tags]  # one tag, not in a list
    wanted = {int(Tag(t)) for t in specific_tags or ()} | {0x7FE00001, 0x7FE00002}  # type: ignore[attr-defined]
    for elem in found:
        # as pydicom: the Image Pixel group, the Extended Offset Table and specific_tags
        if elem.tag >> 16 == 0x0028 or int(elem.tag) in wanted:
            ds_out[elem.tag] = elem


def _file_or_dataset_source(f: BinaryIO, overrides: Mapping[str, object]) -> PixelSource:
    """Random access to the pixel data of `f`; a full read when that is impossible.

    Deflated datasets cannot be seeked into, and the header walk refuses files without
    a Transfer Syntax UID and some non-conformant encodings (say implicit VR data in an
    explicit VR file) that the reader tolerates: all fall back to dcmread.
    """
    try:
        return open_file_source(f, **overrides)
    except (NotImplementedError, InvalidDicomError):
        f.seek(0)
        ds = dcmread(f, force=True)
    return dataset_source(ds, overrides=overrides)


def _decode_input(src: PixelInput, index: int | None, opts: dict[str, Any], ds_out: Dataset | None,
                  specific_tags: object) -> Decoded:
    """Decode the pixel data of a dataset, path or file with the options `opts`."""
    overrides = _pop_overrides(opts)
    options = DecodeOptions.from_kwargs(**opts)
    if not _is_file_input(src):
        src = cast(DatasetLike, src)  # the type checker cannot narrow a Protocol union
        decoded = decode(dataset_source(src, overrides=overrides), index, options)
        if decoded.decoded_by is not None:
            remember(src, decoded.decoded_by, dataset=True)
            remember(decoded.array, decoded.decoded_by)
        return decoded
    f, owned, start = _open(src)
    try:
        decoded = decode(_file_or_dataset_source(f, overrides), index, options)
        if decoded.decoded_by is not None:
            remember(decoded.array, decoded.decoded_by)
        if ds_out is not None:
            _fill_ds_out(ds_out, f, specific_tags)
        return decoded
    finally:
        if owned:
            f.close()
        else:
            f.seek(start)


def _remembered(decoded: Decoded) -> np.ndarray:
    if decoded.decoded_by is not None:
        remember(decoded.array, decoded.decoded_by)
    return decoded.array


def pixel_array(
    src: PixelInput,
    index: int | None = None,
    *,
    raw: bool = False,
    decoding_plugin: str = "",
    ds_out: Dataset | None = None,
    specific_tags: object = None,
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
        ``max_decoded_bytes``, ``apply_j2k_sign_correction``,
        ``apply_jls_sign_correction``; Image Pixel values (``rows=``...) that replace the
        dataset's; anything else is passed to the decoding plugins that declare it.

    Returns
    -------
    numpy.ndarray
        Shaped (rows, columns), (rows, columns, samples), (frames, rows, columns) or
        (frames, rows, columns, samples). :func:`~dcmcore.pixels.decoded_by` tells
        which codec plugins decoded it (and, for a dataset, the dataset's pixel data).

    Examples
    --------
    >>> arr = pixel_array("ct.dcm")  # doctest: +SKIP
    >>> frame = pixel_array("multiframe.dcm", index=3, workers=2)  # doctest: +SKIP
    >>> print(decoded_by(frame))  # doctest: +SKIP
    rle (dcmcore-rle), RLE Lossless
    """
    opts = dict(kwargs, raw=raw, decoding_plugin=decoding_plugin)
    return _decode_input(src, index, opts, ds_out, specific_tags).array


def iter_pixels(
    src: PixelInput,
    *,
    ds_out: Dataset | None = None,
    specific_tags: object = None,
    indices: Iterable[int] | None = None,
    raw: bool = False,
    decoding_plugin: str = "",
    **kwargs: Any,
) -> Iterator[np.ndarray]:
    """Yield the frames of a dataset, path or binary file one at a time.

    From a file, each frame's bytes are read when the frame is wanted, never all at
    once. Parameters as for :func:`pixel_array`; `indices` selects frames. The codecs
    are selected, and the codestream corrections worked out, once for all frames.
    """
    overrides = _pop_overrides(kwargs)
    opts = DecodeOptions.from_kwargs(raw=raw, decoding_plugin=decoding_plugin, **kwargs)
    if not _is_file_input(src):
        src = cast(DatasetLike, src)  # the type checker cannot narrow a Protocol union
        for decoded in iter_decode(dataset_source(src, overrides=overrides), indices, opts):
            yield _remembered(decoded)
        return
    f, owned, start = _open(src)
    try:
        source = _file_or_dataset_source(f, overrides)
        if ds_out is not None:
            _fill_ds_out(ds_out, f, specific_tags)
        for decoded in iter_decode(source, indices, opts):
            yield _remembered(decoded)
    finally:
        if owned:
            f.close()
        elif not f.closed:  # a generator may be closed after its caller closed the file
            f.seek(start)
