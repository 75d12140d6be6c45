"""The dcmcore exception family.

Every exception raised by dcmcore for bad input or bad requests derives from
:class:`DcmcoreError`, and also from the built-in a pydicom user would catch,
so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "DcmcoreError",
    "InvalidDicomError",
    "TruncatedDataError",
    "MalformedDataError",
    "BytesLengthException",
    "InvalidValueError",
    "CharsetError",
    "WriteError",
    "MissingFileMetaError",
    "PixelDataError",
    "CodecError",
    "PluginError",
    "NoPluginError",
    "DcmcoreWarning",
]


class DcmcoreError(Exception):
    """Base class of every dcmcore exception."""


class InvalidDicomError(DcmcoreError):
    """The data is not valid DICOM (raised where pydicom raises it)."""

    def __init__(self, message: str, *, offset: int | None = None, tag: int | None = None):
        parts = [message]
        if tag is not None:
            parts.append(f"tag ({tag >> 16:04X},{tag & 0xFFFF:04X})")
        if offset is not None:
            parts.append(f"byte offset {offset} (0x{offset:X})")
        super().__init__(" at ".join(parts) if len(parts) > 1 else message)
        self.offset = offset
        self.tag = tag


class TruncatedDataError(InvalidDicomError, EOFError):
    """The data ends before a structure it started is complete."""


class MalformedDataError(InvalidDicomError, ValueError):
    """A structure in the data is inconsistent (bad length, delimiter, VR, nesting)."""


class BytesLengthException(DcmcoreError, ValueError):
    """A value's byte length does not fit its VR (pydicom's name)."""


class InvalidValueError(DcmcoreError, ValueError):
    """A value does not conform to its VR (raised in the RAISE validation mode)."""


class CharsetError(DcmcoreError, LookupError):
    """An unknown character set term or an undecodable value (strict mode only)."""


class WriteError(DcmcoreError, ValueError):
    """A write request is inconsistent or impossible."""


class MissingFileMetaError(WriteError, AttributeError):
    """Required File Meta Information elements are missing (also an ``AttributeError``,
    which pydicom raises here)."""


class PixelDataError(DcmcoreError, ValueError):
    """The Image Pixel module or the pixel data itself is invalid."""


class CodecError(DcmcoreError, RuntimeError):
    """A codec failed to decode or encode."""


class PluginError(DcmcoreError, RuntimeError, ValueError):
    """A plugin is unknown, unavailable or broken.

    Also a ``ValueError``, which pydicom documents for an unknown or unusable plugin name.
    """


class NoPluginError(PluginError, NotImplementedError):
    """No plugin is installed or able to handle the request.

    Also a ``NotImplementedError``, which pydicom raises when no codec implements a syntax.
    """


class DcmcoreWarning(UserWarning):
    """Warnings issued by dcmcore (lenient reads, fallbacks)."""
