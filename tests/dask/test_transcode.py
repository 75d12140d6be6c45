"""dcmcore.dask.transcode on a real 2-process cluster: outputs, resume, a killed worker,
a worker without the plugin the job needs."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from conftest import CORPUS, corrupt_files  # noqa: E402

from dcmcore.dask import check_workers, summarize, transcode, worker_codecs  # noqa: E402
from dcmcore.errors import PluginError  # noqa: E402
from dcmcore.io.reader import dcmread  # noqa: E402
from dcmcore.pixels import pixel_array  # noqa: E402
from dcmcore.uid import JPEG2000Lossless, RLELossless  # noqa: E402

SOURCES = ("CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "rtdose.dcm",
           "SC_rgb_rle_2frame.dcm", "JPEG2000.dcm")
#: JPEG 2000 takes at most 16 bits per sample: no rtdose (32)
J2K_SOURCES = tuple(n for n in SOURCES if n != "rtdose.dcm")


def _inputs(folder: Path, copies: int = 1, sources: tuple[str, ...] = SOURCES
            ) -> dict[str, Path]:
    """Corpus files (`copies` of each, in sub-folders) plus the corrupt ones in ``bad/``."""
    out = {}
    for i in range(copies):
        sub = folder / f"part{i}"
        sub.mkdir(parents=True)
        for name in sources:
            out[f"part{i}/{name}"] = Path(shutil.copy(CORPUS / name, sub / name))
    for name, path in corrupt_files(folder / "bad").items():
        out[f"bad/{name}"] = path
    return out


def _check_outputs(rows, inputs: dict[str, Path], src: Path, out: Path, uid: str) -> None:
    """One row per input; every good input's output is complete and decodes to its source."""
    assert sorted(rows["source"]) == sorted(str(p) for p in inputs.values())
    for r in rows.itertuples(index=False):
        rel = Path(r.source).relative_to(src)
        assert r.output == str(out / rel)
        if rel.name == "header_cut.dcm":
            # dcmcore.transcode reads a truncated header leniently: converted, with the warning
            # (or skipped, when a task that had converted it ran again)
            assert r.status in ("failed", "skipped") or any("data ends" in w for w in r.warnings)
            continue
        if rel.parts[0] == "bad":
            assert r.status == "failed" and r.reason
            assert not Path(r.output).exists()
            continue
        assert r.status in ("done", "skipped"), (r.source, r.reason)
        written = dcmread(r.output)
        assert written.file_meta.TransferSyntaxUID == uid
        np.testing.assert_array_equal(pixel_array(written), pixel_array(r.source))
    visible = sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert visible == sorted(Path(r.output) for r in rows.itertuples() if r.status != "failed")
    for r in rows.itertuples():
        if r.status != "failed":
            assert dcmread(r.output).SOPInstanceUID == dcmread(r.source).SOPInstanceUID


def test_outputs_decode_to_their_sources_and_a_rerun_skips_them(client, tmp_path):
    inputs = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    rows = transcode(tmp_path / "in", out, "RLELossless", verify=True, files_per_task=3)
    assert rows.npartitions == 4
    first = rows.compute()
    _check_outputs(first, inputs, tmp_path / "in", out, RLELossless)
    assert set(first["status"]) == {"done", "failed"}
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.dcm")}
    again = summarize(transcode(tmp_path / "in", out, "RLELossless"))
    failed = int((first["status"] == "failed").sum())
    assert (again.done, again.skipped, again.failed) == (0, len(inputs) - failed, failed)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.dcm")} == before
    for source in inputs.values():  # inputs untouched
        if source.parent.name == "part0":
            assert source.read_bytes() == (CORPUS / source.name).read_bytes()


def test_a_worker_killed_mid_transcode_loses_and_duplicates_nothing(client, tmp_path):
    inputs = _inputs(tmp_path / "in", copies=6, sources=J2K_SOURCES)
    out = tmp_path / "out"
    rows = transcode(tmp_path / "in", out, "JPEG2000Lossless", verify=True, files_per_task=2)
    future = client.compute(rows)
    pids = client.run(os.getpid)
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline and not future.done():
        busy = [w for w, keys in client.processing().items() if keys]
        if busy and any(out.rglob("*.dcm")):
            victim = busy[0]
        else:
            time.sleep(0.01)
    assert victim is not None, "the job ended before a worker could be killed"
    os.kill(pids[victim], signal.SIGKILL)
    try:
        table = future.result(timeout=300)
        _check_outputs(table, inputs, tmp_path / "in", out, JPEG2000Lossless)
        summary = summarize(table)
        assert summary.total == len(inputs) and summary.failed in (4, 5)
    finally:
        client.wait_for_workers(2, timeout=60)  # the nanny restarts it, for the next tests


def test_a_worker_lacking_the_encoder_is_reported_once_before_any_file(
    client, worker_without_rle_encoder, tmp_path
):
    found = worker_codecs(client)
    assert not found[worker_without_rle_encoder].encoders.get(RLELossless)
    assert any(c.encoders.get(RLELossless) for c in found.values())
    with pytest.raises(PluginError) as info:
        check_workers(client, encode="RLELossless")
    message = str(info.value)
    assert message.count(worker_without_rle_encoder) == 1 and "1 of 2 workers" in message
    (tmp_path / "in").mkdir()
    shutil.copy(CORPUS / "CT_small.dcm", tmp_path / "in")
    with pytest.raises(PluginError, match="RLE"):
        transcode(tmp_path / "in", tmp_path / "out", "RLELossless")
    assert not (tmp_path / "out").exists()
    check_workers(client, encode="JPEG2000Lossless")  # other syntaxes are fine


def test_an_unknown_plugin_is_reported_for_every_worker(client):
    with pytest.raises(PluginError, match="2 of 2 workers"):
        check_workers(client, encode="RLELossless", plugin="no-such-codec")
