"""Codec plugin system: base classes, hooks, plugin manager, selection and configuration.

Plugin authors use :class:`Decoder`, :class:`Encoder`, :class:`FrameInfo`,
:class:`DecodedFrame` and the :data:`hookimpl` marker (see docs/plugins.md).
The pixel pipeline uses the selection API (:func:`decoders_for`,
:func:`decode_with_fallback`, ...); when every selected codec fails on a frame
they raise :class:`CodecFailedError`; the codec errors (defined in :mod:`dcmcore.errors`)
are re-exported here for plugin authors.  Configuration lives in
:mod:`dcmcore.codecs.config`.  Importing this package never loads a plugin:
entry points are read on first codec use.
"""

from __future__ import annotations

from dcmcore.codecs import config
from dcmcore.codecs.base import Codec, DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo
from dcmcore.codecs.hookspecs import PROJECT_NAME, hookimpl, hookspec
from dcmcore.codecs.manager import (
    ENTRY_POINT_GROUP,
    CodecInfo,
    PluginInfo,
    all_decoders,
    all_encoders,
    available_decoders,
    available_encoders,
    block,
    list_plugins,
    register,
    reload,
    unblock,
    unregister,
    unusable_reason,
)
from dcmcore.codecs.providers import KNOWN_PROVIDERS, known_providers
from dcmcore.codecs.report import CodecEntry, OrderReport, SyntaxReport, effective_order
from dcmcore.codecs.selection import (
    BatchDecodeResult,
    DecodeResult,
    EncodeResult,
    Plan,
    decode_batch_with_fallback,
    decode_frame,
    decode_with_fallback,
    decoders_for,
    encode_with_fallback,
    encoders_for,
    no_plugin_error,
    plan,
)
from dcmcore.errors import (
    CodecError,
    CodecFailedError,
    CodecOutputError,
    NoPluginError,
    PluginError,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "KNOWN_PROVIDERS",
    "PROJECT_NAME",
    "BatchDecodeResult",
    "Codec",
    "CodecEntry",
    "CodecError",
    "CodecFailedError",
    "CodecOutputError",
    "CodecInfo",
    "DecodeResult",
    "DecodedFrame",
    "Decoder",
    "EncodeResult",
    "EncodedFrame",
    "Encoder",
    "FrameInfo",
    "NoPluginError",
    "OrderReport",
    "Plan",
    "PluginError",
    "PluginInfo",
    "SyntaxReport",
    "all_decoders",
    "all_encoders",
    "available_decoders",
    "available_encoders",
    "block",
    "config",
    "decode_batch_with_fallback",
    "decode_frame",
    "decode_with_fallback",
    "decoders_for",
    "effective_order",
    "encode_with_fallback",
    "encoders_for",
    "hookimpl",
    "hookspec",
    "known_providers",
    "list_plugins",
    "no_plugin_error",
    "plan",
    "register",
    "reload",
    "unblock",
    "unregister",
    "unusable_reason",
]
