"""Make the bundled example files in dcmcore/examples/data with dcmcore's own code.

Run from the repository root::

    .venv/bin/python tools/make_examples.py

The images are synthetic (ellipse phantoms), so they carry no patient data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import dcmcore
from dcmcore import uid
from dcmcore.dataset import Dataset, FileMetaDataset

DATA = Path(__file__).resolve().parents[1] / "dcmcore" / "examples" / "data"
STUDY_DATE = "20261126"


def phantom(size: int, ellipses: list[tuple[float, float, float, float, float, float]]) -> np.ndarray:
    """Sum of filled ellipses (value, cx, cy, a, b, angle in degrees) on a [-1, 1] grid."""
    coords = np.linspace(-1.0, 1.0, size)
    x, y = np.meshgrid(coords, -coords)
    image = np.zeros((size, size))
    for value, cx, cy, a, b, angle in ellipses:
        theta = np.deg2rad(angle)
        xr = (x - cx) * np.cos(theta) + (y - cy) * np.sin(theta)
        yr = -(x - cx) * np.sin(theta) + (y - cy) * np.cos(theta)
        image[(xr / a) ** 2 + (yr / b) ** 2 <= 1.0] += value
    return image


HEAD = [
    (1.0, 0, 0, 0.69, 0.92, 0),
    (-0.8, 0, -0.0184, 0.6624, 0.874, 0),
    (-0.2, 0.22, 0, 0.11, 0.31, -18),
    (-0.2, -0.22, 0, 0.16, 0.41, 18),
    (0.1, 0, 0.35, 0.21, 0.25, 0),
    (0.1, 0, 0.1, 0.046, 0.046, 0),
    (0.1, -0.08, -0.605, 0.046, 0.023, 0),
]


HEAD_HU = [
    (2000.0, 0, 0, 0.69, 0.92, 0),
    (-960.0, 0, -0.0184, 0.6624, 0.874, 0),
    (-30.0, 0.22, 0, 0.11, 0.31, -18),
    (-30.0, -0.22, 0, 0.16, 0.41, 18),
    (20.0, 0, 0.35, 0.21, 0.25, 0),
    (20.0, 0, 0.1, 0.046, 0.046, 0),
    (20.0, -0.08, -0.605, 0.046, 0.023, 0),
]


def base_dataset(sop_class: str, modality: str, seed: str) -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = uid.generate_uid(entropy_srcs=[seed, "instance"])
    ds.StudyDate = STUDY_DATE
    ds.SeriesDate = STUDY_DATE
    ds.ContentDate = STUDY_DATE
    ds.StudyTime = "101500"
    ds.ContentTime = "101502.250000"
    ds.AccessionNumber = "DCM0001"
    ds.Modality = modality
    ds.Manufacturer = "dcmcore"
    ds.InstitutionName = "Example Hospital"
    ds.ReferringPhysicianName = "Curie^Marie"
    ds.StudyDescription = f"{modality} head phantom"
    ds.SeriesDescription = "synthetic ellipse phantom"
    ds.ManufacturerModelName = "tools/make_examples.py"
    ds.PatientName = "Phantom^Ellie^Q"
    ds.PatientID = "PHANTOM-001"
    ds.PatientBirthDate = "19700101"
    ds.PatientSex = "O"
    ds.PatientAge = "056Y"
    ds.PatientWeight = "70.5"
    ds.StudyInstanceUID = uid.generate_uid(entropy_srcs=[seed, "study"])
    ds.SeriesInstanceUID = uid.generate_uid(entropy_srcs=[seed, "series"])
    ds.StudyID = "1"
    ds.SeriesNumber = 2
    ds.InstanceNumber = 1
    ds.ImagePositionPatient = [-125.0, -125.0, 42.5]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.FrameOfReferenceUID = uid.generate_uid(entropy_srcs=[seed, "frame"])
    ds.SliceLocation = "42.5"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    return ds


def finish(ds: Dataset, pixels: np.ndarray, name: str) -> None:
    ds.Rows, ds.Columns = pixels.shape
    ds.PixelData = pixels.tobytes()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = uid.ExplicitVRLittleEndian
    ds.file_meta = meta
    DATA.mkdir(parents=True, exist_ok=True)
    dcmcore.dcmwrite(DATA / name, ds, enforce_file_format=True)
    print(f"wrote {DATA / name} ({(DATA / name).stat().st_size} bytes)")


def make_ct() -> None:
    ds = base_dataset(uid.CTImageStorage, "CT", "dcmcore-example-ct")
    ds.KVP = "120"
    ds.SliceThickness = "2.5"
    ds.ConvolutionKernel = "STANDARD"
    ds.PixelSpacing = [0.9765625, 0.9765625]
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.WindowCenter = "40"
    ds.WindowWidth = "400"
    # background air at -1000 HU; skull +1000, brain +40, ventricles +10, lesions +60 HU
    hu = phantom(128, HEAD_HU) - 1000.0
    noise = np.random.default_rng(7).normal(0.0, 6.0, hu.shape)
    stored = np.round(hu + noise + 1024.0).astype("<i2")
    finish(ds, stored, "ct.dcm")


def make_mr() -> None:
    ds = base_dataset(uid.MRImageStorage, "MR", "dcmcore-example-mr")
    ds.ScanningSequence = "SE"
    ds.SequenceVariant = "NONE"
    ds.ScanOptions = ""
    ds.MRAcquisitionType = "2D"
    ds.RepetitionTime = "500"
    ds.EchoTime = "15"
    ds.MagneticFieldStrength = "1.5"
    ds.ImagingFrequency = "63.87"
    ds.PixelSpacing = [1.875, 1.875]
    ds.SliceThickness = "5"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    signal = phantom(64, HEAD)
    noise = np.abs(np.random.default_rng(11).normal(0.0, 0.02, signal.shape))
    stored = np.clip((signal + noise) * 2000.0, 0, 4095).astype("<u2")
    finish(ds, stored, "mr.dcm")


if __name__ == "__main__":
    make_ct()
    make_mr()
    sys.exit(0)
