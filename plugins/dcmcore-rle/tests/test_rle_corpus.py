"""Differential tests: every RLE Lossless file in pydicom's corpus decodes as pydicom does."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from dcmcore_rle.rle import RLEWarning, decode_frame

pydicom = pytest.importorskip("pydicom")
from pydicom.encaps import generate_frames  # noqa: E402

RLE_LOSSLESS = "1.2.840.10008.1.2.5"
CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"


def _rle_files() -> list[Path]:
    found = []
    for path in sorted(CORPUS.glob("*")):
        if not path.is_file():
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                meta = pydicom.filereader.read_file_meta_info(path)
        except Exception:
            continue
        if meta.get("TransferSyntaxUID") == RLE_LOSSLESS:
            found.append(path)
    return found


RLE_FILES = _rle_files()


def test_corpus_has_the_known_rle_files():
    names = {p.name for p in RLE_FILES}
    assert {"MR_small_RLE.dcm", "SC_rgb_rle.dcm", "rtdose_rle.dcm", "SC_rgb_rle_32bit_2frame.dcm"} <= names


@pytest.mark.parametrize("path", RLE_FILES, ids=lambda p: p.name)
def test_corpus_file_decodes_like_pydicom(path: Path):
    ds = pydicom.dcmread(path)
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    fragments = list(generate_frames(ds.PixelData, number_of_frames=frames))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RLEWarning)
        ours = np.stack(
            [
                decode_frame(f, ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.BitsAllocated)
                for f in fragments
            ]
        )
    ref = ds.pixel_array.reshape(ours.shape)
    assert ours.dtype.kind == "u" and ours.dtype.itemsize == ds.BitsAllocated // 8
    # We return unsigned; the core applies signedness. Compare the bit patterns.
    assert np.array_equal(ours.view(ref.dtype), ref)
