"""The transfer-syntax registry: how each transfer syntax encodes a dataset.

Code that must choose an encoding asks this registry (``get(uid).implicit_vr`` ...)
instead of comparing UID strings. The standard syntaxes (PS3.5 / PS3.6 Table A-1, up to
the newest edition) are built in; plugins add private ones with :func:`register`.

Names and keywords come from the UID registry in :mod:`dcmcore.dictionary`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from dcmcore.dictionary import uid_info

__all__ = [
    "TransferSyntax",
    "get",
    "require",
    "register",
    "unregister",
    "all_syntaxes",
]


@dataclass(frozen=True)
class TransferSyntax:
    """How a transfer syntax encodes the dataset and its pixel data.

    Attributes
    ----------
    uid : str
        The transfer syntax UID.
    name, keyword : str
        From the UID registry (``''`` keyword for private syntaxes without one).
    implicit_vr : bool
        The dataset (after the file meta) uses implicit VR.
    little_endian : bool
        The dataset uses little endian byte order.
    deflated : bool
        The whole dataset is deflated (e.g. 1.2.840.10008.1.2.1.99). Not set for
        *Deflated Image Frame Compression*, which deflates each frame.
    encapsulated : bool
        Pixel data is encapsulated (fragments with a Basic Offset Table).
    lossless : bool
        ``False`` when the syntax allows lossy compression.
    retired : bool
        Retired from the standard.
    private : bool
        Not a DICOM-registered syntax (added by a plugin or an application).
    referenced : bool
        Pixel data is not in the dataset but referenced or streamed out of band
        (JPIP referenced syntaxes, SMPTE ST 2110 real-time video/audio).
    """

    uid: str
    name: str
    keyword: str
    implicit_vr: bool
    little_endian: bool
    deflated: bool
    encapsulated: bool
    lossless: bool
    retired: bool = False
    private: bool = False
    referenced: bool = False

    @property
    def is_native(self) -> bool:
        """Pixel data, when present, is stored uncompressed and unencapsulated."""
        return not (self.encapsulated or self.referenced)


# uid: (implicit_vr, little_endian, deflated, encapsulated, lossless, referenced)
# Names, keywords and retired flags come from the UID registry.
_NATIVE = (False, True, False, False, True, False)
_LOSSLESS = (False, True, False, True, True, False)
_LOSSY = (False, True, False, True, False, False)
_STANDARD: dict[str, tuple[bool, bool, bool, bool, bool, bool]] = {
    "1.2.840.10008.1.2": (True, True, False, False, True, False),
    "1.2.840.10008.1.2.1": _NATIVE,
    "1.2.840.10008.1.2.1.98": _LOSSLESS,  # Encapsulated Uncompressed Explicit VR LE
    "1.2.840.10008.1.2.1.99": (False, True, True, False, True, False),
    "1.2.840.10008.1.2.2": (False, False, False, False, True, False),
    # JPEG (ISO/IEC 10918-1): DCT processes are lossy, processes 14/15/28/29 lossless
    "1.2.840.10008.1.2.4.50": _LOSSY,
    "1.2.840.10008.1.2.4.51": _LOSSY,
    "1.2.840.10008.1.2.4.52": _LOSSY,
    "1.2.840.10008.1.2.4.53": _LOSSY,
    "1.2.840.10008.1.2.4.54": _LOSSY,
    "1.2.840.10008.1.2.4.55": _LOSSY,
    "1.2.840.10008.1.2.4.56": _LOSSY,
    "1.2.840.10008.1.2.4.57": _LOSSLESS,
    "1.2.840.10008.1.2.4.58": _LOSSLESS,
    "1.2.840.10008.1.2.4.59": _LOSSY,
    "1.2.840.10008.1.2.4.60": _LOSSY,
    "1.2.840.10008.1.2.4.61": _LOSSY,
    "1.2.840.10008.1.2.4.62": _LOSSY,
    "1.2.840.10008.1.2.4.63": _LOSSY,
    "1.2.840.10008.1.2.4.64": _LOSSY,
    "1.2.840.10008.1.2.4.65": _LOSSLESS,
    "1.2.840.10008.1.2.4.66": _LOSSLESS,
    "1.2.840.10008.1.2.4.70": _LOSSLESS,
    # JPEG-LS
    "1.2.840.10008.1.2.4.80": _LOSSLESS,
    "1.2.840.10008.1.2.4.81": _LOSSY,
    # JPEG 2000 (Part 1 and Part 2 multi-component)
    "1.2.840.10008.1.2.4.90": _LOSSLESS,
    "1.2.840.10008.1.2.4.91": _LOSSY,
    "1.2.840.10008.1.2.4.92": _LOSSLESS,
    "1.2.840.10008.1.2.4.93": _LOSSY,
    # JPIP: pixel data referenced by Pixel Data Provider URL; "Deflate" deflates the dataset
    "1.2.840.10008.1.2.4.94": (False, True, False, False, False, True),
    "1.2.840.10008.1.2.4.95": (False, True, True, False, False, True),
    # MPEG-2, MPEG-4 AVC/H.264, HEVC/H.265
    "1.2.840.10008.1.2.4.100": _LOSSY,
    "1.2.840.10008.1.2.4.100.1": _LOSSY,
    "1.2.840.10008.1.2.4.101": _LOSSY,
    "1.2.840.10008.1.2.4.101.1": _LOSSY,
    "1.2.840.10008.1.2.4.102": _LOSSY,
    "1.2.840.10008.1.2.4.102.1": _LOSSY,
    "1.2.840.10008.1.2.4.103": _LOSSY,
    "1.2.840.10008.1.2.4.103.1": _LOSSY,
    "1.2.840.10008.1.2.4.104": _LOSSY,
    "1.2.840.10008.1.2.4.104.1": _LOSSY,
    "1.2.840.10008.1.2.4.105": _LOSSY,
    "1.2.840.10008.1.2.4.105.1": _LOSSY,
    "1.2.840.10008.1.2.4.106": _LOSSY,
    "1.2.840.10008.1.2.4.106.1": _LOSSY,
    "1.2.840.10008.1.2.4.107": _LOSSY,
    "1.2.840.10008.1.2.4.108": _LOSSY,
    # JPEG XL: lossless; lossless recompression of a (lossy) JPEG; general
    "1.2.840.10008.1.2.4.110": _LOSSLESS,
    "1.2.840.10008.1.2.4.111": _LOSSY,
    "1.2.840.10008.1.2.4.112": _LOSSY,
    # High-Throughput JPEG 2000
    "1.2.840.10008.1.2.4.201": _LOSSLESS,
    "1.2.840.10008.1.2.4.202": _LOSSLESS,
    "1.2.840.10008.1.2.4.203": _LOSSY,
    "1.2.840.10008.1.2.4.204": (False, True, False, False, False, True),
    "1.2.840.10008.1.2.4.205": (False, True, True, False, False, True),
    "1.2.840.10008.1.2.5": _LOSSLESS,  # RLE Lossless
    # Retired non-binary encodings (MIME, XML): no binary dataset encoding of their own
    "1.2.840.10008.1.2.6.1": _NATIVE,
    "1.2.840.10008.1.2.6.2": _NATIVE,
    # SMPTE ST 2110 (DICOM-RTV): essence streamed out of band, uncompressed
    "1.2.840.10008.1.2.7.1": (False, True, False, False, True, True),
    "1.2.840.10008.1.2.7.2": (False, True, False, False, True, True),
    "1.2.840.10008.1.2.7.3": (False, True, False, False, True, True),
    "1.2.840.10008.1.2.8.1": _LOSSLESS,  # Deflated Image Frame Compression
    "1.2.840.10008.1.20": (True, True, False, False, True, False),  # Papyrus 3 implicit
}

_lock = threading.Lock()
_builtin: dict[str, TransferSyntax] | None = None
_registry: dict[str, TransferSyntax] | None = None


def _build() -> dict[str, TransferSyntax]:
    global _builtin, _registry
    with _lock:
        if _registry is not None:
            return _registry
        builtin = {}
        for uid, (implicit, little, deflated, encaps, lossless, referenced) in _STANDARD.items():
            info = uid_info(uid)
            if info is None or info.type != "Transfer Syntax":  # pragma: no cover - data bug
                raise RuntimeError(f"UID registry has no transfer syntax {uid}")
            builtin[uid] = TransferSyntax(
                uid=uid,
                name=info.name,
                keyword=info.keyword,
                implicit_vr=implicit,
                little_endian=little,
                deflated=deflated,
                encapsulated=encaps,
                lossless=lossless,
                retired=info.is_retired,
                private=False,
                referenced=referenced,
            )
        _builtin = builtin
        _registry = dict(builtin)
        return _registry


def get(uid: str) -> TransferSyntax | None:
    """Return the registered transfer syntax for `uid`, or ``None`` when unknown.

    Surrounding spaces and a trailing NUL (UI padding) are ignored.
    """
    registry = _registry if _registry is not None else _build()
    found = registry.get(uid)
    if found is None and isinstance(uid, str):
        found = registry.get(uid.strip(" \x00"))
    return found


def require(uid: str) -> TransferSyntax:
    """Return the transfer syntax for `uid`.

    Raises
    ------
    ValueError
        If `uid` is not a registered transfer syntax (the message names the UID).
    """
    found = get(uid)
    if found is None:
        raise ValueError(
            f"Unknown transfer syntax UID {str(uid)!r}: not a standard transfer syntax "
            "and not registered (see dcmcore.transfer_syntax.register)"
        )
    return found


def register(ts: TransferSyntax, *, replace: bool = False) -> TransferSyntax:
    """Add `ts` to the registry (typically a plugin's private transfer syntax).

    Parameters
    ----------
    ts : TransferSyntax
        The syntax to add.
    replace : bool, optional
        Allow replacing a different registration for the same UID (standard ones
        included). Registering an identical record again is always allowed.

    Returns
    -------
    TransferSyntax
        `ts`.

    Raises
    ------
    ValueError
        If another, different record is registered for ``ts.uid`` and `replace` is
        ``False``.
    TypeError
        If `ts` is not a :class:`TransferSyntax`.
    """
    if not isinstance(ts, TransferSyntax):
        raise TypeError(f"register() needs a TransferSyntax, got {type(ts).__name__}")
    if not ts.uid or ts.uid != ts.uid.strip():
        raise ValueError(f"Invalid transfer syntax UID {ts.uid!r}")
    registry = _registry if _registry is not None else _build()
    with _lock:
        existing = registry.get(ts.uid)
        if existing is not None and existing != ts and not replace:
            raise ValueError(
                f"Transfer syntax {ts.uid} is already registered as {existing.name!r} "
                "with different properties; pass replace=True to override"
            )
        registry[ts.uid] = ts
    return ts


def unregister(uid: str) -> None:
    """Remove a registration made with :func:`register`.

    A replaced standard syntax reverts to its built-in record; unknown UIDs are
    ignored.

    Raises
    ------
    ValueError
        If `uid` is a standard syntax that was never replaced (built-ins stay).
    """
    registry = _registry if _registry is not None else _build()
    assert _builtin is not None
    with _lock:
        builtin = _builtin.get(uid)
        if builtin is not None:
            if registry.get(uid) == builtin:
                raise ValueError(f"Cannot unregister the standard transfer syntax {uid}")
            registry[uid] = builtin
            return
        registry.pop(uid, None)


def all_syntaxes() -> list[TransferSyntax]:
    """Return every registered transfer syntax, standard ones first."""
    registry = _registry if _registry is not None else _build()
    with _lock:
        return list(registry.values())
