"""``dcmcore index``: the Parquet file reads back to read_metadata's table, locally and on Dask."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).parent))

from conftest import all_files  # noqa: E402

from dcmcore.cli import main  # noqa: E402
from dcmcore.dask import read_metadata  # noqa: E402

KEYWORDS = ["PatientID", "StudyDate", "ImageType", "PixelSpacing"]


def test_index_on_the_cluster_reads_back_to_the_same_table(client, archive, tmp_path, capsys):
    out = tmp_path / "index.parquet"
    code = main(["index", str(archive), "-o", str(out), "--keywords", *KEYWORDS,
                 "--scheduler", client.scheduler.address, "--files-per-task", "40",
                 "--no-progress"])
    assert code == 1  # the corrupt files are reported and make the exit code 1
    captured = capsys.readouterr()
    assert "garbage.dcm" in captured.err and "unreadable" in captured.out
    expected = read_metadata(archive, keywords=KEYWORDS).compute()
    written = pq.read_table(out)
    assert written.equals(pa.Table.from_pandas(expected, preserve_index=False))
    back = pd.read_parquet(out, dtype_backend="pyarrow")
    pd.testing.assert_frame_equal(back, expected.reset_index(drop=True), check_dtype=False)
    assert sorted(back["path"]) == all_files(archive)
    assert list(out.parent.iterdir()) == [out]  # no temporary file left


def test_index_in_process_writes_the_same_file(client, archive, tmp_path):
    local, remote = tmp_path / "local.parquet", tmp_path / "remote.parquet"
    assert main(["index", str(archive / "corpus"), "-o", str(local), "--no-progress"]) == 1
    assert main(["index", str(archive / "corpus"), "-o", str(remote), "--no-progress",
                 "--scheduler", client.scheduler.address]) == 1
    assert pq.read_table(local).equals(pq.read_table(remote))


def test_index_of_clean_files_exits_0(archive, tmp_path):
    out = tmp_path / "mr.parquet"
    assert main(["index", str(archive / "corpus" / "MR_small*.dcm"), "-o", str(out),
                 "--no-progress"]) == 0
    assert pq.read_table(out).num_rows == len(list((archive / "corpus").glob("MR_small*.dcm")))


def test_index_refuses_an_unknown_keyword(tmp_path, capsys):
    assert main(["index", str(tmp_path), "-o", str(tmp_path / "x.parquet"),
                 "--keywords", "Nope"]) == 2
    assert "Nope" in capsys.readouterr().err
