"""The plugin's declarations: registration, metadata, lazy import, pickling, GIL release."""

from __future__ import annotations

import importlib.metadata
import pickle
import threading
import time

import numpy as np
from dcmcore_pillow import plugin

import dcmcore.codecs

JPEG_BASELINE = "1.2.840.10008.1.2.4.50"
JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"


def test_entry_point_registers_the_decoder_and_encoder():
    decoders = {c.name: c for c in dcmcore.codecs.all_decoders()}
    encoders = {c.name: c for c in dcmcore.codecs.all_encoders()}
    assert isinstance(decoders["pillow"], plugin.PillowJPEGDecoder)
    assert isinstance(encoders["pillow"], plugin.PillowJPEGEncoder)
    assert decoders["pillow"].provided_by == "dcmcore-pillow"
    assert decoders["pillow"].is_available and encoders["pillow"].is_available


def test_declared_syntaxes_priorities_and_options():
    dec, enc = plugin.PillowJPEGDecoder(), plugin.PillowJPEGEncoder()
    assert dec.transfer_syntaxes == (JPEG_BASELINE, JPEG_EXTENDED)
    assert enc.transfer_syntaxes == (JPEG_BASELINE,)
    assert dec.priority == enc.priority == 70
    assert dict(dec.options) == {"pillow_ycbcr_to_rgb": True, "as_rgb": True}
    assert dict(enc.options) == {"jpeg_quality": 90}
    assert dec.accepted_options({"jls_error": 2, "pillow_ycbcr_to_rgb": False}) == {
        "pillow_ycbcr_to_rgb": False, "as_rgb": True
    }


def test_library_and_licence_match_the_installed_pillow_metadata():
    meta = importlib.metadata.metadata("pillow")
    licence = meta.get("License-Expression") or meta.get("License")
    for codec in (plugin.PillowJPEGDecoder(), plugin.PillowJPEGEncoder()):
        assert codec.library == "pillow"
        assert codec.license == licence
        assert codec.requires == ("PIL",)


def test_importing_the_plugin_does_not_import_pillow(run_child):
    result = run_child(
        "import sys, dcmcore_pillow.plugin as p\n"
        "assert p.PillowJPEGDecoder().unavailable_reason() is None\n"
        "print('PIL' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_too_old_pillow_is_reported_unavailable(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.5.0")
    reason = plugin.PillowJPEGDecoder().unavailable_reason()
    assert reason is not None and "pillow >= 10.0" in reason


def test_codecs_pickle_for_process_pools():
    for codec in (plugin.PillowJPEGDecoder(), plugin.PillowJPEGEncoder()):
        clone = pickle.loads(pickle.dumps(codec))
        assert type(clone) is type(codec) and clone.name == "pillow"


def test_hooks_return_instances():
    assert [type(c) for c in plugin.dcmcore_decoders()] == [plugin.PillowJPEGDecoder]
    assert [type(c) for c in plugin.dcmcore_encoders()] == [plugin.PillowJPEGEncoder]


def test_decoding_releases_the_gil(pillow_jpeg, smooth_rgb, frame_info):
    # thread_safe = True claims that libjpeg-turbo runs without the GIL: while a
    # worker thread decodes a large frame, this thread keeps running. Were the GIL
    # held, this thread would stall for the whole C call (the largest gap between
    # its loop iterations would be about the decode time).
    frame = pillow_jpeg(np.tile(smooth_rgb(1, 256, 256)[0], (12, 12, 1)), quality=90,
                        subsampling=1)
    info = frame_info(3072, 3072, 3, "YBR_FULL_422")
    decoder = plugin.PillowJPEGDecoder()
    alone = []
    for _ in range(2):
        start = time.perf_counter()
        decoder.decode(frame, info)
        alone.append(time.perf_counter() - start)
    done = threading.Event()

    def work() -> None:
        decoder.decode(frame, info)
        done.set()

    worker = threading.Thread(target=work)
    largest_gap, last = 0.0, time.perf_counter()
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        largest_gap, last = max(largest_gap, now - last), now
    worker.join()
    assert min(alone) > 0.03
    assert largest_gap < 0.6 * min(alone), (largest_gap, alone)
