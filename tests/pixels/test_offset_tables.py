"""Offset tables whose values don't fit the data: never allocate or crash, agree
between the file, in-memory and per-frame paths."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from tests.pixel_datasets import assert_same_array, make_ds, write_file

pytest.importorskip("pydicom")

import dcmcore  # noqa: E402
import dcmcore.pixels as px  # noqa: E402
from dcmcore.codecs.deflate import DEFLATED_IMAGE_FRAME  # noqa: E402
from dcmcore.errors import DcmcoreWarning  # noqa: E402


def _compressed(frames):
    ds = make_ds(rows=8, cols=10, ba=8, frames=frames, seed=frames)
    original = px.pixel_array(ds)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    return ds, original


def _frames(ds):
    from pydicom.encaps import generate_frames

    return list(generate_frames(ds.PixelData, number_of_frames=ds.NumberOfFrames))


def _with_eot(tmp_path, offsets=None, lengths=None):
    from pydicom.encaps import encapsulate_extended

    ds, original = _compressed(3)
    pixel_data, eot, eot_lengths = encapsulate_extended(_frames(ds))
    o = list(struct.unpack("<3Q", eot))
    n = list(struct.unpack("<3Q", eot_lengths))
    ds.PixelData = pixel_data
    ds.ExtendedOffsetTable = struct.pack("<3Q", *(offsets(o) if offsets else o))
    ds.ExtendedOffsetTableLengths = struct.pack("<3Q", *(lengths(n) if lengths else n))
    path = tmp_path / "eot.dcm"
    path.write_bytes(write_file(ds, DEFLATED_IMAGE_FRAME))
    return str(path), original


def test_valid_extended_offset_table_is_used_without_warning(tmp_path):
    import warnings

    path, original = _with_eot(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same_array(original, px.pixel_array(path))
        assert_same_array(original, dcmcore.dcmread(path).pixel_array)


@pytest.mark.parametrize("bad", [
    {"lengths": lambda n: n[:2] + [0x1000000000]},  # 64 GiB: MemoryError
    {"lengths": lambda n: n[:2] + [2**63 + 5]},  # OverflowError
    {"offsets": lambda o: o[:2] + [2**63 + 5]},  # ValueError / OSError on seek
    {"offsets": lambda o: [o[0], o[1] + 2, o[2]]},  # not at an item
])
def test_extended_offset_table_past_the_data_is_ignored_with_warning(tmp_path, bad):
    path, original = _with_eot(tmp_path, **bad)
    with pytest.warns(DcmcoreWarning, match=r"Extended Offset Table.*frame [12]"):
        assert_same_array(original, px.pixel_array(path))
    with pytest.warns(DcmcoreWarning, match="Extended Offset Table"):
        assert_same_array(original, dcmcore.dcmread(path).pixel_array)
    with pytest.warns(DcmcoreWarning, match="Extended Offset Table"):
        assert_same_array(original, np.stack(list(px.iter_pixels(path))))


def test_file_source_reads_stay_inside_the_pixel_data(tmp_path):
    from dcmcore.pixels.source import open_file_source

    path, _ = _with_eot(tmp_path)
    with open(path, "rb") as f:
        src = open_file_source(f)
        size = f.seek(0, 2) - src.origin
        assert len(src.read_at(0, 0x1000000000)) == size
        assert len(src.read_at(8, 2**63 + 5)) == size - 8
        assert src.read_at(2**63 + 5, 10) == b""
        assert src.read_at(size, 10) == b""


def _encapsulate(frames, bot):
    item = struct.Struct("<HHL")
    out = [item.pack(0xFFFE, 0xE000, 4 * len(bot)), struct.pack(f"<{len(bot)}L", *bot)]
    for f in frames:
        f += b"\x00" * (len(f) % 2)
        out += [item.pack(0xFFFE, 0xE000, len(f)), f]
    return b"".join(out)


def test_basic_offset_table_entry_past_the_data_agrees_between_entry_points(tmp_path):
    ds, original = _compressed(4)
    frames = _frames(ds)
    bot, pos = [], 0
    for f in frames + [b""]:
        bot.append(pos)
        pos += 8 + len(f) + len(f) % 2
    ds.PixelData = _encapsulate(frames, bot)  # a 5th entry, just past the data
    path = tmp_path / "bot.dcm"
    path.write_bytes(write_file(ds, DEFLATED_IMAGE_FRAME))
    for src in (ds, str(path)):
        assert_same_array(original, px.pixel_array(src))
        assert_same_array(original, np.stack(list(px.iter_pixels(src))))
    assert_same_array(original, np.stack(list(px.iter_pixels(str(path), workers=2))))
    with pytest.raises(dcmcore.errors.CodecError):
        list(px.iter_pixels(ds, indices=[4]))  # asked for by name: an error


@pytest.mark.parametrize("empty", ["table", "lengths", "both"])
def test_empty_extended_offset_table_is_treated_as_absent(tmp_path, empty):
    import warnings

    ds, original = _compressed(3)
    ds.PixelData = _encapsulate(_frames(ds), [])
    ds.ExtendedOffsetTable = b"" if empty != "lengths" else struct.pack("<3Q", 0, 1, 2)
    ds.ExtendedOffsetTableLengths = b"" if empty != "table" else struct.pack("<3Q", 1, 1, 1)
    path = tmp_path / "empty.dcm"
    path.write_bytes(write_file(ds, DEFLATED_IMAGE_FRAME))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert_same_array(original, dcmcore.dcmread(path).pixel_array)
        assert_same_array(original, px.pixel_array(str(path)))
        assert_same_array(original, np.stack(list(px.iter_pixels(str(path)))))
