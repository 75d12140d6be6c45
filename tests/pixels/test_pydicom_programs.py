"""pydicom 3 programs of the pixel side run unchanged once their imports say dcmcore.

Each program is pydicom code as users write it.  It runs once as written and once with
``pydicom`` replaced by ``dcmcore`` in its import lines; both runs must give equal
results.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pytest

CORPUS = Path(pydicom.__file__).parent / "data" / "test_files"

PROGRAMS = {
    "modality and VOI LUTs over a series": """
        from pydicom import dcmread
        from pydicom.pixels import apply_modality_lut, apply_voi_lut

        out = []
        for path in paths:
            ds = dcmread(path)
            hu = apply_modality_lut(ds.pixel_array, ds)
            ds.WindowCenter, ds.WindowWidth = 40, 400
            out.append(apply_voi_lut(hu, ds))
        result = np.stack(out)
    """,
    "processing submodule, windowing functions and presentation": """
        from pydicom import dcmread
        from pydicom.pixels.processing import (
            apply_modality_lut, apply_presentation_lut, apply_windowing)

        ds = dcmread(paths[0])
        ds.VOILUTFunction = "SIGMOID"
        ds.WindowCenter, ds.WindowWidth = [40, 300], [400, 1500]
        ds.PresentationLUTShape = "INVERSE"
        arr = apply_windowing(apply_modality_lut(ds.pixel_array, ds), ds, index=1)
        result = apply_presentation_lut(arr, ds)
    """,
    "palette to RGB, then YCbCr": """
        from pydicom import dcmread
        from pydicom.pixels import apply_color_lut, convert_color_space

        ds = dcmread(palette_path)
        rgb = apply_color_lut(ds.pixel_array, ds)
        hot = apply_color_lut(ds.pixel_array.astype("uint8"), palette="HOT_IRON")
        result = (rgb, convert_color_space(hot, "RGB", "YBR_FULL"))
    """,
    "build, encapsulate and read back frames": """
        import io
        from pydicom import dcmread
        from pydicom.encaps import encapsulate, generate_frames, get_frame
        from pydicom.uid import RLELossless
        from pydicom.pixels import get_encoder

        ds = dcmread(paths[0])
        encoder = get_encoder(RLELossless)
        frames = [encoder.encode(ds, encoding_plugin="pydicom")] * 3
        value = encapsulate(frames, fragments_per_frame=2)
        ds.PixelData = value
        ds["PixelData"].VR = "OB"
        ds.NumberOfFrames = 3
        ds.file_meta.TransferSyntaxUID = RLELossless
        buf = io.BytesIO()
        ds.save_as(buf)
        back = dcmread(io.BytesIO(buf.getvalue()))
        result = (
            list(generate_frames(back.PixelData, number_of_frames=3)) == frames,
            get_frame(back.PixelData, 2) == frames[2],
            back.pixel_array,
        )
    """,
    "extended offset table": """
        from pydicom.encaps import encapsulate_extended, generate_frames

        frames = [bytes(range(i, i + 10)) for i in range(4)]
        value, offsets, lengths = encapsulate_extended(frames)
        result = list(generate_frames(value, extended_offsets=(offsets, lengths)))
    """,
    "decoder objects and pixel utilities": """
        from pydicom import dcmread
        from pydicom.pixels import get_decoder
        from pydicom.pixels.utils import get_expected_length, pixel_dtype, reshape_pixel_array

        ds = dcmread(rle_path)
        decoder = get_decoder(ds.file_meta.TransferSyntaxUID)
        arr, meta = decoder.as_array(ds, index=0)
        native = dcmread(paths[0])
        flat = np.frombuffer(native.PixelData, dtype=pixel_dtype(native))
        result = (arr, meta["rows"], meta["bits_allocated"], get_expected_length(native),
                  reshape_pixel_array(native, flat))
    """,
    "overlays and waveforms": """
        from pydicom import dcmread
        from pydicom.overlays import get_overlay_array
        from pydicom.waveforms import multiplex_array

        result = (get_overlay_array(dcmread(overlay_path), 0x6000),
                  multiplex_array(dcmread(ecg_path), 0, as_raw=False))
    """,
}


def _as_dcmcore(source: str) -> str:
    """The program with ``pydicom`` replaced by ``dcmcore`` in its import lines."""
    return re.sub(r"^(\s*(?:from|import)\s+)pydicom\b", r"\1dcmcore", source, flags=re.M)


def _run(source: str) -> Any:
    namespace: dict[str, Any] = {
        "np": np,
        "paths": [str(CORPUS / "CT_small.dcm")],
        "palette_path": str(CORPUS / "examples_palette.dcm"),
        "rle_path": str(CORPUS / "MR_small_RLE.dcm"),
        "overlay_path": str(CORPUS / "examples_overlay.dcm"),
        "ecg_path": str(CORPUS / "waveform_ecg.dcm"),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(textwrap.dedent(source), namespace)  # noqa: S102 - the programs above
    return namespace["result"]


def _equal(a: Any, b: Any) -> None:
    if isinstance(a, tuple | list):
        assert isinstance(b, tuple | list) and len(a) == len(b)
        for x, y in zip(a, b):
            _equal(x, y)
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


def test_the_rewrite_touches_only_imports() -> None:
    source = "from pydicom.encaps import x\nimport pydicom.uid\ny = 'pydicom'\n"
    assert _as_dcmcore(source) == "from dcmcore.encaps import x\nimport dcmcore.uid\ny = 'pydicom'\n"


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_pydicom_program_gives_the_same_result_with_dcmcore(name: str) -> None:
    source = PROGRAMS[name]
    converted = _as_dcmcore(source)
    assert "from pydicom" not in converted
    _equal(_run(converted), _run(source))
