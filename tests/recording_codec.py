"""A recording stand-in codec for the pixel API tests, and transfer syntax constants.

Transfer syntax constants and a recording stand-in codec (JPEG-LS / JPEG 2000 / ...)
registered at run time through the public plugin API: its encoder stores frames as they
are, its decoder reads them back, and both record the options they receive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dcmcore import codecs
from tests.corpus_pairs import _both, _mine

np = pytest.importorskip("numpy")

__all__ = ["_both", "_mine"]

EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLICIT_LE = "1.2.840.10008.1.2"
RLE = "1.2.840.10008.1.2.5"
JLS_LOSSLESS = "1.2.840.10008.1.2.4.80"
JLS_NEAR = "1.2.840.10008.1.2.4.81"
J2K_LOSSLESS = "1.2.840.10008.1.2.4.90"
J2K = "1.2.840.10008.1.2.4.91"


RECORDED: list[tuple[str, dict[str, Any]]] = []


class _RecordingEncoder(codecs.Encoder):
    """Stores the frame bytes as they are and records the options it got."""

    name = "recorder"
    transfer_syntaxes = (JLS_LOSSLESS, JLS_NEAR, J2K_LOSSLESS, J2K)
    priority = 1000
    options = {"jls_error": None, "j2k_cr": None, "j2k_psnr": None, "recorded_option": None}

    def encode(self, arr: Any, info: Any, **options: Any) -> bytes:
        RECORDED.append(("encode", dict(options)))
        data = np.ascontiguousarray(arr).tobytes()
        return data + b"\x00" * (len(data) % 2)


class _RecordingDecoder(codecs.Decoder):
    """Reads back what the recording encoder stored; records its options."""

    name = "recorder"
    transfer_syntaxes = (JLS_LOSSLESS, JLS_NEAR, J2K_LOSSLESS, J2K)
    priority = 1000
    options = {"recorded_option": None}

    def decode(self, data: bytes, info: Any, **options: Any) -> Any:
        RECORDED.append(("decode", dict(options)))
        dtype = np.dtype(f"<{'i' if info.pixel_representation else 'u'}{info.bits_allocated // 8}")
        shape: tuple[int, ...] = (info.rows, info.columns)
        if info.samples_per_pixel > 1:
            shape += (info.samples_per_pixel,)
        count = int(np.prod(shape))
        return np.frombuffer(data, dtype=dtype, count=count).reshape(shape)


class _RecorderPlugin:
    @codecs.hookimpl
    def dcmcore_encoders(self) -> list[Any]:
        return [_RecordingEncoder()]

    @codecs.hookimpl
    def dcmcore_decoders(self) -> list[Any]:
        return [_RecordingDecoder()]


def recording_codec() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Register the recording codec for one test (use as a fixture body: ``yield from``)."""
    name = codecs.register(_RecorderPlugin(), name="recorder-plugin")
    RECORDED.clear()
    try:
        yield RECORDED
    finally:
        codecs.unregister(name)
        RECORDED.clear()
