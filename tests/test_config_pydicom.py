"""dcmcore.config takes pydicom 3's module-level switches: an assignment takes effect or raises."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pydicom
import pydicom.config
import pydicom.encaps
import pytest
from pydicom.data import get_testdata_file

import dcmcore
import dcmcore.config
import dcmcore.encaps
from dcmcore import config
from dcmcore.converters import decode_value
from dcmcore.errors import InvalidValueError
from dcmcore.values import DSdecimal

CT = get_testdata_file("CT_small.dcm")


@pytest.fixture(autouse=True)
def restore_settings() -> Iterator[None]:
    yield
    config.settings.reset()


def test_module_assignment_of_use_DS_decimal_changes_the_values_read():
    config.use_DS_decimal = True
    assert config.settings.use_DS_decimal is True
    assert isinstance(dcmcore.dcmread(CT).SliceThickness, Decimal)


def test_module_assignment_of_datetime_conversion_changes_the_values_read():
    config.datetime_conversion = True
    ds = dcmcore.dcmread(CT)
    pydicom.config.datetime_conversion = True
    try:
        expected = pydicom.dcmread(CT).StudyDate
    finally:
        pydicom.config.datetime_conversion = False
    assert ds.StudyDate == expected
    assert type(ds.StudyDate).__name__ == "DA"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("assume_implicit_vr_switch", False),
    ],
)
def test_unsupported_switch_values_raise_instead_of_being_ignored(name, value):
    default = getattr(config, name)
    with pytest.raises(NotImplementedError, match=name):
        setattr(config, name, value)
    assert getattr(config, name) == default
    setattr(config, name, default)  # the supported value is accepted


def test_settings_infer_sq_for_un_vr_accepts_only_true():
    config.settings.infer_sq_for_un_vr = True
    with pytest.raises(NotImplementedError):
        config.settings.infer_sq_for_un_vr = False


def test_invalid_keyword_behavior_assignment_is_checked_and_used():
    with pytest.raises(ValueError, match="INVALID_KEYWORD_BEHAVIOR"):
        config.INVALID_KEYWORD_BEHAVIOR = "SHOUT"
    config.INVALID_KEYWORD_BEHAVIOR = "RAISE"
    with pytest.raises(ValueError):
        dcmcore.Dataset().PatientsName = "x"  # not a keyword, CamelCase


def test_invalid_key_behavior_raise_makes_in_raise():
    config.INVALID_KEY_BEHAVIOR = "RAISE"
    with pytest.raises(ValueError):
        _ = "PatientsName" in dcmcore.Dataset()


def test_allow_DS_float_lets_DSdecimal_take_a_float():
    with pytest.raises(TypeError):
        DSdecimal(1.5)
    config.allow_DS_float = True
    assert DSdecimal(1.5) == Decimal("1.5")


def test_show_file_meta_false_hides_the_file_meta_in_str():
    ds = dcmcore.dcmread(CT)
    assert "Transfer Syntax UID" in str(ds)
    config.show_file_meta = False
    assert "Transfer Syntax UID" not in str(ds)


def test_enforce_valid_values_sets_both_validation_modes():
    config.enforce_valid_values = True
    assert config.settings.reading_validation_mode == config.RAISE
    assert config.settings.writing_validation_mode == config.RAISE
    assert config.enforce_valid_values is True
    config.enforce_valid_values = False
    assert config.settings.writing_validation_mode == config.WARN


def test_disable_value_validation_turns_validation_off_inside_the_block():
    with config.disable_value_validation():
        assert config.settings.reading_validation_mode == config.IGNORE
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dcmcore.DataElement(0x00100020, "LO", "x" * 100)  # too long for LO: no warning
    assert config.settings.writing_validation_mode == config.WARN


def test_strict_reading_makes_invalid_values_read_raise():
    with pytest.warns(dcmcore.errors.DcmcoreWarning):
        decode_value("DS", b"1.5a")
    with config.strict_reading():
        with pytest.raises(InvalidValueError):
            decode_value("DS", b"1.5a")


def test_future_behavior_raises_on_unknown_keywords_and_can_be_undone():
    config.future_behavior()
    assert config.INVALID_KEYWORD_BEHAVIOR == "RAISE"
    assert config.settings.writing_validation_mode == config.RAISE
    config.future_behavior(False)
    assert config.INVALID_KEYWORD_BEHAVIOR == "WARN"


def test_debug_sets_the_logger_level_and_debugging():
    logger = logging.getLogger("dcmcore")
    config.debug(True, default_handler=False)
    assert config.debugging is True and logger.level == logging.DEBUG
    config.debug(False, default_handler=False)
    assert config.debugging is False and logger.level == logging.WARNING


@pytest.mark.parametrize("keyword", ["SliceThickness", "ImagePositionPatient", "PixelSpacing",
                                     "InstanceNumber", "SliceLocation"])  # fmt: skip
def test_DS_numpy_and_use_IS_numpy_read_numpy_values_as_pydicom(keyword):
    def look(ds):
        value = ds[keyword].value
        return type(value).__name__, np.asarray(value).tolist(), str(ds[keyword]), ds.to_json_dict()

    results = []
    for module in (pydicom, dcmcore):
        module.config.DS_numpy(True)
        module.config.use_IS_numpy = True
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results.append(look(module.dcmread(CT)))
        finally:
            module.config.DS_numpy(False)
            module.config.use_IS_numpy = False
    assert results[0] == results[1]
    assert results[1][0] in ("float64", "int64", "ndarray")


def test_DS_numpy_refuses_decimal_ds_values_as_pydicom():
    config.DS_decimal(True)
    with pytest.raises(ValueError):
        config.DS_numpy(True)


def test_every_pydicom_config_name_exists():
    names = [
        n
        for n in vars(pydicom.config)
        if not n.startswith("_")
        and n not in {"TYPE_CHECKING", "Generator", "Optional", "Any", "os", "logging",
                      "contextmanager", "ElementCallback", "pixel_data_handlers", "Dataset",
                      "np", "RawDataElement", "Callable", "Protocol", "have_numpy", "numpy",
                      # pydicom 2's pixel data handler modules (deprecated in pydicom 3)
                      "np_handler", "rle_handler", "pillow_handler", "jpegls_handler",
                      "gdcm_handler", "pylibjpeg_handler"}
    ]  # fmt: skip
    missing = [n for n in names if not hasattr(config, n)]
    assert missing == []


def test_data_element_callback_is_applied_to_raw_elements():
    def upper_name(raw, **kwargs):
        if raw.tag == 0x00100010:
            return raw._replace(value=raw.value.upper())
        return raw

    config.data_element_callback = upper_name
    try:
        assert str(dcmcore.dcmread(CT).PatientName) == "COMPRESSEDSAMPLES^CT1"
    finally:
        config.reset_data_element_callback()
    assert config.data_element_callback is None
    assert str(dcmcore.dcmread(CT).PatientName) == "CompressedSamples^CT1"


def _small_file() -> bytes:
    ds = dcmcore.Dataset()
    ds.PatientName = "a"
    ds.Rows = 5
    ds.add_new(0x00100020, "LO", "")
    buf = io.BytesIO()
    ds.save_as(buf, implicit_vr=False, little_endian=True)
    return buf.getvalue()


def _read_both(data: bytes, look, **switches):
    """``look(dataset)`` for pydicom then dcmcore, each reading `data` with `switches` set."""
    results = []
    for module in (pydicom, dcmcore):
        for name, value in switches.items():
            setattr(module.config, name, value)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results.append(look(module.dcmread(io.BytesIO(data), force=True)))
        finally:
            for name in switches:  # back to the default (all False but this one)
                setattr(module.config, name, name == "replace_un_with_known_vr")
    return results


def _element(tag):
    return lambda ds: (ds[tag].VR, ds[tag].value)


def test_replace_un_with_known_vr_false_keeps_an_explicit_un_as_pydicom():
    data = _small_file().replace(b"PN\x02\x00a ", b"UN\x00\x00\x02\x00\x00\x00a ")
    theirs, ours = _read_both(data, _element(0x00100010), replace_un_with_known_vr=False)
    assert ours == theirs == ("UN", b"a ")
    theirs, ours = _read_both(data, _element(0x00100010))
    assert ours[0] == theirs[0] == "PN"


def test_convert_wrong_length_to_un_keeps_the_bytes_as_pydicom():
    data = _small_file().replace(b"US\x02\x00\x05\x00", b"US\x03\x00\x05\x00\x00")
    theirs, ours = _read_both(data, _element(0x00280010), convert_wrong_length_to_UN=True)
    assert ours[1] == theirs[1] == b"\x05\x00\x00"
    assert ours[0] == "UN"  # pydicom says it sets UN, and keeps US


def test_use_none_as_empty_text_vr_value_gives_none_as_pydicom():
    def look(ds):
        return ds.PatientID

    assert _read_both(_small_file(), look, use_none_as_empty_text_VR_value=True) == [None, None]
    assert _read_both(_small_file(), look) == ["", ""]


def test_debug_logs_what_a_read_finds(caplog):
    config.debug(True, default_handler=False)
    try:
        with caplog.at_level(logging.DEBUG, logger="dcmcore"):
            dcmcore.dcmread(CT)
    finally:
        config.debug(False, default_handler=False)
    text = caplog.text
    assert "transfer syntax 1.2.840.10008.1.2.1" in text
    assert "(0010,0010) PN" in text
    caplog.clear()
    dcmcore.dcmread(CT)
    assert "(0010,0010)" not in caplog.text


def test_dir_lists_the_settings():
    names = dir(config)
    assert {"use_DS_decimal", "enforce_valid_values", "INVALID_KEY_BEHAVIOR", "settings"} <= set(
        names
    )


def test_future_behavior_removes_the_names_pydicom_deprecated_as_pydicom_does():
    try:
        for config in (pydicom.config, dcmcore.config):
            config.future_behavior()
        for encaps in (pydicom.encaps, dcmcore.encaps):
            with pytest.raises(AttributeError):
                encaps.get_frame_offsets  # noqa: B018
    finally:
        for config in (pydicom.config, dcmcore.config):
            config.future_behavior(False)
    with pytest.warns(DeprecationWarning):
        dcmcore.encaps.get_frame_offsets  # noqa: B018
