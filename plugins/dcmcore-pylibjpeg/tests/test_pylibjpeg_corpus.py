"""Differential tests on pydicom's corpus: dcmcore + this bridge against pydicom + pylibjpeg.

pydicom's ``pylibjpeg`` backend calls the same libraries, so the arrays must be
identical (dtype, shape, values) for every file either of them decodes, and a file one
of them refuses must be refused by the other.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dcmcore.errors import DcmcoreError

#: Corpus files libjpeg/openjpeg cannot decode (pydicom's pylibjpeg backend fails too):
#: JPEG-lossy.dcm has a misplaced marker segment (libjpeg error -1038);
#: JPEG2000-embedded-sequence-delimiter.dcm has a SIZ claiming 14540801 tiles.
BROKEN = {"JPEG-lossy.dcm", "JPEG2000-embedded-sequence-delimiter.dcm"}

BACKEND = {
    "1.2.840.10008.1.2.4.50": "pylibjpeg-libjpeg",
    "1.2.840.10008.1.2.4.51": "pylibjpeg-libjpeg",
    "1.2.840.10008.1.2.4.57": "pylibjpeg-libjpeg",
    "1.2.840.10008.1.2.4.70": "pylibjpeg-libjpeg",
    "1.2.840.10008.1.2.4.80": "pylibjpeg-libjpeg",
    "1.2.840.10008.1.2.4.81": "pylibjpeg-libjpeg",
    "1.2.840.10008.1.2.4.90": "pylibjpeg-openjpeg",
    "1.2.840.10008.1.2.4.91": "pylibjpeg-openjpeg",
    "1.2.840.10008.1.2.5": "pylibjpeg-rle",
}

COLOUR_JPEG = [
    "SC_rgb_jpeg_dcmtk.dcm", "SC_rgb_dcmtk_+eb+cy+n1.dcm", "SC_rgb_dcmtk_+eb+cy+n2.dcm",
    "SC_rgb_dcmtk_+eb+cy+np.dcm", "SC_rgb_dcmtk_+eb+cy+s2.dcm", "SC_rgb_dcmtk_+eb+cy+s4.dcm",
    "examples_ybr_color.dcm", "SC_jpeg_no_color_transform.dcm",
    "SC_jpeg_no_color_transform_2.dcm", "SC_rgb_jpeg_app14_dcmd.dcm", "SC_rgb_jpeg_gdcm.dcm",
]
YBR_JPEG = [n for n in COLOUR_JPEG if "dcmtk_+eb+cy" in n or n in
            ("SC_rgb_jpeg_dcmtk.dcm", "examples_ybr_color.dcm")]


def _outcome(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - compared below
        return exc


def test_the_corpus_has_every_family(corpus_syntaxes):
    families = {uid.rsplit(".", 1)[-1] for uid in corpus_syntaxes.values()}
    assert {"50", "51", "70", "80", "81", "90", "91", "5"} <= families
    assert len(corpus_syntaxes) >= 35


def test_corpus_file_decodes_like_pydicom_pylibjpeg(corpus_file, corpus_path, pydicom_array,
                                                   dcmcore_array):
    path = corpus_path(corpus_file)
    ours = _outcome(dcmcore_array, path, "pylibjpeg")
    ref = _outcome(pydicom_array, path, "pylibjpeg")
    if isinstance(ref, Exception) or isinstance(ours, Exception):
        # both refuse (a file without pixel data, or data the libraries cannot decode)
        assert isinstance(ref, Exception), f"pydicom decoded it, dcmcore raised {ours!r}"
        assert isinstance(ours, Exception), f"dcmcore decoded it, pydicom raised {ref!r}"
        assert isinstance(ours, (DcmcoreError, AttributeError)), repr(ours)
        return
    assert ours.dtype == ref.dtype
    assert ours.shape == ref.shape
    assert np.array_equal(ours, ref)


def test_known_broken_files_are_refused_with_a_pixel_data_error(corpus_path, dcmcore_array):
    for name in BROKEN:
        with pytest.raises(DcmcoreError) as info:
            dcmcore_array(corpus_path(name), "pylibjpeg")
        assert "pylibjpeg-" in str(info.value)


@pytest.mark.parametrize("name", ["MR_small_jpeg_ls_lossless.dcm", "JPEGLSNearLossless_16.dcm",
                                  "SC_rgb_jpeg_gdcm.dcm", "MR_small_jp2klossless.dcm",
                                  "SC_rgb_rle_16bit_2frame.dcm", "rtdose_rle.dcm",
                                  "SC_rgb_jpeg_dcmtk.dcm", "J2K_pixelrep_mismatch.dcm"])
def test_each_backend_selected_by_name_decodes_like_pydicom(name, corpus_path, corpus_syntaxes,
                                                           pydicom_array, dcmcore_array):
    backend = BACKEND[corpus_syntaxes[name]]
    ours = dcmcore_array(corpus_path(name), backend)
    ref = pydicom_array(corpus_path(name), "pylibjpeg")
    assert ours.dtype == ref.dtype and np.array_equal(ours, ref)


@pytest.mark.parametrize(("name", "reference"), [
    ("MR_small_jpeg_ls_lossless.dcm", "gdcm"), ("SC_rgb_jpeg_gdcm.dcm", "gdcm"),
    ("MR_small_jp2klossless.dcm", "gdcm"), ("GDCMJ2K_TextGBR.dcm", "gdcm"),
    ("MR_small_jpeg_ls_lossless.dcm", "pyjpegls"), ("JPEGLSNearLossless_16.dcm", "pyjpegls"),
    ("SC_rgb_rle_32bit_2frame.dcm", "pydicom"), ("rtdose_rle.dcm", "pydicom"),
])
def test_lossless_file_equals_an_independent_decoder(name, reference, corpus_path,
                                                      pydicom_array, dcmcore_array):
    # GDCM (CharLS, its own lossless JPEG, its OpenJPEG build), pyjpegls (CharLS) and
    # pydicom's native RLE decoder share no code with pylibjpeg's backends.
    pytest.importorskip({"gdcm": "gdcm", "pyjpegls": "jpeg_ls", "pydicom": "pydicom"}[reference])
    ours = dcmcore_array(corpus_path(name), "pylibjpeg")
    ref = pydicom_array(corpus_path(name), reference)
    assert np.array_equal(ours, ref)


@pytest.mark.parametrize("name", COLOUR_JPEG)
def test_colour_jpeg_as_rgb_false_gives_pydicom_raw_colour(name, corpus_path, pydicom_array,
                                                           dcmcore_array):
    ours = dcmcore_array(corpus_path(name), "pylibjpeg", as_rgb=False)
    ref = pydicom_array(corpus_path(name), "pylibjpeg", as_rgb=False)
    assert np.array_equal(ours, ref)


@pytest.mark.parametrize("name", YBR_JPEG)
def test_libjpeg_ybr_to_rgb_option_is_within_a_few_levels_of_pydicom(
        name, corpus_path, pydicom_array, dcmcore_array):
    # libjpeg's own integer YCbCr->RGB (and its upsampling of 4:2:2 chroma) differs from
    # the core's float conversion: measured at most 2 levels for 4:4:4 and 9 for the
    # 4:2:2 examples_ybr_color.dcm, 0.35 on average.
    ours = dcmcore_array(corpus_path(name), "pylibjpeg", libjpeg_ybr_to_rgb=True)
    ref = pydicom_array(corpus_path(name), "pylibjpeg")
    diff = np.abs(ours.astype(int) - ref.astype(int))
    assert ours.shape == ref.shape and ours.dtype == ref.dtype
    assert diff.max() <= 10
    assert diff.mean() < 1.0
    default = dcmcore_array(corpus_path(name), "pylibjpeg")
    assert np.array_equal(default, ref)


def test_libjpeg_ybr_to_rgb_option_leaves_rgb_data_alone(corpus_path, pydicom_array,
                                                         dcmcore_array):
    # PI RGB (no transform): the option must not touch data the core would not convert.
    for name in ("SC_jpeg_no_color_transform.dcm", "SC_rgb_jpeg_app14_dcmd.dcm"):
        ours = dcmcore_array(corpus_path(name), "pylibjpeg", libjpeg_ybr_to_rgb=True)
        assert np.array_equal(ours, pydicom_array(corpus_path(name), "pylibjpeg"))


def test_relabelled_j2k_codestream_decodes_under_htj2k_syntaxes(corpus_path, dcmcore_array):
    # No HTJ2K encoder is available offline: this checks the HTJ2K syntaxes are routed to
    # openjpeg (which decodes Part 1 and Part 15 codestreams alike).
    import io

    import dcmcore

    path = corpus_path("MR_small_jp2klossless.dcm")
    expected = dcmcore_array(path, "pylibjpeg")
    for uid in ("1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
                "1.2.840.10008.1.2.4.203"):
        ds = dcmcore.dcmread(path)
        ds.file_meta.TransferSyntaxUID = uid
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds.save_as(buffer)
        assert np.array_equal(dcmcore_array(buffer.getvalue(), "pylibjpeg"), expected)
