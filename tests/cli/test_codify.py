"""``dcmcore codify``: code that recreates a file (needs dcmcore.util.codify)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dcmcore.cli import main

pytest.importorskip("dcmcore.util.codify", reason="dcmcore.util.codify is not installed")


def test_codify_writes_code_that_names_the_elements(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codify", "example:ct"]) == 0
    code = capsys.readouterr().out
    # values over --exclude-size are left as a comment that does not compile, on purpose
    # (as pydicom's codify): the user must decide what to put there
    assert "= # XXX Array of" in code
    assert main(["codify", "example:ct", "--exclude-size", "0"]) == 0
    compile(capsys.readouterr().out, "codified.py", "exec")
    assert "PatientName" in code
    out = tmp_path / "ct.py"
    assert main(["codify", "example:ct", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") .strip() == code.strip()


def test_codify_bad_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("not DICOM")
    assert main(["codify", str(bad)]) == 1
    assert capsys.readouterr().err.startswith(f"dcmcore: error: {bad}: ")
