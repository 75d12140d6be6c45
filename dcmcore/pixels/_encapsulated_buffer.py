"""A read-only stream that encapsulates frames held in buffers, without copying them.

The stream is the Pixel Data value PS3.5 A.4 defines: a Basic Offset Table item,
then one item per frame (padded to even length), each frame read from its buffer
when that part of the stream is read.
"""

from __future__ import annotations

import bisect
import io
import os
import struct
from typing import IO, Final

__all__ = ["EncapsulatedBuffer", "buffer_length"]

_ITEM_TAG: Final = b"\xfe\xff\x00\xe0"
_MAX_FRAME: Final = 2**32 - 2


def buffer_length(buffer: IO[bytes]) -> int:
    """Bytes from the start of `buffer` to its end; its position is kept."""
    here = buffer.tell()
    try:
        return buffer.seek(0, os.SEEK_END)
    finally:
        buffer.seek(here)


class _Part:
    """One piece of the stream: fixed bytes, or a frame read from its buffer."""

    __slots__ = ("data", "buffer", "length")

    def __init__(self, data: bytes = b"", buffer: IO[bytes] | None = None,
                 length: int = 0) -> None:
        self.data = data
        self.buffer = buffer
        self.length = len(data) if buffer is None else length

    def read(self, offset: int, size: int) -> bytes:
        if self.buffer is None:
            return self.data[offset:offset + size]
        here = self.buffer.tell()
        try:
            self.buffer.seek(offset)
            return self.buffer.read(min(size, self.length - offset))
        finally:
            self.buffer.seek(here)


class EncapsulatedBuffer(io.BufferedIOBase):
    """Encapsulated Pixel Data read from one buffer per frame.

    Parameters
    ----------
    buffers : list of io.BufferedIOBase
        One readable, seekable buffer per frame, each holding that frame's whole
        codestream (from position 0).
    use_bot : bool, optional
        Fill the Basic Offset Table (default: leave it empty).

    Examples
    --------
    >>> frames = [io.BytesIO(b"\\xff\\xd8...\\xff\\xd9"), io.BytesIO(b"...")]  # doctest: +SKIP
    >>> ds.PixelData = EncapsulatedBuffer(frames, use_bot=True)             # doctest: +SKIP
    """

    def __init__(self, buffers: list[io.BufferedIOBase], use_bot: bool = False) -> None:
        if not isinstance(buffers, list):
            raise TypeError(
                "'buffers' must be a list of objects that inherit from 'io.BufferedIOBase'")
        super().__init__()
        self._sources: list[IO[bytes]] = list(buffers)  # type: ignore[arg-type]
        self._use_bot = use_bot
        self._frame_lengths = [buffer_length(b) for b in self._sources]
        for index, length in enumerate(self._frame_lengths):
            if length > _MAX_FRAME:
                raise ValueError(
                    f"Buffers containing more than {_MAX_FRAME} bytes are not supported "
                    f"(buffer {index} holds {length})")
        self._offset = 0
        parts = [_Part(self.basic_offset_table)]
        for buffer, length in zip(self._sources, self._frame_lengths):
            padded = length + length % 2
            parts.append(_Part(_ITEM_TAG + struct.pack("<L", padded)))
            parts.append(_Part(buffer=buffer, length=length))
            if length % 2:
                parts.append(_Part(b"\x00"))
        self._parts = parts
        self._starts: list[int] = []
        position = 0
        for part in parts:
            self._starts.append(position)
            position += part.length
        self._length = position

    # -- layout -----------------------------------------------------------------

    @property
    def lengths(self) -> list[int]:
        """Length of each frame's item: 8 bytes of header plus the even value."""
        return [8 + n + n % 2 for n in self._frame_lengths]

    @property
    def offsets(self) -> list[int]:
        """Offset of each frame's item from the first item after the table."""
        out, position = [], 0
        for length in self.lengths:
            out.append(position)
            position += length
        return out

    @property
    def basic_offset_table(self) -> bytes:
        """The Basic Offset Table item (empty unless `use_bot`)."""
        if not self._use_bot:
            return _ITEM_TAG + b"\x00\x00\x00\x00"
        offsets = self.offsets
        return (_ITEM_TAG + struct.pack("<L", 4 * len(offsets))
                + struct.pack(f"<{len(offsets)}L", *offsets))

    @property
    def extended_offsets(self) -> bytes:
        """The (7FE0,0001) *Extended Offset Table* value for this stream."""
        return struct.pack(f"<{len(self.offsets)}Q", *self.offsets)

    @property
    def extended_lengths(self) -> bytes:
        """The (7FE0,0002) *Extended Offset Table Lengths* value for this stream."""
        return struct.pack(f"<{len(self.lengths)}Q", *(n - 8 for n in self.lengths))

    @property
    def encapsulated_length(self) -> int:
        """Length of the whole encapsulated value."""
        return self._length

    # -- stream -----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether any frame buffer is closed."""
        return any(b.closed for b in self._sources)

    def readable(self) -> bool:
        """Whether every frame buffer is readable."""
        return all(b.readable() for b in self._sources)

    def seekable(self) -> bool:
        """Whether every frame buffer is seekable."""
        return all(b.seekable() for b in self._sources)

    def tell(self) -> int:
        """The current position in the encapsulated value."""
        return self._offset

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        """Move to `offset` from the start, the current position or the end."""
        if whence == os.SEEK_SET:
            if offset < 0:
                raise ValueError(f"Negative seek 'offset' value {offset}")
            position = offset
        elif whence == os.SEEK_CUR:
            position = max(0, self._offset + offset)
        elif whence == os.SEEK_END:
            position = max(0, self._length + offset)
        else:
            raise ValueError("Invalid 'whence' value, should be 0, 1 or 2")
        self._offset = position
        return position

    def read(self, size: int | None = 8192, /) -> bytes:
        """Up to `size` bytes from the current position (all that is left if None)."""
        if size is None or size < 0:
            size = self._length
        out = bytearray()
        while len(out) < size and self._offset < self._length:
            index = bisect.bisect_right(self._starts, self._offset) - 1
            part = self._parts[index]
            chunk = part.read(self._offset - self._starts[index], size - len(out))
            if not chunk:  # a buffer shorter than it was when measured
                break
            out += chunk
            self._offset += len(chunk)
        return bytes(out)
