"""Hostile and unlucky inputs, measured: time, peak memory and outcome of each case.

Each case of issue 11 runs in a child process under a 3 GiB address-space limit and a
timeout, against one or two checkouts of dcmcore (``--before REV`` extracts a revision
with ``git archive`` into a temporary folder), and a table is printed:

- deflate bombs: a deflated data set of ~5 MB inflating to 5 GiB; Deflated Image Frame
  Compression frames (8x8) whose streams inflate to 1 GiB and 4 GiB;
- endless sources: ``/dev/zero``, ``/dev/urandom``, ``pixel_array('/dev/zero')``, a FIFO
  whose writer sends garbage and stays open;
- files changing under deferred reads: truncated while read, rewritten in place or
  replaced with the same modification time, deleted;
- writes: ``save_as`` killed with SIGKILL (30 kills: debris count), a read-only folder,
  a full disk (a file size limit), ``/dev/full``;
- DICOM JSON: 188 pairs of VR and wrongly typed value (silently accepted / warned /
  dcmcore error / foreign error), malformed and 100 MB invalid ``InlineBinary``.

Run: .venv/bin/python tools/hostile_inputs.py [--before REV] [--kills 30] [--only NAME]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "io"))
sys.path.insert(0, str(REPO / "tests"))

import hostile_files  # noqa: E402
from limited_run import Outcome, run_limited  # noqa: E402

Case = Callable[[Path, Path], Outcome]


def _extract(rev: str, into: Path) -> Path:
    """The dcmcore package of revision `rev`, extracted into `into`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "dcmcore"],
                             check=True, capture_output=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    tar = into / "src.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as t:
        t.extractall(into, filter="data")
    return into


# --------------------------------------------------------------------- cases
def _read(call: str) -> Case:
    return lambda root, work: run_limited(call, timeout=60, root=root)


def _file_case(name: str, build: Callable[[], bytes], call: str) -> Case:
    def run(root: Path, work: Path) -> Outcome:
        path = work / f"{name}.dcm"
        if not path.exists():
            path.write_bytes(build())
        return run_limited(call.format(path=str(path)), timeout=120, root=root)

    return run


def _fifo(root: Path, work: Path) -> Outcome:
    fifo = work / "garbage.fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    stop = threading.Event()

    def write() -> None:
        junk = os.urandom(1 << 16)
        try:
            with open(fifo, "wb") as f:
                while not stop.is_set():
                    f.write(junk)
        except OSError:
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    found = run_limited(f"dcmread({str(fifo)!r})", timeout=20, root=root)
    stop.set()
    if thread.is_alive():  # the writer still blocks in open(): let it through
        try:
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass
    thread.join(2)
    return found


_DEFERRED = """
import os
path = {path!r}
ds = dcmread(path, defer_size=1024)
st = os.stat(path)
{change}
ds[0x00091010].value
"""

_CHANGES = {
    "truncated after read": "os.truncate(path, 5000)\nos.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))",
    "rewritten in place, same mtime": (
        "data = bytearray(open(path, 'rb').read())\n"
        "start = data.index(bytes(range(256)))\n"
        "data[start:start + 4096] = bytes(4096)\n"
        "open(path, 'r+b').write(data)\n"
        "os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))"),
    "replaced, same mtime": (
        "open(path + '.new', 'wb').write(open(path, 'rb').read())\n"
        "os.utime(path + '.new', ns=(st.st_atime_ns, st.st_mtime_ns))\n"
        "os.replace(path + '.new', path)"),
    "deleted": "os.unlink(path)",
}


def _deferred(change: str) -> Case:
    def run(root: Path, work: Path) -> Outcome:
        path = work / "deferred.dcm"
        path.write_bytes(hostile_files.deferred_file(1 << 16))
        code = _DEFERRED.format(path=str(path), change=change)
        return run_limited(code, timeout=60, root=root)

    return run


def _sigbus(root: Path, work: Path) -> Outcome:
    path = work / "truncating.dcm"
    path.write_bytes(hostile_files.deferred_file())
    return run_limited(f"""
        import os
        original = _reader.read_elements
        def truncating(*args, **kwargs):
            os.truncate({str(path)!r}, 1000)
            return original(*args, **kwargs)
        _reader.read_elements = truncating
        ds = dcmread({str(path)!r}, defer_size=64)
        for el in ds:
            el.value
    """, timeout=60, root=root)


_LOOPING_WRITER = """
import sys
from dcmcore.dataset import Dataset
ds = Dataset()
ds.PatientName = "Doe^John"
ds.add_new(0x00091010, "OB", bytes(20 << 20))
print("ready", flush=True)
while True:
    ds.save_as({target!r}, implicit_vr=True, little_endian=True)
"""


def _kills(count: int) -> Case:
    def run(root: Path, work: Path) -> Outcome:
        folder = work / "kills"
        folder.mkdir(exist_ok=True)
        target = folder / "a.dcm"
        rnd = random.Random(0)
        debris = 0
        started = time.perf_counter()
        for _ in range(count):
            proc = subprocess.Popen(
                [sys.executable, "-c", _LOOPING_WRITER.format(target=str(target))],
                stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(root)},
                cwd=str(root))
            assert proc.stdout is not None
            proc.stdout.readline()
            time.sleep(rnd.uniform(0.05, 0.4))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            left = [p for p in folder.iterdir() if p.name != "a.dcm"]
            debris += bool(left)
            for p in left:
                p.unlink()
        seconds = time.perf_counter() - started
        return Outcome(f"debris after {debris}/{count} kills", False, "", seconds / count,
                       float("nan"), 0)

    return run


_FAILING_WRITE = """
import os, signal, resource
from dcmcore.dataset import Dataset
from dcmcore.io import writer
ds = Dataset()
ds.PatientName = "Roe^Jane"
ds.PatientComments = "x" * (1 << 20)
writer.encode_file(ds, implicit_vr=True, little_endian=True)
{prepare}
try:
    ds.save_as({target!r}, implicit_vr=True, little_endian=True)
finally:
    names = sorted(os.listdir(os.path.dirname({target!r})))
    if names != [os.path.basename({target!r})]:
        print("LEFT", names)
"""


def _write_failure(kind: str) -> Case:
    def run(root: Path, work: Path) -> Outcome:
        folder = Path(tempfile.mkdtemp(prefix="dcmcore-hostile-"))
        folder.chmod(0o755)
        target = folder / "a.dcm"
        target.write_bytes(b"original")
        if kind == "read-only folder":
            folder.chmod(0o555)
            prepare = "os.setgid(65534)\nos.setuid(65534)" if os.geteuid() == 0 else ""
        else:
            prepare = ("signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
                       "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 16, 1 << 16))")
        try:
            found = run_limited(_FAILING_WRITE.format(target=str(target), prepare=prepare),
                                timeout=60, root=root)
            intact = target.read_bytes() == b"original"
            names = "target named" if str(target) in found.message else "target NOT named"
            found.outcome += f" ({names}; original {'intact' if intact else 'LOST'})"
            return found
        finally:
            folder.chmod(0o755)
            shutil.rmtree(folder)

    return run


_JSON_MATRIX = """
import collections, warnings
from dcmcore.dataset import Dataset
from dcmcore.errors import DcmcoreError
TEXT = ["AE","AS","CS","DA","DT","LO","LT","SH","ST","TM","UC","UI","UR","UT"]
INT = ["IS","SL","SS","SV","UL","US","UV"]
FLT = ["DS","FD","FL"]
BIN = ["OB","OD","OF","OL","OV","OW","UN"]
WRONG = {"object": {"a": 1}, "true": True, "list": [1, 2], "float": 1.5, "int": 7,
         "string": "abc", "numeric string": "12", "huge int": 2**70, "integral float": 1.0}
def kinds(vr):
    if vr in TEXT: return ["object", "true", "list", "float", "int"]
    if vr in INT: return ["object", "true", "list", "string", "numeric string", "huge int",
                          "float", "integral float"]
    if vr in FLT: return ["object", "true", "list", "string", "numeric string"]
    return ["object", "true", "list", "string", "int"]
seen = collections.Counter()
for vr in TEXT + INT + FLT + BIN + ["PN", "AT", "SQ"]:
    for kind in kinds(vr):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                Dataset.from_json({"00091010": {"vr": vr, "Value": [WRONG[kind]]}})[0x00091010]
                seen["warned" if caught else "silent"] += 1
            except DcmcoreError as exc:
                seen["dcmcore error" + ("" if "(0009,1010)" in str(exc) else " (no tag)")] += 1
            except Exception:
                seen["foreign error"] += 1
raise RuntimeError(", ".join(f"{n} {k}" for k, n in sorted(seen.items())))
"""


def _json_matrix(root: Path, work: Path) -> Outcome:
    found = run_limited(_JSON_MATRIX, timeout=60, root=root)
    found.outcome = found.message
    return found


CASES: dict[str, Case] = {
    "deflated data set 5 MB -> 5 GiB": _file_case(
        "dataset-bomb", lambda: hostile_files.dataset_bomb(5 << 30), "dcmread({path!r})"),
    "deflated 8x8 frame -> 1 GiB": _file_case(
        "frame-bomb-1g", lambda: hostile_files.frame_bomb(1 << 30), "dcmcore.pixels.pixel_array({path!r})"),
    "deflated 8x8 frame -> 4 GiB": _file_case(
        "frame-bomb-4g", lambda: hostile_files.frame_bomb(4 << 30), "dcmcore.pixels.pixel_array({path!r})"),
    "dcmread('/dev/zero')": _read("dcmread('/dev/zero')"),
    "dcmread('/dev/urandom')": _read("dcmread('/dev/urandom')"),
    "dcmread('/dev/zero', force=True)": _read("dcmread('/dev/zero', force=True)"),
    "pixel_array('/dev/zero')": _read("dcmcore.pixels.pixel_array('/dev/zero')"),
    "FIFO sending garbage, kept open": _fifo,
    "truncated during dcmread(defer_size)": _sigbus,
    **{f"deferred read: {name}": _deferred(change) for name, change in _CHANGES.items()},
    "read-only folder": _write_failure("read-only folder"),
    "full disk (file size limit)": _write_failure("full disk"),
    "save_as to /dev/full": _read(
        "d = dcmcore.Dataset(); d.PatientName = 'A'; "
        "d.save_as('/dev/full', implicit_vr=True, little_endian=True)"),
    "JSON: 191 VR x wrong type pairs": _json_matrix,
    "JSON: InlineBinary 'AAE!'": _read(
        "dcmcore.Dataset.from_json({'00091010': {'vr': 'OB', 'InlineBinary': 'AAE!'}})"),
    "JSON: InlineBinary 100 MB of '*'": _read(
        "v = dcmcore.Dataset.from_json({'00091010': {'vr': 'OB', 'InlineBinary': '*' * "
        "(100 << 20)}})[0x00091010].value\n"
        "assert v, f'silently {v!r}'"),
}


def _cell(found: Outcome) -> str:
    outcome = found.outcome
    if found.dcmcore_error:
        outcome += " (dcmcore)"
    mem = "-" if found.peak_mb != found.peak_mb else f"{found.peak_mb:.0f} MB"
    secs = "-" if found.seconds != found.seconds else f"{found.seconds:.2f} s"
    return f"{outcome[:70]} | {secs} | {mem}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="a git revision to compare with (e.g. main~5)")
    parser.add_argument("--kills", type=int, default=30, help="SIGKILLed save_as runs")
    parser.add_argument("--only", help="run the cases whose name contains this text")
    args = parser.parse_args(argv)
    cases = dict(CASES)
    cases[f"save_as SIGKILLed x{args.kills}"] = _kills(args.kills)
    if args.only:
        cases = {k: v for k, v in cases.items() if args.only.lower() in k.lower()}
    with tempfile.TemporaryDirectory(prefix="dcmcore-hostile-") as tmp:
        roots = {"now": REPO}
        if args.before:
            roots = {"before": _extract(args.before, Path(tmp) / "before"), **roots}
        print("| case | " + " | ".join(f"{n}: outcome | time | peak above interpreter"
                                       for n in roots) + " |")
        print("|---|" + "---|---|---|" * len(roots))
        for name, case in cases.items():
            cells = []
            for label, root in roots.items():
                work = Path(tmp) / label / "work"
                work.mkdir(parents=True, exist_ok=True)
                cells.append(_cell(case(root, work)))
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
