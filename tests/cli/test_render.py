"""``dcmcore render``: PNGs of the bundled examples against statistics computed here.

The expected images are computed in this file from pydicom's reading of the same
files with the formulas of PS3.3 C.11 (rescale, linear window) and the palette
tables indexed directly, not with dcmcore's display code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dcmcore import examples
from dcmcore.cli import main

pydicom = pytest.importorskip("pydicom")
Image = pytest.importorskip("PIL.Image")

PERCENTILES = (5, 25, 50, 75, 95)


def _png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def _render(tmp_path: Path, name: str, *extra: str) -> np.ndarray:
    out = tmp_path / f"{name}.png"
    assert main(["render", f"example:{name}", "-o", str(out), *extra]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no partial file left
    return _png(out)


def _reference(ds: object) -> np.ndarray:
    """Display values by the standard's formulas, 0-255 floats (not inverted)."""
    arr = ds.pixel_array.astype(np.float64)  # type: ignore[attr-defined]
    slope = float(getattr(ds, "RescaleSlope", 1) or 1)
    intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
    values = arr * slope + intercept
    if "WindowCenter" in ds:  # type: ignore[operator]
        centre = float(np.atleast_1d(ds.WindowCenter)[0])  # type: ignore[attr-defined]
        width = float(np.atleast_1d(ds.WindowWidth)[0])  # type: ignore[attr-defined]
        # PS3.3 C.11.2.1.2.1 linear window, output range mapped to 0..255
        scaled = ((values - (centre - 0.5)) / (width - 1) + 0.5) * 255
    else:
        scaled = (values - values.min()) / (values.max() - values.min()) * 255
    return np.clip(scaled, 0, 255)


def _palette_reference(ds: object) -> np.ndarray:
    arr = ds.pixel_array.astype(np.int64)  # type: ignore[attr-defined]
    channels = []
    for colour in ("Red", "Green", "Blue"):
        count, first, bits = getattr(ds, f"{colour}PaletteColorLookupTableDescriptor")
        raw = getattr(ds, f"{colour}PaletteColorLookupTableData")
        table = np.frombuffer(raw, dtype="<u2" if bits == 16 else "u1").astype(np.float64)
        table = table[: count or 65536]
        channels.append(table[np.clip(arr - first, 0, len(table) - 1)] * 255 /
                        (65535 if bits == 16 else 255))
    return np.stack(channels, axis=-1)


def _same_statistics(png: np.ndarray, expected: np.ndarray) -> None:
    assert png.shape == expected.shape and png.dtype == np.uint8
    assert abs(png.mean() - expected.mean()) < 0.5
    assert np.allclose(np.percentile(png, PERCENTILES), np.percentile(expected, PERCENTILES),
                       atol=1)
    assert np.max(np.abs(png - np.rint(expected))) <= 1


@pytest.mark.parametrize("name", ["ct", "mr", "jpeg2k", "rle", "jpegls"])
def test_render_greyscale_applies_rescale_and_window(tmp_path: Path, name: str) -> None:
    png = _render(tmp_path, name)
    expected = _reference(pydicom.dcmread(examples.get_path(name)))
    _same_statistics(png, expected)
    assert 10 < png.mean() < 245 and png.std() > 10  # not blank, not saturated


def test_render_monochrome1_is_inverted(tmp_path: Path) -> None:
    png = _render(tmp_path, "monochrome1")
    ds = pydicom.dcmread(examples.get_path("monochrome1"))
    assert ds.PhotometricInterpretation == "MONOCHROME1"
    plain = _reference(ds)
    _same_statistics(png, 255 - plain)
    assert np.corrcoef(png.ravel(), plain.ravel())[0, 1] < -0.99  # inverted


@pytest.mark.parametrize("name", ["rgb_color", "jpeg_baseline"])
def test_render_colour_keeps_the_colours(tmp_path: Path, name: str) -> None:
    png = _render(tmp_path, name)
    ds = pydicom.dcmread(examples.get_path(name))
    expected = ds.pixel_array.astype(np.float64)  # RGB (pydicom converts YBR)
    assert png.ndim == 3 and png.shape[-1] == 3
    _same_statistics(png, expected)
    assert np.ptp(png.mean(axis=(0, 1))) > 1  # the channels differ: colour, not grey


def test_render_palette_maps_through_the_palette(tmp_path: Path) -> None:
    png = _render(tmp_path, "palette_color")
    expected = _palette_reference(pydicom.dcmread(examples.get_path("palette_color")))
    _same_statistics(png, expected)


def test_render_frame_and_grid_of_a_multiframe_file(tmp_path: Path) -> None:
    ds = pydicom.dcmread(examples.get_path("ybr_color"))
    frames = ds.pixel_array
    (tmp_path / "one").mkdir()
    last = _render(tmp_path / "one", "ybr_color", "--frame", str(len(frames) - 1))
    _same_statistics(last, frames[-1].astype(np.float64))
    (tmp_path / "grid").mkdir()
    sheet = _render(tmp_path / "grid", "ybr_color", "--grid")
    rows, cols = frames.shape[1:3]
    assert sheet.shape == (2 * rows + 2, 2 * cols + 2, 3)  # 4 frames: 2 x 2, 2-px gaps
    np.testing.assert_array_equal(sheet[rows + 2:, cols + 2:], frames[3])


def test_render_enhanced_frames_use_their_functional_groups(tmp_path: Path) -> None:
    ds = pydicom.dcmread(examples.get_path("enhanced_mr"))
    group = ds.SharedFunctionalGroupsSequence[0].FrameVOILUTSequence[0]
    png = _render(tmp_path, "enhanced_mr", "--frame", "5")
    values = ds.pixel_array[5].astype(np.float64)
    centre, width = float(group.WindowCenter), float(group.WindowWidth)
    expected = np.clip(((values - (centre - 0.5)) / (width - 1) + 0.5) * 255, 0, 255)
    _same_statistics(png, expected)


def test_render_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.png"
    assert main(["render", "example:ct", "-o", str(out), "--frame", "3"]) == 1
    assert "--frame 3: the file has 1 frame(s)" in capsys.readouterr().err
    assert main(["render", "example:rt_ss", "-o", str(out)]) == 1
    assert capsys.readouterr().err.startswith("dcmcore: error: example:rt_ss: ")
    assert not out.exists()
    assert main(["render", "example:ct", "-o", str(out), "--grid", "--frame", "0"]) == 2
    capsys.readouterr()
    nowhere = tmp_path / "missing" / "x.png"
    assert main(["render", "example:ct", "-o", str(nowhere)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dcmcore: error: {nowhere}: ") and err.count("\n") == 1
