"""pydicom's ``filebase`` module: file-like wrappers that know their DICOM encoding.

:class:`DicomIO` wraps a binary buffer and adds the encoding (``is_little_endian``,
``is_implicit_VR``) and tag/US/UL readers and writers pydicom's low-level
functions (:mod:`dcmcore.filereader`, :mod:`dcmcore.filewriter`) take.
dcmcore's reader and writer accept plain buffers, so these exist for code
written against pydicom's API.

Examples
--------
>>> from dcmcore.filebase import DicomBytesIO
>>> fp = DicomBytesIO(b"\\x10\\x00\\x20\\x00")
>>> fp.is_little_endian = True
>>> fp.read_tag()
(16, 32)
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol, Self

__all__ = [
    "DicomBytesIO",
    "DicomFile",
    "DicomFileLike",
    "DicomIO",
    "ReadableBuffer",
    "WriteableBuffer",
]


class ReadableBuffer(Protocol):
    """A buffer that can be read from and sought in."""

    def read(self, size: int = ..., /) -> bytes: ...  # pragma: no cover
    def seek(self, offset: int, whence: int = ..., /) -> int: ...  # pragma: no cover
    def tell(self) -> int: ...  # pragma: no cover


class WriteableBuffer(Protocol):
    """A buffer that can be written to and sought in."""

    def seek(self, offset: int, whence: int = ..., /) -> int: ...  # pragma: no cover
    def tell(self) -> int: ...  # pragma: no cover
    def write(self, b: bytes | bytearray | memoryview, /) -> int: ...  # pragma: no cover


class DicomIO:
    """A binary buffer with the DICOM encoding it is read or written in.

    Parameters
    ----------
    buffer : file-like
        Readable (``read``, ``seek``, ``tell``) and/or writeable (``write``,
        ``seek``, ``tell``) binary buffer.

    Raises
    ------
    TypeError
        If `buffer` is neither.
    """

    _tag_unpacker: Callable[[bytes], tuple[int, ...]]
    _tag_packer: Callable[..., bytes]
    _us_unpacker: Callable[[bytes], tuple[int, ...]]
    _us_packer: Callable[[int], bytes]
    _ul_unpacker: Callable[[bytes], tuple[int, ...]]
    _ul_packer: Callable[[int], bytes]

    def __init__(self, buffer: ReadableBuffer | WriteableBuffer) -> None:
        readable = all(hasattr(buffer, name) for name in ("read", "seek", "tell"))
        writeable = all(hasattr(buffer, name) for name in ("write", "seek", "tell"))
        if not readable and not writeable:
            raise TypeError(
                f"the buffer must have 'read()', 'seek()' and 'tell()' or 'write()', "
                f"'seek()' and 'tell()' methods; got {type(buffer).__name__}"
            )
        self._buffer: Any = buffer
        self._implicit_vr: bool | None = None
        self._little_endian: bool | None = None
        self._name: str | None = getattr(buffer, "name", None)

    # -- encoding ----------------------------------------------------------------
    @property
    def is_little_endian(self) -> bool:
        """The byte order values are read and written in (True: little endian)."""
        if self._little_endian is None:
            raise AttributeError(f"'{type(self).__name__}.is_little_endian' has not been set")
        return self._little_endian

    @is_little_endian.setter
    def is_little_endian(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"'{type(self).__name__}.is_little_endian' must be bool")
        self._little_endian = value
        order = "<" if value else ">"
        self._tag_unpacker = struct.Struct(f"{order}2H").unpack
        self._tag_packer = struct.Struct(f"{order}2H").pack
        self._us_unpacker = struct.Struct(f"{order}H").unpack
        self._us_packer = struct.Struct(f"{order}H").pack
        self._ul_unpacker = struct.Struct(f"{order}L").unpack
        self._ul_packer = struct.Struct(f"{order}L").pack

    @property
    def is_implicit_VR(self) -> bool:
        """Whether elements are read and written in implicit VR."""
        if self._implicit_vr is None:
            raise AttributeError(f"'{type(self).__name__}.is_implicit_VR' has not been set")
        return self._implicit_vr

    @is_implicit_VR.setter
    def is_implicit_VR(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f"'{type(self).__name__}.is_implicit_VR' must be bool")
        self._implicit_vr = value

    @property
    def name(self) -> str | None:
        """The wrapped buffer's ``name``, if any."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        self._name = name

    @property
    def parent(self) -> Any:
        """The wrapped buffer."""
        return self._buffer

    # -- buffer access -------------------------------------------------------------
    def read(self, size: int = -1, /) -> bytes:
        """Read up to `size` bytes (all remaining when negative)."""
        return self._buffer.read(size)

    def read_exact(self, length: int, nr_retries: int = 3) -> bytes:
        """Read exactly `length` bytes, retrying short reads `nr_retries` times.

        Raises
        ------
        EOFError
            If fewer bytes are available.
        """
        data = bytearray(self.read(length))
        tries = 0
        while len(data) < length and tries < nr_retries:
            data += self.read(length - len(data))
            tries += 1
        if len(data) != length:
            raise EOFError(
                f"Unexpected end of file. Read {len(data)} bytes of {length} expected "
                f"starting at position 0x{self.tell() - len(data):x}"
            )
        return bytes(data)

    def read_tag(self) -> tuple[int, int]:
        """Read a tag: ``(group, element)``."""
        group, elem = self._tag_unpacker(self.read_exact(4))
        return group, elem

    def read_US(self) -> int:
        """Read an unsigned 16-bit number."""
        return self._us_unpacker(self.read_exact(2))[0]

    def read_UL(self) -> int:
        """Read an unsigned 32-bit number."""
        return self._ul_unpacker(self.read_exact(4))[0]

    def write(self, b: bytes | bytearray | memoryview, /) -> int:
        """Write `b`; return the number of bytes written."""
        return self._buffer.write(b)

    def write_tag(self, tag: int) -> None:
        """Write `tag` (an int ``0xggggeeee``)."""
        self.write(self._tag_packer(tag >> 16, tag & 0xFFFF))

    def write_US(self, val: int) -> None:
        """Write an unsigned 16-bit number."""
        self.write(self._us_packer(val))

    def write_UL(self, val: int) -> None:
        """Write an unsigned 32-bit number."""
        self.write(self._ul_packer(val))

    def writelines(self, chunks: Any) -> None:
        """Write each bytes-like chunk of `chunks`."""
        for chunk in chunks:
            self.write(chunk)

    def seek(self, offset: int, whence: int = 0, /) -> int:
        """Move to `offset` (relative to `whence`, as :meth:`io.IOBase.seek`)."""
        return self._buffer.seek(offset, whence)

    def tell(self) -> int:
        """Return the current position."""
        return self._buffer.tell()

    def close(self, *args: Any, **kwargs: Any) -> Any:
        """Close the wrapped buffer, if it can be closed."""
        if hasattr(self._buffer, "close"):
            return self._buffer.close(*args, **kwargs)
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        # anything else (getvalue, closed, fileno...) comes from the wrapped buffer
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._buffer, name)


class DicomFileLike(DicomIO):
    """A :class:`DicomIO` around an existing file-like object."""


def DicomFile(*args: Any, **kwargs: Any) -> DicomFileLike:
    """Open a file (arguments of :func:`open`) as a :class:`DicomFileLike`."""
    return DicomFileLike(open(*args, **kwargs))  # noqa: SIM115 - the caller closes it


class DicomBytesIO(DicomIO):
    """A :class:`DicomIO` around an in-memory :class:`io.BytesIO`.

    Parameters
    ----------
    initial_bytes : bytes-like, optional
        The initial content.
    """

    def __init__(self, initial_bytes: bytes | bytearray | memoryview = b"") -> None:
        super().__init__(io.BytesIO(initial_bytes))

    def getvalue(self) -> bytes:
        """Return the whole content."""
        return self._buffer.getvalue()
