"""dcmcore.dask.stack on a real 2-process cluster: equal to stacking pydicom's pixel_array."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import CORPUS  # noqa: E402

from dcmcore.dask import read_metadata, stack  # noqa: E402

MR = ["MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
      "MR_small_jp2klossless.dcm", "MR_small_jpeg_ls_lossless.dcm", "MR_small_expb.dcm"]


def _reference(names: list[str]) -> np.ndarray:
    """pydicom's frames of `names`, one after the other."""
    out = []
    for n in names:
        ds = pydicom.dcmread(CORPUS / n)
        arr = ds.pixel_array
        out.append(arr if int(ds.get("NumberOfFrames", 1) or 1) > 1 else arr[np.newaxis])
    return np.concatenate(out)


def test_stack_of_files_in_several_syntaxes_equals_pydicom(client):
    paths = [str(CORPUS / n) for n in MR]
    arr = stack(paths)
    assert arr.shape == (len(MR), 64, 64) and arr.dtype == np.int16
    assert arr.numblocks == (len(MR), 1, 1)  # one chunk per file
    np.testing.assert_array_equal(arr.compute(), _reference(MR))


def test_stack_of_multi_frame_colour_files_equals_pydicom(client):
    names = ["SC_rgb_rle_2frame.dcm", "SC_rgb_rle.dcm", "SC_rgb_dcmtk_+eb+cr.dcm"]
    arr = stack([str(CORPUS / n) for n in names])
    assert arr.shape == (4, 100, 100, 3) and arr.dtype == np.uint8
    assert arr.chunks[0] == (2, 1, 1)
    np.testing.assert_array_equal(arr.compute(), _reference(names))


def test_one_multi_frame_file_is_one_chunk_per_frame(client):
    arr = stack(str(CORPUS / "rtdose_rle.dcm"))
    assert arr.shape == (15, 10, 10) and arr.numblocks[0] == 15
    np.testing.assert_array_equal(arr[3:5].compute(), _reference(["rtdose_rle.dcm"])[3:5])


def test_stack_from_a_metadata_table(client):
    table = read_metadata([str(CORPUS / n) for n in MR[:3]])
    np.testing.assert_array_equal(stack(table).compute(), _reference(MR[:3]))
    # a table without the Image Pixel columns is read again from its paths
    np.testing.assert_array_equal(stack(table[["path"]].compute()).compute(), _reference(MR[:3]))


def test_frames_of_another_shape_raise_at_construction_naming_the_files():
    with pytest.raises(ValueError, match="CT_small.dcm.*SC_rgb_rle.dcm") as info:
        stack([str(CORPUS / "MR_small.dcm"), str(CORPUS / "CT_small.dcm"),
               str(CORPUS / "SC_rgb_rle.dcm")])
    assert "MR_small.dcm" in str(info.value)  # the first file, whose shape rules


def test_unreadable_files_raise_at_construction_naming_them(archive):
    with pytest.raises(ValueError, match="garbage.dcm"):
        stack([str(CORPUS / "MR_small.dcm"), str(archive / "bad" / "garbage.dcm")])
