"""Mutation test of the pixel path: malformed codestreams and Image Pixel modules.

Every compressed file of pydicom's test corpus is decoded by every installed decoder that
handles its transfer syntax, after one mutation of either the codestream (truncated, bytes
flipped, a header length or dimension made extreme) or the Image Pixel module (rows,
columns, bits, samples, frames made extreme or contradictory). Each decode runs in a child
process with a memory limit, so a crash or an abort kills only the child.

Each outcome is one of:

``decoded``   an array came back (a mutation may leave the data decodable);
``refused``   an exception of dcmcore's error family (``DcmcoreError``) was raised;
``foreign``   another exception escaped (a bug: users catch ``DcmcoreError``);
``crash``     the child died (segfault, abort);
``hang``      the decode took longer than ``--timeout`` seconds;
``memory``    ``MemoryError`` (the decode tried to allocate past the limit).

The last four are failures. Prints a summary per decoder and exits 1 if any failure was
seen; ``--json`` prints the outcomes instead.

Run: .venv/bin/python tools/fuzz_pixels.py [--per-file 20] [--seed 0] [--plugin gdcm]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import resource
import select
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from typing import Any

FAILURES = ("foreign", "crash", "hang", "memory")
MEMORY_LIMIT = 3 * 1024**3

#: Image Pixel module mutations: (keyword, value)
MODULE_MUTATIONS: list[tuple[str, Any]] = [
    ("Rows", 65535), ("Columns", 65535), ("Rows", 1), ("Columns", 1), ("Rows", 0),
    ("BitsAllocated", 64), ("BitsAllocated", 1), ("BitsAllocated", 12), ("BitsStored", 0),
    ("BitsStored", 40), ("HighBit", 70), ("SamplesPerPixel", 4), ("SamplesPerPixel", 0),
    ("SamplesPerPixel", 3), ("SamplesPerPixel", 1), ("NumberOfFrames", "1000000000"),
    ("NumberOfFrames", "0"), ("NumberOfFrames", "1A"), ("PixelRepresentation", 7),
    ("PixelRepresentation", 1), ("PhotometricInterpretation", "YBR_FULL_422"),
    ("PhotometricInterpretation", "PALETTE COLOR"), ("PlanarConfiguration", 1),
    ("PhotometricInterpretation", "NONSENSE"),
]

STREAM_MUTATIONS = ("truncate", "flip", "flip_header", "extreme_header", "zero_tail",
                    "empty")


@dataclass(frozen=True)
class Task:
    """One decode of one mutated input."""

    path: str
    decoder: str
    kind: str        # "module" or "stream"
    mutation: str    # module keyword or stream mutation name
    seed: int


def corpus() -> list[str]:
    """Paths of pydicom's test files holding encapsulated (compressed) Pixel Data."""
    import pydicom.data

    import dcmcore
    from dcmcore import transfer_syntax

    warnings.simplefilter("ignore")
    root = os.path.dirname(pydicom.data.__file__)
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            try:
                ds = dcmcore.dcmread(path)
                syntax = transfer_syntax.get(str(ds.file_meta.TransferSyntaxUID))
            except Exception:  # noqa: BLE001 - not a (readable) DICOM file
                continue
            if syntax is not None and syntax.encapsulated and "PixelData" in ds:
                found.append(path)
    return sorted(found)


def decoders_by_syntax() -> dict[str, list[str]]:
    """Transfer syntax UID -> names of the available decoders handling it."""
    import dcmcore.codecs

    table: dict[str, list[str]] = collections.defaultdict(list)
    for codec in dcmcore.codecs.available_decoders():
        if codec.available:
            for uid in codec.transfer_syntaxes:
                table[uid].append(codec.name)
    return table


def make_tasks(per_file: int, seed: int, only: str = "") -> list[Task]:
    """Deterministic list of tasks: ``per_file`` mutations of each file for each decoder."""
    import dcmcore

    rng = random.Random(seed)
    table = decoders_by_syntax()
    tasks = []
    for path in corpus():
        uid = str(dcmcore.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID)
        for decoder in table.get(uid, []):
            if only and only != decoder:
                continue
            for _ in range(per_file):
                if rng.random() < 0.4:
                    keyword, _value = rng.choice(MODULE_MUTATIONS)
                    tasks.append(Task(path, decoder, "module", keyword, rng.randrange(2**31)))
                else:
                    mutation = rng.choice(STREAM_MUTATIONS)
                    tasks.append(Task(path, decoder, "stream", mutation, rng.randrange(2**31)))
    return tasks


def _mutate_frame(frame: bytes, mutation: str, rng: random.Random) -> bytes:
    data = bytearray(frame)
    if mutation == "truncate":
        return bytes(data[: rng.randrange(0, max(len(data), 1))])
    if mutation == "empty":
        return b""
    if mutation == "zero_tail":
        cut = rng.randrange(len(data) // 2, max(len(data), 1))
        return bytes(data[:cut]) + bytes(len(data) - cut)
    if mutation == "flip":
        for _ in range(rng.randrange(1, 16)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if mutation == "flip_header":
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(min(len(data), 64))] = rng.randrange(256)
        return bytes(data)
    # extreme_header: a 16-bit field in the first 64 bytes (a length, rows, columns...)
    # set to 0, 1 or 0xFFFF
    pos = rng.randrange(0, max(min(len(data), 64) - 1, 1))
    data[pos:pos + 2] = rng.choice([b"\x00\x00", b"\x00\x01", b"\xff\xff"])
    return bytes(data)


def _set_raw(ds: Any, keyword: str, value: Any) -> None:
    """Store `value` as a raw element, as a file would hold it (values need not be valid)."""
    from dcmcore.dictionary import dictionary_VR, tag_for_keyword
    from dcmcore.element import RawDataElement
    from dcmcore.tag import BaseTag

    tag = tag_for_keyword(keyword)
    assert tag is not None
    vr = dictionary_VR(tag)
    if vr == "US":
        raw = int(value).to_bytes(2, "little")
    else:
        raw = str(value).encode("ascii")
        raw += b" " * (len(raw) % 2)
    ds[BaseTag(tag)] = RawDataElement(BaseTag(tag), vr, len(raw), raw, None, False, True)


def _encapsulate(frames: list[bytes]) -> bytes:
    """Empty Basic Offset Table, then one item per frame (even length; empty allowed)."""
    items = [b"\xfe\xff\x00\xe0\x00\x00\x00\x00"]
    for frame in frames:
        frame += b"\x00" * (len(frame) % 2)
        items.append(b"\xfe\xff\x00\xe0" + len(frame).to_bytes(4, "little") + frame)
    return b"".join(items)


def run_task(task: Task) -> str:
    """Decode one mutated input in this process; return the outcome name."""
    import dcmcore
    import dcmcore.pixels
    from dcmcore.errors import DcmcoreError

    rng = random.Random(task.seed)
    ds = dcmcore.dcmread(task.path)
    if task.kind == "module":
        values = [v for k, v in MODULE_MUTATIONS if k == task.mutation]
        _set_raw(ds, task.mutation, rng.choice(values))
    else:
        frames = list(dcmcore.pixels.generate_frames(
            ds.PixelData, number_of_frames=int(ds.get("NumberOfFrames") or 1)))
        index = rng.randrange(len(frames))
        frames[index] = _mutate_frame(frames[index], task.mutation, rng)
        ds.PixelData = _encapsulate(frames)
        ds.pop("ExtendedOffsetTable", None)
        ds.pop("ExtendedOffsetTableLengths", None)
    try:
        dcmcore.pixels.pixel_array(ds, decoding_plugin=task.decoder)
    except MemoryError:
        return "memory"
    except DcmcoreError:
        return "refused"
    except Exception:  # noqa: BLE001 - the outcome being measured
        return "foreign"
    return "decoded"


def worker() -> None:
    """Child loop: read tasks as JSON lines on stdin, answer outcomes on stdout."""
    warnings.simplefilter("ignore")
    for line in sys.stdin:
        task = Task(**json.loads(line))
        outcome = run_task(task)
        sys.stdout.write(json.dumps({"outcome": outcome}) + "\n")
        sys.stdout.flush()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class Child:
    """A worker process; restarted after a crash or a hang."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(
                [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                preexec_fn=_limit_memory)
        return self.proc

    def run(self, task: Task, timeout: float) -> str:
        proc = self.start()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(json.dumps(asdict(task)) + "\n")
            proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return "crash"
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return "hang"
        line = proc.stdout.readline()
        if not line:
            self.stop()
            return "crash"
        return str(json.loads(line)["outcome"])

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def fuzz(per_file: int, seed: int, timeout: float, only: str = ""
         ) -> list[tuple[Task, str]]:
    """Run every task; return (task, outcome) pairs."""
    child = Child()
    results = []
    try:
        for task in make_tasks(per_file, seed, only):
            results.append((task, child.run(task, timeout)))
    finally:
        child.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-file", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--plugin", default="", help="only this decoder")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0
    start = time.perf_counter()
    results = fuzz(args.per_file, args.seed, args.timeout, args.plugin)
    if args.json:
        print(json.dumps([{**asdict(t), "outcome": o} for t, o in results]))
    else:
        counts: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter)
        for task, outcome in results:
            counts[task.decoder][outcome] += 1
        for decoder, counter in sorted(counts.items()):
            print(f"{decoder:20} " + "  ".join(f"{k} {v}" for k, v in sorted(counter.items())))
        for task, outcome in results:
            if outcome in FAILURES:
                print(f"{outcome}: {task}")
        print(f"{len(results)} decodes in {time.perf_counter() - start:.1f} s")
    return 1 if any(o in FAILURES for _, o in results) else 0


if __name__ == "__main__":
    sys.exit(main())
