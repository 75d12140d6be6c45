"""pydicom 3's ``pixels.encoders``: one encoder object per transfer syntax.

Each object (``RLELosslessEncoder``, ``JPEG2000LosslessEncoder``...) encodes frames
with the codecs dcmcore selects for its syntax and takes pydicom-style plugins
(``add_plugin(label, (module, function))``), which become dcmcore codecs.
:func:`get_encoder` returns the object of any syntax a dcmcore encoder handles.

Examples
--------
>>> from dcmcore.pixels.encoders import RLELosslessEncoder
>>> frame = RLELosslessEncoder.encode(ds, index=0)     # doctest: +SKIP
"""

from __future__ import annotations

import threading
from typing import Final

from dcmcore import codecs
from dcmcore import uid as _uid
from dcmcore.pixels._coders import Encoder, syntax_name

__all__ = [
    "Encoder",
    "get_encoder",
    "JPEG2000Encoder",
    "JPEG2000LosslessEncoder",
    "JPEGLSLosslessEncoder",
    "JPEGLSNearLosslessEncoder",
    "RLELosslessEncoder",
]

_lock = threading.Lock()
_ENCODERS: Final[dict[str, Encoder]] = {}


def _make(uid: str) -> Encoder:
    with _lock:
        if uid not in _ENCODERS:
            _ENCODERS[uid] = Encoder(uid)
        return _ENCODERS[uid]


JPEG2000LosslessEncoder: Final = _make(_uid.JPEG2000Lossless)
JPEG2000Encoder: Final = _make(_uid.JPEG2000)
JPEGLSLosslessEncoder: Final = _make(_uid.JPEGLSLossless)
JPEGLSNearLosslessEncoder: Final = _make(_uid.JPEGLSNearLossless)
RLELosslessEncoder: Final = _make(_uid.RLELossless)


def get_encoder(uid: str) -> Encoder:
    """The encoder object of the transfer syntax `uid`.

    Raises
    ------
    NotImplementedError
        No dcmcore encoder handles `uid` (native syntaxes need none).
    """
    uid = str(uid)
    found = _ENCODERS.get(uid)
    if found is not None:
        return found
    if any(uid in c.transfer_syntaxes for c in codecs.all_encoders()):
        return _make(uid)
    raise NotImplementedError(
        f"No pixel data encoders have been implemented for '{syntax_name(uid)}'")
