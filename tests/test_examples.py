"""dcmcore.examples: bundled files made by the project's own writer."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from dcmcore import examples


@pytest.mark.parametrize("name", ["ct", "mr"])
def test_each_access_returns_fresh_dataset_with_filename(name):
    first = getattr(examples, name)
    second = getattr(examples, name)
    assert first is not second
    first.PatientName = "Changed^Name"
    assert second.PatientName == "Phantom^Ellie^Q"
    assert first.filename == str(examples.get_path(name))


def test_ct_example_is_16_bit_signed_greyscale_with_pixels():
    ds = examples.ct
    assert ds.Modality == "CT"
    assert (ds.Rows, ds.Columns, ds.BitsAllocated, ds.PixelRepresentation) == (128, 128, 16, 1)
    assert ds.PhotometricInterpretation == "MONOCHROME2"
    reference = pydicom.dcmread(examples.get_path("ct"))
    np.testing.assert_array_equal(reference.pixel_array, ds.pixel_array)
    hu = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert hu.min() < -900 and hu.max() > 900  # air and skull are both there


def test_mr_example_reads_with_pydicom_identically():
    ds = examples.mr
    reference = pydicom.dcmread(examples.get_path("mr"))
    assert ds.Modality == "MR" and ds.BitsStored == 12
    for elem in reference:
        assert str(ds[elem.tag].value) == str(elem.value), elem.tag


def test_unknown_example_name_raises():
    with pytest.raises(KeyError, match="No example named"):
        examples.get_path("nope")
    with pytest.raises(AttributeError):
        examples.nope  # noqa: B018


def test_examples_main_prints_dataset(capsys):
    from dcmcore.examples.__main__ import main

    assert main(["mr"]) == 0
    out = capsys.readouterr().out
    assert "Patient's Name" in out and "Phantom^Ellie^Q" in out


def test_examples_docstring_examples_run():
    import doctest

    results = doctest.testmod(examples, optionflags=doctest.ELLIPSIS)
    assert results.attempted >= 5 and results.failed == 0
