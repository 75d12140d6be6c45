"""Encapsulated pixel data: items, offset tables and frame boundaries."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pytest

from dcmcore.errors import MalformedDataError, PixelDataError
from dcmcore.pixels import encapsulation as enc

pydicom = pytest.importorskip("pydicom")
from pydicom import encaps as pd_encaps  # noqa: E402

FRAMES = [b"\x01\x02\x03\xff\xd9", b"\x10" * 12, b"\x20\x21\xff\xd9", b"\x30" * 7]


def test_encapsulate_with_bot_matches_pydicom_bytes():
    for fpf in (1, 2):
        assert enc.encapsulate(FRAMES, fragments_per_frame=fpf) == pd_encaps.encapsulate(
            FRAMES, fragments_per_frame=fpf)
    assert enc.encapsulate(FRAMES, has_bot=False) == pd_encaps.encapsulate(FRAMES,
                                                                           has_bot=False)


def test_encapsulate_extended_matches_pydicom_bytes():
    assert enc.encapsulate_extended(FRAMES) == pd_encaps.encapsulate_extended(FRAMES)


def _padded(frame: bytes) -> bytes:
    return frame + b"\x00" * (len(frame) % 2)


@pytest.mark.parametrize("fpf", [1, 2])
def test_frames_found_through_the_basic_offset_table(fpf):
    value = enc.encapsulate(FRAMES, fragments_per_frame=fpf)
    assert enc.parse_basic_offsets(value)[0] == 0
    got = list(enc.generate_frames(value, number_of_frames=4))
    assert [g.rstrip(b"\x00") for g in got] == [f.rstrip(b"\x00") for f in FRAMES]
    assert enc.get_frame(value, 2, number_of_frames=4).startswith(FRAMES[2])


def test_frames_found_through_the_extended_offset_table():
    value, offsets, lengths = enc.encapsulate_extended(FRAMES)
    got = list(enc.generate_frames(value, number_of_frames=4,
                                   extended_offsets=(offsets, lengths)))
    assert got == [_padded(f) for f in FRAMES]
    # the table also works given as integers
    ints = (list(struct.unpack("<4Q", offsets)), list(struct.unpack("<4Q", lengths)))
    assert enc.get_frame(value, 3, extended_offsets=ints) == _padded(FRAMES[3])


def test_one_fragment_per_frame_without_table():
    value = enc.encapsulate(FRAMES, has_bot=False)
    assert list(enc.generate_frames(value, number_of_frames=4)) == [_padded(f) for f in FRAMES]


def test_single_frame_gathers_every_fragment():
    value = enc.encapsulate([b"abcdefgh"], fragments_per_frame=4, has_bot=False)
    assert list(enc.generate_frames(value, number_of_frames=1)) == [b"abcdefgh"]


def test_jpeg_eoi_markers_split_frames_without_table_like_pydicom():
    jpeg = [b"\xff\xd8" + b"a" * 9 + b"\xff\xd9", b"\xff\xd8" + b"b" * 21 + b"\xff\xd9"]
    value = enc.encapsulate(jpeg, fragments_per_frame=3, has_bot=False)
    ours = list(enc.generate_frames(value, number_of_frames=2))
    ref = list(pd_encaps.generate_frames(value, number_of_frames=2))
    assert ours == ref
    assert len(ours) == 2


def test_fewer_fragments_than_frames_is_an_error():
    value = enc.encapsulate(FRAMES[:2], has_bot=False)
    with pytest.raises(PixelDataError, match="fewer fragments"):
        list(enc.generate_frames(value, number_of_frames=3))


def test_frame_boundaries_need_number_of_frames_without_table():
    value = enc.encapsulate(FRAMES, has_bot=False)
    with pytest.raises(PixelDataError, match="number of frames"):
        list(enc.generate_frames(value))


def test_bad_item_tag_raises_with_offset():
    value = bytearray(enc.encapsulate(FRAMES))
    # corrupt the second fragment's item tag
    first = 8 + 16
    second = first + 8 + len(_padded(FRAMES[0]))
    value[second:second + 4] = b"\x08\x00\x10\x00"
    with pytest.raises(MalformedDataError, match=f"byte offset {second}"):
        enc.parse_fragments(bytes(value))


def test_truncated_fragment_warns_and_keeps_what_is_there():
    value = enc.encapsulate([b"x" * 20], has_bot=False)[:-6]
    with pytest.warns(Warning, match="runs past the end"):
        frags = list(enc.generate_fragments(value))
    assert frags == [b"x" * 14]


def test_huge_length_field_does_not_allocate():
    value = struct.pack("<HHL", 0xFFFE, 0xE000, 0) + struct.pack("<HHL", 0xFFFE, 0xE000,
                                                                  0xFFFFFFF0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert list(enc.generate_fragments(value)) == [b""]


def test_pydicom_generated_frames_agree_on_corpus_files():
    from pydicom import dcmread

    from tests.pixel_datasets import corpus_file

    for name in ("MR_small_RLE.dcm", "SC_rgb_rle_2frame.dcm", "JPEG2000.dcm", "rtdose_rle.dcm"):
        ds = dcmread(corpus_file(name))
        n = int(ds.get("NumberOfFrames", 1) or 1)
        ours = list(enc.generate_frames(ds.PixelData, number_of_frames=n))
        ref = list(pd_encaps.generate_frames(ds.PixelData, number_of_frames=n))
        assert ours == ref
        assert np.all([len(f) > 0 for f in ours])
