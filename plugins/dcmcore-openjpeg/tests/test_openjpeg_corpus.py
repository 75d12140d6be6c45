"""Differential tests on pydicom's JPEG 2000 files: dcmcore + 'openjpeg' gives pydicom's arrays."""

from __future__ import annotations

import numpy as np
import pytest

from dcmcore.errors import CodecError

pytest.importorskip("pydicom")
pytest.importorskip("openjpeg")

# (file, Photometric Interpretation of the array that dcmcore and pydicom return)
LOSSLESS = [
    ("MR_small_jp2klossless.dcm", "MONOCHROME2"),
    ("J2K_pixelrep_mismatch.dcm", "MONOCHROME2"),
    ("GDCMJ2K_TextGBR.dcm", "RGB"),      # YBR_RCT, JP2-wrapped, 16 tiles
    ("examples_jpeg2k.dcm", "RGB"),      # YBR_RCT
]
LOSSY = [
    ("JPEG2000.dcm", "MONOCHROME2"),
    ("693_J2KI.dcm", "MONOCHROME2"),     # precision 16, Bits Stored 14
    ("SC_rgb_gdcm_KY.dcm", "RGB"),
]


@pytest.mark.parametrize(("name", "pi"), LOSSLESS + LOSSY, ids=lambda v: str(v))
def test_corpus_file_decodes_like_pydicom_pylibjpeg(name, pi, corpus, ours, pydicom_array):
    # Lossy files too: the reference decodes with the same openjpeg, so the arrays are equal.
    path = corpus(name)
    arr = ours(path)
    ref = pydicom_array(path, "pylibjpeg")
    assert arr.dtype == ref.dtype
    assert arr.shape == ref.shape
    assert np.array_equal(arr, ref)


@pytest.mark.parametrize(("name", "pi"), LOSSLESS, ids=lambda v: str(v))
def test_lossless_corpus_file_decodes_like_pydicom_gdcm(name, pi, corpus, ours, pydicom_array):
    pytest.importorskip("gdcm")
    path = corpus(name)
    assert np.array_equal(ours(path), pydicom_array(path, "gdcm"))


@pytest.mark.parametrize(("name", "pi"), LOSSY, ids=lambda v: str(v))
def test_lossy_corpus_file_is_within_one_of_gdcm(name, pi, corpus, ours, pydicom_array):
    # GDCM has its own openjpeg build: irreversible (9-7) decodes may round differently.
    pytest.importorskip("gdcm")
    path = corpus(name)
    diff = np.abs(ours(path).astype(np.int64) - pydicom_array(path, "gdcm").astype(np.int64))
    assert diff.max() <= 1


def test_pixel_representation_mismatch_is_reconciled_by_the_core(corpus, ours, pydicom_array):
    # The codestream says unsigned 13-bit (openjpeg gives 0..8191), the dataset signed:
    # pydicom (#1149) sign-extends from the J2K precision to -2000..1896.
    path = corpus("J2K_pixelrep_mismatch.dcm")
    arr = ours(path)
    assert arr.dtype == np.int16
    assert (int(arr.min()), int(arr.max())) == (-2000, 1896)
    assert np.array_equal(arr, pydicom_array(path, "pylibjpeg"))


def test_sign_correction_can_be_turned_off(corpus, ours):
    arr = ours(corpus("J2K_pixelrep_mismatch.dcm"), apply_j2k_sign_correction=False)
    assert int(arr.min()) >= 0 and int(arr.max()) <= 8191


@pytest.mark.parametrize(("name", "pi"), LOSSLESS + LOSSY, ids=lambda v: str(v))
def test_decompress_sets_the_photometric_interpretation_of_the_array(name, pi, corpus):
    import dcmcore

    ds = dcmcore.dcmread(corpus(name))
    ds.decompress(decoding_plugin="openjpeg")
    assert ds.PhotometricInterpretation == pi
    assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"


@pytest.mark.parametrize("name", ["GDCMJ2K_TextGBR.dcm", "examples_jpeg2k.dcm"])
def test_ybr_rct_file_is_returned_as_rgb_like_pydicom_decompress(name, corpus,
                                                                pydicom_array):
    pydicom = pytest.importorskip("pydicom")
    import dcmcore

    ds = dcmcore.dcmread(corpus(name))
    ds.decompress(decoding_plugin="openjpeg")
    ref = pydicom.dcmread(corpus(name))
    ref.decompress(decoding_plugin="pylibjpeg")
    assert ds.PhotometricInterpretation == ref.PhotometricInterpretation == "RGB"
    assert np.array_equal(ds.pixel_array, ref.pixel_array)


def test_corrupt_siz_marker_is_refused_with_the_disagreement(corpus, ours, pydicom_array):
    # A sequence delimiter item tag written into the SIZ marker: openjpeg in pydicom fails
    # too; here the header check names the bad field before openjpeg allocates anything.
    path = corpus("JPEG2000-embedded-sequence-delimiter.dcm")
    with pytest.raises(CodecError, match="3722445056 columns"):
        ours(path)
    with pytest.raises(Exception):  # noqa: B017 - pydicom's own error type
        pydicom_array(path, "pylibjpeg")
