"""Make the bundled example files in dcmcore/examples/data with dcmcore's own code.

Run from the repository root, with the codec plugins installed (the compressed
examples are encoded by them)::

    .venv/bin/python tools/make_examples.py            # every example
    .venv/bin/python tools/make_examples.py ct rle     # only these

The output is deterministic: fixed seeds, UIDs derived from fixed strings, fixed
dates. The images are synthetic phantoms (ellipses for body, organs and bone,
with noise), so they carry no patient data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import dcmcore
from dcmcore import uid
from dcmcore.dataset import Dataset, FileMetaDataset
from dcmcore.pixels import compress, convert_colour_space, pack_bits
from dcmcore.sequence import Sequence

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
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, name)


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


# --- shared pieces of the newer examples -------------------------------------------------

ABDOMEN_HU = [
    (1040.0, 0, 0, 0.9, 0.66, 0),            # body (soft tissue, 40 HU over air at -1000)
    (-140.0, 0, 0, 0.9, 0.66, 0),            # subcutaneous fat layer (inner body adds back)
    (140.0, 0, 0, 0.84, 0.6, 0),
    (20.0, -0.36, 0.12, 0.34, 0.3, 20),      # liver (60 HU)
    (10.0, 0.42, 0.18, 0.16, 0.12, -30),     # spleen
    (-10.0, -0.3, -0.22, 0.1, 0.15, 15),     # kidneys (30 HU)
    (-10.0, 0.3, -0.22, 0.1, 0.15, -15),
    (160.0, 0.04, -0.12, 0.05, 0.05, 0),     # aorta with contrast (200 HU)
    (-940.0, 0.1, 0.3, 0.08, 0.05, 0),       # bowel gas
    (-940.0, 0.28, 0.36, 0.05, 0.04, 0),
    (660.0, 0, -0.4, 0.13, 0.12, 0),         # vertebral body cortex (700 HU) ...
    (-450.0, 0, -0.4, 0.1, 0.09, 0),         # ... and cancellous bone (250 HU)
    (600.0, 0, -0.56, 0.04, 0.07, 0),        # spinous process
]


def abdomen_hu(size: int, seed: int) -> np.ndarray:
    """An axial abdomen phantom in Hounsfield units with CT-like noise."""
    hu = phantom(size, ABDOMEN_HU) - 1000.0
    hu += np.random.default_rng(seed).normal(0.0, 8.0, hu.shape)
    return hu


def file_meta(ds: Dataset, syntax: str) -> None:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = syntax
    ds.file_meta = meta


def write(ds: Dataset, name: str) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    dcmcore.dcmwrite(DATA / name, ds, enforce_file_format=True)
    print(f"wrote {DATA / name} ({(DATA / name).stat().st_size} bytes)")


def image_pixels(ds: Dataset, pixels: np.ndarray, *, bits_stored: int, signed: bool = False,
                 photometric: str = "MONOCHROME2", frames: bool = False) -> None:
    """Set the Image Pixel module and native Pixel Data from `pixels`."""
    samples = 3 if photometric in ("RGB", "YBR_FULL") else 1
    shape = pixels.shape[1:] if frames else pixels.shape
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    if samples == 3:
        ds.PlanarConfiguration = 0
    ds.Rows, ds.Columns = shape[0], shape[1]
    if frames:
        ds.NumberOfFrames = pixels.shape[0]
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = int(signed)
    ds.PixelData = np.ascontiguousarray(pixels).astype(pixels.dtype.newbyteorder("<")).tobytes()


def encode(ds: Dataset, syntax: str, name: str, plugin: str = "", **options: object) -> None:
    """Compress the native example `ds` to `syntax` with an installed plugin and write it."""
    file_meta(ds, uid.ExplicitVRLittleEndian)
    compress(ds, syntax, encoding_plugin=plugin, generate_instance_uid=False, **options)
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    write(ds, name)


def doppler_rgb(rows: int, cols: int, phase: float = 0.0) -> np.ndarray:
    """A colour-Doppler-like ultrasound frame: speckled greyscale fan, red/blue flow."""
    rng = np.random.default_rng(23)
    y, x = np.mgrid[0:rows, 0:cols].astype(float)
    apex_x, depth = cols / 2.0, rows * 0.95
    r = np.hypot(x - apex_x, y + 0.05 * rows)
    angle = np.degrees(np.arctan2(x - apex_x, y + 0.05 * rows))
    fan = (np.abs(angle) < 35) & (r < depth) & (r > 0.12 * rows)
    tissue = 70 + 40 * np.sin(r / 9.0) ** 2 + rng.rayleigh(25.0, (rows, cols))
    vessel = np.abs(np.hypot((x - apex_x - 8) / 0.9, y - 0.55 * rows) - 0.18 * rows) < 5
    tissue[vessel] *= 0.15                           # dark (anechoic) vessel lumen
    grey = np.clip(tissue, 0, 255) * fan
    rgb = np.repeat(grey[..., None], 3, axis=2)
    flow_speed = np.cos(np.radians(angle) * 3 + phase)
    toward = vessel & fan & (flow_speed > 0)
    away = vessel & fan & (flow_speed <= 0)
    rgb[toward] = np.stack([200 + 50 * flow_speed[toward], 40 * flow_speed[toward],
                            np.zeros(toward.sum())], axis=1)
    rgb[away] = np.stack([np.zeros(away.sum()), 60 * -flow_speed[away],
                          180 + 70 * -flow_speed[away]], axis=1)
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8)


def us_dataset(sop_class: str, seed: str) -> Dataset:
    ds = base_dataset(sop_class, "US", seed)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "ABDOMINAL", "0011"]
    ds.StudyDescription = "US abdomen phantom"
    ds.SeriesDescription = "colour Doppler, synthetic"
    for keyword in ("ImagePositionPatient", "ImageOrientationPatient", "FrameOfReferenceUID",
                    "SliceLocation"):
        delattr(ds, keyword)
    ds.BodyPartExamined = "ABDOMEN"
    ds.TransducerData = ["C5-1"]
    region = Dataset()
    region.RegionSpatialFormat = 1
    region.RegionDataType = 2           # colour flow
    region.RegionFlags = 0
    region.RegionLocationMinX0 = 0
    region.RegionLocationMinY0 = 0
    region.RegionLocationMaxX1 = 159
    region.RegionLocationMaxY1 = 119
    region.PhysicalUnitsXDirection = 3  # cm
    region.PhysicalUnitsYDirection = 3
    region.PhysicalDeltaX = 0.1
    region.PhysicalDeltaY = 0.1
    ds.SequenceOfUltrasoundRegions = Sequence([region])
    return ds


# --- the examples ------------------------------------------------------------------------

def make_rgb_color() -> None:
    ds = us_dataset(uid.UltrasoundImageStorage, "dcmcore-example-rgb")
    image_pixels(ds, doppler_rgb(120, 160, 1.0), bits_stored=8, photometric="RGB")
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "rgb_color.dcm")


def make_ybr_color() -> None:
    ds = us_dataset(uid.UltrasoundMultiFrameImageStorage, "dcmcore-example-ybr")
    frames = np.stack([doppler_rgb(120, 160, phase) for phase in np.linspace(0, 3, 4)])
    ybr = convert_colour_space(frames, "RGB", "YBR_FULL")
    image_pixels(ds, ybr, bits_stored=8, photometric="YBR_FULL", frames=True)
    ds.FrameTime = "33.3"
    ds.FrameIncrementPointer = 0x00181063      # Frame Time
    ds.CineRate = 30
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "ybr_color.dcm")


def make_palette_color() -> None:
    """A perfusion-like map shown through a 'hot iron' palette (Secondary Capture)."""
    ds = base_dataset(uid.SecondaryCaptureImageStorage, "OT", "dcmcore-example-palette")
    ds.ImageType = ["DERIVED", "SECONDARY"]
    ds.ConversionType = "WSD"
    ds.SeriesDescription = "perfusion map, hot iron palette"
    size = 128
    hu = abdomen_hu(size, 31)
    perfusion = np.clip((hu + 20.0) / 120.0, 0.0, 1.0)      # fat/air dark, organs bright
    stored = np.round(perfusion * 255).astype(np.uint8)
    image_pixels(ds, stored, bits_stored=8, photometric="PALETTE COLOR")
    ramp = np.arange(256) / 255.0
    red = np.clip(ramp * 3.0, 0, 1)
    green = np.clip(ramp * 3.0 - 1.0, 0, 1)
    blue = np.clip(ramp * 3.0 - 2.0, 0, 1)
    for colour, values in (("Red", red), ("Green", green), ("Blue", blue)):
        setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 16])
        lut = np.round(values * 65535).astype("<u2")
        setattr(ds, f"{colour}PaletteColorLookupTableData", lut.tobytes())
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "palette_color.dcm")


def make_overlay() -> None:
    """The CT head with a region-of-interest outline in overlay plane (6000,xxxx)."""
    ds = base_dataset(uid.CTImageStorage, "CT", "dcmcore-example-overlay")
    ds.SeriesDescription = "head phantom with ROI overlay"
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.WindowCenter = "40"
    ds.WindowWidth = "80"
    ds.PixelSpacing = [0.9765625, 0.9765625]
    hu = phantom(128, HEAD_HU) - 1000.0 + np.random.default_rng(41).normal(0.0, 6.0, (128, 128))
    image_pixels(ds, np.round(hu + 1024.0).astype(np.int16), bits_stored=16, signed=True)
    y, x = np.mgrid[0:128, 0:128]
    ring = np.abs(np.hypot(x - 64, y - 37) - 14) < 1.0       # around the upper lesion
    ds.add_new(0x60000010, "US", 128)                          # Overlay Rows
    ds.add_new(0x60000011, "US", 128)                          # Overlay Columns
    ds.add_new(0x60000022, "LO", "lesion outline")             # Overlay Description
    ds.add_new(0x60000040, "CS", "G")                          # Overlay Type: graphics
    ds.add_new(0x60000050, "SS", [1, 1])                       # Overlay Origin
    ds.add_new(0x60000100, "US", 1)                            # Overlay Bits Allocated
    ds.add_new(0x60000102, "US", 0)                            # Overlay Bit Position
    ds.add_new(0x60001500, "LO", "ROI")                        # Overlay Label
    ds.add_new(0x60003000, "OW", pack_bits(ring.astype(np.uint8)))
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "overlay.dcm")


LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
#: SCP-ECG lead codes (MDC) 5.6.3-9-1 .. 5.6.3-9-12 and their projection of a frontal/
#: horizontal cardiac vector, giving each lead its plausible QRS amplitude and sign.
LEAD_CODES = ["5.6.3-9-1", "5.6.3-9-2", "5.6.3-9-61", "5.6.3-9-62", "5.6.3-9-63",
              "5.6.3-9-64", "5.6.3-9-3", "5.6.3-9-4", "5.6.3-9-5", "5.6.3-9-6",
              "5.6.3-9-7", "5.6.3-9-8"]
LEAD_GAIN = [0.8, 1.2, 0.4, -1.0, 0.2, 0.8, -0.6, -0.2, 0.4, 1.1, 1.2, 1.0]


def make_waveform() -> None:
    """A 10 s, 500 Hz, 12-lead resting ECG (12-lead ECG Waveform Storage)."""
    ds = base_dataset(uid.TwelveLeadECGWaveformStorage, "ECG", "dcmcore-example-ecg")
    for keyword in ("ImageType", "ImagePositionPatient", "ImageOrientationPatient",
                    "SliceLocation", "SamplesPerPixel", "PhotometricInterpretation"):
        delattr(ds, keyword)
    ds.StudyDescription = "resting ECG"
    ds.SeriesDescription = "12-lead, synthetic"
    ds.AcquisitionDateTime = STUDY_DATE + "101500"
    ds.SynchronizationTrigger = "NO TRIGGER"
    ds.AcquisitionTimeSynchronized = "N"
    ds.SynchronizationFrameOfReferenceUID = ds.FrameOfReferenceUID
    rate, seconds, heart_rate = 500, 10, 72
    t = np.arange(rate * seconds) / rate
    beat = (t * heart_rate / 60.0) % 1.0 * 60.0 / heart_rate     # seconds since beat start

    def wave(centre: float, width: float, height: float) -> np.ndarray:
        return height * np.exp(-(((beat - centre) / width) ** 2))

    p, t_wave = wave(0.10, 0.025, 0.15), wave(0.45, 0.05, 0.3)
    qrs = wave(0.205, 0.008, -0.1) + wave(0.22, 0.01, 1.0) + wave(0.235, 0.008, -0.2)
    wander = 0.05 * np.sin(2 * np.pi * 0.3 * t)
    rng = np.random.default_rng(53)
    millivolts = np.stack([gain * qrs + abs(gain) * (p + t_wave) + wander
                           + rng.normal(0, 0.01, t.size) for gain in LEAD_GAIN], axis=1)
    sensitivity = 2.5                                              # microvolts per unit
    raw = np.round(millivolts * 1000.0 / sensitivity).astype("<i2")
    group = Dataset()
    group.MultiplexGroupTimeOffset = "0"
    group.WaveformOriginality = "ORIGINAL"
    group.NumberOfWaveformChannels = len(LEADS)
    group.NumberOfWaveformSamples = t.size
    group.SamplingFrequency = str(rate)
    group.MultiplexGroupLabel = "RHYTHM"
    channels = []
    for lead, code in zip(LEADS, LEAD_CODES):
        source = Dataset()
        source.CodeValue = code
        source.CodingSchemeDesignator = "SCPECG"
        source.CodingSchemeVersion = "1.3"
        source.CodeMeaning = f"Lead {lead}"
        units = Dataset()
        units.CodeValue = "uV"
        units.CodingSchemeDesignator = "UCUM"
        units.CodingSchemeVersion = "1.4"
        units.CodeMeaning = "microvolt"
        channel = Dataset()
        channel.ChannelSourceSequence = Sequence([source])
        channel.ChannelSensitivity = str(sensitivity)
        channel.ChannelSensitivityUnitsSequence = Sequence([units])
        channel.ChannelSensitivityCorrectionFactor = "1"
        channel.ChannelBaseline = "0"
        channel.ChannelTimeSkew = "0"
        channel.WaveformBitsStored = 16
        channel.FilterLowFrequency = "0.05"
        channel.FilterHighFrequency = "150"
        channels.append(channel)
    group.ChannelDefinitionSequence = Sequence(channels)
    group.WaveformBitsAllocated = 16
    group.WaveformSampleInterpretation = "SS"
    group.WaveformData = raw.tobytes()
    ds.WaveformSequence = Sequence([group])
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "waveform.dcm")


def ct_abdomen(seed: str, size: int, noise_seed: int, *, signed: bool) -> Dataset:
    ds = base_dataset(uid.CTImageStorage, "CT", seed)
    ds.StudyDescription = "CT abdomen phantom"
    ds.SeriesDescription = "synthetic abdomen, portal venous"
    ds.BodyPartExamined = "ABDOMEN"
    ds.KVP = "120"
    ds.SliceThickness = "3"
    ds.ConvolutionKernel = "B30f"
    ds.PixelSpacing = [1.5, 1.5]
    ds.ImagePositionPatient = [-0.75 * size, -0.75 * size, -120.0]
    ds.SliceLocation = "-120"
    ds.RescaleIntercept = "0" if signed else "-1024"
    ds.RescaleSlope = "1"
    ds.RescaleType = "HU"
    ds.WindowCenter = ["40", "400"]
    ds.WindowWidth = ["400", "1800"]
    ds.WindowCenterWidthExplanation = ["ABDOMEN", "BONE"]
    hu = abdomen_hu(size, noise_seed)
    if signed:
        image_pixels(ds, np.round(hu).astype(np.int16), bits_stored=16, signed=True)
    else:
        stored = np.clip(np.round(hu + 1024.0), 0, 4095).astype(np.uint16)
        image_pixels(ds, stored, bits_stored=12)
    return ds


def make_jpeg2k() -> None:
    ds = ct_abdomen("dcmcore-example-jpeg2k", 192, 61, signed=True)
    encode(ds, uid.JPEG2000Lossless, "jpeg2k.dcm")


def make_jpegls() -> None:
    ds = ct_abdomen("dcmcore-example-jpegls", 192, 67, signed=False)
    encode(ds, uid.JPEGLSLossless, "jpegls.dcm")


def make_rle() -> None:
    """A sagittal-ish T1 MR of the head phantom, RLE Lossless."""
    ds = base_dataset(uid.MRImageStorage, "MR", "dcmcore-example-rle")
    ds.ScanningSequence = "GR"
    ds.SequenceVariant = "SP"
    ds.MRAcquisitionType = "3D"
    ds.RepetitionTime = "8.1"
    ds.EchoTime = "3.7"
    ds.FlipAngle = "8"
    ds.MagneticFieldStrength = "3"
    ds.PixelSpacing = [1.0, 1.0]
    ds.SliceThickness = "1"
    signal = phantom(128, HEAD)
    noise = np.abs(np.random.default_rng(71).normal(0.0, 0.015, signal.shape))
    image_pixels(ds, np.clip((signal + noise) * 1800.0, 0, 4095).astype(np.uint16),
                 bits_stored=12)
    ds.WindowCenter = "900"
    ds.WindowWidth = "1800"
    encode(ds, uid.RLELossless, "rle.dcm")


def make_jpeg_baseline() -> None:
    """The colour Doppler frame, JPEG Baseline (lossy, YBR_FULL_422 as scanners write it)."""
    ds = us_dataset(uid.UltrasoundImageStorage, "dcmcore-example-jpeg-baseline")
    image_pixels(ds, doppler_rgb(120, 160, 1.0), bits_stored=8, photometric="RGB")
    encode(ds, uid.JPEGBaseline8Bit, "jpeg_baseline.dcm", plugin="pillow", jpeg_quality=90)


def make_enhanced_mr() -> None:
    """An Enhanced MR Image: 12 axial slices of an ellipsoid head, per-frame groups."""
    ds = base_dataset(uid.EnhancedMRImageStorage, "MR", "dcmcore-example-enhanced-mr")
    for keyword in ("ImagePositionPatient", "ImageOrientationPatient", "SliceLocation",
                    "ContentTime"):
        delattr(ds, keyword)
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "NONE"]
    ds.ContentTime = "101502"
    ds.AcquisitionDateTime = STUDY_DATE + "101500"
    ds.InstanceNumber = 1
    ds.ContentQualification = "PRODUCT"
    ds.ImageComments = "synthetic ellipsoid head phantom"
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"
    ds.PresentationLUTShape = "IDENTITY"
    ds.AcquisitionContrast = "T1"
    ds.PixelPresentation = "MONOCHROME"
    ds.VolumetricProperties = "VOLUME"
    ds.VolumeBasedCalculationTechnique = "NONE"
    ds.ComplexImageComponent = "MAGNITUDE"
    ds.MagneticFieldStrength = "1.5"
    ds.ResonantNucleus = "1H"
    ds.KSpaceFiltering = "NONE"
    ds.ImagingFrequency = "63.87"
    slices, size, spacing = 12, 64, 3.75
    z = np.linspace(-0.85, 0.85, slices)
    frames = []
    rng = np.random.default_rng(83)
    for zi in z:
        scale = np.sqrt(max(1.0 - zi ** 2, 0.0))
        ellipses = [(v, cx * scale, cy * scale, a * scale, b * scale, ang)
                    for v, cx, cy, a, b, ang in HEAD]
        signal = phantom(size, ellipses) if scale > 0 else np.zeros((size, size))
        noise = np.abs(rng.normal(0.0, 0.02, (size, size)))
        frames.append(np.clip((signal + noise) * 2000.0, 0, 4095).astype(np.uint16))
    image_pixels(ds, np.stack(frames), bits_stored=12, frames=True)

    def item(**values: object) -> Dataset:
        out = Dataset()
        for keyword, value in values.items():
            setattr(out, keyword, value)
        return out

    stack_uid = uid.generate_uid(entropy_srcs=["dcmcore-example-enhanced-mr", "dimensions"])
    ds.DimensionOrganizationSequence = Sequence([item(DimensionOrganizationUID=stack_uid)])
    ds.DimensionOrganizationType = "3D"
    ds.DimensionIndexSequence = Sequence([
        item(DimensionOrganizationUID=stack_uid, DimensionIndexPointer=0x00209056,
             FunctionalGroupPointer=0x00209111, DimensionDescriptionLabel="Stack ID"),
        item(DimensionOrganizationUID=stack_uid, DimensionIndexPointer=0x00209057,
             FunctionalGroupPointer=0x00209111,
             DimensionDescriptionLabel="In-Stack Position Number"),
    ])
    shared = item(
        PixelMeasuresSequence=Sequence([item(PixelSpacing=[3.75, 3.75],
                                             SliceThickness=str(spacing),
                                             SpacingBetweenSlices=str(spacing))]),
        PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=[1, 0, 0, 0, 1, 0])]),
        MRTimingAndRelatedParametersSequence=Sequence([item(RepetitionTime=500.0,
                                                            FlipAngle=90.0,
                                                            EchoTrainLength=1)]),
        MREchoSequence=Sequence([item(EffectiveEchoTime=15.0)]),
        PixelValueTransformationSequence=Sequence([item(RescaleIntercept="0",
                                                        RescaleSlope="1",
                                                        RescaleType="US")]),
        FrameVOILUTSequence=Sequence([item(WindowCenter="1000", WindowWidth="2000")]),
    )
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    for index in range(slices):
        position = -120.0 + spacing * index
        per_frame.append(item(
            FrameContentSequence=Sequence([item(
                FrameAcquisitionNumber=index + 1,
                FrameReferenceDateTime=f"{STUDY_DATE}1015{index:02d}",
                FrameAcquisitionDateTime=f"{STUDY_DATE}1015{index:02d}",
                FrameAcquisitionDuration=500.0,
                StackID="1",
                InStackPositionNumber=index + 1,
                DimensionIndexValues=[1, index + 1],
            )]),
            PlanePositionSequence=Sequence([item(
                ImagePositionPatient=[-120.0, -120.0, position])]),
            MRImageFrameTypeSequence=Sequence([item(
                FrameType=["ORIGINAL", "PRIMARY", "M", "NONE"], PixelPresentation="MONOCHROME",
                VolumetricProperties="VOLUME", VolumeBasedCalculationTechnique="NONE",
                ComplexImageComponent="MAGNITUDE", AcquisitionContrast="T1")]),
        ))
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "enhanced_mr.dcm")


def contour_points(cx: float, cy: float, a: float, b: float, angle: float, z: float,
                   n: int = 32) -> list[float]:
    """Points (x, y, z in mm, patient space) around a phantom ellipse of the CT example."""
    # the CT example spans 128 pixels of 0.9765625 mm from (-125, -125); the phantom grid
    # runs -1..1 left to right and 1..-1 top to bottom
    half = 63.5 * 0.9765625
    theta = np.deg2rad(angle)
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    u, v = a * np.cos(t), b * np.sin(t)
    gx = cx + u * np.cos(theta) - v * np.sin(theta)
    gy = cy + u * np.sin(theta) + v * np.cos(theta)
    x = -125.0 + (gx + 1.0) * half
    y = -125.0 + (1.0 - gy) * half
    return [round(float(c), 2) for pt in zip(x, y, np.full(n, z)) for c in pt]


def make_rt_ss() -> None:
    """An RT Structure Set outlining the CT example's skull, brain and ventricles."""
    ct = dcmcore.dcmread(DATA / "ct.dcm")
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = uid.RTStructureSetStorage
    ds.SOPInstanceUID = uid.generate_uid(entropy_srcs=["dcmcore-example-rtss", "instance"])
    for keyword in ("StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName",
                    "StudyDescription", "PatientName", "PatientID", "PatientBirthDate",
                    "PatientSex", "StudyInstanceUID", "StudyID", "Manufacturer",
                    "InstitutionName"):
        setattr(ds, keyword, ct[keyword].value)
    ds.Modality = "RTSTRUCT"
    ds.SeriesInstanceUID = uid.generate_uid(entropy_srcs=["dcmcore-example-rtss", "series"])
    ds.SeriesNumber = 3
    ds.SeriesDescription = "head phantom structures"
    ds.InstanceNumber = 1
    ds.StructureSetLabel = "HEAD"
    ds.StructureSetName = "phantom structures"
    ds.StructureSetDate = STUDY_DATE
    ds.StructureSetTime = "110000"
    ds.OperatorsName = "Physicist^Pat"
    image_ref = Dataset()
    image_ref.ReferencedSOPClassUID = ct.SOPClassUID
    image_ref.ReferencedSOPInstanceUID = ct.SOPInstanceUID
    series = Dataset()
    series.SeriesInstanceUID = ct.SeriesInstanceUID
    series.ContourImageSequence = Sequence([image_ref])
    study = Dataset()
    study.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.1"     # Detached Study Management
    study.ReferencedSOPInstanceUID = ct.StudyInstanceUID
    study.RTReferencedSeriesSequence = Sequence([series])
    frame = Dataset()
    frame.FrameOfReferenceUID = ct.FrameOfReferenceUID
    frame.RTReferencedStudySequence = Sequence([study])
    ds.ReferencedFrameOfReferenceSequence = Sequence([frame])
    z = float(ct.ImagePositionPatient[2])
    structures = [
        ("EXTERNAL", "EXTERNAL", [255, 255, 0], HEAD_HU[0]),
        ("BRAIN", "ORGAN", [0, 128, 255], HEAD_HU[1]),
        ("VENTRICLE_L", "AVOIDANCE", [255, 0, 0], HEAD_HU[2]),
        ("VENTRICLE_R", "AVOIDANCE", [255, 0, 0], HEAD_HU[3]),
        ("GTV", "GTV", [255, 0, 255], HEAD_HU[4]),
    ]
    rois, contours, observations = [], [], []
    for number, (name, kind, colour, (_, cx, cy, a, b, angle)) in enumerate(structures, 1):
        roi = Dataset()
        roi.ROINumber = number
        roi.ReferencedFrameOfReferenceUID = ct.FrameOfReferenceUID
        roi.ROIName = name
        roi.ROIGenerationAlgorithm = "MANUAL"
        rois.append(roi)
        contour = Dataset()
        contour.ContourImageSequence = Sequence([image_ref])
        contour.ContourGeometricType = "CLOSED_PLANAR"
        points = contour_points(cx, cy, a, b, angle, z)
        contour.NumberOfContourPoints = len(points) // 3
        contour.ContourData = points
        roi_contour = Dataset()
        roi_contour.ROIDisplayColor = colour
        roi_contour.ContourSequence = Sequence([contour])
        roi_contour.ReferencedROINumber = number
        contours.append(roi_contour)
        observation = Dataset()
        observation.ObservationNumber = number
        observation.ReferencedROINumber = number
        observation.RTROIInterpretedType = kind
        observation.ROIInterpreter = ""
        observations.append(observation)
    ds.StructureSetROISequence = Sequence(rois)
    ds.ROIContourSequence = Sequence(contours)
    ds.RTROIObservationsSequence = Sequence(observations)
    ds.ApprovalStatus = "UNAPPROVED"
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "rt_ss.dcm")


def make_monochrome1() -> None:
    """A computed radiography chest phantom stored MONOCHROME1 (low values display white)."""
    ds = base_dataset(uid.ComputedRadiographyImageStorage, "CR", "dcmcore-example-cr")
    for keyword in ("ImagePositionPatient", "ImageOrientationPatient", "FrameOfReferenceUID",
                    "SliceLocation"):
        delattr(ds, keyword)
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.StudyDescription = "CR chest phantom"
    ds.SeriesDescription = "PA chest, synthetic"
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.PatientOrientation = ["L", "F"]
    ds.KVP = "120"
    ds.ExposureInuAs = 2500
    ds.ImagerPixelSpacing = [0.7, 0.7]
    ds.PixelSpacing = [0.7, 0.7]
    rows, cols = 256, 224
    y, x = np.mgrid[0:rows, 0:cols].astype(float)
    xn, yn = (x - cols / 2) / (cols / 2), (y - rows / 2) / (rows / 2)
    attenuation = np.zeros((rows, cols))
    attenuation += 1.2 * (((xn / 0.95) ** 2 + ((yn - 0.1) / 1.05) ** 2) <= 1)   # body
    for side in (-1, 1):
        lung = ((xn - side * 0.42) / 0.33) ** 2 + ((yn + 0.05) / 0.62) ** 2 <= 1
        attenuation[lung] -= 0.8
        for rib in range(8):                                      # posterior ribs
            curve = -0.55 + rib * 0.14 + 0.25 * (xn * side - 0.1) ** 2
            attenuation[lung & (np.abs(yn - curve) < 0.025)] += 0.35
    attenuation += 0.9 * ((np.abs(xn) < 0.07) & (yn > -0.75))                 # spine
    heart = ((xn - 0.12) / 0.3) ** 2 + ((yn - 0.25) / 0.28) ** 2 <= 1
    attenuation[heart] += 0.5
    for side in (-1, 1):                                           # clavicles
        clavicle = np.abs(yn + 0.62 - 0.15 * (xn * side - 0.3)) < 0.03
        attenuation[clavicle & (np.abs(xn - side * 0.35) < 0.35)] += 0.5
    exposure = np.exp(-attenuation)
    exposure += np.random.default_rng(97).normal(0.0, 0.01, exposure.shape)
    # log-exposure detector values: more exposure (lungs) -> higher value -> darker on
    # MONOCHROME1, bone (little exposure) -> low value -> white
    stored = np.clip(np.round(3800 + 1100 * np.log(np.clip(exposure, 0.05, 1.0))), 0, 4095)
    image_pixels(ds, stored.astype(np.uint16), bits_stored=12, photometric="MONOCHROME1")
    ds.WindowCenter = "2900"
    ds.WindowWidth = "2400"
    ds.RescaleIntercept = "0"
    ds.RescaleSlope = "1"
    ds.RescaleType = "US"
    file_meta(ds, uid.ExplicitVRLittleEndian)
    write(ds, "monochrome1.dcm")


MAKERS = {
    "ct": make_ct,
    "mr": make_mr,
    "rgb_color": make_rgb_color,
    "ybr_color": make_ybr_color,
    "palette_color": make_palette_color,
    "overlay": make_overlay,
    "waveform": make_waveform,
    "jpeg2k": make_jpeg2k,
    "rle": make_rle,
    "jpegls": make_jpegls,
    "jpeg_baseline": make_jpeg_baseline,
    "enhanced_mr": make_enhanced_mr,
    "rt_ss": make_rt_ss,
    "monochrome1": make_monochrome1,
}


def main(argv: list[str]) -> int:
    global DATA
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="examples to make (default all)")
    parser.add_argument("--out", type=Path, default=DATA,
                        help="output folder (default dcmcore/examples/data)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in MAKERS]
    if unknown:
        parser.error(f"unknown example(s) {', '.join(unknown)}; choose from {', '.join(MAKERS)}")
    if args.out != DATA and "rt_ss" in (args.names or MAKERS) and "ct" not in args.names:
        args.names = ["ct", *(args.names or MAKERS)]      # rt_ss refers to the ct it outlines
    DATA = args.out
    for name in dict.fromkeys(args.names or MAKERS):
        MAKERS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
