"""One real Dask cluster (two worker processes) shared by the tests of dcmcore.dask."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dcmcore import codecs
from dcmcore.uid import RLELossless

distributed = pytest.importorskip("distributed")

#: pydicom's corpus: the test inputs (read only)
CORPUS = Path(__import__("pydicom.data", fromlist=["x"]).get_testdata_file("CT_small.dcm")).parent


@pytest.fixture(scope="session")
def client() -> Iterator[distributed.Client]:
    """A client of a ``LocalCluster`` of 2 worker processes, 1 thread each (the default client)."""
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def corrupt_files(folder: Path) -> dict[str, Path]:
    """Write files no reader can take whole, each broken a different way; by name."""
    folder.mkdir(parents=True, exist_ok=True)
    ct = (CORPUS / "CT_small.dcm").read_bytes()
    files = {
        "empty.dcm": b"",
        "garbage.dcm": bytes(range(256)) * 9,
        "header_cut.dcm": ct[:700],  # ends inside the data set, long before Pixel Data
        "no_dicm.dcm": b"\0" * 128 + b"DICX" + ct[132:],
        # the meta's group length element with a value length past the end of the file
        "bad_meta.dcm": ct[:132] + b"\x02\x00\x01\x00OB\0\0\xf0\xff\xff\x7f" + ct[144:200],
    }
    out = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        out[name] = path
    return out


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder: a copy of pydicom's corpus (in sub-folders) plus the corrupt files in ``bad/``."""
    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(CORPUS, root / "corpus")
    corrupt_files(root / "bad")
    return root


def all_files(root: Path) -> list[str]:
    """Every file under `root`, as absolute paths, sorted."""
    return sorted(str(Path(d, f)) for d, _, names in os.walk(root) for f in names)


@pytest.fixture
def worker_without_rle_encoder(client):
    """One worker whose configuration disables every RLE Lossless encoder it has."""
    client.wait_for_workers(2, timeout=60)
    worker = sorted(client.scheduler_info()["workers"])[0]

    def disable_rle() -> None:
        codecs.config.disable(*(e.name for e in codecs.encoders_for(RLELossless)))

    client.run(disable_rle, workers=[worker])
    try:
        yield worker
    finally:
        client.run(codecs.config.reset, workers=[worker])
