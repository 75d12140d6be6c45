"""FrameInfo, Decoder and Encoder base classes."""

from __future__ import annotations

import dataclasses
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

import dcmcore_dummy_codecs as dummy  # noqa: E402
from codecs_testing import frame_info  # noqa: E402

from dcmcore.codecs import DecodedFrame, Decoder, Encoder, FrameInfo  # noqa: E402


def test_frame_info_is_frozen_hashable_and_pickles():
    info = frame_info()
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.rows = 5  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(info)) == info
    assert hash(info) == hash(frame_info())


def test_frame_info_defaults_and_frame_length():
    info = FrameInfo(10, 3, 3, 16, 12, 0, "RGB")
    assert (info.planar_configuration, info.number_of_frames, info.transfer_syntax_uid) == (0, 1, "")
    assert info.frame_length == 10 * 3 * 3 * 2
    assert FrameInfo(3, 3, 1, 1, 1, 0, "MONOCHROME2").frame_length == 2  # 9 bits packed


def test_frame_info_carries_the_transfer_syntax_record():
    from dcmcore import transfer_syntax

    info = frame_info()
    assert info.transfer_syntax is transfer_syntax.get(info.transfer_syntax_uid)
    assert pickle.loads(pickle.dumps(info)).transfer_syntax.keyword == "RLELossless"
    assert FrameInfo(2, 3, 1, 8, 8, 0, "M", transfer_syntax_uid="1.2.3").transfer_syntax is None
    # plugins change the syntax with dataclasses.replace: the record follows the UID
    other = dataclasses.replace(info, transfer_syntax_uid="1.2.840.10008.1.2.4.80")
    assert other.transfer_syntax.keyword == "JPEGLSLossless"
    both = dataclasses.replace(info, transfer_syntax_uid=other.transfer_syntax_uid,
                               transfer_syntax=None)
    assert both.transfer_syntax is other.transfer_syntax and both == other
    given = FrameInfo(2, 3, 1, 8, 8, 0, "M", transfer_syntax=other.transfer_syntax)
    assert given.transfer_syntax_uid == other.transfer_syntax_uid  # the record sets the UID


def test_base_decoder_defaults():
    dec = Decoder()
    assert dec.priority == 50
    assert dec.thread_safe is False and dec.process_safe is True
    assert dec.supports_batch is False
    assert dec.unavailable_reason() is None and dec.is_available
    with pytest.raises(NotImplementedError):
        dec.decode(b"", frame_info())
    with pytest.raises(NotImplementedError):
        Encoder().encode(np.zeros((2, 3), np.uint8), frame_info())


def test_requires_reports_missing_module_without_importing_it():
    dec = dummy.UnavailableDecoder("u")
    reason = dec.unavailable_reason()
    assert reason is not None and "dcmcore_no_such_module_xyz" in reason
    assert not dec.is_available


def test_requires_installed_module_is_available():
    class NeedsNumpy(Decoder):
        name = "n"
        requires = ("numpy",)

    assert NeedsNumpy().unavailable_reason() is None


def test_accepted_options_keeps_declared_fills_defaults_drops_others():
    dec = dummy.ConstDecoder("c")
    assert dec.accepted_options({"scale": 2, "j2k_cr": [10]}) == {"scale": 2}
    assert dec.accepted_options({}) == {"scale": 1}


def test_default_decode_batch_decodes_frame_by_frame():
    dec = dummy.ConstDecoder("c", value=4)
    out = dec.decode_batch([b"a", b"b", b"c"], frame_info(), scale=1)
    assert len(out) == 3 and all((a == 4).all() for a in out)


def test_decoders_and_encoders_pickle_with_their_state():
    dec = dummy.ConstDecoder("c", value=9, priority=7)
    dec.provided_by = "acme-dist"
    clone = pickle.loads(pickle.dumps(dec))
    assert (clone.name, clone.value, clone.priority, clone.provided_by) == ("c", 9, 7, "acme-dist")
    assert (clone.decode(b"", frame_info(), scale=1) == 9).all()
    enc = pickle.loads(pickle.dumps(dummy.ConstEncoder("e")))
    assert enc.encode(np.zeros((2, 3), np.uint8), frame_info(), level=3) == b"e:3"


def test_decoded_frame_carries_photometric_interpretation():
    out = dummy.ColourDecoder("col").decode(b"", frame_info(samples=3, pi="YBR_FULL_422"))
    assert isinstance(out, DecodedFrame)
    arr, pi = out
    assert arr.shape == (2, 3, 3) and pi == "RGB"


def test_repr_names_codec_and_distribution():
    dec = dummy.ConstDecoder("c")
    dec.provided_by = "acme"
    assert repr(dec) == "<ConstDecoder 'c' from acme>"
