"""Codec plugin system: base classes, hooks, plugin manager, selection and configuration.

Plugin authors use :class:`Decoder`, :class:`Encoder`, :class:`FrameInfo`,
:class:`DecodedFrame` and the :data:`hookimpl` marker (see docs/plugins.md).
The pixel pipeline uses the selection API (:func:`decoders_for`,
:func:`decode_with_fallback`, ...).  Importing this package never loads a
plugin: entry points are read on first codec use.
"""

from __future__ import annotations

from dcmcore.codecs.base import Codec, DecodedFrame, Decoder, Encoder, FrameInfo
from dcmcore.codecs.hookspecs import PROJECT_NAME, hookimpl, hookspec

__all__ = [
    "PROJECT_NAME",
    "Codec",
    "DecodedFrame",
    "Decoder",
    "Encoder",
    "FrameInfo",
    "hookimpl",
    "hookspec",
]
