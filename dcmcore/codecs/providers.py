"""Which distributions provide codecs for which transfer syntaxes, and syntax names.

Used to write a helpful :class:`~dcmcore.errors.NoPluginError` and to match
per-syntax settings given by keyword (``DCMCORE_PLUGIN_ORDER_RLELossless``).
Names and keywords come from the transfer-syntax registry
(:mod:`dcmcore.transfer_syntax`), the only table of transfer-syntax facts.
"""

from __future__ import annotations

from dcmcore import transfer_syntax
from dcmcore import uid as _uid

__all__ = ["BUILTIN_CODECS", "KNOWN_PROVIDERS", "builtin_codec", "known_providers",
           "syntax_keyword", "syntax_name", "resolve_uid"]

KNOWN_PROVIDERS: dict[str, tuple[str, ...]] = {
    _uid.RLELossless: ("dcmcore-rle", "dcmcore-pylibjpeg (with pylibjpeg-rle)", "dcmcore-gdcm"),
    **{ts: ("dcmcore-pylibjpeg", "dcmcore-gdcm") for ts in _uid.JPEGTransferSyntaxes},
    **{ts: ("dcmcore-jpegls", "dcmcore-pylibjpeg", "dcmcore-gdcm")
       for ts in _uid.JPEGLSTransferSyntaxes},
    **{ts: ("dcmcore-openjpeg", "dcmcore-pylibjpeg", "dcmcore-gdcm")
       for ts in (_uid.JPEG2000Lossless, _uid.JPEG2000, _uid.JPEG2000MCLossless,
                  _uid.JPEG2000MC)},
    **{ts: ("dcmcore-openjpeg", "dcmcore-pylibjpeg")
       for ts in (_uid.HTJ2KLossless, _uid.HTJ2KLosslessRPCL, _uid.HTJ2K)},
}
"""Transfer syntax UID -> distributions known to provide a codec for it."""

BUILTIN_CODECS: dict[str, tuple[str, str]] = {
    _uid.DeflatedImageFrameCompression: ("deflate", "deflate"),
    _uid.EncapsulatedUncompressedExplicitVRLittleEndian: ("uncompressed", "deflate"),
}
"""Transfer syntax UID -> (codec name, plugin name) of dcmcore's own codec for it."""


def known_providers(ts_uid: str) -> tuple[str, ...]:
    """Return the distributions known to provide a codec for `ts_uid` (may be empty)."""
    return KNOWN_PROVIDERS.get(ts_uid, ())


def builtin_codec(ts_uid: str) -> tuple[str, str] | None:
    """Return (codec name, plugin name) of dcmcore's builtin codec for `ts_uid`, if any."""
    return BUILTIN_CODECS.get(ts_uid)


def syntax_keyword(ts_uid: str) -> str:
    """Return the keyword of a transfer syntax, e.g. ``"RLELossless"``, or ``""``."""
    record = transfer_syntax.get(ts_uid)
    return record.keyword if record is not None else ""


def syntax_name(ts_uid: str) -> str:
    """Return the name of a transfer syntax, or the UID itself when unknown."""
    record = transfer_syntax.get(ts_uid)
    return record.name if record is not None and record.name else ts_uid


def resolve_uid(uid_or_keyword: str) -> str:
    """Return the UID for a UID or a transfer-syntax keyword (case-insensitive).

    Examples
    --------
    >>> resolve_uid("rlelossless")
    '1.2.840.10008.1.2.5'
    """
    text = str(uid_or_keyword).strip()
    if not text or text[0].isdigit():
        return text
    lowered = text.lower()
    for record in transfer_syntax.all_syntaxes():
        if record.keyword.lower() == lowered:
            return record.uid
    return text
