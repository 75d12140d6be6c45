"""DICOM unique identifiers: the :class:`UID` string type, named constants and generation.

Follows :mod:`pydicom.uid`: transfer-syntax constants (``ExplicitVRLittleEndian``, ...),
lists (``AllTransferSyntaxes``, ...), :func:`register_transfer_syntax` and
:func:`generate_uid`. Every keyword of the UID registry (``CTImageStorage``,
``Verification``, ...) is also available as a module attribute, resolved on first use.

Transfer-syntax properties of a :class:`UID` come from :mod:`dcmcore.transfer_syntax`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from dcmcore import __version__ as _version
from dcmcore import transfer_syntax as _ts
from dcmcore.dictionary import iter_uids, uid_for_keyword, uid_info

__all__ = [
    "UID",
    "DCMCORE_ROOT_UID",
    "DCMCORE_IMPLEMENTATION_UID",
    "IMPLEMENTATION_CLASS_UID",
    "IMPLEMENTATION_VERSION_NAME",
    "RE_VALID_UID",
    "RE_VALID_UID_PREFIX",
    "generate_uid",
    "register_transfer_syntax",
    "AllTransferSyntaxes",
    "UncompressedTransferSyntaxes",
    "JPEGTransferSyntaxes",
    "JPEGLSTransferSyntaxes",
    "JPEG2000TransferSyntaxes",
    "JPEGXLTransferSyntaxes",
    "MPEGTransferSyntaxes",
    "RLETransferSyntaxes",
    "PrivateTransferSyntaxes",
]

RE_VALID_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
"""A valid UID: dot-separated numbers without leading zeros (PS3.5 9.1)."""
RE_VALID_UID_PREFIX = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*\.$")
"""A valid UID prefix: a valid UID followed by a dot."""

_DICOM_ROOT = "1.2.840.10008."


class UID(str):
    """A UID string with registry look-ups, as :class:`pydicom.uid.UID`.

    A ``UID`` is a ``str``: it compares, hashes and pickles as the plain string.

    Parameters
    ----------
    val : str
        The UID; surrounding spaces (and a NUL pad) are removed.
    validation_mode : int, optional
        Accepted for pydicom compatibility. Values read from files are validated by
        :mod:`dcmcore.converters`, so a ``UID`` itself is never validated on creation;
        use :attr:`is_valid`.

    Notes
    -----
    For a private transfer syntax, either register it
    (:func:`register_transfer_syntax`) or call :meth:`set_private_encoding`.
    """

    __slots__ = ("_PRIVATE_TS_ENCODING",)

    def __new__(cls, val: str, validation_mode: int | None = None) -> UID:
        if not isinstance(val, str):
            raise TypeError("A UID must be created from a string")
        if type(val) is cls:
            return val
        uid = super().__new__(cls, val.strip(" \x00"))
        encoding = getattr(val, "_PRIVATE_TS_ENCODING", None)
        if encoding is not None:
            uid._PRIVATE_TS_ENCODING = encoding
        return uid

    def __reduce__(self) -> tuple[Any, ...]:
        encoding = getattr(self, "_PRIVATE_TS_ENCODING", None)
        return (_rebuild_uid, (str(self), encoding))

    # -- registry ---------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The registry name, or the UID itself when not registered."""
        info = uid_info(self)
        if info is not None and info.name:
            return info.name
        ts = _ts.get(self)
        if ts is not None and ts.name:
            return ts.name
        return str(self)

    @property
    def keyword(self) -> str:
        """The registry keyword, or ``''``."""
        info = uid_info(self)
        return info.keyword if info is not None else ""

    @property
    def type(self) -> str:
        """The registry type (``'SOP Class'``, ``'Transfer Syntax'``, ...), or ``''``."""
        info = uid_info(self)
        if info is not None:
            return info.type
        return "Transfer Syntax" if self.is_transfer_syntax else ""

    @property
    def info(self) -> str:
        """The registry info text, or ``''``."""
        info = uid_info(self)
        return info.info if info is not None else ""

    @property
    def is_retired(self) -> bool:
        """``True`` if the registry lists the UID as retired."""
        info = uid_info(self)
        return info.is_retired if info is not None else False

    @property
    def is_private(self) -> bool:
        """``True`` if the UID is not under the DICOM root ``1.2.840.10008.``."""
        return not self.startswith(_DICOM_ROOT)

    @property
    def is_valid(self) -> bool:
        """``True`` if the UID is at most 64 characters of valid UID syntax."""
        return len(self) <= 64 and RE_VALID_UID.match(self) is not None

    # -- transfer syntax --------------------------------------------------------------

    def _syntax(self) -> _ts.TransferSyntax:
        found = _ts.get(self)
        if found is not None:
            return found
        encoding = getattr(self, "_PRIVATE_TS_ENCODING", None)
        if encoding is not None:
            return _ts.TransferSyntax(
                uid=str(self),
                name=str(self),
                keyword="",
                implicit_vr=encoding[0],
                little_endian=encoding[1],
                deflated=False,
                encapsulated=False,
                lossless=True,
                private=True,
            )
        raise ValueError("UID is not a transfer syntax.")

    @property
    def is_transfer_syntax(self) -> bool:
        """``True`` for a standard or registered transfer syntax UID."""
        return _ts.get(self) is not None or hasattr(self, "_PRIVATE_TS_ENCODING")

    @property
    def is_implicit_VR(self) -> bool:
        """``True`` for an implicit VR transfer syntax; ``ValueError`` if not a syntax."""
        return self._syntax().implicit_vr

    @property
    def is_little_endian(self) -> bool:
        """``True`` for a little endian transfer syntax; ``ValueError`` if not a syntax."""
        return self._syntax().little_endian

    @property
    def is_deflated(self) -> bool:
        """``True`` when the whole dataset is deflated; ``ValueError`` if not a syntax."""
        return self._syntax().deflated

    @property
    def is_encapsulated(self) -> bool:
        """``True`` when pixel data is encapsulated; ``ValueError`` if not a syntax."""
        return self._syntax().encapsulated

    @property
    def is_compressed(self) -> bool:
        """``True`` unless pixel data is native (pydicom: every non-native syntax).

        Encapsulated syntaxes (including *Encapsulated Uncompressed*, as in pydicom)
        and syntaxes whose pixel data is referenced out of band count as compressed.
        """
        return not self._syntax().is_native

    def set_private_encoding(self, implicit_vr: bool, little_endian: bool) -> None:
        """Set the dataset encoding of an unregistered private transfer syntax UID."""
        self._PRIVATE_TS_ENCODING = (bool(implicit_vr), bool(little_endian))


def _rebuild_uid(value: str, encoding: tuple[bool, bool] | None) -> UID:
    uid = UID(value)
    if encoding is not None:
        uid._PRIVATE_TS_ENCODING = encoding
    return uid


# The project has no registered UID root, so generated UIDs use the ISO/IEC 9834-8
# (ITU-T X.667) "2.25." arc: 2.25 followed by the decimal form of a 128-bit UUID, which
# needs no registration. See generate_uid.
DCMCORE_ROOT_UID = "2.25."
"""dcmcore's UID root: ``'2.25.'`` (UUID-derived UIDs, no registered root needed)."""

# Fixed value of f"2.25.{uuid.uuid5(uuid.NAMESPACE_URL, 'dcmcore').int}" (checked by a test),
# written out so importing this module does not import uuid.
DCMCORE_IMPLEMENTATION_UID = UID("2.25.263952706733868864714545478096072424809")
"""(0002,0012) *Implementation Class UID* of dcmcore: a fixed name-based UUID UID."""

IMPLEMENTATION_CLASS_UID = str(DCMCORE_IMPLEMENTATION_UID)
"""The (0002,0012) *Implementation Class UID* written in file meta information (a str)."""
IMPLEMENTATION_VERSION_NAME = f"DCMCORE {_version}"[:16]
"""The (0002,0013) *Implementation Version Name* written in file meta information."""

_MAX_PREFIX_LENGTH = 54


def _entropy_bytes(entropy_srcs: Iterable[Any]) -> bytes:
    # Length-prefix each source so ["ab", "c"] and ["a", "bc"] differ.
    parts = []
    for src in entropy_srcs:
        data = str(src).encode("utf-8")
        parts.append(len(data).to_bytes(8, "big") + data)
    return b"".join(parts)


def generate_uid(
    prefix: str | None = DCMCORE_ROOT_UID,
    entropy_srcs: list[str] | None = None,
) -> UID:
    """Return a new valid UID of at most 64 characters.

    Parameters
    ----------
    prefix : str or None, optional
        The root to use, ending with ``'.'``. The default, ``'2.25.'``, and ``None``
        both give ``'2.25.'`` followed by the integer form of a 128-bit UUID (random
        UUID4, or with `entropy_srcs` a name-based UUID derived from a SHA-256 hash).
        Any other prefix (at most 54 characters) gets a random suffix, or with
        `entropy_srcs` the decimal SHA-512 hash of the sources, cut to 64 characters.
    entropy_srcs : list of str, optional
        Values to derive the UID from deterministically: the same sources always give
        the same UID and do not reveal the sources.

    Returns
    -------
    UID

    Raises
    ------
    ValueError
        If `prefix` is longer than 54 characters or not a valid UID prefix.
    """
    import hashlib  # imported here: they cost more than the rest of this module

    if prefix is None or prefix == "2.25.":
        import uuid

        if entropy_srcs is None:
            value = uuid.uuid4().int
        else:
            digest = bytearray(hashlib.sha256(_entropy_bytes(entropy_srcs)).digest()[:16])
            # Mark as a version 8 (custom, RFC 9562) UUID in the RFC 4122 variant.
            digest[6] = (digest[6] & 0x0F) | 0x80
            digest[8] = (digest[8] & 0x3F) | 0x80
            value = int.from_bytes(digest, "big")
        return UID(f"2.25.{value}")
    if len(prefix) > _MAX_PREFIX_LENGTH:
        raise ValueError(
            f"The 'prefix' should be no more than {_MAX_PREFIX_LENGTH} characters long"
        )
    if not RE_VALID_UID_PREFIX.match(prefix):
        raise ValueError(
            f"The 'prefix' {prefix!r} is not a valid UID prefix (digits and dots, no leading "
            "zeros, ending with '.'); see PS3.5 section 9.1"
        )
    room = 64 - len(prefix)
    if entropy_srcs is None:
        import secrets

        suffix = str(secrets.randbelow(10**room))
    else:
        suffix = str(int.from_bytes(hashlib.sha512(_entropy_bytes(entropy_srcs)).digest(), "big"))
    return UID(f"{prefix}{suffix[:room]}")


# -- transfer syntax constants and lists ----------------------------------------------

ImplicitVRLittleEndian = UID("1.2.840.10008.1.2")
ExplicitVRLittleEndian = UID("1.2.840.10008.1.2.1")
EncapsulatedUncompressedExplicitVRLittleEndian = UID("1.2.840.10008.1.2.1.98")
DeflatedExplicitVRLittleEndian = UID("1.2.840.10008.1.2.1.99")
ExplicitVRBigEndian = UID("1.2.840.10008.1.2.2")
JPEGBaseline8Bit = UID("1.2.840.10008.1.2.4.50")
JPEGExtended12Bit = UID("1.2.840.10008.1.2.4.51")
JPEGLossless = UID("1.2.840.10008.1.2.4.57")
JPEGLosslessSV1 = UID("1.2.840.10008.1.2.4.70")
JPEGLSLossless = UID("1.2.840.10008.1.2.4.80")
JPEGLSNearLossless = UID("1.2.840.10008.1.2.4.81")
JPEG2000Lossless = UID("1.2.840.10008.1.2.4.90")
JPEG2000 = UID("1.2.840.10008.1.2.4.91")
JPEG2000MCLossless = UID("1.2.840.10008.1.2.4.92")
JPEG2000MC = UID("1.2.840.10008.1.2.4.93")
JPIPReferenced = UID("1.2.840.10008.1.2.4.94")
JPIPReferencedDeflate = UID("1.2.840.10008.1.2.4.95")
MPEG2MPML = UID("1.2.840.10008.1.2.4.100")
MPEG2MPMLF = UID("1.2.840.10008.1.2.4.100.1")
MPEG2MPHL = UID("1.2.840.10008.1.2.4.101")
MPEG2MPHLF = UID("1.2.840.10008.1.2.4.101.1")
MPEG4HP41 = UID("1.2.840.10008.1.2.4.102")
MPEG4HP41F = UID("1.2.840.10008.1.2.4.102.1")
MPEG4HP41BD = UID("1.2.840.10008.1.2.4.103")
MPEG4HP41BDF = UID("1.2.840.10008.1.2.4.103.1")
MPEG4HP422D = UID("1.2.840.10008.1.2.4.104")
MPEG4HP422DF = UID("1.2.840.10008.1.2.4.104.1")
MPEG4HP423D = UID("1.2.840.10008.1.2.4.105")
MPEG4HP423DF = UID("1.2.840.10008.1.2.4.105.1")
MPEG4HP42STEREO = UID("1.2.840.10008.1.2.4.106")
MPEG4HP42STEREOF = UID("1.2.840.10008.1.2.4.106.1")
HEVCMP51 = UID("1.2.840.10008.1.2.4.107")
HEVCM10P51 = UID("1.2.840.10008.1.2.4.108")
JPEGXLLossless = UID("1.2.840.10008.1.2.4.110")
JPEGXLJPEGRecompression = UID("1.2.840.10008.1.2.4.111")
JPEGXL = UID("1.2.840.10008.1.2.4.112")
HTJ2KLossless = UID("1.2.840.10008.1.2.4.201")
HTJ2KLosslessRPCL = UID("1.2.840.10008.1.2.4.202")
HTJ2K = UID("1.2.840.10008.1.2.4.203")
JPIPHTJ2KReferenced = UID("1.2.840.10008.1.2.4.204")
JPIPHTJ2KReferencedDeflate = UID("1.2.840.10008.1.2.4.205")
RLELossless = UID("1.2.840.10008.1.2.5")
SMPTEST211020UncompressedProgressiveActiveVideo = UID("1.2.840.10008.1.2.7.1")
SMPTEST211020UncompressedInterlacedActiveVideo = UID("1.2.840.10008.1.2.7.2")
SMPTEST211030PCMDigitalAudio = UID("1.2.840.10008.1.2.7.3")
DeflatedImageFrameCompression = UID("1.2.840.10008.1.2.8.1")
Papyrus3ImplicitVRLittleEndian = UID("1.2.840.10008.1.20")

JPEGTransferSyntaxes = [JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLossless, JPEGLosslessSV1]
"""JPEG (ISO/IEC 10918-1) transfer syntaxes (non-retired)."""
JPEGLSTransferSyntaxes = [JPEGLSLossless, JPEGLSNearLossless]
"""JPEG-LS (ISO/IEC 14495-1) transfer syntaxes."""
JPEG2000TransferSyntaxes = [
    JPEG2000Lossless,
    JPEG2000,
    JPEG2000MCLossless,
    JPEG2000MC,
    HTJ2KLossless,
    HTJ2KLosslessRPCL,
    HTJ2K,
]
"""JPEG 2000 (ISO/IEC 15444-1/-2/-15) transfer syntaxes, HTJ2K included."""
JPEGXLTransferSyntaxes = [JPEGXLLossless, JPEGXLJPEGRecompression, JPEGXL]
"""JPEG XL (ISO/IEC 18181-1) transfer syntaxes."""
MPEGTransferSyntaxes = [
    MPEG2MPML,
    MPEG2MPMLF,
    MPEG2MPHL,
    MPEG2MPHLF,
    MPEG4HP41,
    MPEG4HP41F,
    MPEG4HP41BD,
    MPEG4HP41BDF,
    MPEG4HP422D,
    MPEG4HP422DF,
    MPEG4HP423D,
    MPEG4HP423DF,
    MPEG4HP42STEREO,
    MPEG4HP42STEREOF,
    HEVCMP51,
    HEVCM10P51,
]
"""MPEG-2, MPEG-4 AVC/H.264 and HEVC/H.265 transfer syntaxes."""
RLETransferSyntaxes = [RLELossless]
"""RLE transfer syntaxes."""
UncompressedTransferSyntaxes = [
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
]
"""Native (uncompressed, unencapsulated) transfer syntaxes, as in pydicom."""
AllTransferSyntaxes = [
    ImplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    EncapsulatedUncompressedExplicitVRLittleEndian,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    *JPEGTransferSyntaxes,
    *JPEGLSTransferSyntaxes,
    JPEG2000Lossless,
    JPEG2000,
    JPEG2000MCLossless,
    JPEG2000MC,
    *MPEGTransferSyntaxes,
    *JPEGXLTransferSyntaxes,
    HTJ2KLossless,
    HTJ2KLosslessRPCL,
    HTJ2K,
    JPIPHTJ2KReferenced,
    JPIPHTJ2KReferencedDeflate,
    RLELossless,
    SMPTEST211020UncompressedProgressiveActiveVideo,
    SMPTEST211020UncompressedInterlacedActiveVideo,
    SMPTEST211030PCMDigitalAudio,
    DeflatedImageFrameCompression,
]
"""All non-retired standard transfer syntaxes plus *Explicit VR Big Endian* (as pydicom)."""
PrivateTransferSyntaxes: list[UID] = []
"""Private transfer syntaxes added with :func:`register_transfer_syntax`."""


def register_transfer_syntax(
    uid: str | UID,
    implicit_vr: bool | None = None,
    little_endian: bool | None = None,
) -> UID:
    """Register a private transfer syntax so datasets using it can be read and written.

    Parameters
    ----------
    uid : str or UID
        The private transfer syntax UID; may already carry an encoding set with
        :meth:`UID.set_private_encoding`.
    implicit_vr, little_endian : bool, optional
        The dataset encoding. Required unless `uid` already has one.

    Returns
    -------
    UID
        The registered UID (also added to :data:`PrivateTransferSyntaxes` and to
        :mod:`dcmcore.transfer_syntax` as a native, lossless syntax).

    Raises
    ------
    ValueError
        If the encoding is not given and not known for `uid`.
    """
    uid = UID(uid)
    if implicit_vr is not None and little_endian is not None:
        uid.set_private_encoding(implicit_vr, little_endian)
    elif not uid.is_transfer_syntax:
        raise ValueError(
            "The corresponding dataset encoding for 'uid' must be set using "
            "the 'implicit_vr' and 'little_endian' arguments"
        )
    existing = _ts.get(uid)
    encoding = getattr(uid, "_PRIVATE_TS_ENCODING", None)
    if encoding is not None and (existing is None or existing.private):
        info = uid_info(uid)
        _ts.register(
            _ts.TransferSyntax(
                uid=str(uid),
                name=info.name if info is not None else str(uid),
                keyword=info.keyword if info is not None else "",
                implicit_vr=encoding[0],
                little_endian=encoding[1],
                deflated=existing.deflated if existing is not None else False,
                encapsulated=existing.encapsulated if existing is not None else False,
                lossless=existing.lossless if existing is not None else True,
                private=True,
            ),
            replace=True,
        )
    if uid not in PrivateTransferSyntaxes:
        PrivateTransferSyntaxes.append(uid)
    return uid


# -- every UID registry keyword as a module attribute -----------------------------------


def __getattr__(name: str) -> UID:
    uid = uid_for_keyword(name) if not name.startswith("_") else None
    if uid is None:
        raise AttributeError(f"module 'dcmcore.uid' has no attribute {name!r}")
    value = UID(uid)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    names = set(globals())
    names.update(info.keyword for _, info in iter_uids() if info.keyword)
    return sorted(names)
