"""Which distributions provide codecs for which transfer syntaxes, and syntax names.

Used to write a helpful :class:`~dcmcore.errors.NoPluginError` and to match
per-syntax settings given by keyword (``DCMCORE_PLUGIN_ORDER_RLELossless``).
The transfer-syntax registry (:mod:`dcmcore.transfer_syntax`) is asked first;
the small table here is the fallback for the compressed syntaxes.
"""

from __future__ import annotations

__all__ = ["BUILTIN_CODECS", "KNOWN_PROVIDERS", "builtin_codec", "known_providers",
           "syntax_keyword", "syntax_name", "resolve_uid"]

_RLE = "1.2.840.10008.1.2.5"
_JPEG = ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
         "1.2.840.10008.1.2.4.70")
_JPEGLS = ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81")
_J2K = ("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92",
        "1.2.840.10008.1.2.4.93")
_HTJ2K = ("1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203")
_DEFLATED_FRAMES = "1.2.840.10008.1.2.8.1"
_ENCAPSULATED_UNCOMPRESSED = "1.2.840.10008.1.2.1.98"

KNOWN_PROVIDERS: dict[str, tuple[str, ...]] = {
    _RLE: ("dcmcore-rle", "dcmcore-pylibjpeg (with pylibjpeg-rle)", "dcmcore-gdcm"),
    **{uid: ("dcmcore-pylibjpeg", "dcmcore-gdcm") for uid in _JPEG},
    **{uid: ("dcmcore-jpegls", "dcmcore-pylibjpeg", "dcmcore-gdcm") for uid in _JPEGLS},
    **{uid: ("dcmcore-openjpeg", "dcmcore-pylibjpeg", "dcmcore-gdcm") for uid in _J2K},
    **{uid: ("dcmcore-openjpeg", "dcmcore-pylibjpeg") for uid in _HTJ2K},
}
"""Transfer syntax UID -> distributions known to provide a codec for it."""

BUILTIN_CODECS: dict[str, tuple[str, str]] = {
    _DEFLATED_FRAMES: ("deflate", "deflate"),
    _ENCAPSULATED_UNCOMPRESSED: ("uncompressed", "deflate"),
}
"""Transfer syntax UID -> (codec name, plugin name) of dcmcore's own codec for it."""

_NAMES: dict[str, tuple[str, str]] = {
    "1.2.840.10008.1.2": ("ImplicitVRLittleEndian", "Implicit VR Little Endian"),
    "1.2.840.10008.1.2.1": ("ExplicitVRLittleEndian", "Explicit VR Little Endian"),
    "1.2.840.10008.1.2.1.99": ("DeflatedExplicitVRLittleEndian",
                               "Deflated Explicit VR Little Endian"),
    "1.2.840.10008.1.2.2": ("ExplicitVRBigEndian", "Explicit VR Big Endian"),
    _RLE: ("RLELossless", "RLE Lossless"),
    _JPEG[0]: ("JPEGBaseline8Bit", "JPEG Baseline (Process 1)"),
    _JPEG[1]: ("JPEGExtended12Bit", "JPEG Extended (Process 2 and 4)"),
    _JPEG[2]: ("JPEGLossless", "JPEG Lossless, Non-Hierarchical (Process 14)"),
    _JPEG[3]: ("JPEGLosslessSV1", "JPEG Lossless, Non-Hierarchical, First-Order Prediction"),
    _JPEGLS[0]: ("JPEGLSLossless", "JPEG-LS Lossless Image Compression"),
    _JPEGLS[1]: ("JPEGLSNearLossless", "JPEG-LS Lossy (Near-Lossless) Image Compression"),
    _J2K[0]: ("JPEG2000Lossless", "JPEG 2000 Image Compression (Lossless Only)"),
    _J2K[1]: ("JPEG2000", "JPEG 2000 Image Compression"),
    _J2K[2]: ("JPEG2000MCLossless", "JPEG 2000 Part 2 Multi-component (Lossless Only)"),
    _J2K[3]: ("JPEG2000MC", "JPEG 2000 Part 2 Multi-component Image Compression"),
    _HTJ2K[0]: ("HTJ2KLossless", "High-Throughput JPEG 2000 (Lossless Only)"),
    _HTJ2K[1]: ("HTJ2KLosslessRPCL", "High-Throughput JPEG 2000 with RPCL Options (Lossless)"),
    _HTJ2K[2]: ("HTJ2K", "High-Throughput JPEG 2000 Image Compression"),
    _DEFLATED_FRAMES: ("DeflatedImageFrameCompression", "Deflated Image Frame Compression"),
    _ENCAPSULATED_UNCOMPRESSED: ("EncapsulatedUncompressedExplicitVRLittleEndian",
                                 "Encapsulated Uncompressed Explicit VR Little Endian"),
}


def known_providers(ts_uid: str) -> tuple[str, ...]:
    """Return the distributions known to provide a codec for `ts_uid` (may be empty)."""
    return KNOWN_PROVIDERS.get(ts_uid, ())


def builtin_codec(ts_uid: str) -> tuple[str, str] | None:
    """Return (codec name, plugin name) of dcmcore's builtin codec for `ts_uid`, if any."""
    return BUILTIN_CODECS.get(ts_uid)


def _registry_entry(ts_uid: str):  # -> TransferSyntax | None
    try:
        from dcmcore import transfer_syntax
    except ImportError:  # transfer_syntax.py not available: use the local table
        return None
    try:
        return transfer_syntax.get(ts_uid)
    except Exception:  # the registry must never break codec selection
        return None


def syntax_keyword(ts_uid: str) -> str:
    """Return the keyword of a transfer syntax, e.g. ``"RLELossless"``, or ``""``."""
    ts = _registry_entry(ts_uid)
    if ts is not None and getattr(ts, "keyword", ""):
        return str(ts.keyword)
    return _NAMES.get(ts_uid, ("", ""))[0]


def syntax_name(ts_uid: str) -> str:
    """Return the name of a transfer syntax, or the UID itself when unknown."""
    ts = _registry_entry(ts_uid)
    if ts is not None and getattr(ts, "name", ""):
        return str(ts.name)
    return _NAMES.get(ts_uid, ("", ts_uid))[1]


def resolve_uid(uid_or_keyword: str) -> str:
    """Return the UID for a UID or a transfer-syntax keyword (case-insensitive)."""
    text = str(uid_or_keyword).strip()
    if not text or text[0].isdigit():
        return text
    lowered = text.lower()
    for uid, (keyword, _) in _NAMES.items():
        if keyword.lower() == lowered:
            return uid
    try:
        from dcmcore import transfer_syntax

        for ts in transfer_syntax.all_syntaxes():
            if str(getattr(ts, "keyword", "")).lower() == lowered:
                return str(ts.uid)
    except Exception:  # registry missing or broken: the keyword stays unresolved
        pass
    return text
