"""Encoding frames with the codecs' encoders, with fallback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from dcmcore.codecs.base import EncodedFrame
from dcmcore.errors import CodecError
from dcmcore.pixels.frame_info import PixelModule

__all__ = ["get_encoders", "encode_frames"]


def get_encoders(ts_uid: str, plugin: str = "") -> list[Any]:
    """Return the encoders for `ts_uid` in selection order (only `plugin` if named)."""
    from dcmcore.pixels.decode import _select

    return _select("encoder", ts_uid, plugin)


def _accepted(encoder: Any, options: dict[str, Any]) -> dict[str, Any]:
    accepted = getattr(encoder, "accepted_options", None)
    if accepted is not None:
        return accepted(options)
    declared = getattr(encoder, "options", None)
    if not declared or not options:
        return options
    return {k: v for k, v in options.items() if k in declared}


def encode_frames(
    mod: PixelModule, frames: Sequence[np.ndarray], plugin: str, options: dict[str, Any]
) -> list[EncodedFrame]:
    """Encode each frame (shaped (rows, columns[, samples]), interleaved).

    Bare bytes from an encoder become an :class:`EncodedFrame` saying nothing changed.
    """
    encoders = get_encoders(mod.transfer_syntax_uid, plugin)
    info = mod.frame_info(planar_configuration=int(mod.planar_configuration or 0))
    out: list[EncodedFrame] = []
    last = 0
    for index, frame in enumerate(frames):
        order = [last] + [i for i in range(len(encoders)) if i != last]
        failures = []
        for i in order:
            enc = encoders[i]
            try:
                data = enc.encode(frame, info, **_accepted(enc, options))
            except Exception as exc:  # noqa: BLE001 - hand over to the next plugin
                failures.append(f"{getattr(enc, 'name', type(enc).__name__)}: "
                                f"{type(exc).__name__}: {exc}")
                continue
            last = i
            if isinstance(data, EncodedFrame):
                out.append(data._replace(data=bytes(data.data)))
            else:
                out.append(EncodedFrame(bytes(data)))
            break
        else:
            raise CodecError(
                f"Unable to encode frame {index} as '{mod.transfer_syntax_uid}'; every plugin "
                "failed:\n  " + "\n  ".join(failures)
            )
    return out
