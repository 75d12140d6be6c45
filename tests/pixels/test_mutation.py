"""Malformed codestreams and Image Pixel modules never kill, hang or escape the error family.

Runs ``tools/fuzz_pixels.py`` (each decode in a child process with a 3 GiB memory limit)
over pydicom's compressed corpus with every installed decoder, a few mutations per file and
decoder, and asserts that every outcome is an array or a ``DcmcoreError``: no crash, no
hang, no ``MemoryError``, no foreign exception. A larger run: ``--per-file 50``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pydicom")

TOOL = Path(__file__).resolve().parents[2] / "tools" / "fuzz_pixels.py"


@pytest.fixture(scope="module")
def outcomes() -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, str(TOOL), "--json", "--per-file", "8", "--seed", "7",
         "--timeout", "60"],
        capture_output=True, text=True, timeout=900, check=False)
    assert done.stdout, done.stderr[-2000:]
    return list(json.loads(done.stdout))


def test_mutated_pixel_data_gives_an_array_or_a_dcmcore_error(
        outcomes: list[dict[str, object]]) -> None:
    bad = [o for o in outcomes if o["outcome"] in ("foreign", "crash", "hang", "memory")]
    assert bad == []


def test_mutation_run_covers_every_installed_decoder_of_the_corpus(
        outcomes: list[dict[str, object]]) -> None:
    import dcmcore
    import dcmcore.codecs

    syntaxes = {str(dcmcore.dcmread(str(path), stop_before_pixels=True)
                    .file_meta.TransferSyntaxUID) for path in {o["path"] for o in outcomes}}
    assert syntaxes, "no compressed corpus file found"
    expected = {c.name for c in dcmcore.codecs.available_decoders()
                if c.available and syntaxes & set(c.transfer_syntaxes)}
    assert {str(o["decoder"]) for o in outcomes} == expected
    # and the mutations were not all harmless: every decoder refused some of them
    refusing = {str(o["decoder"]) for o in outcomes if o["outcome"] == "refused"}
    assert refusing == expected
