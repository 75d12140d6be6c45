"""The same array whichever plugin decodes, and every encoder's output read by every decoder.

Post-processing (sign, bits stored, colour) lives in the core, so for each compressed file
of pydicom's corpus every installed decoder that handles the file's transfer syntax must give
pydicom's array: identical for lossless data and for lossy data whose decoding is exact
(JPEG-LS near-lossless, JPEG 2000), and within the decoders' rounding for lossy JPEG
(``JPEG_BOUND``). Then every installed encoder's output must decode with every decoder of its
transfer syntax, and with pydicom, to the source (lossless) or within the requested error.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

import dcmcore
import dcmcore.codecs
import dcmcore.pixels
from dcmcore import transfer_syntax
from dcmcore.errors import DcmcoreError

pytest.importorskip("pydicom")
import pydicom.data  # noqa: E402
import pydicom.pixels  # noqa: E402

#: Lossy JPEG (Baseline, Extended): decoders differ in their inverse DCT, chroma upsampling
#: and YCbCr to RGB rounding, so values may differ by this much between two decoders
#: (the largest seen on the corpus is 3, pylibjpeg-libjpeg against pydicom's default).
JPEG_BOUND = 4
#: The same between decoders on sharp colour edges of 4:2:2 data (see the encoder test).
JPEG_CHROMA_EDGE_BOUND = 32
LOSSY_JPEG = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"}


def _corpus() -> Iterator[str]:
    root = os.path.dirname(pydicom.data.__file__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for folder, _dirs, files in sorted(os.walk(root)):
            for name in sorted(files):
                path = os.path.join(folder, name)
                try:
                    ds = dcmcore.dcmread(path, stop_before_pixels=True)
                    syntax = transfer_syntax.get(str(ds.file_meta.TransferSyntaxUID))
                except Exception:  # noqa: BLE001 - not a readable DICOM file
                    continue
                if syntax is not None and syntax.encapsulated and syntax.uid not in (
                        "1.2.840.10008.1.2.8.1", "1.2.840.10008.1.2.1.98"):
                    yield path


CORPUS = sorted(set(_corpus()))


def _decoders(uid: str) -> list[str]:
    return sorted(c.name for c in dcmcore.codecs.available_decoders()
                  if c.available and uid in c.transfer_syntaxes)


def _documented_refusal(name: str, ds: dcmcore.Dataset) -> bool:
    """Frames a decoder refuses by design, as its plugin's README says."""
    uid = str(ds.file_meta.TransferSyntaxUID)
    if name == "pillow":  # Pillow cannot open JPEG of more than 8 bits
        return int(ds.BitsStored) > 8
    if name == "gdcm" and uid == "1.2.840.10008.1.2.5":  # GDCM scrambles colour RLE > 8 bits
        return int(ds.SamplesPerPixel) == 3 and int(ds.BitsAllocated) > 8
    return False


def _reference(path: str) -> np.ndarray | None:
    """pydicom's array with its default backends, or None when pydicom cannot decode."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pydicom.pixels.pixel_array(path)
    except Exception:  # noqa: BLE001 - pydicom cannot decode it: nothing to compare
        return None


@pytest.mark.parametrize("path", CORPUS, ids=os.path.basename)
def test_every_decoder_gives_pydicoms_array(path: str) -> None:
    expected = _reference(path)
    if expected is None:
        pytest.skip("pydicom does not decode this file")
    uid = str(dcmcore.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID)
    names = _decoders(uid)
    assert names, f"no installed decoder handles {uid}"
    bound = JPEG_BOUND if uid in LOSSY_JPEG else 0
    decoded = {}
    for name in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                decoded[name] = dcmcore.pixels.pixel_array(path, decoding_plugin=name)
            except DcmcoreError as exc:
                decoded[name] = exc
    ds = dcmcore.dcmread(path, stop_before_pixels=True)
    failures = {n: r for n, r in decoded.items()
                if isinstance(r, Exception) and not _documented_refusal(n, ds)}
    assert failures == {}
    for name, arr in decoded.items():
        if isinstance(arr, Exception):
            continue
        assert arr.shape == expected.shape, name
        assert arr.dtype == expected.dtype, name
        diff = int(np.abs(arr.astype(np.int64) - expected.astype(np.int64)).max())
        assert diff <= bound, f"{name} differs from pydicom by {diff}"


# ---------------------------------------------------------------- encoders x decoders
#: Options per target syntax, the largest error a decoded value may have (exact for
#: lossless data, NEAR for JPEG-LS near-lossless) and, for lossy syntaxes, the largest mean
#: absolute error (their largest error sits on sharp edges and means little).
ENCODE_OPTIONS: dict[str, tuple[dict[str, object], float, float]] = {
    "1.2.840.10008.1.2.5": ({}, 0, 0),
    "1.2.840.10008.1.2.4.80": ({}, 0, 0),
    "1.2.840.10008.1.2.4.81": ({"jls_error": 2}, 2, 2),
    "1.2.840.10008.1.2.4.90": ({}, 0, 0),
    # 12-bit values with noise of sigma 41, most of which a 4:1 ratio drops: about 1%
    "1.2.840.10008.1.2.4.91": ({"j2k_cr": [4]}, np.inf, 41.0),
    "1.2.840.10008.1.2.4.57": ({}, 0, 0),
    "1.2.840.10008.1.2.4.70": ({}, 0, 0),
    # 8-bit values; colour is sampled 4:2:2, which blurs the sharp colour edges: about 2%
    "1.2.840.10008.1.2.4.50": ({"jpeg_quality": 95}, np.inf, 5.0),
}


def _source(kind: str) -> dcmcore.Dataset:
    """A small multi-frame dataset with anatomy-like content, built with dcmcore."""
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0:64, 0:80] / 64.0 - 0.5
    disc = (np.hypot(x, y) < 0.35).astype(np.float64)
    frames = np.stack([disc * (0.6 + 0.1 * i) + 0.2 + rng.normal(0, 0.01, disc.shape)
                       for i in range(3)])
    ds = dcmcore.Dataset()
    ds.file_meta = dcmcore.FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7.2"
    ds.SOPInstanceUID = dcmcore.uid.generate_uid()
    if kind == "u8 grey":
        ds.set_pixel_data((frames * 255).clip(0, 255).astype(np.uint8), "MONOCHROME2", 8)
    elif kind == "u16 grey, 12 stored":
        ds.set_pixel_data((frames * 4095).clip(0, 4095).astype(np.uint16), "MONOCHROME2", 12)
    elif kind == "i16 grey, 12 stored":  # negative and positive values
        ds.set_pixel_data((frames * 3000 - 1500).clip(-2048, 2047).astype(np.int16),
                          "MONOCHROME2", 12)
    else:  # "u8 rgb"
        rgb = np.stack([frames, frames * 0.8, 1 - frames], axis=-1)
        ds.set_pixel_data((rgb * 255).clip(0, 255).astype(np.uint8), "RGB", 8)
    return ds


SOURCES = ("u8 grey", "u16 grey, 12 stored", "i16 grey, 12 stored", "u8 rgb")


def _encoders() -> list[tuple[str, str]]:
    return sorted((c.name, uid) for c in dcmcore.codecs.available_encoders()
                  if c.available for uid in c.transfer_syntaxes if uid in ENCODE_OPTIONS)


def _documented_encoder_refusal(name: str, uid: str, kind: str) -> bool:
    """Sources an encoder or its transfer syntax cannot hold, as documented."""
    if uid == "1.2.840.10008.1.2.4.50":  # JPEG Baseline is 8-bit unsigned
        return not kind.startswith("u8")
    return False


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize("encoder, uid", _encoders())
def test_encoder_output_decodes_with_every_decoder_and_pydicom(
        encoder: str, uid: str, kind: str, tmp_path: object) -> None:
    ds = _source(kind)
    source = ds.pixel_array.copy()
    options, largest, mean = ENCODE_OPTIONS[uid]
    try:
        ds.compress(uid, encoding_plugin=encoder, **options)
    except DcmcoreError:
        if _documented_encoder_refusal(encoder, uid, kind):
            return
        raise
    assert not _documented_encoder_refusal(encoder, uid, kind), "accepted what it cannot hold"
    path = f"{tmp_path}/encoded.dcm"
    ds.save_as(path, enforce_file_format=True)
    arrays = {}
    for name in _decoders(uid):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arrays[name] = dcmcore.pixels.pixel_array(path, decoding_plugin=name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        arrays["pydicom"] = pydicom.pixels.pixel_array(path)
    for name, arr in arrays.items():
        assert arr.shape == source.shape, name
        error = np.abs(arr.astype(np.int64) - source.astype(np.int64))
        assert error.max() <= largest, f"{name} reads {encoder}'s {uid} with error {error.max()}"
        assert error.mean() <= mean, f"{name}: mean error {error.mean():.2f} > {mean}"
    first = next(iter(arrays.values()))
    between = JPEG_BOUND if uid in LOSSY_JPEG else 0
    if uid in LOSSY_JPEG and kind == "u8 rgb":
        # 4:2:2 chroma: libjpeg-turbo (Pillow, GDCM's IJG build too) interpolates chroma
        # ("fancy upsampling"), pylibjpeg-libjpeg replicates it; on the sharp colour edges
        # of this image that moves edge pixels by up to 23, while the mean stays tiny
        between = JPEG_CHROMA_EDGE_BOUND
    for name, arr in arrays.items():  # decoders agree: exactly, or within JPEG rounding
        diff = np.abs(arr.astype(np.int64) - first.astype(np.int64))
        assert diff.max() <= between, f"{name} differs from another decoder by {diff.max()}"
        assert diff.mean() <= (0.5 if between else 0), f"{name}: mean difference {diff.mean()}"
