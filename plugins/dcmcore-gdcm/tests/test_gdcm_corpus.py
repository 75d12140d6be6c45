"""Differential tests: every compressed corpus file through dcmcore's whole pipeline.

Reference: pydicom with its GDCM backend (same library, so equal arrays), and a second
opinion from pylibjpeg / pyjpegls / pydicom's own RLE decoder. pydicom's GDCM backend
has no RLE and refuses 12-bit lossy JPEG; there the second opinion is the reference.
Bound between decoders for lossy JPEG (measured on these files: GDCM's IJG 6b vs
pylibjpeg's libjpeg 9 differ by at most 3 in 8-bit, 1 in 12-bit): 3.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

pydicom = pytest.importorskip("pydicom")

DECODED = {
    "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81",
    "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.5",
}
LOSSY_JPEG = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"}
RLE = "1.2.840.10008.1.2.5"
LOSSY_JPEG_BOUND = 3
#: corpus files the plugin refuses, and why (the message must say so)
REFUSED = {
    "SC_rgb_rle_16bit.dcm": "16-bit colour RLE is not supported",
    "SC_rgb_rle_16bit_2frame.dcm": "16-bit colour RLE is not supported",
    "SC_rgb_rle_32bit.dcm": "32-bit colour RLE is not supported",
    "SC_rgb_rle_32bit_2frame.dcm": "32-bit colour RLE is not supported",
    # the frame holds a stray sequence delimiter: its SIZ reads as 14540801 tiles
    "JPEG2000-embedded-sequence-delimiter.dcm": "tiles, more than 65535",
}


def _corpus() -> list[tuple[str, str]]:
    root = Path(pydicom.__file__).parent / "data" / "test_files"
    found = []
    for path in sorted(root.glob("*.dcm")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                meta = pydicom.filereader.read_file_meta_info(path)
                uid = str(meta.get("TransferSyntaxUID", ""))
                if uid in DECODED and "Rows" in pydicom.dcmread(path, stop_before_pixels=True):
                    found.append((path.name, uid))
        except Exception:  # noqa: BLE001 - not a DICOM file we can use
            continue
    return found


#: JPEG-lossy.dcm's scan header is invalid for sequential JPEG (Se 0): pylibjpeg refuses
#: it, IJG/GDCM only warns. JPGExtended.dcm holds the same image with a valid header.
SECOND_OPINION_SOURCE = {"JPEG-lossy.dcm": "JPGExtended.dcm"}

CORPUS = _corpus()
DECODABLE = [(n, u) for n, u in CORPUS if n not in REFUSED]


def test_corpus_has_every_family():
    uids = {u for _, u in CORPUS}
    assert uids == DECODED - {"1.2.840.10008.1.2.4.57"}  # no process 14 file in the corpus
    assert len(DECODABLE) >= 30


@pytest.mark.parametrize(("name", "uid"), DECODABLE, ids=[n for n, _ in DECODABLE])
def test_corpus_file_decodes_like_pydicom(name, uid, corpus_file, pydicom_array,
                                          dcmcore_array):
    path = corpus_file(name)
    ours = dcmcore_array(path)
    try:
        ref = pydicom_array(path, "gdcm")
    except (RuntimeError, NotImplementedError, ValueError):
        ref = None  # pydicom's GDCM backend has no RLE and no 12-bit lossy JPEG
    if ref is not None:
        assert ours.dtype == ref.dtype and ours.shape == ref.shape
        assert np.array_equal(ours, ref)
    other = corpus_file(SECOND_OPINION_SOURCE.get(name, name))
    second = pydicom_array(other, "pydicom" if uid == RLE else "pylibjpeg")
    assert ours.shape == second.shape and ours.dtype == second.dtype
    diff = np.abs(ours.astype(np.int64) - second.astype(np.int64)).max()
    if uid in LOSSY_JPEG:
        assert diff <= LOSSY_JPEG_BOUND
    else:
        assert diff == 0


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_corpus_files_the_plugin_refuses_say_why(name, corpus_file, dcmcore_array):
    from dcmcore.errors import CodecError

    with pytest.raises(CodecError, match=REFUSED[name]):
        dcmcore_array(corpus_file(name))


def test_refused_colour_rle_falls_back_to_another_plugin_when_not_forced(corpus_file,
                                                                         pydicom_array):
    import dcmcore

    if not [c for c in dcmcore.codecs.available_decoders()
            if RLE in c.transfer_syntaxes and c.name != "gdcm"]:
        pytest.skip("no other dcmcore RLE decoder is installed")
    path = corpus_file("SC_rgb_rle_16bit.dcm")
    with dcmcore.codecs.config.using(order=["gdcm"], ts="RLELossless"):
        ds = dcmcore.dcmread(path)
        arr = ds.pixel_array
    assert np.array_equal(arr, pydicom_array(path, "pydicom"))


def test_one_frame_by_index_equals_the_same_frame_of_the_whole(corpus_file):
    import dcmcore.pixels

    path = corpus_file("rtdose_rle.dcm")
    whole = dcmcore.pixels.pixel_array(path, decoding_plugin="gdcm")
    frame = dcmcore.pixels.pixel_array(path, index=7, decoding_plugin="gdcm")
    assert np.array_equal(whole[7], frame)


def test_parallel_decode_in_worker_processes_equals_sequential(corpus_file):
    import dcmcore.pixels

    path = corpus_file("examples_ybr_color.dcm")  # 30 frames
    one = dcmcore.pixels.pixel_array(path, decoding_plugin="gdcm", workers=1)
    two = dcmcore.pixels.pixel_array(path, decoding_plugin="gdcm", workers=2)
    assert np.array_equal(one, two)
