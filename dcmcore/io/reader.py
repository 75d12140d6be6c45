"""Reading DICOM Part 10 files: :func:`dcmread` and :func:`read_file_meta_info`.

The whole input is made available as one buffer (``bytes``, or a read-only
``mmap`` of the file when values may be deferred), element headers are parsed
with :mod:`dcmcore.io.parser`, and values stay encoded until the data model
converts them on first access. Sequences are split into items only when
accessed (:func:`parse_sequence`), and each item is parsed only when touched.
"""

from __future__ import annotations

import io
import mmap
import os
import re
import zlib
from collections.abc import Iterable
from typing import Any, BinaryIO

from dcmcore import config
from dcmcore.errors import InvalidDicomError, MalformedDataError, TruncatedDataError
from dcmcore.io.parser import (
    CHARSET_TAG,
    RawDataElement,
    SequenceBytes,
    looks_implicit,
    parse_sequence,
    problem,
    read_elements,
)
from dcmcore.tag import BaseTag, Tag

__all__ = [
    "dcmread",
    "read_file_meta_info",
    "parse_sequence",
    "size_in_bytes",
    "inflate",
    "SequenceBytes",
    "MAX_INFLATED_SIZE",
]

#: Largest data set a deflated file may inflate to (bytes); larger raises.
MAX_INFLATED_SIZE = 4 * 2**30
_INFLATE_CHUNK = 1 << 20
_STOP_PIXEL_TAGS = frozenset({0x7FE00008, 0x7FE00009, 0x7FE00010})
_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
}


def size_in_bytes(size: int | float | str | None) -> int | float | None:
    """Return a size in bytes from an ``int``, ``float`` or a string like ``'512 KB'``.

    Parameters
    ----------
    size : int, float, str or None
        The size; strings take an optional unit, case-insensitive, as pydicom:
        ``B``, ``KB``/``MB``/``GB`` (powers of 1000), ``KiB``/``MiB``/``GiB``
        (powers of 1024).

    Returns
    -------
    int, float or None
        ``None`` when `size` is ``None`` or infinite.

    Raises
    ------
    ValueError
        If the string cannot be understood.
    """
    if size is None or size == float("inf"):
        return None
    if isinstance(size, (int, float)):
        return size
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*", str(size))
    if match is None or match.group(2).upper() not in _UNITS:
        raise ValueError(f"Unable to parse the size {size!r}")
    value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    return int(value) if value.is_integer() else value


def inflate(data: Any, *, limit: int | None = None, offset: int = 0) -> bytes:
    """Inflate a raw deflate stream (RFC 1951), refusing to grow past `limit` bytes.

    Parameters
    ----------
    data : bytes-like
        The deflated bytes.
    limit : int, optional
        Largest inflated size accepted; :data:`MAX_INFLATED_SIZE` by default.
    offset : int
        File offset of ``data[0]``, for messages.

    Returns
    -------
    bytes

    Raises
    ------
    MalformedDataError
        When the stream is corrupt or inflates to more than `limit` bytes
        (a deflate bomb); the inflation stops there, never allocating more.
    TruncatedDataError
        When the stream ends early (only warns in lenient reads).
    """
    if limit is None:
        limit = MAX_INFLATED_SIZE
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    view = memoryview(data)
    out = bytearray()
    pos = 0
    n = len(view)
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif pos < n:
                chunk = view[pos : pos + _INFLATE_CHUNK]
                pos += len(chunk)
            else:
                break
            budget = limit + 1 - len(out)
            out += inflater.decompress(chunk, min(budget, _INFLATE_CHUNK * 16))
            if len(out) > limit:
                raise MalformedDataError(
                    f"deflated data set inflates to more than {limit} bytes "
                    f"({n} bytes compressed); refusing to inflate further",
                    offset=offset,
                )
    except zlib.error as exc:
        raise MalformedDataError(f"corrupt deflated data set ({exc})", offset=offset) from exc
    if not inflater.eof:
        problem(
            TruncatedDataError(
                "deflated data set ends before its deflate stream", offset=offset + n
            ),
            stacklevel=4,
        )
    return bytes(out)


class _Input:
    """The data to parse and where it came from."""

    def __init__(self, fp: Any, defer: bool) -> None:
        self.closers: list[Any] = []
        self.start = 0
        #: the caller's file-like object, if one was given
        self.owner_file: Any = None
        self.mapped: mmap.mmap | None = None
        if isinstance(fp, (bytes, bytearray, memoryview)):
            data = bytes(fp)
            self.source: Any = io.BytesIO(data)
            self.data: Any = data
            return
        if isinstance(fp, (str, os.PathLike)):
            path = os.fspath(fp)
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            fh = open(path, "rb")  # noqa: SIM115 - closed in close()
            self.source = path
            self.closers.append(fh)
            try:
                self.data = self._load(fh, defer)
            except BaseException:
                fh.close()
                raise
            return
        if fp is None or not all(hasattr(fp, name) for name in ("read", "seek", "tell")):
            raise TypeError(
                "dcmread: Expected a file path, file-like or readable buffer, "
                f"but got {type(fp).__name__}"
            )
        self.source = fp
        self.owner_file = fp
        self.start = fp.tell()
        self.data = self._load(fp, defer)

    def _load(self, fh: Any, defer: bool) -> Any:
        if defer:
            try:
                fileno = fh.fileno()
                size = os.fstat(fileno).st_size
            except (OSError, AttributeError, io.UnsupportedOperation):
                size = 0
            if size and not self.start:
                mapped = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
                self.mapped = mapped
                fh.seek(size)
                return mapped
        data = fh.read()
        if not isinstance(data, bytes):
            data = bytes(data)
        return data

    def close(self) -> None:
        self.data = b""
        if self.mapped is not None:
            try:
                self.mapped.close()
            except BufferError:  # a view is still alive somewhere; the GC closes it
                pass
        for fh in self.closers:
            fh.close()


def _text(raw: RawDataElement | None) -> str | None:
    """The stripped ASCII text of a raw element (UI, CS values), or None."""
    if raw is None or not isinstance(raw.value, (bytes, bytearray)):
        return None
    return bytes(raw.value).decode("latin-1").strip("\0 ")


def _read_preamble(data: Any, force: bool) -> tuple[bytes | None, int]:
    if bytes(data[128:132]) == b"DICM":
        return bytes(data[:128]), 132
    if not force:
        raise InvalidDicomError(
            "File is missing DICOM File Meta Information header or the 'DICM' "
            "prefix is missing from the header. Use force=True to force reading.",
            offset=128,
        )
    return None, 0


def _not_group(group: int) -> Any:
    return lambda tag: tag >> 16 != group


def _read_meta(data: Any, pos: int) -> tuple[dict[BaseTag, RawDataElement], int, bool]:
    """Read the group 0002 elements at `pos` (explicit VR LE; implicit VR tolerated)."""
    end = len(data)
    if pos + 8 > end or bytes(data[pos : pos + 2]) != b"\x02\x00":
        return {}, pos, False
    # some writers use implicit VR here; tolerated silently, as pydicom does
    implicit = looks_implicit(data, pos, end)
    elements, stop, cut = read_elements(
        data,
        pos,
        end,
        implicit,
        True,
        stop_when=_not_group(0x0002),
        context="file meta information",
    )
    return elements, stop, implicit


def _guess_encoding(data: Any, pos: int) -> tuple[bool, bool]:
    """Guess (implicit VR, little endian) from the first element, as pydicom does."""
    if pos + 6 > len(data):
        return True, True
    vr = bytes(data[pos + 4 : pos + 6])
    from dcmcore.io.parser import _VR_NAMES

    if vr not in _VR_NAMES:
        return True, True
    group = int.from_bytes(bytes(data[pos : pos + 2]), "little")
    # a big endian group 0x0008 read as little endian is 0x0800
    return False, group < 1024


def _encoding_for(uid: str | None, data: Any, pos: int) -> tuple[bool, bool, bool]:
    """(implicit VR, little endian, deflated) for the data set at `pos`."""
    if not uid:
        implicit, little = _guess_encoding(data, pos)
        return implicit, little, False
    from dcmcore.transfer_syntax import get as get_syntax

    ts = get_syntax(uid)
    if ts is None:
        # unknown syntaxes are explicit VR little endian (PS3.5 A.4 for encapsulated ones)
        return False, True, False
    return ts.implicit_vr, ts.little_endian, ts.deflated


def _tag_at(data: Any, pos: int, little: bool) -> int:
    order = "little" if little else "big"
    group = int.from_bytes(bytes(data[pos : pos + 2]), order)
    return group << 16 | int.from_bytes(bytes(data[pos + 2 : pos + 4]), order)


def _check_vr_encoding(data: Any, pos: int, implicit: bool, little: bool, stop_when: Any) -> bool:
    """Check the first element against the expected VR encoding; return the one to use."""
    end = len(data)
    if pos + 8 > end:
        return implicit
    found = looks_implicit(data, pos, end)
    if found == implicit:
        return implicit
    if stop_when is not None and stop_when(_tag_at(data, pos, little)):
        return implicit
    expected = "implicit" if implicit else "explicit"
    actual = "implicit" if found else "explicit"
    problem(
        MalformedDataError(
            f"Expected {expected} VR, but found {actual} VR - using {actual} VR for reading",
            offset=pos,
        ),
        soft=True,
    )
    return found


def _encodings_of(elements: dict[BaseTag, RawDataElement]) -> Any:
    raw = elements.get(BaseTag(CHARSET_TAG))
    if raw is None:
        return None
    value = raw.value
    if value is None:
        return None
    terms = [t.strip("\0 ") for t in bytes(value).decode("latin-1").split("\\")]
    from dcmcore.charset import convert_encodings

    try:
        return convert_encodings(terms if len(terms) > 1 else terms[0])
    except (ValueError, LookupError):  # unusable terms: the data model reports them on access
        return None


def dcmread(
    fp: str | os.PathLike[str] | BinaryIO | bytes | bytearray | memoryview,
    defer_size: int | float | str | None = None,
    stop_before_pixels: bool = False,
    force: bool = False,
    specific_tags: Iterable[Any] | None = None,
) -> Any:
    """Read a DICOM file (Part 10 format) and return a :class:`~dcmcore.dataset.FileDataset`.

    Parameters
    ----------
    fp : str, PathLike, file-like or buffer
        A path, a binary file-like with ``read``, ``seek`` and ``tell``
        (read from its current position; the caller closes it), or a
        ``bytes``/``bytearray``/``memoryview`` holding the file.
    defer_size : int, float or str, optional
        Values longer than this (bytes, or a string like ``'512 KB'``) are
        read from the source only when accessed. Falls back to
        ``config.settings.defer_size``.
    stop_before_pixels : bool
        Stop before (7FE0,0010) *Pixel Data*, *Float Pixel Data* or *Double
        Float Pixel Data*.
    force : bool
        Read even without the 128-byte preamble and ``DICM`` prefix.
    specific_tags : iterable, optional
        Read only these tags (tags, keywords or (group, element) pairs);
        (0008,0005) *Specific Character Set* is always kept.

    Returns
    -------
    FileDataset

    Raises
    ------
    InvalidDicomError
        When the data is not DICOM (no ``DICM`` prefix without `force`) or is
        malformed (:class:`~dcmcore.errors.TruncatedDataError`,
        :class:`~dcmcore.errors.MalformedDataError`; truncation only warns
        unless ``config.settings.reading_validation_mode`` is ``RAISE``).
    TypeError
        If `fp` is not a path, file-like or buffer.
    """
    if defer_size is None:
        defer_size = config.settings.defer_size
    defer = size_in_bytes(defer_size)
    only = None
    if specific_tags is not None:
        only = {int(Tag(t)) for t in specific_tags}
    src = _Input(fp, defer is not None)
    try:
        return _read(src, defer, stop_before_pixels, force, only)
    finally:
        src.close()


def _read(src: _Input, defer: Any, stop_before_pixels: bool, force: bool, only: Any) -> Any:
    from dcmcore.dataset import FileDataset, FileMetaDataset

    data = src.data
    preamble, pos = _read_preamble(data, force)
    meta, pos, _ = _read_meta(data, pos)
    # command set elements (group 0000) are always implicit VR little endian
    command: dict[BaseTag, RawDataElement] = {}
    if bytes(data[pos : pos + 2]) == b"\0\0" and len(data) >= pos + 8:
        command, pos, _ = read_elements(
            data, pos, len(data), True, True, stop_when=_not_group(0x0000), context="command set"
        )

    uid = _text(meta.get(BaseTag(0x00020010)))
    end = len(data)
    implicit, little, deflated = (True, True, False)
    if pos < end:
        implicit, little, deflated = _encoding_for(uid, data, pos)
    base = src.start
    stop_when = (lambda tag: tag in _STOP_PIXEL_TAGS) if stop_before_pixels else None
    if deflated:
        data = inflate(memoryview(data)[pos:], offset=base + pos)
        pos = 0
        base = 0
        defer = None  # values of an inflated stream cannot be read back from the file
    if pos < len(data):
        implicit = _check_vr_encoding(data, pos, implicit, little, stop_when)
    elements, stop, _ = read_elements(
        data,
        pos,
        len(data),
        implicit,
        little,
        base=base,
        stop_when=stop_when,
        only=only,
        defer_size=defer,
    )
    if stop < len(data) and not deflated and src.owner_file is not None:
        # as pydicom: a caller's file is left at the element reading stopped before
        src.owner_file.seek(src.start + stop)
    if command:
        elements = {**command, **elements}
    file_meta = FileMetaDataset(meta)
    if hasattr(file_meta, "set_original_encoding"):
        file_meta.set_original_encoding(False, True, "iso8859")
    ds = FileDataset(src.source, elements, preamble, file_meta, implicit, little)
    encoding = _encodings_of(elements) or "iso8859"
    ds.set_original_encoding(implicit, little, encoding)
    return ds


def read_file_meta_info(filename: str | os.PathLike[str]) -> Any:
    """Read only the File Meta Information of a DICOM file.

    Parameters
    ----------
    filename : str or PathLike
        The file.

    Returns
    -------
    FileMetaDataset

    Raises
    ------
    InvalidDicomError
        If the file has no preamble and ``DICM`` prefix.
    """
    from dcmcore.dataset import FileMetaDataset

    with open(filename, "rb") as fh:
        data = fh.read(144)
        _read_preamble(data, False)
        # with a group length element the meta's size is known; else read the file
        if data[132:140] == b"\x02\x00\x00\x00UL\x04\x00" and len(data) == 144:
            size = int.from_bytes(data[140:144], "little")
            data += fh.read(size + 12) if size < 1 << 24 else fh.read()
        else:
            data += fh.read()
    meta, _, _ = _read_meta(data, 132)
    file_meta = FileMetaDataset(meta)
    if hasattr(file_meta, "set_original_encoding"):
        file_meta.set_original_encoding(False, True, "iso8859")
    return file_meta
