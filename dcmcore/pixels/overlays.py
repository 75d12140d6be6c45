"""Overlay Data (60xx,3000) and Waveform Data (5400,0100) as arrays."""

from __future__ import annotations

import numpy as np

from dcmcore.codecs._warnings import warn
from dcmcore.errors import PixelDataError
from dcmcore.pixels.module import dataset_syntax, element_value
from dcmcore.protocols import DatasetLike

__all__ = ["overlay_array", "waveform_array"]

_WAVEFORM_SEQUENCE = 0x54000100


def overlay_array(ds: DatasetLike, group: int) -> np.ndarray:
    """Return the (group,3000) Overlay Data as a uint8 array of 0/1.

    Shaped (rows, columns), or (frames, rows, columns) for multi-frame overlays.
    """
    if not 0x6000 <= group <= 0x60FF:
        raise ValueError(
            "The group part of the 'Overlay Data' element tag must be between 0x6000 and "
            "0x60FF (inclusive)"
        )
    tags = {"OverlayData": 0x3000, "OverlayBitsAllocated": 0x0100, "OverlayRows": 0x0010,
            "OverlayColumns": 0x0011}
    values = {k: element_value(ds, (group << 16) | e) for k, e in tags.items()}
    missing = [k for k, v in values.items() if v is None]
    if missing:
        raise AttributeError(
            "Unable to convert the overlay data as the following required elements are "
            f"missing from the dataset: {', '.join(missing)}"
        )
    frames = element_value(ds, (group << 16) | 0x0015, 1)
    frames = int(frames) if frames not in (None, "") else 1
    rows, cols = int(values["OverlayRows"]), int(values["OverlayColumns"])
    if frames < 1:
        raise PixelDataError(
            f"Unable to reshape the overlay array as a value of {frames} for "
            f"({group:04X},0015) 'Number of Frames in Overlay' is invalid."
        )
    n = rows * cols * frames
    expected = n // 8 + (n % 8 > 0)
    data = values["OverlayData"]
    if isinstance(data, (list, tuple)):
        data = b"".join(data)
    actual = len(data)
    padded = expected + expected % 2
    if actual < padded:
        if actual == expected:
            warn("The overlay data length is odd and misses a padding byte.")
        else:
            raise PixelDataError(
                f"The length of the overlay data ({group:04X},3000) ({actual} bytes) doesn't "
                f"match the expected length ({padded} bytes)"
            )
    elif actual > padded:
        warn(f"The length of the overlay data in the dataset ({actual} bytes) indicates it "
             f"contains excess padding. {actual - expected} bytes will be removed from the "
             "end of the data")
    bits = np.unpackbits(np.frombuffer(data, np.uint8, count=expected), bitorder="little")
    bits = bits[:n]
    return bits.reshape(frames, rows, cols) if frames > 1 else bits.reshape(rows, cols)


_WAVEFORM_DTYPES = {
    (8, "SB"): "int8", (8, "UB"): "uint8", (8, "MB"): "uint8", (8, "AB"): "uint8",
    (16, "SS"): "int16", (16, "US"): "uint16", (32, "SL"): "int32", (32, "UL"): "uint32",
    (64, "SV"): "int64", (64, "UV"): "uint64",
}


def waveform_array(ds: DatasetLike, index: int, as_raw: bool = False) -> np.ndarray:
    """Return multiplex group `index` of (5400,0100) Waveform Sequence, (samples, channels).

    Unless `as_raw`, values are float64 in the units of the Channel Sensitivity Units
    Sequence: ``raw * ChannelSensitivity * ChannelSensitivityCorrectionFactor +
    ChannelBaseline`` per channel (missing terms default to 1, 1 and 0).
    """
    if _WAVEFORM_SEQUENCE not in ds:
        raise AttributeError("No (5400,0100) Waveform Sequence element found in the dataset")
    item = ds[_WAVEFORM_SEQUENCE].value[index]
    required = ["NumberOfWaveformChannels", "NumberOfWaveformSamples", "WaveformBitsAllocated",
                "WaveformSampleInterpretation", "WaveformData"]
    missing = [kw for kw in required if kw not in item]
    if missing:
        raise AttributeError(
            f"Unable to convert the waveform multiplex group with index {index} as the "
            f"following required elements are missing from the sequence item: "
            f"{', '.join(missing)}"
        )
    ba = int(item.WaveformBitsAllocated)
    n_samples = int(item.NumberOfWaveformSamples)
    n_channels = int(item.NumberOfWaveformChannels)
    interp = str(item.WaveformSampleInterpretation).strip()
    try:
        dtype = np.dtype(_WAVEFORM_DTYPES[(ba, interp)])
    except KeyError:
        raise PixelDataError(
            f"Unsupported (5400,1004) 'Waveform Bits Allocated' {ba} with (5400,1006) "
            f"'Waveform Sample Interpretation' '{interp}'"
        ) from None
    dtype = dtype.newbyteorder("<" if dataset_syntax(ds).little_endian else ">")
    expected = n_samples * n_channels * dtype.itemsize
    data = item.WaveformData
    if len(data) < expected:
        raise PixelDataError(
            f"(5400,1010) 'Waveform Data' of multiplex group {index} has {len(data)} bytes, "
            f"{expected} expected for {n_samples} samples x {n_channels} channels"
        )
    arr = np.frombuffer(data, dtype=dtype, count=n_samples * n_channels)
    arr = arr.reshape(n_samples, n_channels).copy()
    if as_raw:
        return arr
    out = arr.astype("float")
    for j, ch in enumerate(item.get("ChannelDefinitionSequence", None) or []):
        if j >= n_channels:
            break
        baseline = ch.get("ChannelBaseline", 0.0)
        sensitivity = ch.get("ChannelSensitivity", 1.0)
        correction = ch.get("ChannelSensitivityCorrectionFactor", 1.0)
        out[..., j] = out[..., j] * float(sensitivity) * float(correction) + float(baseline)
    return out
