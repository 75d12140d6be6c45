"""The plugin as dcmcore sees it: discovery, names, selection, licences, availability."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from importlib import metadata

import pytest
from dcmcore_pylibjpeg import discovery, plugin

import dcmcore.codecs
from dcmcore.errors import NoPluginError, PluginError

JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
JPEG_LS = "1.2.840.10008.1.2.4.80"
J2K = "1.2.840.10008.1.2.4.90"
HTJ2K = "1.2.840.10008.1.2.4.201"
RLE = "1.2.840.10008.1.2.5"
NAMES = {"pylibjpeg-libjpeg", "pylibjpeg-openjpeg", "pylibjpeg-rle"}


def _ours(codecs):
    return {c.name: c for c in codecs if c.plugin == "pylibjpeg"}


def test_entry_point_loads_one_decoder_per_backend():
    decoders = _ours(dcmcore.codecs.all_decoders())
    assert set(decoders) == NAMES
    assert {c.provided_by for c in decoders.values()} == {"dcmcore-pylibjpeg"}
    encoders = _ours(dcmcore.codecs.all_encoders())
    assert set(encoders) == {"pylibjpeg-openjpeg", "pylibjpeg-rle"}


def test_discovery_matches_pylibjpeg_entry_points():
    discovery.clear_cache()
    found = discovery.backends()
    for group, role in ((discovery.DECODER_GROUP, "decodes"),
                        (discovery.ENCODER_GROUP, "encodes")):
        expected: dict[str, set[str]] = {}
        for ep in metadata.entry_points(group=group):
            expected.setdefault(ep.value.split(":")[0], set()).add(ep.name)
        got = {m: set(getattr(b, role)) for m, b in found.items() if getattr(b, role)}
        assert got == expected
    assert found["libjpeg"].distribution == "pylibjpeg-libjpeg"
    assert found["openjpeg"].distribution == "pylibjpeg-openjpeg"


def test_codec_syntaxes_are_those_their_backend_registered():
    registered = discovery.backends()
    for codec in _ours(dcmcore.codecs.all_decoders()).values():
        assert set(codec.transfer_syntaxes) <= set(registered[codec.backend].decodes)
    for codec in _ours(dcmcore.codecs.all_encoders()).values():
        assert set(codec.transfer_syntaxes) <= set(registered[codec.backend].encodes)


def test_loading_the_plugin_imports_no_codec_library():
    code = textwrap.dedent("""
        import sys
        import dcmcore.codecs
        names = {c.name for c in dcmcore.codecs.available_decoders()}
        assert "pylibjpeg-libjpeg" in names, names
        loaded = {"libjpeg", "_libjpeg", "openjpeg", "_openjpeg", "rle", "pylibjpeg"}
        print(sorted(loaded & set(sys.modules)))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("codec", "distribution"), [
    ("pylibjpeg-libjpeg", "pylibjpeg-libjpeg"),
    ("pylibjpeg-openjpeg", "pylibjpeg-openjpeg"), ("pylibjpeg-rle", "pylibjpeg-rle"),
])
def test_library_and_licence_agree_with_the_installed_metadata(codec, distribution):
    dec = _ours(dcmcore.codecs.all_decoders())[codec]
    assert dec.library == distribution
    meta = metadata.metadata(distribution)
    declared = " ".join([meta.get("License-Expression") or "", meta.get("License") or "",
                         *meta.get_all("Classifier", [])])
    if "GPL" in dec.license:
        assert "GPL" in declared and ("V3" in declared.upper() or "v3" in declared)
        assert dec.license == "GPL-3.0-only"
    else:
        assert dec.license.split()[0] == "MIT" and "MIT" in declared


def test_plugin_name_selects_the_backend_for_each_syntax():
    expected = {JPEG_BASELINE: "pylibjpeg-libjpeg", JPEG_LS: "pylibjpeg-libjpeg",
                J2K: "pylibjpeg-openjpeg", HTJ2K: "pylibjpeg-openjpeg", RLE: "pylibjpeg-rle"}
    for uid, name in expected.items():
        assert [c.name for c in dcmcore.codecs.decoders_for(uid, "pylibjpeg")] == [name]
    assert [c.name for c in dcmcore.codecs.encoders_for(RLE, "pylibjpeg")] == ["pylibjpeg-rle"]


def test_distribution_name_also_selects_the_bridge():
    names = [c.name for c in dcmcore.codecs.decoders_for(J2K, "dcmcore-pylibjpeg")]
    assert names == ["pylibjpeg-openjpeg"]


def test_a_backend_name_that_does_not_handle_the_syntax_is_refused():
    with pytest.raises(NoPluginError, match="pylibjpeg-libjpeg"):
        dcmcore.codecs.decoders_for(J2K, "pylibjpeg-libjpeg")
    with pytest.raises(NoPluginError):
        dcmcore.codecs.decoders_for(J2K, "pylibjpeg-rle")


def test_codecs_pickle_with_their_syntaxes():
    for codec in [*plugin.dcmcore_decoders(), *plugin.dcmcore_encoders()]:
        clone = pickle.loads(pickle.dumps(codec))
        assert type(clone) is type(codec)
        assert clone.transfer_syntaxes == codec.transfer_syntaxes


def test_missing_backend_is_listed_as_unavailable_with_the_reason(monkeypatch):
    monkeypatch.setattr(discovery, "backends", lambda: {})
    dec = plugin.LibjpegDecoder()
    assert dec.transfer_syntaxes == plugin.JPEG_SYNTAXES + plugin.JPEGLS_SYNTAXES
    reason = dec.unavailable_reason()
    assert reason is not None and "pylibjpeg-libjpeg is not installed" in reason
    assert "pylibjpeg.pixel_data_decoders" in reason
    enc = plugin.RLEEncoder()
    assert "pylibjpeg-rle is not installed" in (enc.unavailable_reason() or "")


def test_codec_offers_only_the_syntaxes_its_backend_registered(monkeypatch):
    fake = {"libjpeg": discovery.Backend("libjpeg", "pylibjpeg-libjpeg", (JPEG_BASELINE,), ()),
            "rle": discovery.Backend("rle", "pylibjpeg-rle", (), (RLE,))}
    monkeypatch.setattr(discovery, "backends", lambda: fake)
    assert plugin.LibjpegDecoder().transfer_syntaxes == (JPEG_BASELINE,)
    assert plugin.LibjpegDecoder().unavailable_reason() is None
    reason = plugin.RLEDecoder().unavailable_reason()  # an encoder-only registration
    assert reason is not None and "registers none of" in reason
    assert plugin.RLEEncoder().unavailable_reason() is None


def test_backend_registered_but_not_importable_is_unavailable(monkeypatch):
    monkeypatch.setattr(plugin.RLEDecoder, "requires", ("no_such_rle_module_xyz",))
    reason = plugin.RLEDecoder().unavailable_reason()
    assert reason is not None and "no_such_rle_module_xyz" in reason


def test_unknown_option_is_dropped_and_known_one_declared():
    dec = _ours(dcmcore.codecs.all_decoders())["pylibjpeg-libjpeg"]
    assert dec.accepted_options({"j2k_cr": [5], "libjpeg_ybr_to_rgb": True}) == {
        "libjpeg_ybr_to_rgb": True, "as_rgb": True}
    enc = _ours(dcmcore.codecs.all_encoders())["pylibjpeg-openjpeg"]
    assert set(enc.accepted_options({"jls_error": 2})) == {"j2k_cr", "j2k_psnr", "use_mct"}


def test_explicit_unknown_name_is_a_plugin_error():
    with pytest.raises(PluginError):
        dcmcore.codecs.decoders_for(J2K, "pylibjpeg-nonexistent")


def test_disabling_one_backend_keeps_the_others():
    # The README's advice for leaving the GPL-3.0 libjpeg out of selection (scoped here, so
    # no runtime setting outlives the test; the environment variable is checked below).
    jpeg_lossless = "1.2.840.10008.1.2.4.70"
    with dcmcore.codecs.config.using(disabled=["pylibjpeg-libjpeg"]):
        names = [c.name for c in dcmcore.codecs.decoders_for(jpeg_lossless)]
        assert "pylibjpeg-libjpeg" not in names
        assert "pylibjpeg-openjpeg" in [c.name for c in dcmcore.codecs.decoders_for(J2K)]
    assert "pylibjpeg-libjpeg" in [c.name for c in dcmcore.codecs.decoders_for(jpeg_lossless)]


def test_disabling_libjpeg_from_the_environment():
    import os

    code = ("import dcmcore.codecs as c; "
            "print(sorted(d.name for d in c.decoders_for('1.2.840.10008.1.2.4.70')"
            " + c.decoders_for('1.2.840.10008.1.2.5')))")
    env = {**os.environ, "DCMCORE_DISABLED_PLUGINS": "pylibjpeg-libjpeg"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "pylibjpeg-libjpeg" not in out.stdout and "pylibjpeg-rle" in out.stdout
