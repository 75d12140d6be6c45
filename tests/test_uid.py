"""dcmcore.uid: UID properties, constants and lists vs pydicom, generate_uid."""

from __future__ import annotations

import pickle
import uuid

import pytest

from dcmcore import transfer_syntax as ts
from dcmcore import uid as u
from dcmcore.uid import UID, generate_uid

pydicom_uid = pytest.importorskip("pydicom.uid")


def _pydicom_constants() -> dict[str, str]:
    return {k: v for k, v in vars(pydicom_uid).items() if isinstance(v, pydicom_uid.UID)}


def test_every_pydicom_uid_constant_exists_with_same_value():
    constants = _pydicom_constants()
    assert "CTImageStorage" in constants and "JPEGBaseline8Bit" in constants
    for name, value in constants.items():
        if name == "PYDICOM_IMPLEMENTATION_UID":
            continue
        ours = getattr(u, name)
        assert isinstance(ours, UID)
        assert ours == value, name


def test_newer_transfer_syntax_constants():
    assert u.JPEGXLLossless == "1.2.840.10008.1.2.4.110"
    assert u.JPEGXLJPEGRecompression == "1.2.840.10008.1.2.4.111"
    assert u.JPEGXL == "1.2.840.10008.1.2.4.112"
    assert u.DeflatedImageFrameCompression == "1.2.840.10008.1.2.8.1"
    assert u.DeflatedImageFrameCompression.is_encapsulated
    assert not u.DeflatedImageFrameCompression.is_deflated


def test_registry_keywords_are_module_attributes():
    assert u.SecondaryCaptureImageStorage == "1.2.840.10008.5.1.4.1.1.7"
    assert u.Verification == "1.2.840.10008.1.1"
    assert "MRImageStorage" in dir(u)
    with pytest.raises(AttributeError):
        u.NoSuchKeyword  # noqa: B018
    from dcmcore.uid import CTImageStorage

    assert CTImageStorage.name == "CT Image Storage"


@pytest.mark.parametrize(
    "name",
    [
        "AllTransferSyntaxes",
        "UncompressedTransferSyntaxes",
        "JPEGTransferSyntaxes",
        "JPEGLSTransferSyntaxes",
        "JPEG2000TransferSyntaxes",
        "MPEGTransferSyntaxes",
        "RLETransferSyntaxes",
    ],
)
def test_lists_contain_pydicoms(name):
    ours = getattr(u, name)
    theirs = getattr(pydicom_uid, name)
    assert set(theirs) <= set(ours)
    if name != "AllTransferSyntaxes":
        assert list(ours) == list(theirs)


def test_all_transfer_syntaxes_are_known_and_not_retired_except_big_endian():
    for uid in u.AllTransferSyntaxes:
        assert uid.is_transfer_syntax
        assert not uid.is_retired or uid == u.ExplicitVRBigEndian


@pytest.mark.parametrize("value", sorted(set(_pydicom_constants().values())))
def test_uid_properties_match_pydicom(value):
    ours, theirs = UID(value), pydicom_uid.UID(value)
    assert ours.name == theirs.name
    assert ours.keyword == theirs.keyword
    assert ours.type == theirs.type
    assert ours.info == theirs.info
    assert ours.is_retired == theirs.is_retired
    assert ours.is_private == theirs.is_private
    assert ours.is_valid == theirs.is_valid
    assert ours.is_transfer_syntax == theirs.is_transfer_syntax
    if theirs.is_transfer_syntax:
        assert ours.is_little_endian == theirs.is_little_endian
        assert ours.is_implicit_VR == theirs.is_implicit_VR
        if "Referenced" not in theirs.keyword:  # JPIP: see test_transfer_syntax
            assert ours.is_deflated == theirs.is_deflated
            if "SMPTE" not in theirs.keyword:
                assert ours.is_encapsulated == theirs.is_encapsulated
        assert ours.is_compressed == theirs.is_compressed
    else:
        for prop in ("is_implicit_VR", "is_little_endian", "is_deflated", "is_compressed"):
            with pytest.raises(ValueError):
                getattr(ours, prop)


def test_unknown_uid_properties():
    x = UID("1.2.3.4")
    assert x.name == "1.2.3.4" and x.keyword == "" and x.type == "" and x.info == ""
    assert x.is_private and x.is_valid and not x.is_transfer_syntax and not x.is_retired
    with pytest.raises(ValueError, match="not a transfer syntax"):
        _ = x.is_encapsulated


@pytest.mark.parametrize(
    "value, valid",
    [
        ("1.2.3", True),
        ("0.0", True),
        ("1.02.3", False),
        ("1.2.", False),
        ("1..2", False),
        ("1.2.a", False),
        ("1." + "1" * 62, True),
        ("1." + "1" * 63, False),
    ],
)
def test_is_valid(value, valid):
    assert UID(value).is_valid is valid
    assert pydicom_uid.UID(value, validation_mode=0).is_valid is valid


def test_uid_is_a_str_and_pickles():
    x = UID("1.2.840.10008.1.2.1 ")
    assert x == "1.2.840.10008.1.2.1" and hash(x) == hash("1.2.840.10008.1.2.1")
    assert isinstance(x, str)
    y = pickle.loads(pickle.dumps(x))
    assert type(y) is UID and y == x and y.is_little_endian
    assert UID("1.2.840.10008.1.2\x00") == "1.2.840.10008.1.2"
    with pytest.raises(TypeError):
        UID(123)  # type: ignore[arg-type]


def test_private_encoding_survives_pickle_and_copy():
    x = UID("1.2.3.4.5")
    x.set_private_encoding(True, False)
    assert x.is_transfer_syntax and x.is_implicit_VR and not x.is_little_endian
    y = pickle.loads(pickle.dumps(x))
    assert y.is_implicit_VR and not y.is_little_endian
    assert UID(x).is_implicit_VR


def test_register_transfer_syntax():
    uid = "1.2.3.4.77"
    try:
        with pytest.raises(ValueError):
            u.register_transfer_syntax(uid)
        x = u.register_transfer_syntax(uid, implicit_vr=False, little_endian=True)
        assert x in u.PrivateTransferSyntaxes
        assert UID(uid).is_transfer_syntax  # a fresh UID sees the registry
        assert not UID(uid).is_implicit_VR and UID(uid).is_little_endian
        record = ts.require(uid)
        assert record.private and not record.encapsulated
    finally:
        ts.unregister(uid)
        if uid in u.PrivateTransferSyntaxes:
            u.PrivateTransferSyntaxes.remove(uid)


def test_generate_uid_default_is_2_25_uuid_form():
    x = generate_uid()
    assert x.startswith("2.25.") and x.is_valid and len(x) <= 64
    assert int(x[5:]) < 2**128
    assert generate_uid() != x
    y = generate_uid(prefix=None)
    assert y.startswith("2.25.") and y.is_valid


def test_generate_uid_deterministic_with_entropy():
    a = generate_uid(entropy_srcs=["lorem", "ipsum"])
    assert a == generate_uid(entropy_srcs=["lorem", "ipsum"])
    assert a != generate_uid(entropy_srcs=["lore", "mipsum"])
    assert a.startswith("2.25.") and a.is_valid
    value = uuid.UUID(int=int(a[5:]))
    assert value.variant == uuid.RFC_4122


@pytest.mark.parametrize("prefix", ["1.2.3.", "1.2.826.0.1.3680043.8.498.", "9." * 27])
def test_generate_uid_other_prefix(prefix):
    x = generate_uid(prefix)
    assert x.startswith(prefix) and x.is_valid and len(x) <= 64
    a = generate_uid(prefix, entropy_srcs=["x"])
    assert a == generate_uid(prefix, entropy_srcs=["x"])
    assert a.is_valid and len(a) == 64


@pytest.mark.parametrize("prefix", ["1.2.3", "1.02.", "a.b.", "1." * 28])
def test_generate_uid_bad_prefix(prefix):
    with pytest.raises(ValueError):
        generate_uid(prefix)


def test_implementation_uid_is_the_documented_uuid5():
    expected = f"2.25.{uuid.uuid5(uuid.NAMESPACE_URL, 'dcmcore').int}"
    assert expected == u.DCMCORE_IMPLEMENTATION_UID
    assert u.DCMCORE_ROOT_UID == "2.25."
