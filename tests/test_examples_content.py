"""The bundled examples: each is a plausible instance of its IOD, reads the same with
pydicom, and decodes (compressed ones with the installed plugins) to plausible pixels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest

from dcmcore import examples, uid
from dcmcore.pixels import overlay_array, waveform_array

ROOT = Path(__file__).resolve().parents[1]

#: example -> (SOP Class keyword, transfer syntax keyword, keywords its IOD requires here)
EXPECTED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ct": ("CTImageStorage", "ExplicitVRLittleEndian",
           ("RescaleIntercept", "RescaleSlope", "KVP", "ImagePositionPatient")),
    "mr": ("MRImageStorage", "ExplicitVRLittleEndian",
           ("ScanningSequence", "SequenceVariant", "EchoTime", "RepetitionTime")),
    "rgb_color": ("UltrasoundImageStorage", "ExplicitVRLittleEndian",
                  ("PlanarConfiguration", "SequenceOfUltrasoundRegions")),
    "ybr_color": ("UltrasoundMultiFrameImageStorage", "ExplicitVRLittleEndian",
                  ("NumberOfFrames", "FrameIncrementPointer", "FrameTime")),
    "palette_color": ("SecondaryCaptureImageStorage", "ExplicitVRLittleEndian",
                      ("ConversionType", "RedPaletteColorLookupTableDescriptor",
                       "GreenPaletteColorLookupTableData", "BluePaletteColorLookupTableData")),
    "overlay": ("CTImageStorage", "ExplicitVRLittleEndian", ("RescaleIntercept",)),
    "waveform": ("TwelveLeadECGWaveformStorage", "ExplicitVRLittleEndian",
                 ("WaveformSequence", "AcquisitionDateTime", "SynchronizationTrigger")),
    "jpeg2k": ("CTImageStorage", "JPEG2000Lossless", ("RescaleIntercept", "WindowCenter")),
    "rle": ("MRImageStorage", "RLELossless", ("ScanningSequence", "EchoTime")),
    "jpegls": ("CTImageStorage", "JPEGLSLossless", ("RescaleIntercept", "WindowCenter")),
    "jpeg_baseline": ("UltrasoundImageStorage", "JPEGBaseline8Bit",
                      ("LossyImageCompression", "SequenceOfUltrasoundRegions")),
    "enhanced_mr": ("EnhancedMRImageStorage", "ExplicitVRLittleEndian",
                    ("SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence",
                     "DimensionIndexSequence", "DimensionOrganizationSequence",
                     "NumberOfFrames", "AcquisitionContrast")),
    "rt_ss": ("RTStructureSetStorage", "ExplicitVRLittleEndian",
              ("StructureSetLabel", "ReferencedFrameOfReferenceSequence",
               "StructureSetROISequence", "ROIContourSequence", "RTROIObservationsSequence")),
    "monochrome1": ("ComputedRadiographyImageStorage", "ExplicitVRLittleEndian",
                    ("ViewPosition", "BodyPartExamined", "WindowCenter", "PatientOrientation")),
}

PATIENT_STUDY_SERIES = ("PatientName", "PatientID", "StudyInstanceUID", "SeriesInstanceUID",
                        "StudyDate", "Modality", "SOPInstanceUID", "Manufacturer")


def test_every_example_is_listed_and_expected():
    assert set(examples.names()) == set(EXPECTED)
    assert set(examples.names()) <= set(examples.__all__)
    assert set(examples.names()) <= set(dir(examples))


def test_examples_stay_well_under_two_megabytes():
    total = sum(examples.get_path(name).stat().st_size for name in examples.names())
    assert total < 1_200_000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_has_its_iod_key_elements(name):
    sop_class, syntax, keywords = EXPECTED[name]
    ds = getattr(examples, name)
    assert ds.SOPClassUID == getattr(uid, sop_class)
    assert ds.file_meta.MediaStorageSOPClassUID == ds.SOPClassUID
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    assert ds.file_meta.TransferSyntaxUID == getattr(uid, syntax)
    for keyword in (*PATIENT_STUDY_SERIES, *keywords):
        assert keyword in ds, keyword
    assert examples.describe(name)


def _same_values(ours, theirs, where: str) -> None:
    assert len(ours) == len(theirs), where
    for elem in theirs:
        mine = ours[elem.tag]
        assert mine.VR == elem.VR, f"{where} {elem.tag}"
        if elem.VR == "SQ":
            assert len(mine.value) == len(elem.value), f"{where} {elem.tag}"
            for i, (a, b) in enumerate(zip(mine.value, elem.value)):
                _same_values(a, b, f"{where} {elem.tag}[{i}]")
        elif isinstance(elem.value, bytes):
            assert mine.value == elem.value, f"{where} {elem.tag}"
        else:
            assert str(mine.value) == str(elem.value), f"{where} {elem.tag}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_reads_the_same_with_pydicom(name):
    path = examples.get_path(name)
    reference = pydicom.dcmread(path)
    ours = getattr(examples, name)
    _same_values(ours, reference, name)
    _same_values(ours.file_meta, reference.file_meta, f"{name} meta")


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n not in ("waveform", "rt_ss")))
def test_example_pixels_match_pydicom(name):
    ours = getattr(examples, name).pixel_array
    theirs = pydicom.dcmread(examples.get_path(name)).pixel_array
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def _hu(name: str) -> np.ndarray:
    ds = getattr(examples, name)
    return ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)


@pytest.mark.parametrize("name", ["jpeg2k", "jpegls"])
def test_compressed_ct_decodes_to_an_abdomen(name):
    hu = _hu(name)
    assert hu.shape == (192, 192)
    assert np.median(hu[:10]) < -900                       # air above the body
    centre = hu[80:110, 80:110]
    assert -50 < np.median(centre) < 120                   # soft tissue in the middle
    assert hu.max() > 500                                  # the vertebra
    assert (hu < -800)[60:140, 60:140].any()               # bowel gas


def test_rle_mr_decodes_to_a_head_with_twelve_bits():
    arr = examples.rle.pixel_array
    assert arr.shape == (128, 128) and arr.dtype == np.uint16
    assert arr.max() < 4096 and arr[0, 0] < 100 and arr[64, 64] > 300


def test_jpeg_baseline_decodes_to_rgb_close_to_the_source_frame():
    ds = examples.jpeg_baseline
    assert ds.PhotometricInterpretation == "YBR_FULL_422"
    assert ds.LossyImageCompression == "01"
    rgb = ds.pixel_array
    native = examples.rgb_color.pixel_array.astype(float)
    assert rgb.shape == native.shape == (120, 160, 3)
    # the rgb_color frame through lossy JPEG: close on average, flow colours kept
    assert np.abs(rgb.astype(float) - native).mean() < 6
    red = (rgb[..., 0] > 150) & (rgb[..., 2] < 80)
    blue = (rgb[..., 2] > 150) & (rgb[..., 0] < 80)
    assert red.sum() > 100 and blue.sum() > 50


def test_colour_examples_show_grey_tissue_and_coloured_flow():
    rgb = examples.rgb_color.pixel_array
    assert examples.rgb_color.PlanarConfiguration == 0
    grey = (rgb[..., 0] == rgb[..., 1]) & (rgb[..., 1] == rgb[..., 2]) & (rgb[..., 0] > 30)
    assert grey.mean() > 0.3
    assert ((rgb[..., 2] > 150) & (rgb[..., 0] < 50)).sum() > 50      # flow away: blue
    ybr = examples.ybr_color
    frames = ybr.pixel_array                                          # converted to RGB
    assert frames.shape == (4, 120, 160, 3)
    # the same flow phase as rgb_color in frame 1; YBR_FULL round trip within 2 levels
    np.testing.assert_allclose(frames[1].astype(float), rgb.astype(float), atol=2)
    assert np.abs(frames[3].astype(float) - frames[1]).max() > 100      # the flow changes


def test_palette_example_maps_through_16_bit_luts():
    ds = examples.palette_color
    assert list(ds.RedPaletteColorLookupTableDescriptor) == [256, 0, 16]
    red = np.frombuffer(ds.RedPaletteColorLookupTableData, "<u2")
    blue = np.frombuffer(ds.BluePaletteColorLookupTableData, "<u2")
    assert red.size == 256 and red[-1] == 65535 and blue[0] == 0
    arr = ds.pixel_array
    assert arr.min() == 0 and arr.max() == 255 and len(np.unique(arr)) > 100


def test_overlay_example_outlines_a_ring():
    ds = examples.overlay
    ring = overlay_array(ds, 0x6000)
    assert ring.shape == (128, 128)
    assert 50 < ring.sum() < 400
    assert ring[37, 64] == 0 and ring[37, 64 + 14] == 1


def test_waveform_example_is_a_12_lead_ecg_in_microvolts():
    ds = examples.waveform
    group = ds.WaveformSequence[0]
    assert group.NumberOfWaveformChannels == 12
    assert float(group.SamplingFrequency) == 500
    leads = [c.ChannelSourceSequence[0].CodeMeaning for c in group.ChannelDefinitionSequence]
    assert leads[:3] == ["Lead I", "Lead II", "Lead III"]
    microvolts = waveform_array(ds, 0)
    assert microvolts.shape == (5000, 12)
    lead_ii = microvolts[:, 1]
    beats = np.sum((lead_ii[1:] > 600) & (lead_ii[:-1] <= 600))      # R waves
    assert 11 <= beats <= 13                                          # 72 per minute, 10 s
    assert microvolts[:, 3].min() < -600                              # aVR is inverted
    reference = pydicom.dcmread(examples.get_path("waveform")).waveform_array(0)
    np.testing.assert_allclose(microvolts, reference)


def test_enhanced_mr_has_one_functional_group_item_per_frame():
    ds = examples.enhanced_mr
    frames = ds.pixel_array
    assert frames.shape == (ds.NumberOfFrames, 64, 64) == (12, 64, 64)
    per_frame = ds.PerFrameFunctionalGroupsSequence
    assert len(per_frame) == 12
    z = [float(item.PlanePositionSequence[0].ImagePositionPatient[2]) for item in per_frame]
    assert np.all(np.diff(z) > 0)
    index = [list(item.FrameContentSequence[0].DimensionIndexValues) for item in per_frame]
    assert index == [[1, i] for i in range(1, 13)]
    shared = ds.SharedFunctionalGroupsSequence[0]
    assert list(shared.PixelMeasuresSequence[0].PixelSpacing) == [3.75, 3.75]
    middle = frames[6].astype(float)
    assert middle.sum() > frames[0].astype(float).sum()           # head widest in the middle


def test_rt_structure_set_outlines_the_ct_example():
    ct, rtss = examples.ct, examples.rt_ss
    assert rtss.StudyInstanceUID == ct.StudyInstanceUID
    frame = rtss.ReferencedFrameOfReferenceSequence[0]
    assert frame.FrameOfReferenceUID == ct.FrameOfReferenceUID
    series = frame.RTReferencedStudySequence[0].RTReferencedSeriesSequence[0]
    assert series.ContourImageSequence[0].ReferencedSOPInstanceUID == ct.SOPInstanceUID
    names = [roi.ROIName for roi in rtss.StructureSetROISequence]
    assert names[:2] == ["EXTERNAL", "BRAIN"]
    external = rtss.ROIContourSequence[0].ContourSequence[0]
    points = np.asarray(external.ContourData, float).reshape(-1, 3)
    assert len(points) == external.NumberOfContourPoints
    # the EXTERNAL contour lies on the skull in the CT pixels
    spacing = float(ct.PixelSpacing[0])
    origin = np.asarray(ct.ImagePositionPatient[:2], float)
    cols, rows = ((points[:, :2] - origin) / spacing).round().astype(int).T
    assert rows.min() >= 0 and cols.min() >= 0 and rows.max() < 128 and cols.max() < 128
    hu = _hu("ct")
    near = [hu[r - 1:r + 2, c - 1:c + 2].max() for r, c in zip(rows, cols)]
    assert min(near) > 500                     # every point within a pixel of bone


def test_monochrome1_chest_has_bright_bone_as_low_values():
    ds = examples.monochrome1
    arr = ds.pixel_array
    assert ds.PhotometricInterpretation == "MONOCHROME1"
    assert arr.shape == (256, 224) and arr.max() < 4096
    lung = arr[100:140, 40:70].mean()
    spine = arr[100:140, 108:116].mean()
    assert spine < lung - 300          # MONOCHROME1: bone low (white), lung high (dark)


def test_examples_load_without_any_plugin():
    script = (
        "from dcmcore import examples, codecs\n"
        "for name in examples.names():\n"
        "    ds = getattr(examples, name)\n"
        "    assert ds.SOPInstanceUID, name\n"
        "assert examples.ct.pixel_array.shape == (128, 128)\n"
        "print(sorted(p.name for p in codecs.list_plugins() if p.name != 'deflate'))\n"
    )
    env = {**os.environ, "DCMCORE_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


#: Examples whose bytes depend only on dcmcore (and dcmcore-rle's pure numpy encoder);
#: the others are encoded by codec libraries whose output may change between versions.
REPRODUCIBLE = ("ct", "mr", "rgb_color", "ybr_color", "palette_color", "overlay", "waveform",
                "rle", "enhanced_mr", "rt_ss", "monochrome1")


def test_generator_reproduces_the_shipped_files(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_examples.py"), "--out", str(tmp_path),
         *REPRODUCIBLE],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for name in REPRODUCIBLE:
        made = (tmp_path / f"{name}.dcm").read_bytes()
        assert made == examples.get_path(name).read_bytes(), (
            f"{name}: the shipped file differs from what tools/make_examples.py makes now; "
            "regenerate the examples")
