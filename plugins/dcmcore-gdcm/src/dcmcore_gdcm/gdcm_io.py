"""The calls into python-gdcm: one frame in, one frame out, through a Part 10 file.

Every frame goes through ``gdcm.ImageReader`` reading a minimal Part 10 file
(:mod:`dcmcore_gdcm.part10`) instead of a ``gdcm.Image`` assembled in Python,
which crashes python-gdcm (pydicom PR #1589). On Linux the file lives in an
anonymous memory file (``os.memfd_create``, read through ``/proc/self/fd``), so
nothing touches the disk; elsewhere it is a temporary file. The readers,
images and filters are kept referenced until the bytes are copied out (an image
whose reader was collected points to freed memory).

These functions do **not** check their input: callers run
:mod:`dcmcore_gdcm.checks` first (the plugin always does). ``gdcm`` is imported
on first use only.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from dcmcore_gdcm.part10 import build_file

__all__ = [
    "GDCMRuntimeError",
    "GDCMImage",
    "EXPLICIT_VR_LE",
    "read_image",
    "encode_image",
    "gdcm_version",
]

EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
_HAVE_MEMFD = hasattr(os, "memfd_create") and sys.platform.startswith("linux")


class GDCMRuntimeError(RuntimeError):
    """GDCM refused or failed to read, decode or encode a frame."""


@dataclass
class GDCMImage:
    """A frame as GDCM returned it.

    Attributes
    ----------
    data : bytes
        The decoded samples (little endian).
    rows, columns, samples_per_pixel, bits_allocated, planar_configuration : int
        The layout of `data` as GDCM reports it after decoding.
    photometric_interpretation : str
        GDCM's photometric interpretation of the image (its label, not
        necessarily the colour space of `data`).
    """

    data: bytes
    rows: int
    columns: int
    samples_per_pixel: int
    bits_allocated: int
    planar_configuration: int
    photometric_interpretation: str

    def as_array(self) -> np.ndarray:
        """Return the samples as ``(rows, columns[, samples])`` unsigned ints, interleaved."""
        itemsize = self.bits_allocated // 8
        dtype = np.dtype({1: "u1", 2: "<u2", 4: "<u4"}[itemsize])
        count = self.rows * self.columns * self.samples_per_pixel
        if len(self.data) < count * itemsize:
            raise GDCMRuntimeError(
                f"GDCM returned {len(self.data)} bytes, {count * itemsize} expected for "
                f"{self.rows} x {self.columns} x {self.samples_per_pixel} samples of "
                f"{self.bits_allocated} bits"
            )
        arr = np.frombuffer(self.data, dtype=dtype, count=count)
        if self.samples_per_pixel == 1:
            return arr.reshape(self.rows, self.columns)
        if self.planar_configuration == 1:
            return np.ascontiguousarray(
                arr.reshape(self.samples_per_pixel, self.rows, self.columns).transpose(1, 2, 0)
            )
        return arr.reshape(self.rows, self.columns, self.samples_per_pixel)


def gdcm_version() -> str:
    """Return the version of the GDCM library python-gdcm wraps (imports it)."""
    import gdcm  # type: ignore[import-untyped,unused-ignore]

    return str(gdcm.Version.GetVersion())


@contextlib.contextmanager
def _file_path(blob: bytes) -> Iterator[str]:
    """Yield a path GDCM can open that holds `blob`; removed afterwards."""
    if _HAVE_MEMFD:
        fd = os.memfd_create("dcmcore-gdcm", os.MFD_CLOEXEC)
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view) :]
            yield f"/proc/self/fd/{fd}"
        finally:
            os.close(fd)
        return
    handle = tempfile.NamedTemporaryFile(prefix="dcmcore-gdcm-", suffix=".dcm", delete=False)
    try:
        with handle:
            handle.write(blob)
        yield handle.name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)


def _to_bytes(value: Any, what: str) -> bytes:
    """python-gdcm returns ``char *`` buffers as ``str`` (surrogate escaped)."""
    if value is None or value is False or value is True:
        raise GDCMRuntimeError(f"GDCM could not {what}")
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    return bytes(value)


def _pixel_format(image: Any) -> tuple[int, int]:
    pf = image.GetPixelFormat()
    return int(pf.GetSamplesPerPixel()), int(pf.GetBitsAllocated())


def _reader(path: str) -> Any:
    import gdcm  # type: ignore[import-untyped,unused-ignore]

    reader = gdcm.ImageReader()
    reader.SetFileName(path)
    if not reader.Read():
        raise GDCMRuntimeError("GDCM could not read the frame (gdcm.ImageReader.Read failed)")
    return reader


def read_image(
    frame: bytes | bytearray | memoryview,
    transfer_syntax_uid: str,
    *,
    rows: int,
    columns: int,
    samples_per_pixel: int,
    bits_allocated: int,
    pixel_representation: int,
    photometric_interpretation: str,
    planar_configuration: int = 0,
) -> GDCMImage:
    """Decode one encapsulated frame with GDCM.

    The frame is written as a one-frame Part 10 file with Bits Stored equal to
    Bits Allocated (the core applies Bits Stored; GDCM's own masking paths
    assert on some combinations), read with ``gdcm.ImageReader`` and decoded
    with ``Image.GetBuffer()``.

    Raises
    ------
    GDCMRuntimeError
        If GDCM cannot read or decode the frame, or reports a different size.
    """
    blob = build_file(
        frame,
        transfer_syntax_uid,
        rows=rows,
        columns=columns,
        samples_per_pixel=samples_per_pixel,
        bits_allocated=bits_allocated,
        bits_stored=bits_allocated,
        pixel_representation=pixel_representation,
        photometric_interpretation=photometric_interpretation,
        planar_configuration=planar_configuration,
    )
    with _file_path(blob) as path:
        reader = _reader(path)
        image = reader.GetImage()
        size = (image.GetDimension(0), image.GetDimension(1))
        if size != (columns, rows):
            raise GDCMRuntimeError(
                f"GDCM read a {size[0]} x {size[1]} image, {columns} x {rows} expected"
            )
        spp, ba = _pixel_format(image)
        # 12: GDCM's name for 12-bit lossy JPEG, decoded into 16-bit samples
        if spp != samples_per_pixel or ba not in (8, 12, 16, 32) or ba > bits_allocated:
            raise GDCMRuntimeError(
                f"GDCM would decode {spp} samples of {ba} bits, {samples_per_pixel} of at most "
                f"{bits_allocated} expected"
            )
        data = _to_bytes(image.GetBuffer(), "decode the frame (gdcm.Image.GetBuffer failed)")
        spp, ba = _pixel_format(image)  # after decoding: the layout of `data`
        if ba == 12:
            ba = 16
        if spp != samples_per_pixel or ba not in (8, 16, 32) or ba > bits_allocated:
            raise GDCMRuntimeError(
                f"GDCM decoded {spp} samples of {ba} bits, {samples_per_pixel} of at most "
                f"{bits_allocated} expected"
            )
        result = GDCMImage(
            data,
            rows,
            columns,
            spp,
            ba,
            int(image.GetPlanarConfiguration()),
            str(image.GetPhotometricInterpretation().GetString()).strip(),
        )
        del image, reader
    return result


def encode_image(
    arr: np.ndarray,
    transfer_syntax_uid: str,
    *,
    bits_stored: int,
    pixel_representation: int,
    photometric_interpretation: str,
    codec: Any = None,
) -> tuple[bytes, str]:
    """Encode one frame with ``gdcm.ImageChangeTransferSyntax``.

    Parameters
    ----------
    arr : numpy.ndarray
        ``(rows, columns[, samples])`` interleaved, 8- or 16-bit integers.
    transfer_syntax_uid : str
        The target transfer syntax.
    bits_stored, pixel_representation, photometric_interpretation
        Written into the native file GDCM reads.
    codec : callable, optional
        Called with the ``gdcm`` module, returns a configured GDCM codec
        (``gdcm.JPEG2000Codec()`` with rates...) given to the filter with
        ``SetUserCodec``; None uses GDCM's defaults.

    Returns
    -------
    tuple of (bytes, str)
        The encoded frame (one fragment) and GDCM's photometric interpretation
        of the output.

    Raises
    ------
    GDCMRuntimeError
        If GDCM fails or does not produce exactly one fragment.
    """
    import gdcm  # type: ignore[import-untyped,unused-ignore]

    rows, columns = arr.shape[:2]
    spp = arr.shape[2] if arr.ndim == 3 else 1
    ba = arr.dtype.itemsize * 8
    native = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    blob = build_file(
        native,
        EXPLICIT_VR_LE,
        rows=rows,
        columns=columns,
        samples_per_pixel=spp,
        bits_allocated=ba,
        bits_stored=bits_stored,
        pixel_representation=pixel_representation,
        photometric_interpretation=photometric_interpretation,
        planar_configuration=0,
        encapsulated=False,
    )
    with _file_path(blob) as path:
        reader = _reader(path)
        changer = gdcm.ImageChangeTransferSyntax()
        changer.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.GetTSType(
            transfer_syntax_uid)))
        user_codec = codec(gdcm) if codec is not None else None
        if user_codec is not None:
            changer.SetUserCodec(user_codec)
        changer.SetInput(reader.GetImage())
        if not changer.Change():
            raise GDCMRuntimeError(
                f"GDCM could not encode the frame as {transfer_syntax_uid} "
                "(gdcm.ImageChangeTransferSyntax.Change failed)"
            )
        output = changer.GetOutput()
        fragments = output.GetDataElement().GetSequenceOfFragments()
        if fragments is None or fragments.GetNumberOfFragments() != 1:
            raise GDCMRuntimeError("GDCM did not produce exactly one fragment for the frame")
        data = _to_bytes(
            fragments.GetFragment(0).GetByteValue().GetBuffer(), "read the encoded fragment"
        )
        pi = str(output.GetPhotometricInterpretation().GetString()).strip()
        del output, fragments, changer, reader, user_codec
    return data, pi
