"""Run a snippet of Python in a child process under a 3 GiB address-space limit and a
timeout, and report its outcome, time and peak memory above the interpreter's.

Shared by the reliability tests of this folder and ``tools/hostile_inputs.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import dcmcore

#: The checkout whose dcmcore the child imports: the one this process imported.
ROOT = Path(dcmcore.__file__).resolve().parents[1]
ADDRESS_SPACE = 3 << 30

_PRELUDE = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
import numpy
import dcmcore, dcmcore.pixels, dcmcore.errors
from dcmcore import dcmread
from dcmcore.io import reader as _reader, writer as _writer, json as _json
_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
_t = time.perf_counter()
_result = {{"outcome": "ok", "dcmcore_error": False, "message": ""}}
try:
{body}
except BaseException as _exc:
    _result["outcome"] = type(_exc).__name__
    _result["dcmcore_error"] = isinstance(_exc, dcmcore.errors.DcmcoreError)
    _result["message"] = str(_exc)[:300]
_result["seconds"] = time.perf_counter() - _t
_result["peak_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - _base) / 1024
print("RESULT " + json.dumps(_result))
"""


@dataclass
class Outcome:
    """How a snippet ended: its exception name ("ok"), whether that is a dcmcore error,
    its message, seconds, peak memory above the interpreter (MB) and the return code."""

    outcome: str
    dcmcore_error: bool
    message: str
    seconds: float
    peak_mb: float
    returncode: int


def run_limited(body: str, *, timeout: float = 60.0, cwd: str | None = None,
                root: Path = ROOT) -> Outcome:
    """Run `body` (statements) with dcmcore from `root` imported; never raises for the
    snippet's own failures: a crash (signal) or a timeout is reported as the outcome."""
    code = _PRELUDE.format(limit=ADDRESS_SPACE, body=textwrap.indent(textwrap.dedent(body), "    "))
    env = {**os.environ, "PYTHONPATH": str(root)}
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=cwd or str(root))
    except subprocess.TimeoutExpired:
        return Outcome("timeout", False, f"no result after {timeout} s", timeout, float("nan"), -9)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            found = json.loads(line[7:])
            return Outcome(found["outcome"], found["dcmcore_error"], found["message"],
                           found["seconds"], found["peak_mb"], proc.returncode)
    name = f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit {proc.returncode}"
    return Outcome(name, False, proc.stderr[-300:], float("nan"), float("nan"), proc.returncode)
