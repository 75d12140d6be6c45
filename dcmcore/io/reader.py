"""Reading DICOM Part 10 files: :func:`dcmread` and :func:`read_file_meta_info`.

The whole input is made available as one buffer (``bytes``; large files are read in
windows, never through a memory map that another process could truncate), element
headers are parsed
with :mod:`dcmcore.io.parser`, and values stay encoded until the data model
converts them on first access. Sequences are split into items only when
accessed (:func:`parse_sequence`), and each item is parsed only when touched.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import struct
import warnings
from collections.abc import Iterable
from stat import S_ISDIR, S_ISREG
from typing import Any, BinaryIO, Literal

from dcmcore import config
from dcmcore.charset import convert_encodings, python_encoding
from dcmcore.errors import (
    DcmcoreWarning,
    InvalidDicomError,
    MalformedDataError,
)
from dcmcore.filedataset import FileDataset, FileMetaDataset
from dcmcore.io._deferred import FileIdentity
from dcmcore.io._inflate import inflate_dataset
from dcmcore.io._source import is_special, read_special
from dcmcore.io.parser import (
    CHARSET_TAG,
    DONE,
    NEED_MORE,
    UNDEFINED,
    RawDataElement,
    SequenceBytes,
    looks_implicit,
    parse_sequence,
    problem,
    read_elements,
)
from dcmcore.io.scan import _LONG_VRS, _VR_NAMES
from dcmcore.tag import PIXEL_DATA_TAGS, BaseTag, Tag, shared_tag
from dcmcore.transfer_syntax import get as get_syntax

__all__ = [
    "dcmread",
    "read_file_meta_info",
    "parse_sequence",
    "size_in_bytes",
    "SequenceBytes",
    "MAX_INFLATED_SIZE",
]

_logger = logging.getLogger("dcmcore")

#: Largest data set a deflated file may inflate to (bytes); larger raises.
MAX_INFLATED_SIZE = 4 * 2**30
#: Files (or file-likes) larger than this are read in windows, so a large value is read
#: straight from the file into its own bytes instead of being sliced from a copy of the file.
STREAM_THRESHOLD = 8 * 2**20
#: First window (preamble, file meta and the start of the data set).
_HEAD = 2**20
#: Later windows start at least this large and double while an element does not fit.
_WINDOW = 4 * 2**20
#: Values at least this long that do not fit in a window are read on their own.
_DIRECT_READ = 2**20
#: Pixel data of a file read by path, of a defined length at least this long, is left in
#: the file (deferred, kept once read) so that ``pixel_array`` reads it straight into
#: the array: it is read once, not once as ``bytes`` and again as a copy in the array.
PIXEL_DEFER_SIZE = 2**20
_STOP_PIXEL_TAGS = PIXEL_DATA_TAGS
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


class _Input:
    """The data to parse and where it came from."""

    def __init__(self, fp: Any, defer: bool, force: bool = False) -> None:
        self.closers: list[Any] = []
        #: a device or pipe, read whole by io/_source.py (its values cannot be read back)
        self.special = False
        self.start = 0
        #: the caller's file-like object, if one was given
        self.owner_file: Any = None
        #: set when the data is read in windows: the file and the bytes it has from `start`
        self.fh: Any = None
        self.size = 0
        #: modification time of a file read by path (None for other inputs)
        self.timestamp: float | None = None
        if isinstance(fp, (bytes, bytearray, memoryview)):
            data = bytes(fp)
            self.source: Any = io.BytesIO(data)
            self.data: Any = data
            return
        if isinstance(fp, (str, os.PathLike)):
            path = os.fspath(fp)
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            self.source = path
            fh = None
            if not defer:
                # a small regular file is read through its descriptor, without a file
                # object; others get one on the same descriptor (a FIFO is opened once)
                fd = self._read_small_file(path)
                if fd is None:
                    return
                try:
                    fh = open(fd, "rb")  # noqa: SIM115 - closed in close()
                except BaseException:
                    os.close(fd)
                    raise
            if fh is None:
                fh = open(path, "rb")  # noqa: SIM115 - closed in close()
            self.closers.append(fh)
            try:
                # one fstat of the open file: the FileDataset's timestamp (no second
                # lookup by name), its kind and its size
                st = os.fstat(fh.fileno())
                self.timestamp = st.st_mtime
                # a device or pipe (/dev/zero, a FIFO): bounded reads, checked header
                self.special = not S_ISREG(st.st_mode) and not S_ISDIR(st.st_mode)
                self.data = (
                    read_special(fh, force, path)
                    if self.special
                    else self._load(fh, defer, st.st_size)
                )
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
        if is_special(fp):  # a device or pipe (/dev/zero, a FIFO): bounded reads
            self.special = True
            self.data = read_special(fp, force, str(getattr(fp, "name", fp)))
            return
        self.start = fp.tell()
        if force and self.start and not _prefix_at(fp, self.start):
            # as pydicom: a forced read that finds no 'DICM' prefix where it starts reads
            # the buffer from its beginning (dcmread(buf, force=True) right after
            # ds.save_as(buf) reads what was written)
            fp.seek(0)
            self.start = 0
        self.data = self._load(fp, defer)

    def _read_small_file(self, path: str) -> int | None:
        """Read a regular file of at most :data:`STREAM_THRESHOLD` bytes whole, through
        its file descriptor (no file object), and return None; for anything else return
        the open descriptor (nothing read)."""
        fd = os.open(path, _OPEN_FLAGS)
        try:
            st = os.fstat(fd)
            size = st.st_size
            if S_ISDIR(st.st_mode):  # as open() says it
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
            if not S_ISREG(st.st_mode) or size > STREAM_THRESHOLD:
                return fd
            data = os.read(fd, size + 1)
            if len(data) > size:  # the file grew since fstat: read on to its end
                parts = [data]
                while chunk := os.read(fd, 1 << 20):
                    parts.append(chunk)
                data = b"".join(parts)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        self.timestamp = st.st_mtime
        self.data = data
        return None

    def _load(self, fh: Any, defer: bool, file_size: int | None = None) -> Any:
        size = _remaining(fh, self.start) if file_size is None else file_size - self.start
        if size > STREAM_THRESHOLD:
            self.fh = fh
            self.size = size
            return _read_exactly(fh, min(max(_HEAD, 144), size))
        data = fh.read()
        if not isinstance(data, bytes):
            data = bytes(data)
        return data

    def load_rest(self) -> Any:
        """Leave windowed mode: read the rest of the file after the first window."""
        if self.fh is not None:
            self.fh.seek(self.start + len(self.data))
            self.data = self.data + self.fh.read()
            self.fh = None
        return self.data

    def close(self) -> None:
        self.data = b""
        for fh in self.closers:
            fh.close()


def _prefix_at(fh: Any, start: int) -> bool:
    """Whether a preamble and the ``DICM`` prefix are at `start` (`fh` is moved back)."""
    head = fh.read(132)
    fh.seek(start)
    return bytes(head[128:132]) == b"DICM"


def _is_plain_file(fh: Any) -> bool:
    """True if `fh` reads an OS file as it is, so its ``fileno()`` holds the same bytes.

    Wrappers such as ``gzip.GzipFile`` also have a ``fileno()``, of the compressed file.
    """
    return isinstance(getattr(fh, "raw", fh), io.FileIO)


def _remaining(fh: Any, start: int) -> int:
    """Bytes left in `fh` from `start`, or 0 when that cannot be known cheaply."""
    if _is_plain_file(fh):
        try:
            return os.fstat(fh.fileno()).st_size - start
        except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
            pass
    try:
        end = fh.seek(0, os.SEEK_END)
        fh.seek(start)
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        return 0
    return (end if isinstance(end, int) else fh.tell()) - start


def _read_exactly(fh: Any, n: int) -> bytes:
    data = fh.read(n)
    if not isinstance(data, bytes):
        data = bytes(data)
    return data


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


def _read_meta(
    data: Any, pos: int, partial: bool = False
) -> tuple[dict[BaseTag, RawDataElement], int, int]:
    """Read the group 0002 elements at `pos` (explicit VR LE; implicit VR tolerated).

    Returns the elements, where they end and the :func:`read_elements` status.
    """
    end = len(data)
    if pos + 8 > end or bytes(data[pos : pos + 2]) != b"\x02\x00":
        return {}, pos, NEED_MORE if partial and pos + 8 > end else DONE
    # some writers use implicit VR here: read as such, with pydicom's warning
    implicit = looks_implicit(data, pos, end)
    if implicit:
        warnings.warn(
            "Expected explicit VR, but found implicit VR - using implicit VR for reading "
            f"the file meta information at byte offset {pos} (0x{pos:X})",
            DcmcoreWarning,
            stacklevel=4,
        )
    return read_elements(
        data,
        pos,
        end,
        implicit,
        True,
        group=0x0002,
        context="file meta information",
        partial=partial,
    )


def _guess_encoding(data: Any, pos: int) -> tuple[bool, bool]:
    """Guess (implicit VR, little endian) from the first element, as pydicom does."""
    if pos + 6 > len(data):
        return True, True
    vr = bytes(data[pos + 4 : pos + 6])
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
    ts = get_syntax(uid)
    if ts is None:
        # unknown syntaxes are explicit VR little endian (PS3.5 A.4 for encapsulated ones)
        return False, True, False
    return ts.implicit_vr, ts.little_endian, ts.deflated


def _tag_at(data: Any, pos: int, little: bool) -> int:
    order: Literal["little", "big"] = "little" if little else "big"
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


#: flags of the descriptor a small file is read through
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_CHARSET_KEY = shared_tag(CHARSET_TAG)
_TS_KEY = shared_tag(0x00020010)
#: a (0008,0005) value of one defined term (as stored, padded or not) -> its codec
_SINGLE_TERMS: dict[bytes, str] = {
    padded: codec
    for term, codec in python_encoding.items()
    for padded in (term.encode("latin-1"), (term + " ").encode("latin-1"))
    if "\\" not in term
}


def _encodings_of(elements: dict[BaseTag, RawDataElement]) -> Any:
    raw = elements.get(_CHARSET_KEY)
    if raw is None:
        return None
    value = raw.value
    if value is None:
        return None
    single = _SINGLE_TERMS.get(value) if value.__class__ is bytes else None
    if single is not None:  # one defined term, as nearly every file has: no warning possible
        return [single]
    terms = [t.strip("\0 ") for t in bytes(value).decode("latin-1").split("\\")]
    try:
        return convert_encodings(terms if len(terms) > 1 else terms[0])
    except (ValueError, LookupError):  # unusable terms: the data model reports them on access
        return terms if len(terms) > 1 else terms[0]


def dcmread(
    fp: str | os.PathLike[str] | BinaryIO | bytes | bytearray | memoryview,
    defer_size: int | float | str | None = None,
    stop_before_pixels: bool = False,
    force: bool = False,
    specific_tags: Iterable[Any] | None = None,
    *,
    validation_mode: int | None = None,
) -> FileDataset:
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
    validation_mode : int, optional
        ``config.IGNORE``, ``config.WARN`` or ``config.RAISE``: how invalid
        data is handled for this read only, overriding
        ``config.settings.reading_validation_mode``. The mode stays with the
        returned dataset (and its sequence items), so values converted later,
        on first access, are checked with it too, in any thread.

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
    if validation_mode is None:
        src = _Input(fp, defer is not None, force)
        try:
            return _read(src, defer, stop_before_pixels, force, only)
        finally:
            src.close()
    with config.override(reading_validation_mode=validation_mode):
        src = _Input(fp, defer is not None, force)
        try:
            ds = _read(src, defer, stop_before_pixels, force, only)
        finally:
            src.close()
    ds.__dict__["_reading_validation_mode"] = validation_mode
    if ds.file_meta is not None:
        ds.file_meta.__dict__["_reading_validation_mode"] = validation_mode
    return ds


def _read(src: _Input, defer: Any, stop_before_pixels: bool, force: bool, only: Any) -> Any:
    data = src.data
    if src.special:
        defer = None  # a pipe cannot be read again: every value is kept
    windowed = src.fh is not None
    preamble, pos = _read_preamble(data, force)
    meta, pos, status = _read_meta(data, pos, partial=windowed)
    # command set elements (group 0000) are always implicit VR little endian
    command: dict[BaseTag, RawDataElement] = {}
    if status == DONE and bytes(data[pos : pos + 2]) == b"\0\0" and len(data) >= pos + 8:
        command, pos, status = read_elements(
            data, pos, len(data), True, True, group=0x0000,
            context="command set", partial=windowed,
        )  # fmt: skip
    if status == NEED_MORE:  # an unusually long header: read it all at once
        data = src.load_rest()
        windowed = False
        preamble, pos = _read_preamble(data, force)
        meta, pos, _ = _read_meta(data, pos)
        if bytes(data[pos : pos + 2]) == b"\0\0" and len(data) >= pos + 8:
            command, pos, _ = read_elements(
                data, pos, len(data), True, True, group=0x0000,
                context="command set",
            )  # fmt: skip

    uid = _text(meta.get(_TS_KEY))
    implicit, little, deflated = (True, True, False)
    if pos < len(data):
        implicit, little, deflated = _encoding_for(uid, data, pos)
    base = src.start
    stop_when = _STOP_PIXEL_TAGS.__contains__ if stop_before_pixels else None
    if deflated:
        if windowed:
            data = src.load_rest()
            windowed = False
        data = inflate_dataset(
            memoryview(data)[pos:], offset=base + pos, limit=MAX_INFLATED_SIZE,
            ratio=config.settings.deflate_ratio_limit,
        )  # fmt: skip
        pos = 0
        base = 0
        defer = None  # values of an inflated stream cannot be read back from the file
    if pos < len(data):
        implicit = _check_vr_encoding(data, pos, implicit, little, stop_when)
    if windowed:
        pixel_defer = (
            config.settings.pixel_data_in_file and isinstance(src.source, str) and bool(src.closers)
        )
        elements, stop = _read_windows(
            src, pos, implicit, little, stop_when, only, defer, pixel_defer
        )
    else:
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
        stop += base
    if not deflated and src.owner_file is not None and stop < src.start + max(src.size, len(data)):
        # as pydicom: a caller's file is left at the element reading stopped before
        src.owner_file.seek(stop)
    if command:
        elements = {**command, **elements}
    file_meta = FileMetaDataset._from_elements(meta)
    ds = FileDataset._from_elements(
        src.source, elements, preamble, file_meta, implicit, little, src.timestamp
    )
    kept = _pixels_left_in_file(elements, defer)
    if (defer is not None or kept) and isinstance(src.source, str) and src.closers:
        # deferred values are read back only from this very file (see io/_deferred.py)
        ds.__dict__["_source"] = src.source
        ds.__dict__["_source_timestamp"] = FileIdentity.of(
            src.closers[0].fileno(), src.source,
            ((r.value_tell, r.length) for r in elements.values()
             if r.value is None and r.value_tell is not None),
            kept,
        )  # fmt: skip
    encoding = _encodings_of(elements) or "iso8859"
    ds.set_original_encoding(implicit, little, encoding)
    if _logger.isEnabledFor(logging.DEBUG):  # config.debug(True)
        _log_read(src, preamble, meta, elements, implicit, little, deflated)
    return ds


def _pixels_left_in_file(elements: dict[BaseTag, RawDataElement], defer: Any) -> list[int]:
    """Value offsets of the pixel data the reader deferred on its own (not for `defer`)."""
    kept = []
    for tag in _STOP_PIXEL_TAGS:
        raw = elements.get(tag)
        if (
            raw is not None and raw.value is None and raw.value_tell is not None
            and (defer is None or raw.length <= defer)
        ):
            kept.append(raw.value_tell)
    return kept


def _log_read(
    src: _Input, preamble: Any, meta: Any, elements: Any, implicit: bool, little: bool,
    deflated: bool,
) -> None:
    """What a read found, on the "dcmcore" logger (pydicom's ``config.debug`` output)."""
    _logger.debug("Reading %s", src.source if isinstance(src.source, str) else "a buffer")
    _logger.debug("Preamble and 'DICM' prefix %s", "found" if preamble is not None else "absent")
    _logger.debug("File meta: %d elements, transfer syntax %s", len(meta),
                  _text(meta.get(_TS_KEY)))
    _logger.debug("Data set: %s VR %s endian%s", "implicit" if implicit else "explicit",
                  "little" if little else "big", ", deflated" if deflated else "")
    for tag, raw in elements.items():
        length = "undefined" if raw.length == UNDEFINED else raw.length
        _logger.debug("%08x: %s %s length %s", raw.value_tell or 0, tag, raw.VR or "--", length)


def _peek_header(
    buf: bytes, pos: int, implicit: bool, little: bool
) -> tuple[int, Any, int, int] | None:
    """(tag, VR, length, header size) of a plain element at `pos`, or None."""
    order = "<" if little else ">"
    if pos + 8 > len(buf):
        return None
    group, elem = struct.unpack_from(order + "HH", buf, pos)
    if group == 0xFFFE:
        return None
    tag = group << 16 | elem
    if implicit:
        return tag, None, struct.unpack_from(order + "L", buf, pos + 4)[0], 8
    raw_vr = bytes(buf[pos + 4 : pos + 6])
    vr = _VR_NAMES.get(raw_vr)
    if vr is None:
        return None
    if raw_vr in _LONG_VRS:
        if pos + 12 > len(buf):
            return None
        return tag, vr, struct.unpack_from(order + "L", buf, pos + 8)[0], 12
    return tag, vr, struct.unpack_from(order + "H", buf, pos + 6)[0], 8


def _fragments_end(fh: Any, pos: int, total: int, little: bool) -> int | None:
    """Where the item stream of an encapsulated value at `pos` ends (its sequence delimiter).

    Walks the item headers in the file, seeking over their contents. None when
    the value is not a well-formed item stream inside the file.
    """
    unpack = struct.Struct("<HHL" if little else ">HHL").unpack
    while pos + 8 <= total:
        fh.seek(pos)
        group, elem, length = unpack(_read_exactly(fh, 8))
        tag = group << 16 | elem
        if tag == 0xFFFEE0DD:
            return pos
        if tag != 0xFFFEE000 or length == UNDEFINED:
            return None
        pos += 8 + length
    return None


def _read_windows(
    src: _Input, pos: int, implicit: bool, little: bool, stop_when: Any, only: Any,
    defer: Any = None, pixel_defer: bool = False,
) -> tuple[dict[BaseTag, RawDataElement], int]:
    """Read the top-level data set of a large file window by window.

    With `pixel_defer`, pixel data of a defined length of at least
    :data:`PIXEL_DEFER_SIZE` bytes is deferred (left in the file).
    Returns the elements and the absolute offset where reading stopped.
    """
    fh = src.fh
    buf = src.data
    off = src.start  # file offset of buf[0]
    total = src.start + src.size
    elements: dict[BaseTag, RawDataElement] = {}
    while True:
        partial = off + len(buf) < total
        found, stop, status = read_elements(
            buf, pos, len(buf), implicit, little, base=off, stop_when=stop_when, only=only,
            partial=partial, defer_size=defer,
        )  # fmt: skip
        elements.update(found)
        if status != NEED_MORE:
            return elements, off + stop
        header = _peek_header(buf, stop, implicit, little)
        if (
            header is not None
            and header[2] == UNDEFINED
            and (header[1] in ("OB", "OW") or header[0] in _STOP_PIXEL_TAGS)
        ):
            # encapsulated pixel data: find its end from the fragment headers in the file
            tag, vr, length, size = header
            vstart = off + stop + size
            content_end = _fragments_end(fh, vstart, total, little)
            if content_end is not None and (stop_when is None or not stop_when(tag)):
                if only is None or tag in only:
                    fh.seek(vstart)
                    t = BaseTag(tag)
                    value = _read_exactly(fh, content_end - vstart)
                    elements[t] = RawDataElement(
                        t, vr, UNDEFINED, value, vstart, implicit, little, True, True
                    )
                off = content_end + 8
                buf, total = _next_window(fh, off, _WINDOW, total)
                pos = 0
                continue
        if header is not None:
            tag, vr, length, size = header
            vstart = off + stop + size
            if (
                length != UNDEFINED
                and length >= _DIRECT_READ
                and vstart + length <= total
                and (stop_when is None or not stop_when(tag))
            ):
                # a large value: read it on its own, then go on after it
                if (defer is not None and length > defer and tag != CHARSET_TAG) or (
                    pixel_defer and tag in _STOP_PIXEL_TAGS and length >= PIXEL_DEFER_SIZE
                ):
                    if only is None or tag in only:  # deferred: read when accessed
                        t = BaseTag(tag)
                        elements[t] = RawDataElement(
                            t, vr, length, None, vstart, implicit, little, True, False
                        )
                elif only is None or tag in only or tag == CHARSET_TAG:
                    fh.seek(vstart)
                    value = _read_exactly(fh, length)
                    if len(value) == length:
                        t = BaseTag(tag)
                        elements[t] = RawDataElement(
                            t, vr, length, value, vstart, implicit, little, True, False
                        )
                    else:  # the file changed under us: let the normal path report it
                        header = None
                if header is not None:
                    off = vstart + length
                    buf, total = _next_window(fh, off, _WINDOW, total)
                    pos = 0
                    continue
        # the element needs a larger window: start one at it, twice as large
        off += stop
        buf, total = _next_window(fh, off, max(2 * (len(buf) - stop), _WINDOW), total)
        pos = 0


def _next_window(fh: Any, off: int, size: int, total: int) -> tuple[bytes, int]:
    """The window of up to `size` bytes at `off`, and the file's end.

    A short read means the file was truncated while it was read: the end moves there,
    so the parser reports the truncation instead of asking for more forever.
    """
    fh.seek(off)
    want = min(size, total - off)
    buf = _read_exactly(fh, want)
    return buf, total if len(buf) == want else off + len(buf)


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
    file_meta = FileMetaDataset._from_elements(meta)
    return file_meta
