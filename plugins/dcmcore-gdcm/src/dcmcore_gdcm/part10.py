"""A minimal DICOM Part 10 byte stream holding one frame, for GDCM to read.

python-gdcm aborts the whole process in about half of the runs when it is handed a
``gdcm.Image`` assembled in Python (pydicom PR #1589), while images that
``gdcm.ImageReader`` reads from a file are stable. So each frame is written as the
smallest file GDCM reads as an image: a preamble, a File Meta Information group
naming the transfer syntax, the Image Pixel module, and the Pixel Data (an
encapsulated frame, or native little-endian samples for the encoder's input).
Nothing here imports GDCM.
"""

from __future__ import annotations

import struct

__all__ = ["SECONDARY_CAPTURE", "IMPLEMENTATION_UID", "build_file"]

#: SOP Class written in the file meta (GDCM only needs one that holds an image).
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
#: An arbitrary valid UID for the Media Storage SOP Instance and Implementation Class.
IMPLEMENTATION_UID = "1.2.826.0.1.3680043.10.1040.1"
_EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
_LONG_VRS = frozenset({"OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UC", "UN", "UR", "UT"})


def _element(group: int, elem: int, vr: str, value: bytes) -> bytes:
    """One explicit VR little-endian element, value padded to even length."""
    if len(value) % 2:
        value += b"\x00" if vr in ("OB", "UI") else b" "
    if vr in _LONG_VRS:
        return struct.pack("<HH2sHI", group, elem, vr.encode("ascii"), 0, len(value)) + value
    return struct.pack("<HH2sH", group, elem, vr.encode("ascii"), len(value)) + value


def _us(group: int, elem: int, value: int) -> bytes:
    return _element(group, elem, "US", struct.pack("<H", value))


def build_file(
    pixel_data: bytes | bytearray | memoryview,
    transfer_syntax_uid: str,
    *,
    rows: int,
    columns: int,
    samples_per_pixel: int,
    bits_allocated: int,
    bits_stored: int,
    pixel_representation: int,
    photometric_interpretation: str,
    planar_configuration: int = 0,
    encapsulated: bool = True,
) -> bytes:
    """Return a Part 10 file holding one frame.

    Parameters
    ----------
    pixel_data : bytes-like
        The encoded frame (``encapsulated=True``: written as one fragment after
        an empty Basic Offset Table) or the native little-endian samples.
    transfer_syntax_uid : str
        Transfer syntax of the data set (Explicit VR Little Endian for native data).
    rows, columns, samples_per_pixel, bits_allocated, bits_stored, \
pixel_representation, photometric_interpretation, planar_configuration
        The Image Pixel module values written (the caller has validated them).
    encapsulated : bool
        Whether `pixel_data` is an encoded frame.

    Returns
    -------
    bytes
        The file's bytes.
    """
    meta = b"".join(
        (
            _element(0x0002, 0x0001, "OB", b"\x00\x01"),
            _element(0x0002, 0x0002, "UI", SECONDARY_CAPTURE.encode("ascii")),
            _element(0x0002, 0x0003, "UI", IMPLEMENTATION_UID.encode("ascii")),
            _element(0x0002, 0x0010, "UI", transfer_syntax_uid.encode("ascii")),
            _element(0x0002, 0x0012, "UI", IMPLEMENTATION_UID.encode("ascii")),
        )
    )
    group_length = _element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta)))
    module = [
        _element(0x0008, 0x0016, "UI", SECONDARY_CAPTURE.encode("ascii")),
        _element(0x0008, 0x0018, "UI", IMPLEMENTATION_UID.encode("ascii")),
        _us(0x0028, 0x0002, samples_per_pixel),
        _element(0x0028, 0x0004, "CS", photometric_interpretation.encode("ascii")),
    ]
    if samples_per_pixel > 1:
        module.append(_us(0x0028, 0x0006, planar_configuration))
    module += [
        _us(0x0028, 0x0010, rows),
        _us(0x0028, 0x0011, columns),
        _us(0x0028, 0x0100, bits_allocated),
        _us(0x0028, 0x0101, bits_stored),
        _us(0x0028, 0x0102, bits_stored - 1),
        _us(0x0028, 0x0103, pixel_representation),
    ]
    data = bytes(pixel_data)
    if encapsulated:
        if len(data) % 2:
            data += b"\x00"
        pixels = b"".join(
            (
                struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OB", 0, 0xFFFFFFFF),
                struct.pack("<HHI", 0xFFFE, 0xE000, 0),  # empty Basic Offset Table
                struct.pack("<HHI", 0xFFFE, 0xE000, len(data)),
                data,
                struct.pack("<HHI", 0xFFFE, 0xE0DD, 0),
            )
        )
    else:
        vr = "OB" if bits_allocated <= 8 else "OW"
        pixels = _element(0x7FE0, 0x0010, vr, data)
    return b"".join((b"\x00" * 128, b"DICM", group_length, meta, *module, pixels))
