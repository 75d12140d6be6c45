"""The dcmcore plugin face: codec classes, hooks, entry point, pickling, error types."""

from __future__ import annotations

import pickle
from importlib import metadata

import numpy as np
import pytest
from dcmcore_rle import plugin
from dcmcore_rle.plugin import RLE_LOSSLESS, RLEDecoder, RLEEncoder, RLEPixelDataError

from dcmcore.codecs import Decoder, Encoder, FrameInfo
from dcmcore.errors import PixelDataError


def _info(rows=4, columns=5, samples=1, bits=16, **kw) -> FrameInfo:
    return FrameInfo(
        rows=rows,
        columns=columns,
        samples_per_pixel=samples,
        bits_allocated=bits,
        bits_stored=bits,
        pixel_representation=0,
        photometric_interpretation="RGB" if samples == 3 else "MONOCHROME2",
        transfer_syntax_uid=RLE_LOSSLESS,
        **kw,
    )


def test_codecs_declare_name_syntax_and_thread_safety():
    for codec, base in ((RLEDecoder(), Decoder), (RLEEncoder(), Encoder)):
        assert isinstance(codec, base)
        assert codec.name == "rle"
        assert codec.transfer_syntaxes == ("1.2.840.10008.1.2.5",)
        assert codec.thread_safe is False  # holds the GIL: processes, not threads
        assert codec.unavailable_reason() is None


def test_hooks_return_one_decoder_and_one_encoder():
    assert [type(d) for d in plugin.dcmcore_decoders()] == [RLEDecoder]
    assert [type(e) for e in plugin.dcmcore_encoders()] == [RLEEncoder]


def test_entry_point_is_registered_in_the_dcmcore_group():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="dcmcore")}
    assert eps.get("rle") == "dcmcore_rle.plugin"


@pytest.mark.parametrize(("samples", "bits"), [(1, 8), (3, 8), (1, 16), (3, 32), (1, 64)])
def test_encode_then_decode_through_the_codec_classes(samples, bits):
    info = _info(7, 9, samples, bits)
    shape = (7, 9, samples) if samples > 1 else (7, 9)
    arr = np.random.default_rng(bits).integers(0, 255, shape).astype(f"u{bits // 8}")
    data = RLEEncoder().encode(arr, info)
    out = RLEDecoder().decode(data, info)
    assert out.shape == shape and np.array_equal(out, arr)


def test_codecs_pickle_and_work_after_unpickling():
    dec = pickle.loads(pickle.dumps(RLEDecoder()))
    enc = pickle.loads(pickle.dumps(RLEEncoder()))
    arr = np.arange(20, dtype=np.uint16).reshape(4, 5)
    assert np.array_equal(dec.decode(enc.encode(arr, _info()), _info()), arr)


def test_decoder_errors_are_dcmcore_pixel_data_errors_and_value_errors():
    with pytest.raises(RLEPixelDataError, match="out of range") as excinfo:
        RLEDecoder().decode(b"\x03" + b"\x00" * 63, _info(bits=16))  # offsets 0: bad
    assert isinstance(excinfo.value, PixelDataError)
    assert isinstance(excinfo.value, ValueError)


def test_encoder_refuses_64_bit_colour_with_a_pixel_data_error():
    with pytest.raises(PixelDataError, match="at most 15"):
        RLEEncoder().encode(np.zeros((2, 2, 3), np.uint64), _info(2, 2, 3, 64))


def test_segment_order_option_is_declared_and_used():
    assert RLEDecoder().options == {"rle_segment_order": ">"}
    arr = np.array([[0x0102, 0x0304]], dtype=np.uint16)
    swapped = RLEEncoder().encode(arr.byteswap(), _info(1, 2))
    out = RLEDecoder().decode(swapped, _info(1, 2), rle_segment_order="<")
    assert np.array_equal(out, arr)


def test_core_selection_finds_the_rle_codecs_by_name():
    selection = pytest.importorskip("dcmcore.codecs.selection")
    decoders = selection.decoders_for(RLE_LOSSLESS, plugin="rle")
    encoders = selection.encoders_for(RLE_LOSSLESS, plugin="rle")
    assert decoders and isinstance(decoders[0], RLEDecoder)
    assert encoders and isinstance(encoders[0], RLEEncoder)
