"""Regenerate the HTJ2K test codestreams in this folder with OpenJPH's ``ojph_compress``.

pylibjpeg-openjpeg (openjpeg 2.5) decodes HTJ2K but cannot encode it, and pydicom's wheel
has no HTJ2K file, so the decoder tests use codestreams made by an independent encoder,
OpenJPH 0.9.0 (Debian package ``openjph-tools``), from pixel data in pydicom's wheel. The
tests compare the decoded arrays with those sources, not with anything made here.

    apt-get install openjph-tools
    .venv/bin/python plugins/dcmcore-openjpeg/tests/data/make_htj2k.py

| file                                   | source (pydicom wheel)      | ojph_compress settings            |
|----------------------------------------|-----------------------------|-----------------------------------|
| htj2k_ct_small_lossless_rpcl.j2c       | CT_small.dcm, int16         | reversible, RPCL (default)        |
| htj2k_ct_small_u12_lossless_lrcp.j2c   | CT_small.dcm as 12-bit uint | reversible, LRCP                  |
| htj2k_sc_rgb_rct.j2c                   | SC_rgb_rle.dcm, RGB 8-bit   | reversible, colour transform      |
| htj2k_sc_rgb_no_mct.j2c                | SC_rgb_rle.dcm, RGB 8-bit   | reversible, no colour transform   |
| htj2k_mr_small_lossy.j2c               | MR_small.dcm, int16         | irreversible, qstep 0.0005        |
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pydicom
from pydicom.data import get_testdata_file

HERE = Path(__file__).parent


def _compress(src: Path, out: str, *args: str) -> None:
    subprocess.run(["ojph_compress", "-i", str(src), "-o", str(HERE / out), *args], check=True)


def main() -> None:
    ct = pydicom.dcmread(get_testdata_file("CT_small.dcm")).pixel_array
    mr = pydicom.dcmread(get_testdata_file("MR_small.dcm")).pixel_array
    rgb = pydicom.dcmread(get_testdata_file("SC_rgb_rle.dcm")).pixel_array
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raw = ["-num_comps", "1", "-downsamp", "{1,1}"]
        ct.astype("<i2").tofile(work / "ct.yuv")
        _compress(work / "ct.yuv", "htj2k_ct_small_lossless_rpcl.j2c", "-dims", "{128,128}",
                  "-signed", "true", "-bit_depth", "16", "-reversible", "true", *raw)
        ct.astype("<u2").tofile(work / "ct12.yuv")  # CT_small's values are 128..2191
        _compress(work / "ct12.yuv", "htj2k_ct_small_u12_lossless_lrcp.j2c", "-dims",
                  "{128,128}", "-signed", "false", "-bit_depth", "12", "-reversible", "true",
                  "-prog_order", "LRCP", *raw)
        (work / "rgb.ppm").write_bytes(b"P6\n100 100\n255\n" + rgb.tobytes())
        _compress(work / "rgb.ppm", "htj2k_sc_rgb_rct.j2c", "-reversible", "true",
                  "-colour_trans", "true")
        _compress(work / "rgb.ppm", "htj2k_sc_rgb_no_mct.j2c", "-reversible", "true",
                  "-colour_trans", "false")
        mr.astype("<i2").tofile(work / "mr.yuv")
        _compress(work / "mr.yuv", "htj2k_mr_small_lossy.j2c", "-dims", "{64,64}",
                  "-signed", "true", "-bit_depth", "16", "-qstep", "0.0005", *raw)


if __name__ == "__main__":
    main()
