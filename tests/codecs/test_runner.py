"""The codec runner: a decoder's output is checked against the frame, never repaired.

A result that does not fit the frame description counts as that decoder failing: the
runner hands the frame to the next decoder, and when none succeeds the one error type,
:class:`CodecFailedError`, names the frame and every decoder tried and why.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import dcmcore.pixels as px
from dcmcore.codecs import CodecFailedError, DecodedFrame, Decoder, Encoder, FrameInfo
from dcmcore.codecs.deflate import DEFLATED_IMAGE_FRAME
from dcmcore.codecs.runner import CodecOutputError, CodecRunner, read_decoded, read_encoded
from dcmcore.errors import CodecError
from tests.pixel_datasets import make_ds

RLE = "1.2.840.10008.1.2.5"


def _info(rows=2, columns=3, samples=1, bits=8, ts=RLE) -> FrameInfo:
    return FrameInfo(rows=rows, columns=columns, samples_per_pixel=samples,
                     bits_allocated=bits, bits_stored=bits, pixel_representation=0,
                     photometric_interpretation="MONOCHROME2" if samples == 1 else "RGB",
                     transfer_syntax_uid=ts)


class _Returns(Decoder):
    """Returns whatever `make(info)` builds (module level: pickles)."""

    transfer_syntaxes = (RLE, DEFLATED_IMAGE_FRAME)

    def __init__(self, name, make, priority=50):
        self.name, self.make, self.priority = name, make, priority

    def decode(self, data, info, **options):
        return self.make(info)


def _transposed(info):
    return np.zeros((info.columns, info.rows), np.uint16)


def _good(info):
    shape = (info.rows, info.columns) + ((info.samples_per_pixel,)
                                          if info.samples_per_pixel > 1 else ())
    return np.full(shape, 7, np.uint8)


@pytest.mark.parametrize(("result", "message"), [
    (np.zeros((3, 2), np.uint8), r"shape \(3, 2\), expected \(2, 3\)"),
    (np.zeros(6, np.uint8), r"shape \(6,\), expected \(2, 3\)"),
    (np.zeros((2, 3), np.float32), "dtype float32, expected an integer dtype"),
    (np.zeros((2, 3), np.uint16), "uint16 .16 bits., wider than Bits Allocated 8"),
    (bytes(6), r"returned bytes, not a numpy array \(return an array shaped \(2, 3\)"),
    ([[0, 0, 0], [0, 0, 0]], "returned list, not a numpy array"),
    (DecodedFrame(np.zeros((2, 3), np.uint8), None), "photometric interpretation is None"),
])
def test_decoder_output_that_does_not_fit_the_frame_is_refused(result, message):
    with pytest.raises(CodecOutputError, match=message):
        read_decoded(result, _info())


def test_planar_colour_output_is_refused_not_reinterpreted():
    with pytest.raises(CodecOutputError, match=r"shape \(3, 2, 4\), expected \(2, 4, 3\)"):
        read_decoded(np.zeros((3, 2, 4), np.uint8), _info(columns=4, samples=3))


def test_one_bit_frames_take_zeros_and_ones_only():
    info = _info(bits=1)
    assert read_decoded(np.ones((2, 3), bool), info)[0].dtype == bool
    read_decoded(np.ones((2, 3), np.uint8), info)
    with pytest.raises(CodecOutputError, match="other than 0 and 1"):
        read_decoded(np.full((2, 3), 255, np.uint8), info)


def test_conforming_output_is_returned_as_is():
    arr = np.zeros((2, 3, 1), np.uint8)
    assert read_decoded(arr, _info())[0] is arr  # a trailing sample axis of 1 is fine
    narrow = np.zeros((2, 3), np.uint8)
    assert read_decoded(narrow, _info(bits=16))[0] is narrow  # narrower than allocated
    assert read_decoded(DecodedFrame(narrow, " RGB "), _info())[1] == "RGB"


def test_encoder_output_must_be_bytes():
    assert read_encoded(bytearray(b"ab")).data == b"ab"
    with pytest.raises(CodecOutputError, match="returned str, not bytes"):
        read_encoded("ab")


def test_refused_output_hands_the_frame_to_the_next_decoder():
    runner = CodecRunner([_Returns("transposed", _transposed), _Returns("good", _good)],
                         _info())
    decoded = runner.decode(b"", index=4)
    assert decoded.decoder == "good" and (decoded.array == 7).all()
    assert decoded.failures == (("transposed", "invalid output: returned shape (3, 2), "
                                 "expected (2, 3) (rows, columns)"),)


def test_every_decoder_failing_raises_one_error_naming_frame_decoders_and_reasons():
    runner = CodecRunner([_Returns("transposed", _transposed),
                          _Returns("floats", lambda info: np.zeros((2, 3)))],
                         _info(), skipped=[("gone", "unavailable: not installed")])
    with pytest.raises(CodecFailedError) as caught:
        list(runner.decode_many([b"", b""], first=10))
    err = caught.value
    assert isinstance(err, CodecError)
    assert (err.kind, err.frame, err.ts_uid) == ("decoder", 10, RLE)
    assert [name for name, _ in err.failures] == ["transposed", "floats"]
    text = str(err)
    assert text.startswith("unable to decode frame 10 of RLE Lossless")
    assert "'floats': invalid output: returned dtype float64" in text
    assert "not tried:\n  'gone': unavailable: not installed" in text
    clone = pickle.loads(pickle.dumps(err))  # errors come back from worker processes
    assert (clone.frame, clone.failures, str(clone)) == (10, err.failures, text)


def test_the_decoder_that_worked_is_tried_first_on_the_next_frame():
    calls = []

    class Counting(_Returns):
        def decode(self, data, info, **options):
            calls.append(self.name)
            return super().decode(data, info, **options)

    runner = CodecRunner([Counting("bad", _transposed), Counting("good", _good)], _info())
    decoded = list(runner.decode_many([b"", b"", b""]))
    assert calls == ["bad", "good", "good", "good"]
    assert [d.decoder for d in decoded] == ["good"] * 3


def test_runner_pickles_with_its_codecs_and_options():
    runner = CodecRunner([_Returns("good", _good)], _info(), {"x": 1})
    clone = pickle.loads(pickle.dumps(runner))
    assert clone.info == runner.info and clone.codec("good").name == "good"
    assert clone.decode(b"").decoder == "good"


def test_encoders_fall_back_in_the_same_loop():
    class Broken(Encoder):
        name = "broken"

        def encode(self, arr, info, **options):
            return 42

    class Fine(Encoder):
        name = "fine"

        def encode(self, arr, info, **options):
            return b"ok"

    out = CodecRunner([Broken(), Fine()], _info()).encode_many([np.zeros((2, 3), np.uint8)] * 2)
    assert [(e.frame.data, e.encoder) for e in out] == [(b"ok", "fine")] * 2
    assert out[0].failures == (("broken", "invalid output: returned int, not bytes"),)
    with pytest.raises(CodecFailedError, match="unable to encode frame 0 of RLE Lossless"):
        CodecRunner([Broken()], _info()).encode(np.zeros((2, 3), np.uint8), 0)


# ---- through the pixel pipeline --------------------------------------------------------------

def _deflated(frames=4):
    ds = make_ds(rows=4, cols=5, ba=16, bs=16, frames=frames, seed=2)
    original = px.pixel_array(ds)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    return ds, original


@pytest.mark.parametrize("workers", [None, 2])
def test_pixel_array_falls_back_past_a_decoder_with_the_wrong_shape(register_codecs, workers):
    ds, original = _deflated()
    register_codecs(_Returns("transposed", _transposed, priority=1000))
    assert np.array_equal(px.pixel_array(ds, workers=workers), original)


@pytest.mark.parametrize("workers", [None, 2])
def test_pixel_array_with_only_a_bad_decoder_names_it_and_the_frame(register_codecs, workers):
    ds, _ = _deflated()
    register_codecs(_Returns("transposed", _transposed, priority=1000))
    with pytest.raises(CodecFailedError) as caught:
        px.pixel_array(ds, decoding_plugin="transposed", workers=workers)
    assert caught.value.frame == 0
    assert caught.value.failures == [("transposed", "invalid output: returned shape (5, 4), "
                                      "expected (4, 5) (rows, columns)")]
