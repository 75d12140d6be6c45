"""``dcmcore show``: the dataset as str(ds) prints it, its options and its exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dcmcore import codecs, dcmread, examples
from dcmcore.cli import main


def _out(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_show_prints_the_dataset_as_str_does(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _out(capsys, "show", "example:ct")
    assert code == 0, err
    assert str(examples.ct) in out
    assert "native, read by dcmcore without a plugin" in out


def test_show_names_the_plugin_that_would_decode(capsys: pytest.CaptureFixture[str]) -> None:
    ds = examples.jpeg2k
    first = codecs.decoders_for(str(ds.file_meta.TransferSyntaxUID))[0]
    code, out, _ = _out(capsys, "show", "example:jpeg2k")
    assert code == 0
    line = out.strip().splitlines()[-1]
    assert line.startswith("Pixel data: JPEG 2000")
    assert f"decoded by {first.name} ({first.provided_by})" in line


def test_show_json_is_the_dicom_json_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "show", "example:mr", "--json")
    assert code == 0
    assert json.loads(out) == examples.mr.to_json_dict()


def test_show_json_of_several_files_is_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "show", "example:mr", "example:ct", "--json", "--no-pixels")
    assert code == 0
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["00080060"]["Value"] == ["MR"] and second["00080060"]["Value"] == ["CT"]
    assert "7FE00010" not in second


def test_show_top_does_not_expand_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    ds = examples.rt_ss
    code, out, _ = _out(capsys, "show", "example:rt_ss", "--top")
    assert code == 0
    assert out.startswith(ds.top())
    _, full, _ = _out(capsys, "show", "example:rt_ss")
    assert len(full.splitlines()) > len(out.splitlines())


def test_show_no_pixels_stops_before_the_pixel_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "show", "example:ct", "--no-pixels")
    assert code == 0
    assert "Pixel Data" not in out
    assert "Pixel data:" not in out
    assert str(dcmread(examples.get_path("ct"), stop_before_pixels=True)) in out


def test_show_tag_prints_only_those_elements(capsys: pytest.CaptureFixture[str]) -> None:
    ds = examples.ct
    code, out, _ = _out(capsys, "show", "example:ct", "--tag", "PatientName", "0028,0010",
                        "(0028,0011)", "00280100")
    assert code == 0
    assert out.splitlines() == [str(ds["PatientName"]), str(ds["Rows"]), str(ds["Columns"]),
                                str(ds["BitsAllocated"])]


def test_show_tag_absent_and_json_subset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _out(capsys, "show", "example:ct", "--tag", "PatientName", "ContourData")
    assert code == 0
    assert out.splitlines()[1] == "(3006,0050): not present"
    code, out, _ = _out(capsys, "show", "example:ct", "--tag", "Modality", "--json")
    assert json.loads(out) == {"00080060": {"vr": "CS", "Value": ["CT"]}}


def test_show_several_files_one_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not DICOM")
    code, out, err = _out(capsys, "show", "example:mr", str(bad), "--no-pixels")
    assert code == 1
    assert "== example:mr ==" in out and str(examples.mr.PatientName) in out
    assert err.count("\n") == 1 and err.startswith(f"dcmcore: error: {bad}: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["show", "example:nope"], ["show", "example:ct", "--tag",
                                                             "NoSuchKeyword"],
                                  ["show"], ["show", "example:ct", "--top", "--json"], []])
def test_show_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_console_script_exit_codes_and_debug(
    run_cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    ok = run_cli("show", "example:ct", "--tag", "Modality")
    assert (ok.returncode, ok.stdout) == (0, "(0008,0060) Modality                            CS: 'CT'\n")
    missing = tmp_path / "missing.dcm"
    failed = run_cli("show", str(missing))
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        f"dcmcore: error: {missing}: [Errno 2] No such file or directory: '{missing}'"]
    debug = run_cli("show", str(missing), "--debug")
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    assert run_cli("show", "example:nope").returncode == 2


def test_python_dash_m_dcmcore_is_the_command() -> None:
    for module in ("dcmcore", "dcmcore.cli"):
        done = subprocess.run([sys.executable, "-m", module, "show", "example:ct", "--tag",
                               "Modality"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "'CT'" in done.stdout


@pytest.mark.parametrize("command", ["show", "plugins", "transcode", "render", "index",
                                     "codify"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    from dcmcore.cli import build_parser

    parser = build_parser()
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    if command not in choices:
        pytest.skip(f"{command} is not on this branch yet")
    assert main([command, "--help"]) == 0
    assert "exit codes: 0 done, 1 some inputs failed" in capsys.readouterr().out


def test_missing_rich_says_to_install_the_cli_extra() -> None:
    code = ("import sys; sys.modules['rich'] = None; from dcmcore.cli import main; "
            "sys.exit(main(['show', 'example:ct']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "pip install 'dcmcore[cli]'" in done.stderr


def test_output_piped_into_head_ends_quietly() -> None:
    script = Path(sys.executable).parent / "dcmcore"
    if not script.exists():
        pytest.skip("console script not installed")
    many = " ".join(["example:rt_ss"] * 12)  # far more than a pipe's buffer
    done = subprocess.run(f"'{script}' show {many} | head -n 1",
                          shell=True, capture_output=True, text=True, timeout=60,
                          executable="/bin/bash")
    assert done.stdout == "== example:rt_ss ==\n"
    assert done.stderr == ""
