"""The dcmcore exception family.

Every exception raised by dcmcore for bad input or bad requests derives from
:class:`DcmcoreError`, and also from the built-in a pydicom user would catch,
so ``except ValueError`` keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "DcmcoreError",
    "InvalidDicomError",
    "TruncatedDataError",
    "MalformedDataError",
    "BytesLengthException",
    "InvalidValueError",
    "ValueOverflowError",
    "NonIntegerISError",
    "CharsetError",
    "WriteError",
    "MissingFileMetaError",
    "PixelDataError",
    "MissingElementError",
    "NoEncoderError",
    "CodecError",
    "CodecFailedError",
    "CodecOutputError",
    "WorkerProcessError",
    "PluginError",
    "NoPluginError",
    "UnknownPluginError",
    "SharedSpaceError",
    "ArenaOpenError",
    "DcmcoreWarning",
    "SourceFileError",
    "FileWriteError",
    "JSONValueError",
    "JSONKeyError",
    "UsageError",
]


class DcmcoreError(Exception):
    """Base class of every dcmcore exception."""


class InvalidDicomError(DcmcoreError):
    """The data is not valid DICOM (raised where pydicom raises it)."""

    def __init__(
        self, message: str = "", *, offset: int | None = None, tag: int | None = None
    ) -> None:
        where = []
        if tag is not None:
            where.append(f"tag ({tag >> 16:04X},{tag & 0xFFFF:04X})")
        if offset is not None:
            where.append(f"byte offset {offset} (0x{offset:X})")
        if where:
            message = " at ".join([message, *where]) if message else "at " + " at ".join(where)
        if message:
            super().__init__(message)
        else:
            super().__init__()  # str(error) == "", as for a bare Exception()
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


class ValueOverflowError(InvalidValueError, OverflowError):
    """A DS or IS value too long or too large (pydicom raises ``OverflowError``)."""


class NonIntegerISError(InvalidValueError, TypeError):
    """A non-integer IS value in the RAISE validation mode (pydicom raises ``TypeError``)."""


class CharsetError(DcmcoreError, LookupError):
    """An unknown character set term or an undecodable value (strict mode only)."""


class WriteError(DcmcoreError, ValueError):
    """A write request is inconsistent or impossible."""


class MissingFileMetaError(WriteError, AttributeError):
    """Required File Meta Information elements are missing (also an ``AttributeError``,
    which pydicom raises here)."""


class PixelDataError(DcmcoreError, ValueError):
    """The Image Pixel module or the pixel data itself is invalid."""


class MissingElementError(PixelDataError, AttributeError):
    """A required Image Pixel module element is absent (pydicom raises ``AttributeError``)."""


class NoEncoderError(PixelDataError, NotImplementedError):
    """``compress()`` to a syntax nothing encodes (pydicom raises ``NotImplementedError``)."""


class CodecError(DcmcoreError, RuntimeError):
    """A codec failed to decode or encode."""


class CodecFailedError(CodecError):
    """Every codec tried on a frame failed (the one error for this, on every path).

    Attributes
    ----------
    kind : str
        ``"decoder"`` or ``"encoder"``.
    ts_uid : str
        The transfer syntax of the frame.
    frame : int or None
        Index of the frame that failed, when known.
    failures : list of (str, str)
        Each codec tried, in order, and why it failed.
    skipped : list of (str, str)
        Codecs of the syntax that were not tried (disabled, unavailable) and why.

    Examples
    --------
    >>> err = CodecFailedError("cannot decode", frame=2, failures=[("rle", "bad header")])
    >>> err.failures
    [('rle', 'bad header')]
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "decoder",
        ts_uid: str = "",
        frame: int | None = None,
        failures: Sequence[tuple[str, str]] = (),
        skipped: Sequence[tuple[str, str]] = (),
    ) -> None:
        # keyword-only extras with defaults: the error pickles back from worker processes
        super().__init__(message)
        self.kind = kind
        self.ts_uid = ts_uid
        self.frame = frame
        self.failures = list(failures)
        self.skipped = list(skipped)


class CodecOutputError(CodecError):
    """A codec returned something that does not fit the frame description."""


class WorkerProcessError(CodecError):
    """A worker process died while decoding frames (e.g. a decoder crashed on them)."""


class PluginError(DcmcoreError, RuntimeError, ValueError):
    """A plugin is unknown, unavailable or broken.

    Also a ``ValueError``, which pydicom documents for an unknown or unusable plugin name.
    """


class NoPluginError(PluginError, NotImplementedError):
    """No plugin is installed or able to handle the request.

    Also a ``NotImplementedError``, which pydicom raises when no codec implements a syntax.
    """


class UnknownPluginError(PluginError, ValueError):
    """A plugin name that no installed plugin has (pydicom raises ``ValueError``)."""


class SharedSpaceError(DcmcoreError, OSError):
    """No shared memory could be reserved or opened (the caller decodes instead)."""


class ArenaOpenError(SharedSpaceError):
    """Another process could not open an arena (e.g. /proc mounted with ``hidepid``)."""


class DcmcoreWarning(UserWarning):
    """Warnings issued by dcmcore (lenient reads, fallbacks)."""


class SourceFileError(InvalidDicomError, OSError):
    """The file a dataset was read from cannot be read back for a deferred value.

    Raised when the file was deleted or cannot be opened; also an ``OSError`` (with
    ``errno`` and ``filename`` set). The message names the file and the tag.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class FileWriteError(WriteError, OSError):
    """Writing a file failed (read-only folder, full disk...); the original is intact.

    A :class:`WriteError` and an ``OSError`` (with ``errno`` and ``filename`` set); the
    message names the target path and the reason.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class JSONValueError(InvalidValueError, TypeError):
    """A DICOM JSON value has the wrong type or form for its VR (Part 18, F.2.3).

    The message names the tag and the VR. Also a ``ValueError`` and a ``TypeError``,
    the built-ins raised for such input before.
    """


class JSONKeyError(JSONValueError, KeyError):
    """A DICOM JSON element lacks its ``vr`` (also a ``KeyError``, as pydicom raises)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UsageError(DcmcoreError, ValueError):
    """A command line that cannot be run: the ``dcmcore`` command prints it and exits 2."""
