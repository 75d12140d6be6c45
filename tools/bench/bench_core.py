"""Compare dcmcore with pydicom on the core read/write paths, in one run.

Makes its own data in a temporary folder (with pydicom's writer, so both
libraries read the same bytes), then times, for each library:

1. header-only read (``stop_before_pixels=True``) of a few hundred small files;
2. full read with every value converted (``iterall`` and ``.value``);
3. write of those datasets to memory;
4. read of those files and 10 common attributes of each;
5. a 10,000-item undefined-length Per-frame Functional Groups Sequence:
   open and read one item's ImagePositionPatient; open and read every item's;
6. ``dcmread(path).pixel_array`` of 100 frames of 512x512 16-bit native pixels.

Prints seconds per run (best of ``--repeat``; the two libraries alternate run by run) and dcmcore's speed-up ratio
(pydicom time / dcmcore time; above 1 means dcmcore is faster), then memory:
the Python allocation peak (tracemalloc) of the header read and of the
every-item read, and the peak resident memory of the pixel call measured in
a fresh child process (Linux ``VmHWM`` after the call minus ``VmRSS`` before it), shown
against the size of the array.

Usage::

    .venv/bin/python tools/bench/bench_core.py [--files 300] [--frames 10000] [--repeat 3]
        [--pixel-frames 100] [--only NAME-SUBSTRING]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset as PDataset
from pydicom.dataset import FileMetaDataset as PFileMeta
from pydicom.sequence import Sequence as PSequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

import dcmcore


def _small_dataset(index: int) -> PDataset:
    ds = PDataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[str(index)])
    for name in ("StudyDate", "SeriesDate", "AcquisitionDate", "ContentDate"):
        setattr(ds, name, "20240102")
    for name in ("StudyTime", "SeriesTime", "AcquisitionTime", "ContentTime"):
        setattr(ds, name, "101010.123")
    ds.Modality = "CT"
    ds.Manufacturer = "Bench"
    ds.InstitutionName = "Benchmark Hospital"
    ds.ReferringPhysicianName = "Ref^Doctor"
    ds.StudyDescription = "bench study"
    ds.SeriesDescription = f"series {index % 7}"
    ds.PatientName = f"Patient^{index}^Q"
    ds.PatientID = f"ID{index:06d}"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "F"
    ds.PatientAge = "054Y"
    ds.PatientWeight = "70.5"
    ds.SliceThickness = "2.5"
    ds.KVP = "120"
    ds.StudyInstanceUID = generate_uid(entropy_srcs=["study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=["series", str(index % 7)])
    ds.StudyID = "1"
    ds.SeriesNumber = index % 7
    ds.InstanceNumber = index
    ds.ImagePositionPatient = [-125.0, -125.0, float(index)]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.FrameOfReferenceUID = generate_uid(entropy_srcs=["for"])
    ds.SliceLocation = str(float(index))
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = 64
    ds.Columns = 64
    ds.PixelSpacing = [0.5, 0.5]
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = "40"
    ds.WindowWidth = "400"
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    code = PDataset()
    code.CodeValue = "T-A0100"
    code.CodingSchemeDesignator = "SRT"
    code.CodeMeaning = "Brain"
    ds.AnatomicRegionSequence = PSequence([code])
    ds.PixelData = np.full((64, 64), index % 4096, "<u2").tobytes()
    return ds


def _enhanced_dataset(frames: int) -> PDataset:
    ds = _small_dataset(0)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.4.1"
    ds.NumberOfFrames = frames
    items = []
    for i in range(frames):
        item = PDataset()
        pos = PDataset()
        pos.ImagePositionPatient = [-100.0, -100.0, i * 0.5]
        ori = PDataset()
        ori.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        content = PDataset()
        content.FrameAcquisitionNumber = i
        content.DimensionIndexValues = [1, i + 1]
        content.StackID = "1"
        content.InStackPositionNumber = i + 1
        measures = PDataset()
        measures.PixelSpacing = [0.5, 0.5]
        measures.SliceThickness = "1.0"
        for name, sub in (("PlanePositionSequence", pos), ("PlaneOrientationSequence", ori),
                          ("FrameContentSequence", content), ("PixelMeasuresSequence", measures)):
            setattr(item, name, PSequence([sub]))
            item[name].is_undefined_length = True
            sub.is_undefined_length_sequence_item = True
        item.is_undefined_length_sequence_item = True
        items.append(item)
    ds.PerFrameFunctionalGroupsSequence = PSequence(items)
    ds["PerFrameFunctionalGroupsSequence"].is_undefined_length = True
    ds.PixelData = np.zeros((1, 1), "<u2").tobytes()
    ds.Rows = ds.Columns = 1
    ds.NumberOfFrames = 1
    return ds


def _pixel_dataset(frames: int) -> PDataset:
    ds = _small_dataset(1)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    ds.Rows = ds.Columns = 512
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.NumberOfFrames = frames
    rng = np.random.default_rng(0)
    ds.PixelData = rng.integers(0, 65535, (frames, 512, 512), dtype="<u2").tobytes()
    return ds


def _save(ds: PDataset, path: Path) -> None:
    meta = PFileMeta()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.save_as(path, enforce_file_format=True)


def best_of(repeat: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def _convert_all(ds) -> None:
    for elem in ds.iterall():
        elem.value  # noqa: B018 - the access converts the value


#: ten attributes a typical indexing script reads from each file
COMMON = ("PatientID", "PatientName", "StudyInstanceUID", "SeriesInstanceUID",
          "SOPInstanceUID", "Modality", "StudyDate", "SeriesNumber", "InstanceNumber",
          "ImagePositionPatient")


def _common(ds) -> list[object]:
    return [getattr(ds, name) for name in COMMON]


def peak_traced(func: Callable[[], object]) -> float:
    """Peak of Python allocations during `func()` (MB, tracemalloc)."""
    tracemalloc.start()
    try:
        result = func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak / 1e6


_CHILD = """
import gc, sys
import numpy
import {lib}
{imports}


def status(field):  # kB figures of /proc/self/status (VmHWM starts afresh at exec,
    # unlike ru_maxrss, which a child inherits from the process that started it)
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024


path = sys.argv[1]
gc.collect()
with open("/proc/self/clear_refs", "w") as f:  # reset the peak to the current size
    f.write("5")
before = status("VmRSS")
arr = {lib}.dcmread(path).pixel_array
after = status("VmHWM")
print(after - before, arr.nbytes, int(arr.flags.writeable))
"""


def pixel_peak(lib: str, path: Path) -> tuple[float, float]:
    """Peak resident memory added by ``dcmread(path).pixel_array`` in a fresh process (MB),
    and the array's size (MB)."""
    imports = {
        "pydicom": "import pydicom.pixels",
        "dcmcore": "import dcmcore.pixels, dcmcore.io.reader, dcmcore.dataset",
    }[lib]
    code = _CHILD.format(lib=lib, imports=imports)
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                         capture_output=True, text=True).stdout.split()
    if out[2] != "1":
        raise AssertionError(f"{lib}: the pixel array is not writeable")
    return int(out[0]) / 1e6, int(out[1]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pixel-frames", type=int, default=100)
    parser.add_argument("--only", default="", help="run the workloads whose name has this")
    args = parser.parse_args()

    def wanted(name: str) -> bool:
        return args.only.lower() in name.lower()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for i in range(args.files):
            path = folder / f"small_{i:04d}.dcm"
            _save(_small_dataset(i), path)
            paths.append(path)
        enhanced = folder / "enhanced.dcm"
        _save(_enhanced_dataset(args.frames), enhanced)
        multiframe = folder / "multiframe.dcm"
        _save(_pixel_dataset(args.pixel_frames), multiframe)
        blobs = [p.read_bytes() for p in paths]

        libs = {"pydicom": pydicom.dcmread, "dcmcore": dcmcore.dcmread}
        sq = f"{args.frames}-item SQ"

        def workloads(read: Callable[..., Any]) -> dict[str, Callable[[], object]]:
            def one_item() -> object:
                ds = read(enhanced)
                return ds.PerFrameFunctionalGroupsSequence[args.frames // 2] \
                    .PlanePositionSequence[0].ImagePositionPatient

            def every_item() -> object:
                ds = read(enhanced)
                return [item.PlanePositionSequence[0].ImagePositionPatient
                        for item in ds.PerFrameFunctionalGroupsSequence]

            datasets = [read(io.BytesIO(b)) for b in blobs] if wanted("write") else []
            return {
                "header-only read": lambda: [read(p, stop_before_pixels=True) for p in paths],
                "full read, all values":
                    lambda: [_convert_all(read(io.BytesIO(b))) for b in blobs],
                "read + 10 attributes": lambda: [_common(read(p)) for p in paths],
                "write": lambda: [d.save_as(io.BytesIO()) for d in datasets],
                f"{sq}: one item": one_item,
                f"{sq}: every item": every_item,
                "pixel_array, native": lambda: read(multiframe).pixel_array,
            }

        funcs = {lib: workloads(read) for lib, read in libs.items()}
        results: dict[str, dict[str, float]] = {lib: {} for lib in libs}
        memory: dict[str, dict[str, float]] = {lib: {} for lib in libs}
        for name in funcs["dcmcore"]:
            if not wanted(name):
                continue
            # the libraries alternate run by run, so a change in the machine's load
            # (shared machines) affects both alike
            times: dict[str, list[float]] = {lib: [] for lib in libs}
            for _ in range(args.repeat):
                for lib in libs:
                    times[lib].append(best_of(1, funcs[lib][name]))
            for lib in libs:
                results[lib][name] = min(times[lib])
                if name in ("header-only read", f"{sq}: every item"):
                    memory[lib][f"{name}, peak MB"] = peak_traced(funcs[lib][name])
                if name == "pixel_array, native":
                    peak, size = pixel_peak(lib, multiframe)
                    memory[lib]["pixel_array: peak RSS MB"] = peak
                    memory[lib]["pixel_array: array MB"] = size

        # both libraries must have read the same values for the figures to mean anything
        p_ds, d_ds = pydicom.dcmread(enhanced), dcmcore.dcmread(enhanced)
        k = args.frames - 1
        p_ipp = p_ds.PerFrameFunctionalGroupsSequence[k].PlanePositionSequence[0].ImagePositionPatient
        d_ipp = d_ds.PerFrameFunctionalGroupsSequence[k].PlanePositionSequence[0].ImagePositionPatient
        assert [float(v) for v in p_ipp] == [float(v) for v in d_ipp], (p_ipp, d_ipp)
        if wanted("pixel_array"):
            p_arr, d_arr = pydicom.dcmread(multiframe).pixel_array, dcmcore.dcmread(multiframe).pixel_array
            assert np.array_equal(p_arr, d_arr)

    print(f"{'benchmark':32} {'pydicom s':>10} {'dcmcore s':>10} {'speed-up':>9}")
    for name in results["pydicom"]:
        p, d = results["pydicom"][name], results["dcmcore"][name]
        print(f"{name:32} {p:10.4f} {d:10.4f} {p / d:8.2f}x")
    print(f"{'memory':32} {'pydicom':>10} {'dcmcore':>10}")
    for name in memory["pydicom"]:
        p, d = memory["pydicom"][name], memory["dcmcore"][name]
        print(f"{name:32} {p:10.1f} {d:10.1f}")


if __name__ == "__main__":
    main()
