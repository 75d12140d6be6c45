"""Encoding frames with the codecs' encoders, through the codec runner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from dcmcore.codecs.base import EncodedFrame
from dcmcore.codecs.runner import CodecRunner
from dcmcore.pixels.module import PixelModule
from dcmcore.pixels.selection import select

__all__ = ["encode_frames"]


def encode_frames(
    mod: PixelModule, frames: Sequence[np.ndarray], plugin: str, options: Mapping[str, Any]
) -> list[EncodedFrame]:
    """Encode each frame (shaped (rows, columns[, samples]), interleaved) to `mod`'s syntax.

    The encoders are selected once; bare bytes from an encoder become an
    :class:`EncodedFrame` saying nothing changed.
    """
    plan = select("encoder", mod.transfer_syntax_uid, plugin)
    runner = CodecRunner(plan.codecs, mod.frame_info(), options, skipped=plan.skipped)
    return [encoded.frame for encoded in runner.encode_many(frames)]
