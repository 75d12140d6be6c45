"""Encoding frames with the codecs' encoders, through the codec runner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dcmcore.codecs.base import EncodedFrame
from dcmcore.codecs.runner import CodecRunner
from dcmcore.pixels.frame_info import PixelModule

__all__ = ["get_encoders", "encode_frames"]


def get_encoders(ts_uid: str, plugin: str = "") -> list[Any]:
    """Return the encoders for `ts_uid` in selection order (only `plugin` if named)."""
    from dcmcore.pixels.decode import _select

    return _select("encoder", ts_uid, plugin)


def encode_frames(
    mod: PixelModule, frames: Sequence[np.ndarray], plugin: str, options: dict[str, Any]
) -> list[EncodedFrame]:
    """Encode each frame (shaped (rows, columns[, samples]), interleaved).

    Bare bytes from an encoder become an :class:`EncodedFrame` saying nothing changed.
    """
    encoders = get_encoders(mod.transfer_syntax_uid, plugin)
    info = mod.frame_info(planar_configuration=int(mod.planar_configuration or 0))
    runner = CodecRunner(encoders, info, options)
    return [encoded.frame for encoded in runner.encode_many(frames)]
