"""Dummy codecs for the codec-plugin tests (module level, so instances pickle).

Each decoder fills the frame with a constant so a test can tell which one ran.
"""

from __future__ import annotations

import numpy as np

from dcmcore.codecs import DecodedFrame, Decoder, Encoder, hookimpl

RLE = "1.2.840.10008.1.2.5"
JPEG_LS = "1.2.840.10008.1.2.4.80"
PRIVATE = "1.2.3.4.5.6.7.8.9"


def _shape(info):
    if info.samples_per_pixel == 1:
        return (info.rows, info.columns)
    return (info.rows, info.columns, info.samples_per_pixel)


class ConstDecoder(Decoder):
    """Decodes any frame to an array full of `value`."""

    options = {"scale": 1}

    def __init__(self, name, syntaxes=(RLE,), value=1, priority=50, thread_safe=False):
        self.name = name
        self.transfer_syntaxes = tuple(syntaxes)
        self.value = value
        self.priority = priority
        self.thread_safe = thread_safe
        self.seen_options: list[dict] = []

    def decode(self, data, info, **options):
        self.seen_options.append(dict(options))
        return np.full(_shape(info), self.value * options["scale"], dtype=np.uint8)


class FailingDecoder(ConstDecoder):
    """Always raises, with a recognisable message."""

    def decode(self, data, info, **options):
        raise ValueError(f"{self.name} cannot read this")


class UnavailableDecoder(ConstDecoder):
    """Needs a module that is not installed."""

    requires = ("dcmcore_no_such_module_xyz",)


class BadOutputDecoder(ConstDecoder):
    """Returns a list instead of an array."""

    def decode(self, data, info, **options):
        return [[0]]


class ColourDecoder(ConstDecoder):
    """Converts YBR to RGB itself and says so."""

    def decode(self, data, info, **options):
        return DecodedFrame(np.full(_shape(info), self.value, dtype=np.uint8), "RGB")


class BatchDecoder(ConstDecoder):
    """Native batch support; records the batch sizes it was given."""

    supports_batch = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches: list[int] = []

    def decode_batch(self, frames, info, **options):
        self.batches.append(len(frames))
        return [np.full(_shape(info), i, dtype=np.uint8) for i, _ in enumerate(frames)]


class ConstEncoder(Encoder):
    """Encodes any array to `name` as bytes."""

    options = {"level": 0}

    def __init__(self, name, syntaxes=(RLE,), priority=50, fail=False):
        self.name = name
        self.transfer_syntaxes = tuple(syntaxes)
        self.priority = priority
        self.fail = fail

    def encode(self, arr, info, **options):
        if self.fail:
            raise RuntimeError(f"{self.name} encoder broke")
        return f"{self.name}:{options['level']}".encode()


@hookimpl
def dcmcore_decoders():
    return [ConstDecoder("dummy", value=3)]


@hookimpl
def dcmcore_encoders():
    return [ConstEncoder("dummy")]
