"""Which plugin decoded an array or a dataset: dcmcore.pixels.decoded_by and Dataset.decoded_by."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

import dcmcore
import dcmcore.pixels as px
from dcmcore.codecs import Decoder
from dcmcore.codecs.deflate import DEFLATED_IMAGE_FRAME
from tests.pixel_datasets import assert_same_array, corpus_file, make_ds, write_file


@pytest.fixture
def deflated() -> tuple[bytes, np.ndarray]:
    """A 3-frame file in Deflated Image Frame Compression (dcmcore's builtin codec)."""
    ds = make_ds(rows=4, cols=5, ba=16, frames=3, seed=4)
    original = px.pixel_array(ds)
    px.compress(ds, DEFLATED_IMAGE_FRAME)
    return write_file(ds, DEFLATED_IMAGE_FRAME), original


def test_array_from_a_path_or_file_says_which_plugin_decoded_it(deflated, tmp_path):
    raw, original = deflated
    path = tmp_path / "deflated.dcm"
    path.write_bytes(raw)
    for src in (path, io.BytesIO(raw)):
        arr = px.pixel_array(src)
        assert_same_array(original, arr)
        record = px.decoded_by(arr)
        assert (record.decoder, record.decoders, record.distributions, record.frames) == (
            "deflate", ("deflate",), ("dcmcore",), (3,))
        assert record.transfer_syntax_uid == DEFLATED_IMAGE_FRAME
        assert str(record) == "deflate (dcmcore), Deflated Image Frame Compression"
    assert type(arr) is np.ndarray  # the return type is untouched
    assert px.decoded_by(arr[0]) is None  # a view is another object
    frames = list(px.iter_pixels(io.BytesIO(raw)))
    assert [px.decoded_by(f).frames for f in frames] == [(1,), (1,), (1,)]


def test_dataset_says_which_plugin_decoded_its_pixel_data(deflated):
    raw, original = deflated
    ds = dcmcore.dcmread(io.BytesIO(raw))
    assert ds.decoded_by is None  # nothing decoded yet
    arr = ds.pixel_array
    assert ds.decoded_by.decoder == "deflate" and px.decoded_by(arr) is ds.decoded_by
    with pytest.raises(AttributeError):
        ds.decoded_by = None  # read-only
    ds.decompress()
    assert ds.decoded_by.decoder == "deflate"  # the native Pixel Data it wrote
    assert_same_array(original, ds.pixel_array)  # native now: the record stays
    assert ds.decoded_by.decoder == "deflate"
    ds.PixelData = bytes(bytearray(ds.PixelData))  # another Pixel Data: no longer known
    assert ds.decoded_by is None


def test_native_pixel_data_was_decoded_by_no_plugin():
    ds = dcmcore.dcmread(corpus_file("MR_small.dcm"))
    assert px.decoded_by(ds.pixel_array) is None and ds.decoded_by is None
    assert px.decoded_by(px.pixel_array(corpus_file("MR_small.dcm"))) is None


def test_pydicom_datasets_get_a_record_too(deflated):
    pydicom = pytest.importorskip("pydicom")
    raw, _ = deflated
    ds = pydicom.dcmread(io.BytesIO(raw))
    arr = px.pixel_array(ds)
    assert px.decoded_by(ds).decoder == px.decoded_by(arr).decoder == "deflate"


class _Refusing(Decoder):
    """Returns the frame transposed (refused by the core), at a high priority."""

    name = "refusing"
    transfer_syntaxes = (DEFLATED_IMAGE_FRAME,)
    priority = 1000

    def decode(self, data, info, **options):
        return np.zeros((info.columns, info.rows), np.uint16)


@pytest.mark.parametrize("workers", [None, 2])
def test_record_shows_the_fallback(deflated, register_codecs, workers):
    raw, original = deflated
    register_codecs(_Refusing())
    arr = px.pixel_array(io.BytesIO(raw), workers=workers)
    assert_same_array(original, arr)
    record = px.decoded_by(arr)
    assert record.decoders == ("deflate",)
    assert record.failures[0][0] == "refusing"
    assert "invalid output" in record.failures[0][1]
    assert "failed first: refusing" in str(record)
    assert pickle.loads(pickle.dumps(record)) == record
