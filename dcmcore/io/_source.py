"""Reading from sources that are not regular files: devices, pipes, sockets.

``/dev/zero``, ``/dev/urandom`` or a FIFO fed garbage never end; reading them whole
would run until memory runs out. :func:`read_special` reads the first bytes only, checks
the preamble and ``DICM`` prefix (or, with ``force``, a plausible first element) and
refuses anything else with :class:`~dcmcore.errors.InvalidDicomError`; a source that
passes is read to its end, but never past :data:`MAX_SPECIAL_SIZE` bytes.
"""

from __future__ import annotations

import io
import os
import stat
import struct
from typing import BinaryIO, Final

from dcmcore.errors import InvalidDicomError
from dcmcore.io.scan import _VR_NAMES

__all__ = ["is_special", "read_special", "MAX_SPECIAL_SIZE"]

#: Largest data read from a source that is not a regular file (its size is unknown).
MAX_SPECIAL_SIZE: Final = 2**30
#: Bytes read at a time after the header.
_CHUNK: Final = 2**20
_PREAMBLE: Final = 132
#: The File Meta Information group length element, as every writer starts the group.
_GROUP_LENGTH: Final = b"\x02\x00\x00\x00UL\x04\x00"


def is_special(fh: BinaryIO) -> bool:
    """True if `fh` reads an OS file that is not a regular file (device, FIFO, socket)."""
    if not isinstance(getattr(fh, "raw", fh), io.FileIO):
        return False
    try:
        mode = os.fstat(fh.fileno()).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _read_upto(fh: BinaryIO, n: int) -> bytes:
    """Up to `n` bytes; fewer only at the end of the source."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        chunk = fh.read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _plausible_element(head: bytes, pos: int) -> bool:
    """True if the bytes at `pos` look like the first element of a data set or group.

    An explicit VR element must name a known VR; an implicit VR one must be a tag of the
    dictionary with a length that is not absurd. All-zero bytes are never plausible.
    """
    field = head[pos : pos + 8]
    if len(field) < 8 or not any(field):
        return False
    if field[4:6] in _VR_NAMES:
        return True
    for order in "<>":
        group, element, length = struct.unpack(order + "HHL", field)
        if group == 0xFFFE or length > MAX_SPECIAL_SIZE and length != 0xFFFFFFFF:
            continue
        from dcmcore.dictionary import entry  # deferred: loads the data dictionary

        if entry(group << 16 | element) is not None:
            return True
    return False


def read_special(fh: BinaryIO, force: bool, name: str) -> bytes:
    """Read a DICOM file from the non-regular source `fh`, refusing endless or non-DICOM
    data after its first bytes.

    Parameters
    ----------
    fh : binary file
        An open device, FIFO or socket (:func:`is_special` is true).
    force : bool
        Accept data without the preamble and ``DICM`` prefix if its first element is
        plausible.
    name : str
        The source's name, for messages.

    Returns
    -------
    bytes
        The whole content.

    Raises
    ------
    InvalidDicomError
        Without the ``DICM`` prefix (or, with `force`, a plausible first element), or
        when the source has not ended after :data:`MAX_SPECIAL_SIZE` bytes.
    """
    head = _read_upto(fh, _PREAMBLE + 12)
    if head[128:132] == b"DICM":
        # the File Meta Information group length says where the data set starts
        pos = _PREAMBLE
        if head[pos : pos + 8] == _GROUP_LENGTH and len(head) >= pos + 12:
            pos += 12 + int.from_bytes(head[pos + 8 : pos + 12], "little")
            if pos > MAX_SPECIAL_SIZE:
                raise InvalidDicomError(
                    f"{name!r}: the File Meta Information claims {pos} bytes", offset=140
                )
            head += _read_upto(fh, pos + 8 - len(head))
        if len(head) >= pos + 8 and not _plausible_element(head, pos):
            raise InvalidDicomError(
                f"{name!r} is not a regular file and its data set does not start with a "
                "plausible element; refusing to read the source further",
                offset=pos,
            )
    elif not force:
        raise InvalidDicomError(
            f"{name!r} is not a regular file and does not start with a DICOM preamble and "
            "the 'DICM' prefix; refusing to read the source further (use force=True for "
            "data without a preamble)",
            offset=128,
        )
    elif not _plausible_element(head, 0):
        raise InvalidDicomError(
            f"{name!r} is not a regular file and does not start with a plausible DICOM "
            "element; refusing to read the source further",
            offset=0,
        )
    parts = [head]
    size = len(head)
    while True:
        chunk = fh.read(min(_CHUNK, MAX_SPECIAL_SIZE + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
        if size > MAX_SPECIAL_SIZE:
            raise InvalidDicomError(
                f"{name!r} is not a regular file and has not ended after "
                f"{MAX_SPECIAL_SIZE} bytes; refusing an endless source",
                offset=size,
            )
    return b"".join(parts)
