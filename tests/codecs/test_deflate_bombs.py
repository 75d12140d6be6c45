"""Deflate bombs: a deflated data set or frame stops inflating at a bound, in bounded
time and memory, with a dcmcore error."""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from dcmcore import config, dcmread
from dcmcore.codecs import deflate as deflate_codec
from dcmcore.codecs.base import FrameInfo
from dcmcore.codecs.deflate import DeflateDecoder, DeflateEncoder
from dcmcore.errors import DcmcoreError, MalformedDataError

sys.path.insert(0, str(Path(__file__).parents[1] / "io"))

from hostile_files import dataset_bomb, frame_bomb, zero_stream  # noqa: E402


def _peak(fn) -> tuple[float, int, BaseException | None]:
    tracemalloc.start()
    t = time.perf_counter()
    err = None
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - returned for the caller to check
        err = exc
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, err


def _info(rows: int = 8, columns: int = 8, bits: int = 16) -> FrameInfo:
    return FrameInfo(rows=rows, columns=columns, samples_per_pixel=1, bits_allocated=bits,
                     bits_stored=bits, pixel_representation=0,
                     photometric_interpretation="MONOCHROME2")


def test_dataset_bomb_is_refused_in_proportion_to_its_compressed_size() -> None:
    data = dataset_bomb(1 << 30)  # 1 GiB of zeros in about 1 MB
    assert len(data) < 2 << 20
    seconds, peak, err = _peak(lambda: dcmread(data))
    assert isinstance(err, MalformedDataError), err
    assert "times its compressed size" in str(err) and "byte offset" in str(err)
    assert peak < 100 << 20
    assert seconds < 10  # generous: well under a second on an idle machine


def test_dataset_ratio_limit_is_a_documented_setting() -> None:
    assert "deflate_ratio_limit" in (config.Settings.__doc__ or "")
    data = dataset_bomb(80 << 20)
    with pytest.raises(MalformedDataError, match="times its compressed size"):
        dcmread(data)
    with config.override(deflate_ratio_limit=None):
        ds = dcmread(data)
    assert len(ds.PixelData) == 80 << 20
    with config.override(deflate_ratio_limit=100_000):
        assert len(dcmread(data).PixelData) == 80 << 20


def test_small_very_compressible_data_sets_still_read() -> None:
    ds = dcmread(dataset_bomb(16 << 20))  # 16 MiB blank value: within the allowance
    assert len(ds.PixelData) == 16 << 20


def test_frame_bomb_is_refused_at_the_frame_size() -> None:
    stream = zero_stream(1 << 30)  # an 8x8 frame whose stream inflates to 1 GiB
    seconds, peak, err = _peak(lambda: DeflateDecoder().decode(stream, _info()))
    assert isinstance(err, ValueError) and "inflates to more than" in str(err), err
    assert peak < 4 << 20  # the 1 MB stream and its copy, no inflated gigabyte
    assert seconds < 5


def test_frame_bomb_file_fails_with_a_dcmcore_error() -> None:
    from dcmcore.pixels import pixel_array

    data = frame_bomb(256 << 20)
    ds = dcmread(data)
    seconds, peak, err = _peak(lambda: pixel_array(ds))
    assert isinstance(err, DcmcoreError), err
    assert peak < 50 << 20
    assert seconds < 5


def test_frame_with_a_little_padding_decodes() -> None:
    arr = np.arange(64, dtype=np.uint16).reshape(8, 8)
    info = _info()
    encoded = DeflateEncoder().encode(arr, info)
    assert np.array_equal(DeflateDecoder().decode(encoded, info), arr)
    slack = deflate_codec.FRAME_SLACK
    padded = zero_stream(0, arr.tobytes() + b"\0" * slack)
    assert np.array_equal(DeflateDecoder().decode(padded, info), arr)
    with pytest.raises(ValueError, match="inflates to more than"):
        DeflateDecoder().decode(zero_stream(0, arr.tobytes() + b"\0" * (slack + 1)), info)
