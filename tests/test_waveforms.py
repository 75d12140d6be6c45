"""dcmcore.waveforms gives pydicom 3's multiplex arrays."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
import pydicom.waveforms as ref
import pydicom.waveforms.numpy_handler as ref_handler
import pytest

import dcmcore
from dcmcore import waveforms
from dcmcore.waveforms import numpy_handler

PATH = Path(pydicom.__file__).parent / "data" / "test_files" / "waveform_ecg.dcm"


def _params(func: Callable[..., object]) -> list[tuple[str, object, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(func).parameters.values()]


@pytest.mark.parametrize("name", ["generate_multiplex", "multiplex_array", "is_available"])
def test_functions_have_pydicoms_signatures(name: str) -> None:
    assert _params(getattr(numpy_handler, name)) == _params(getattr(ref_handler, name))
    if name != "is_available":
        assert _params(getattr(waveforms, name)) == _params(getattr(ref, name))


def test_handler_constants_are_pydicoms() -> None:
    assert numpy_handler.WAVEFORM_DTYPES == ref_handler.WAVEFORM_DTYPES
    assert numpy_handler.HANDLER_NAME == ref_handler.HANDLER_NAME
    assert numpy_handler.DEPENDENCIES == ref_handler.DEPENDENCIES


@pytest.mark.parametrize("as_raw", [True, False])
def test_corpus_waveforms_as_pydicom(as_raw: bool) -> None:
    p, d = pydicom.dcmread(PATH), dcmcore.dcmread(PATH)
    groups = len(p.WaveformSequence)
    assert groups >= 2
    for index in range(groups):
        expected = ref.multiplex_array(p, index, as_raw=as_raw)
        got = waveforms.multiplex_array(d, index, as_raw=as_raw)
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    for got, expected in zip(waveforms.generate_multiplex(d, as_raw),
                             ref.generate_multiplex(p, as_raw), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_default_is_raw_as_in_pydicom() -> None:
    d = dcmcore.dcmread(PATH)
    assert waveforms.multiplex_array(d, 0).dtype == np.int16


def test_no_waveform_sequence_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="Waveform Sequence"):
        list(waveforms.generate_multiplex(dcmcore.Dataset()))
    with pytest.raises(AttributeError, match="Waveform Sequence"):
        waveforms.multiplex_array(dcmcore.Dataset(), 0)
