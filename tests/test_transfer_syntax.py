"""Transfer-syntax registry: standard records, differential checks with pydicom, plugins."""

from __future__ import annotations

import dataclasses

import pytest

from dcmcore import dictionary
from dcmcore import transfer_syntax as ts

pydicom_uid = pytest.importorskip("pydicom.uid")
pydicom_uids = pytest.importorskip("pydicom._uid_dict")

# Where dcmcore deliberately differs from pydicom 3.0.2's UID properties (see uid.py):
# JPIP syntaxes reference pixel data by URL (not encapsulated; the "Deflate" ones deflate
# the dataset), SMPTE ST 2110 streams pixel data out of band, MIME/XML are retired
# non-binary encodings and Papyrus 3 is implicit VR little endian native.
JPIP = {
    "1.2.840.10008.1.2.4.94",
    "1.2.840.10008.1.2.4.95",
    "1.2.840.10008.1.2.4.204",
    "1.2.840.10008.1.2.4.205",
}
ST2110 = {"1.2.840.10008.1.2.7.1", "1.2.840.10008.1.2.7.2", "1.2.840.10008.1.2.7.3"}
NON_BINARY = {"1.2.840.10008.1.2.6.1", "1.2.840.10008.1.2.6.2"}
PAPYRUS = "1.2.840.10008.1.20"


def test_every_registry_transfer_syntax_is_built_in_with_registry_name():
    registered = {s.uid: s for s in ts.all_syntaxes()}
    for uid, info in dictionary.iter_uids():
        if info.type != "Transfer Syntax":
            continue
        s = registered[uid]
        assert (s.name, s.keyword, s.retired, s.private) == (
            info.name,
            info.keyword,
            info.is_retired,
            False,
        )
    assert len(registered) >= 63


@pytest.mark.parametrize(
    "uid",
    sorted(u for u, v in pydicom_uids.UID_dictionary.items() if v[1] == "Transfer Syntax"),
)
def test_properties_match_pydicom(uid):
    theirs = pydicom_uid.UID(uid)
    ours = ts.require(uid)
    assert ours.name == theirs.name
    assert ours.keyword == theirs.keyword
    assert ours.retired == theirs.is_retired
    assert ours.little_endian == theirs.is_little_endian
    if uid != PAPYRUS:
        assert ours.implicit_vr == theirs.is_implicit_VR
    if uid not in JPIP:
        assert ours.deflated == theirs.is_deflated
    if uid not in JPIP | ST2110 | NON_BINARY | {PAPYRUS}:
        assert ours.encapsulated == theirs.is_encapsulated
        assert (not ours.is_native) == theirs.is_compressed


def test_pydicom_all_transfer_syntaxes_are_known():
    for uid in pydicom_uid.AllTransferSyntaxes:
        assert ts.get(uid) is not None


@pytest.mark.parametrize(
    "uid, implicit, little, deflated, encapsulated, lossless",
    [
        ("1.2.840.10008.1.2", True, True, False, False, True),
        ("1.2.840.10008.1.2.1", False, True, False, False, True),
        ("1.2.840.10008.1.2.1.98", False, True, False, True, True),
        ("1.2.840.10008.1.2.1.99", False, True, True, False, True),
        ("1.2.840.10008.1.2.2", False, False, False, False, True),
        ("1.2.840.10008.1.2.4.50", False, True, False, True, False),
        ("1.2.840.10008.1.2.4.57", False, True, False, True, True),
        ("1.2.840.10008.1.2.4.70", False, True, False, True, True),
        ("1.2.840.10008.1.2.4.80", False, True, False, True, True),
        ("1.2.840.10008.1.2.4.81", False, True, False, True, False),
        ("1.2.840.10008.1.2.4.90", False, True, False, True, True),
        ("1.2.840.10008.1.2.4.91", False, True, False, True, False),
        ("1.2.840.10008.1.2.4.110", False, True, False, True, True),
        ("1.2.840.10008.1.2.4.111", False, True, False, True, False),
        ("1.2.840.10008.1.2.4.112", False, True, False, True, False),
        ("1.2.840.10008.1.2.4.201", False, True, False, True, True),
        ("1.2.840.10008.1.2.4.202", False, True, False, True, True),
        ("1.2.840.10008.1.2.4.203", False, True, False, True, False),
        ("1.2.840.10008.1.2.4.107", False, True, False, True, False),
        ("1.2.840.10008.1.2.5", False, True, False, True, True),
        ("1.2.840.10008.1.2.8.1", False, True, False, True, True),
        ("1.2.840.10008.1.20", True, True, False, False, True),
    ],
)
def test_standard_syntax_properties(uid, implicit, little, deflated, encapsulated, lossless):
    s = ts.require(uid)
    assert (s.implicit_vr, s.little_endian, s.deflated, s.encapsulated, s.lossless) == (
        implicit,
        little,
        deflated,
        encapsulated,
        lossless,
    )


def test_retired_flags():
    assert ts.require("1.2.840.10008.1.2.2").retired
    assert ts.require("1.2.840.10008.1.20").retired
    assert ts.require("1.2.840.10008.1.2.4.52").retired
    assert not ts.require("1.2.840.10008.1.2.4.50").retired


def test_jpip_deflate_deflates_dataset_and_references_pixels():
    s = ts.require("1.2.840.10008.1.2.4.95")
    assert s.deflated and s.referenced and not s.encapsulated and not s.is_native


def test_unknown_uid():
    assert ts.get("1.2.3.4") is None
    with pytest.raises(ValueError, match=r"1\.2\.3\.4"):
        ts.require("1.2.3.4")


def test_get_ignores_ui_padding():
    assert ts.get("1.2.840.10008.1.2.1\x00").uid == "1.2.840.10008.1.2.1"


def test_record_is_frozen():
    s = ts.require("1.2.840.10008.1.2")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.implicit_vr = False  # type: ignore[misc]


def _private(uid="1.2.3.999.1", **kw):
    fields = dict(
        uid=uid,
        name="Test private",
        keyword="",
        implicit_vr=False,
        little_endian=True,
        deflated=False,
        encapsulated=True,
        lossless=True,
        private=True,
    )
    fields.update(kw)
    return ts.TransferSyntax(**fields)


def test_register_and_unregister_private_syntax():
    s = _private()
    try:
        assert ts.register(s) is s
        assert ts.get(s.uid) == s
        assert s in ts.all_syntaxes()
        ts.register(_private())  # identical: fine
        with pytest.raises(ValueError, match="already registered"):
            ts.register(_private(lossless=False))
        ts.register(_private(lossless=False), replace=True)
        assert ts.get(s.uid).lossless is False
    finally:
        ts.unregister(s.uid)
    assert ts.get(s.uid) is None
    ts.unregister(s.uid)  # unknown: ignored


def test_standard_syntax_can_only_be_replaced_explicitly_and_reverts():
    uid = "1.2.840.10008.1.2.5"
    original = ts.require(uid)
    with pytest.raises(ValueError):
        ts.register(dataclasses.replace(original, lossless=False))
    with pytest.raises(ValueError):
        ts.unregister(uid)
    try:
        ts.register(dataclasses.replace(original, lossless=False), replace=True)
        assert ts.require(uid).lossless is False
    finally:
        ts.unregister(uid)
    assert ts.require(uid) == original


def test_register_rejects_non_record():
    with pytest.raises(TypeError):
        ts.register("1.2.3")  # type: ignore[arg-type]
