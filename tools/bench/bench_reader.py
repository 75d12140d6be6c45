"""Benchmark: opening a large enhanced multi-frame header, dcmcore vs pydicom.

Builds (with pydicom, once, in a temporary folder) an enhanced-MR-like file whose
PerFrameFunctionalGroupsSequence has N undefined-length items, each with a few
nested undefined-length sequences, then times in one process:

1. open (dcmread),
2. open + one item's ImagePositionPatient,
3. open + every item's ImagePositionPatient,

and prints the pydicom/dcmcore ratios. Run: ``.venv/bin/python tools/bench/bench_reader.py [N]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time


def build(path: str, frames: int) -> None:
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.sequence import Sequence
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    def seq(*items: Dataset) -> Sequence:
        s = Sequence(list(items))
        s.is_undefined_length = True
        for it in items:
            it.is_undefined_length_sequence_item = True
        return s

    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.4.1"
    ds.SOPInstanceUID = generate_uid()
    ds.PatientName = "Bench^Enhanced"
    ds.Modality = "MR"
    ds.Rows = ds.Columns = 2
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = frames
    items = []
    for i in range(frames):
        fc = Dataset()
        fc.StackID = "1"
        fc.InStackPositionNumber = i + 1
        fc.DimensionIndexValues = [1, i + 1]
        fc.FrameAcquisitionNumber = i
        pp = Dataset()
        pp.ImagePositionPatient = [-120.5, -98.25, float(i) * 1.5]
        po = Dataset()
        po.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        pm = Dataset()
        pm.PixelSpacing = [0.9375, 0.9375]
        pm.SliceThickness = 1.5
        ft = Dataset()
        ft.FrameType = ["ORIGINAL", "PRIMARY", "M", "NONE"]
        ft.PixelPresentation = "MONOCHROME"
        item = Dataset()
        item.FrameContentSequence = seq(fc)
        item.PlanePositionSequence = seq(pp)
        item.PlaneOrientationSequence = seq(po)
        item.PixelMeasuresSequence = seq(pm)
        item.MRImageFrameTypeSequence = seq(ft)
        for elem in item:
            elem.is_undefined_length = True
        items.append(item)
    ds.PerFrameFunctionalGroupsSequence = seq(*items)
    ds["PerFrameFunctionalGroupsSequence"].is_undefined_length = True
    ds.PixelData = b"\0" * (8 * frames)
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    pydicom.dcmwrite(path, ds, enforce_file_format=True, implicit_vr=False, little_endian=True)


def best(fn, repeat: int = 3) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


PFFG = 0x52009230
PPS = 0x00209113
IPP = 0x00200032


def main() -> None:
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    import pydicom

    import dcmcore

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "enhanced.dcm")
        build(path, frames)
        print(f"file: {frames} frames, {os.path.getsize(path) / 1e6:.1f} MB")

        def p_open():
            return pydicom.dcmread(path)

        def d_open():
            return dcmcore.dcmread(path)

        def p_one():
            return p_open()[PFFG].value[frames // 2][PPS].value[0][IPP].value

        def d_one():
            return d_open()[PFFG].value[frames // 2][PPS].value[0][IPP].value

        def p_all():
            return [it[PPS].value[0][IPP].value for it in p_open()[PFFG].value]

        def d_all():
            return [it[PPS].value[0][IPP].value for it in d_open()[PFFG].value]

        assert [list(map(float, v)) for v in p_all()] == [list(map(float, v)) for v in d_all()]
        for name, p, d in (
            ("open", p_open, d_open),
            ("one item", p_one, d_one),
            ("all items", p_all, d_all),
        ):
            tp, td = best(p), best(d)
            print(
                f"{name:10s} pydicom {tp * 1000:8.1f} ms  dcmcore {td * 1000:8.1f} ms  ratio {tp / td:6.1f}x"
            )


if __name__ == "__main__":
    main()
