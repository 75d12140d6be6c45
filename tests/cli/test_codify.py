"""``dcmcore codify``: code that recreates a file (pydicom's codify arguments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dcmcore import dcmread, examples
from dcmcore.cli import main

pytest.importorskip("dcmcore.util.codify", reason="dcmcore.util.codify is not installed")


def test_codify_writes_code_that_rebuilds_the_file(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["codify", "example:ct", "--exclude-size", "1000000"]) == 0
    code = capsys.readouterr().out
    assert "ds.PatientName = " in code
    assert "ds.save_as(r'ct_from_codify.dcm'" in code  # in the working folder
    exec(compile(code, "codified.py", "exec"), {})  # noqa: S102 - our own generated code
    rebuilt, original = dcmread(tmp_path / "ct_from_codify.dcm"), examples.ct
    assert rebuilt.PatientName == original.PatientName
    assert (rebuilt.pixel_array == original.pixel_array).all()
    assert main(["codify", "example:mr", "mr.py", "-s", "other.dcm"]) == 0
    assert "ds.save_as(r'other.dcm'" in (tmp_path / "mr.py").read_text(encoding="utf-8")


def test_codify_bad_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("not DICOM")
    out = tmp_path / "x.py"
    assert main(["codify", str(bad), str(out)]) == 1
    assert capsys.readouterr().err.startswith(f"dcmcore: error: {bad}: ")
    assert not out.exists()
