"""pydicom 3's ``pixels.decoders``: one decoder object per transfer syntax.

Each object (``RLELosslessDecoder``, ``ExplicitVRLittleEndianDecoder``...) decodes
through dcmcore's pixel pipeline with the codecs dcmcore selects for its syntax, and
takes pydicom-style plugins (``add_plugin(label, (module, function))``), which become
dcmcore codecs.  :func:`get_decoder` returns the object of a syntax.

Examples
--------
>>> from dcmcore.pixels.decoders import RLELosslessDecoder
>>> RLELosslessDecoder.UID
'1.2.840.10008.1.2.5'
>>> arr, meta = RLELosslessDecoder.as_array(ds)        # doctest: +SKIP
"""

from __future__ import annotations

import threading
from typing import Final

from dcmcore import codecs, transfer_syntax
from dcmcore import uid as _uid
from dcmcore.pixels._coders import Decoder, syntax_name

__all__ = [
    "Decoder",
    "get_decoder",
    "DeflatedExplicitVRLittleEndianDecoder",
    "ExplicitVRBigEndianDecoder",
    "ExplicitVRLittleEndianDecoder",
    "HTJ2KDecoder",
    "HTJ2KLosslessDecoder",
    "HTJ2KLosslessRPCLDecoder",
    "ImplicitVRLittleEndianDecoder",
    "JPEG2000Decoder",
    "JPEG2000LosslessDecoder",
    "JPEGBaseline8BitDecoder",
    "JPEGExtended12BitDecoder",
    "JPEGLSLosslessDecoder",
    "JPEGLSNearLosslessDecoder",
    "JPEGLosslessDecoder",
    "JPEGLosslessSV1Decoder",
    "RLELosslessDecoder",
]

_lock = threading.Lock()
_DECODERS: Final[dict[str, Decoder]] = {}


def _make(uid: str) -> Decoder:
    with _lock:
        if uid not in _DECODERS:
            _DECODERS[uid] = Decoder(uid)
        return _DECODERS[uid]


ImplicitVRLittleEndianDecoder: Final = _make(_uid.ImplicitVRLittleEndian)
ExplicitVRLittleEndianDecoder: Final = _make(_uid.ExplicitVRLittleEndian)
ExplicitVRBigEndianDecoder: Final = _make(_uid.ExplicitVRBigEndian)
DeflatedExplicitVRLittleEndianDecoder: Final = _make(_uid.DeflatedExplicitVRLittleEndian)
JPEGBaseline8BitDecoder: Final = _make(_uid.JPEGBaseline8Bit)
JPEGExtended12BitDecoder: Final = _make(_uid.JPEGExtended12Bit)
JPEGLosslessDecoder: Final = _make(_uid.JPEGLossless)
JPEGLosslessSV1Decoder: Final = _make(_uid.JPEGLosslessSV1)
JPEGLSLosslessDecoder: Final = _make(_uid.JPEGLSLossless)
JPEGLSNearLosslessDecoder: Final = _make(_uid.JPEGLSNearLossless)
JPEG2000LosslessDecoder: Final = _make(_uid.JPEG2000Lossless)
JPEG2000Decoder: Final = _make(_uid.JPEG2000)
HTJ2KLosslessDecoder: Final = _make(_uid.HTJ2KLossless)
HTJ2KLosslessRPCLDecoder: Final = _make(_uid.HTJ2KLosslessRPCL)
HTJ2KDecoder: Final = _make(_uid.HTJ2K)
RLELosslessDecoder: Final = _make(_uid.RLELossless)


def get_decoder(uid: str) -> Decoder:
    """The decoder object of the transfer syntax `uid`.

    Parameters
    ----------
    uid : str
        A Transfer Syntax UID: a native one, or one a dcmcore decoder handles.

    Raises
    ------
    NotImplementedError
        No decoder exists for `uid`.
    """
    uid = str(uid)
    found = _DECODERS.get(uid)
    if found is not None:
        return found
    record = transfer_syntax.get(uid)
    if record is not None and (not record.encapsulated
                               or any(uid in c.transfer_syntaxes for c in codecs.all_decoders())):
        return _make(uid)
    raise NotImplementedError(
        f"No pixel data decoders have been implemented for '{syntax_name(uid)}'")
