"""pydicom 3's per-syntax decoder and encoder objects over dcmcore's codec registry.

A :class:`Decoder` / :class:`Encoder` stands for one transfer syntax.  Its plugins
are the dcmcore codecs selected for that syntax, each shown under a pydicom-style
label (:func:`label_of`): ``"pydicom"`` for dcmcore's own codecs (no third-party
library), else the codec's name when it is its plugin's only one (``"gdcm"``,
``"pillow"``, ``"pyjpegls"``...), else the plugin's name (``"pylibjpeg"``).
Decoding and encoding go through the pixel pipeline and the codec runners;
``add_plugin`` turns a pydicom-style function into a dcmcore codec
(:mod:`dcmcore.pixels._plugin_functions`).
"""

from __future__ import annotations

import importlib
import struct
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, BinaryIO, Final

import numpy as np

from dcmcore import codecs, transfer_syntax
from dcmcore.codecs import config as codec_config
from dcmcore.codecs.base import Codec, FrameInfo
from dcmcore.codecs.selection import plan
from dcmcore.pixels import _plugin_functions as functions
from dcmcore.pixels import api
from dcmcore.pixels._plugin_functions import OWN_LABEL, label_of
from dcmcore.pixels.native import pack_bits

if TYPE_CHECKING:
    from dcmcore.dataset import Dataset

__all__ = ["CoderBase", "Decoder", "Encoder", "label_of", "syntax_name"]

Buffer = bytes | bytearray | memoryview

#: pydicom's option name -> the Image Pixel keyword
PIXEL_OPTIONS: Final = {
    "rows": "Rows",
    "columns": "Columns",
    "samples_per_pixel": "SamplesPerPixel",
    "bits_allocated": "BitsAllocated",
    "bits_stored": "BitsStored",
    "pixel_representation": "PixelRepresentation",
    "photometric_interpretation": "PhotometricInterpretation",
    "planar_configuration": "PlanarConfiguration",
    "number_of_frames": "NumberOfFrames",
}
_REQUIRED: Final = ("rows", "columns", "samples_per_pixel", "bits_allocated", "bits_stored",
                    "pixel_representation", "photometric_interpretation")
_US: Final = frozenset({"Rows", "Columns", "SamplesPerPixel", "BitsAllocated", "BitsStored",
                        "PixelRepresentation", "PlanarConfiguration"})


def syntax_name(uid: str) -> str:
    """The registry's name of `uid` (the UID itself when unknown)."""
    record = transfer_syntax.get(uid)
    return record.name if record is not None else uid


class CoderBase:
    """What pydicom's decoders and encoders share: the syntax and its plugins.

    Parameters
    ----------
    uid : str
        The Transfer Syntax UID.
    decoder : bool
        True for a decoder, False for an encoder.
    """

    def __init__(self, uid: str, decoder: bool) -> None:
        self._uid = str(uid)
        self._decoder = decoder
        self._kind = "decoder" if decoder else "encoder"
        self._unavailable: dict[str, tuple[str, ...]] = {}
        self._removed: set[str] = set()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {syntax_name(self._uid)} ({self._uid})>"

    # -- the syntax -----------------------------------------------------------------

    @property
    def UID(self) -> str:
        """The Transfer Syntax UID."""
        return self._uid

    @property
    def is_encapsulated(self) -> bool:
        """Whether the syntax encapsulates its pixel data."""
        record = transfer_syntax.get(self._uid)
        return True if record is None else bool(record.encapsulated)

    @property
    def is_native(self) -> bool:
        """Whether the syntax keeps its pixel data native."""
        return not self.is_encapsulated

    # -- plugins --------------------------------------------------------------------

    def _codecs(self) -> tuple[list[Codec], list[tuple[str, str]]]:
        """(usable codecs first to try first, skipped (name, why)) for this syntax."""
        p = plan(self._kind, self._uid)
        usable = [c for c in p.codecs if label_of(c) not in self._removed]
        return usable, list(p.skipped)

    @property
    def available_plugins(self) -> tuple[str, ...]:
        """The labels of the plugins that can be used now, sorted."""
        return tuple(sorted({label_of(c) for c in self._codecs()[0]}))

    @property
    def is_available(self) -> bool:
        """Whether a plugin can be used now (a native syntax always decodes)."""
        if self._decoder and self.is_native:
            return True
        return bool(self.available_plugins)

    @property
    def missing_dependencies(self) -> list[str]:
        """Why each plugin that cannot be used cannot be, one line each."""
        out = []
        for name, why in self._codecs()[1]:
            out.append(f"{name} - {why}")
        for label, deps in self._unavailable.items():
            if not deps:
                out.append(f"{label} - plugin indicating it is unavailable")
            elif len(deps) > 1:
                out.append(f"{label} - requires {', '.join(deps[:-1])} and {deps[-1]}")
            else:
                out.append(f"{label} - requires {deps[0]}")
        return out

    def add_plugin(self, label: str, import_path: tuple[str, str]) -> None:
        """Add a pydicom-style plugin: `label` and ``(module, function name)``.

        The module needs ``is_available(uid)`` and ``DECODER_DEPENDENCIES`` (or
        ``ENCODER_DEPENDENCIES``) as in pydicom; the function becomes a dcmcore codec
        named `label` for this syntax, tried after the installed ones.

        Raises
        ------
        ValueError
            `label` is already a plugin of this object, or the module does not
            support the syntax.
        ModuleNotFoundError, AttributeError
            The module or function cannot be found.
        """
        if label in self.available_plugins or label in self._unavailable:
            raise ValueError(f"'{type(self).__name__}' already has a plugin named '{label}'")
        module = importlib.import_module(import_path[0])
        if module.is_available(self._uid):
            getattr(module, import_path[1])  # fail now, as pydicom does
            self._removed.discard(label)
            functions.add_function(self._kind, label, self._uid, import_path)
            return
        deps = module.DECODER_DEPENDENCIES if self._decoder else module.ENCODER_DEPENDENCIES
        if self._uid not in deps:
            raise ValueError(f"The '{label}' plugin doesn't support '{syntax_name(self._uid)}'")
        self._unavailable[label] = tuple(deps[self._uid])

    def add_plugins(self, plugins: list[tuple[str, tuple[str, str]]]) -> None:
        """:meth:`add_plugin` for each ``(label, (module, function name))``."""
        for label, import_path in plugins:
            self.add_plugin(label, import_path)

    def remove_plugin(self, label: str) -> None:
        """Remove the plugin `label` from this syntax.

        A function added with :meth:`add_plugin` stops being a codec for the syntax.
        An installed dcmcore codec is left out of this object's calls and listings
        (use :func:`dcmcore.codecs.config.disable` to keep dcmcore from using it
        anywhere).

        Raises
        ------
        ValueError
            No plugin has that label.
        """
        if functions.remove_function(self._kind, label, self._uid):
            return
        if label in self._unavailable:
            del self._unavailable[label]
        elif label in self.available_plugins:
            self._removed.add(label)
        else:
            raise ValueError(f"Unable to remove '{label}', no such plugin'")

    # -- selection for one call ---------------------------------------------------------

    def _scope(self) -> AbstractContextManager[None]:
        """The configuration of this object's calls: its removed plugins disabled."""
        if not self._removed:
            return nullcontext()
        p = plan(self._kind, self._uid)
        names = [c.name for c in p.codecs if label_of(c) in self._removed]
        return codec_config.using(disabled=names) if names else nullcontext()

    def _plugin_name(self, label: str) -> str:
        """The dcmcore selection name of a pydicom-style plugin label ('' for none)."""
        if not label or (self._decoder and self.is_native):
            return ""
        if label in self._removed:
            raise ValueError(f"No plugin named '{label}' has been added to "
                             f"'{type(self).__name__}'")
        if label == OWN_LABEL and not self._decoder:  # decoders: pixels.selection does it
            own = functions.own_codec_name(self._kind, self._uid)
            if not own:
                raise ValueError(f"No plugin named '{label}' is available for "
                                 f"{syntax_name(self._uid)}")
            return own
        return label


# -- sources ------------------------------------------------------------------------

def _is_buffer(src: object) -> bool:
    return isinstance(src, bytes | bytearray | memoryview) or hasattr(src, "read")


def _read_all(src: Buffer | BinaryIO) -> bytes:
    if isinstance(src, bytes | bytearray | memoryview):
        return bytes(src)
    return bytes(src.read())


def _options_dataset(uid: str, opts: Mapping[str, Any], pixel_data: bytes | None) -> Dataset:
    """A dataset holding the Image Pixel values of `opts` (and `pixel_data`)."""
    from dcmcore.dataset import Dataset, FileMetaDataset  # deferred: pixels loads before it

    missing = [name for name in _REQUIRED if opts.get(name) is None]
    if missing:
        raise ValueError(f"Missing required element: '{missing[0]}'" if len(missing) == 1
                         else f"Missing required elements: {', '.join(missing)}")
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = uid
    for name, keyword in PIXEL_OPTIONS.items():
        value = opts.get(name)
        if value is None or (keyword == "PlanarConfiguration"
                             and int(opts["samples_per_pixel"]) == 1):
            continue
        if keyword == "NumberOfFrames":
            ds.NumberOfFrames = int(value)
        elif keyword in _US:
            setattr(ds, keyword, int(value))
        else:
            setattr(ds, keyword, str(value))
    if int(opts["samples_per_pixel"]) > 1 and "PlanarConfiguration" not in ds:
        ds.PlanarConfiguration = 0
    if pixel_data is not None:
        record = transfer_syntax.get(uid)
        encapsulated = True if record is None else record.encapsulated
        vr = "OB" if encapsulated or int(opts["bits_allocated"]) <= 8 else "OW"
        ds.add_new(0x7FE00010, vr, pixel_data)
    extended = opts.get("extended_offsets")
    if extended:
        for tag, value in zip((0x7FE00001, 0x7FE00002), extended):
            raw = value if isinstance(value, bytes | bytearray) else \
                struct.pack(f"<{len(value)}Q", *value)
            ds.add_new(tag, "OV", bytes(raw))
    return ds


def _split(kwargs: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(Image Pixel options, everything else) of `kwargs`."""
    pixel = {k: v for k, v in kwargs.items() if k in PIXEL_OPTIONS or k == "extended_offsets"}
    rest = {k: v for k, v in kwargs.items() if k not in pixel}
    return pixel, rest


# -- decoding -----------------------------------------------------------------------

class Decoder(CoderBase):
    """pydicom's decoder of one transfer syntax, over dcmcore's pixel pipeline.

    Examples
    --------
    >>> from dcmcore.pixels import get_decoder
    >>> decoder = get_decoder("1.2.840.10008.1.2.5")
    >>> arr, meta = decoder.as_array(ds, index=0)          # doctest: +SKIP
    """

    def __init__(self, uid: str) -> None:
        super().__init__(uid, decoder=True)

    def _source(self, src: Any, kwargs: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
        """(dataset to decode, options for the pipeline)."""
        pixel, rest = _split(kwargs)
        if _is_buffer(src):
            return _options_dataset(self._uid, pixel, _read_all(src)), rest
        pixel.pop("extended_offsets", None)
        return src, {**pixel, **rest}

    def _meta(self, ds: Any, arr: np.ndarray, raw: bool, frames: int) -> dict[str, Any]:
        """The Image Pixel description of a decoded array, as pydicom gives it."""
        samples = int(ds.SamplesPerPixel)
        photometric = str(ds.PhotometricInterpretation)
        if photometric in ("YBR_ICT", "YBR_RCT"):
            photometric = "RGB"
        elif photometric in ("YBR_FULL", "YBR_FULL_422") and not raw:
            photometric = "RGB"
        elif photometric == "YBR_FULL_422" and self.is_native:
            photometric = "YBR_FULL"  # native 4:2:2 data is expanded
        bits = int(ds.BitsAllocated)
        meta: dict[str, Any] = {
            "bits_allocated": bits if bits == 1 else arr.dtype.itemsize * 8,
            "columns": int(ds.Columns),
            "number_of_frames": frames,
            "photometric_interpretation": photometric,
            "rows": int(ds.Rows),
            "samples_per_pixel": samples,
        }
        if samples > 1:
            meta["planar_configuration"] = 0
        meta["bits_stored"] = int(ds.BitsStored)
        meta["pixel_representation"] = int(ds.PixelRepresentation)
        return meta

    def as_array(
        self,
        src: Dataset | Buffer | BinaryIO,
        *,
        index: int | None = None,
        validate: bool = True,
        raw: bool = False,
        decoding_plugin: str = "",
        **kwargs: Any,
    ) -> tuple[np.ndarray, dict[str, str | int]]:
        """Decode `src` (a dataset, or pixel data with its Image Pixel values as options).

        Parameters
        ----------
        src : Dataset, bytes-like or binary file
            A dataset, or the Pixel Data value; then ``rows``, ``columns``,
            ``samples_per_pixel``, ``bits_allocated``, ``bits_stored``,
            ``pixel_representation``, ``photometric_interpretation`` (and
            ``number_of_frames``, ``planar_configuration``, ``extended_offsets``)
            are required options.
        index : int, optional
            One frame only.
        validate : bool, optional
            Accepted for pydicom's sake: dcmcore always checks the values.
        raw : bool, optional
            Keep YCbCr data as it is.
        decoding_plugin : str, optional
            Use only this plugin (``"pydicom"``: dcmcore's own codecs).
        **kwargs
            Decoding options (see :func:`dcmcore.pixels.pixel_array`).

        Returns
        -------
        numpy.ndarray, dict
            The array and its Image Pixel description.
        """
        ds, opts = self._source(src, kwargs)
        with self._scope():
            arr = api.pixel_array(ds, index, raw=raw,
                                  decoding_plugin=self._plugin_name(decoding_plugin), **opts)
        frames = 1 if index is not None else int(getattr(ds, "NumberOfFrames", 1) or 1)
        return arr, self._meta(ds, arr, raw, frames)

    def iter_array(
        self,
        src: Dataset | Buffer | BinaryIO,
        *,
        indices: Iterable[int] | None = None,
        raw: bool = False,
        validate: bool = True,
        decoding_plugin: str = "",
        **kwargs: Any,
    ) -> Iterator[tuple[np.ndarray, dict[str, str | int]]]:
        """Yield each frame (or those of `indices`) with its description; see :meth:`as_array`."""
        ds, opts = self._source(src, kwargs)
        name = self._plugin_name(decoding_plugin)
        with self._scope():
            for arr in api.iter_pixels(ds, indices=indices, raw=raw, decoding_plugin=name,
                                       **opts):
                yield arr, self._meta(ds, arr, raw, 1)

    def _as_bytes(self, arr: np.ndarray, meta: dict[str, Any]) -> bytes:
        if meta["bits_allocated"] == 1:
            return pack_bits(arr, pad=False)
        return arr.tobytes()

    def _native_frames(self, src: Any, kwargs: Mapping[str, Any]
                       ) -> tuple[bytes, int, int, dict[str, Any]] | None:
        """(pixel data, frame length, frames, description) of native data as stored.

        None when frames do not start on whole bytes (bit-packed data), or when the
        syntax is encapsulated: those buffers come from the decoded array.
        """
        if not self.is_native:
            return None
        ds, _ = self._source(src, kwargs)
        samples = int(ds.SamplesPerPixel)
        bits = int(ds.BitsAllocated)
        frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        pixels = int(ds.Rows) * int(ds.Columns) * samples
        if bits == 1 and pixels % 8:
            return None
        length = pixels // 8 if bits == 1 else pixels * ((bits + 7) // 8)
        if str(ds.PhotometricInterpretation) == "YBR_FULL_422":
            length = length // 3 * 2
        meta: dict[str, Any] = {
            "bits_allocated": bits,
            "columns": int(ds.Columns),
            "number_of_frames": frames,
            "photometric_interpretation": str(ds.PhotometricInterpretation),
            "rows": int(ds.Rows),
            "samples_per_pixel": samples,
        }
        if samples > 1:
            meta["planar_configuration"] = int(getattr(ds, "PlanarConfiguration", 0) or 0)
        meta["bits_stored"] = int(ds.BitsStored)
        meta["pixel_representation"] = int(ds.PixelRepresentation)
        return bytes(ds.PixelData), length, frames, meta

    @staticmethod
    def _frame_of(data: bytes, length: int, frames: int, index: int) -> bytes:
        if frames == 1 and index == 0:  # all of it (8-bit big endian OW: swapped pairs)
            return data
        if not 0 <= index < frames or len(data) < (index + 1) * length:
            raise ValueError(f"There is no frame {index} in the pixel data ({frames} frames "
                             f"of {length} bytes, {len(data)} bytes present)")
        return data[index * length:(index + 1) * length]

    def as_buffer(
        self,
        src: Dataset | Buffer | BinaryIO,
        *,
        index: int | None = None,
        validate: bool = True,
        decoding_plugin: str = "",
        **kwargs: Any,
    ) -> tuple[bytes | bytearray | memoryview, dict[str, str | int]]:
        """The pixel data as bytes with its description.

        Native data comes as stored (its byte order, planar configuration, bit
        packing and 4:2:2 sub-sampling), as pydicom gives it; decoded data with its
        samples interleaved, YCbCr kept, in the machine's byte order. See
        :meth:`as_array`.
        """
        native = self._native_frames(src, kwargs)
        if native is not None:
            data, length, frames, meta = native
            if index is None:
                return data, meta
            return self._frame_of(data, length, frames, index), {**meta, "number_of_frames": 1}
        arr, meta = self.as_array(src, index=index, validate=validate, raw=True,
                                  decoding_plugin=decoding_plugin, **kwargs)
        return self._as_bytes(arr, meta), meta

    def iter_buffer(
        self,
        src: Dataset | Buffer | BinaryIO,
        *,
        indices: Iterable[int] | None = None,
        validate: bool = True,
        decoding_plugin: str = "",
        **kwargs: Any,
    ) -> Iterator[tuple[bytes | bytearray | memoryview, dict[str, str | int]]]:
        """Yield each frame as bytes with its description; see :meth:`as_buffer`."""
        native = self._native_frames(src, kwargs)
        if native is not None:
            data, length, frames, meta = native
            for index in (range(frames) if indices is None else indices):
                yield (self._frame_of(data, length, frames, index),
                       {**meta, "number_of_frames": 1})
            return
        for arr, meta in self.iter_array(src, indices=indices, raw=True, validate=validate,
                                         decoding_plugin=decoding_plugin, **kwargs):
            yield self._as_bytes(arr, meta), meta


# -- encoding -----------------------------------------------------------------------

class Encoder(CoderBase):
    """pydicom's encoder of one transfer syntax, over dcmcore's codec runners.

    Examples
    --------
    >>> from dcmcore.pixels import get_encoder
    >>> frame = get_encoder("1.2.840.10008.1.2.5").encode(ds, index=0)  # doctest: +SKIP
    """

    def __init__(self, uid: str) -> None:
        super().__init__(uid, decoder=False)

    def _frames(self, src: Any, kwargs: Mapping[str, Any]
                ) -> tuple[np.ndarray, FrameInfo, dict[str, Any]]:
        """(frames array (n, rows, columns[, samples]), their description, other options)."""
        pixel, rest = _split(kwargs)
        if isinstance(src, np.ndarray) or _is_buffer(src):
            ds = _options_dataset(self._uid, pixel, None)
            arr = src if isinstance(src, np.ndarray) else self._from_bytes(
                _read_all(src), ds, rest.get("byteorder", "<"))
        else:
            ds = src
            arr = api.pixel_array(ds, raw=True, **pixel)
        rows, columns = int(ds.Rows), int(ds.Columns)
        samples = int(ds.SamplesPerPixel)
        frames = arr.reshape(-1, rows, columns, *((samples,) if samples > 1 else ()))
        info = FrameInfo(
            rows=rows, columns=columns, samples_per_pixel=samples,
            bits_allocated=int(ds.BitsAllocated), bits_stored=int(ds.BitsStored),
            pixel_representation=int(ds.PixelRepresentation),
            photometric_interpretation=str(ds.PhotometricInterpretation),
            number_of_frames=frames.shape[0], transfer_syntax_uid=self._uid)
        rest.pop("byteorder", None)
        return frames, info, rest

    @staticmethod
    def _from_bytes(data: bytes, ds: Any, byteorder: str) -> np.ndarray:
        """Native pixel data bytes as (frames, rows, columns[, samples]) interleaved."""
        size = (int(ds.BitsAllocated) + 7) // 8
        kind = "i" if int(ds.PixelRepresentation) else "u"
        samples = int(ds.SamplesPerPixel)
        rows, columns = int(ds.Rows), int(ds.Columns)
        per_frame = rows * columns * samples
        count = len(data) // size // per_frame * per_frame
        if count == 0:
            raise ValueError(
                f"The length of the uncompressed pixel data doesn't match the expected "
                f"length - {len(data)} bytes actual vs. {per_frame * size} expected")
        arr = np.frombuffer(data, dtype=f"{byteorder}{kind}{size}", count=count)
        if samples > 1 and int(getattr(ds, "PlanarConfiguration", 0) or 0) == 1:
            return arr.reshape(-1, samples, rows, columns).transpose(0, 2, 3, 1)
        return arr.reshape(-1, rows, columns, *((samples,) if samples > 1 else ()))

    def encode(
        self,
        src: bytes | np.ndarray | Dataset,
        *,
        index: int | None = None,
        validate: bool = True,
        encoding_plugin: str = "",
        **kwargs: Any,
    ) -> bytes:
        """Encode one frame of `src`: a dataset, an array or native bytes.

        Parameters
        ----------
        src : Dataset, numpy.ndarray or bytes
            A dataset (its pixel data is decoded first if need be), or the pixels
            with ``rows``, ``columns``, ``samples_per_pixel``, ``bits_allocated``,
            ``bits_stored``, ``pixel_representation`` and
            ``photometric_interpretation`` as options.
        index : int, optional
            The frame to encode (required for more than one frame).
        validate : bool, optional
            Accepted for pydicom's sake.
        encoding_plugin : str, optional
            Use only this plugin (``"pydicom"``: dcmcore's own codecs).
        **kwargs
            Encoding options (``jls_error``, ``j2k_cr``, ``j2k_psnr``...).

        Returns
        -------
        bytes
            The encoded frame.
        """
        frames, info, opts = self._frames(src, kwargs)
        if index is None:
            if frames.shape[0] > 1:
                raise ValueError("The 'index' of the frame to be encoded is required for "
                                 "multi-frame pixel data")
            index = 0
        if not 0 <= index < frames.shape[0]:
            raise ValueError(f"There is no frame {index}: {frames.shape[0]} found")
        name = self._plugin_name(encoding_plugin)
        with self._scope():
            return bytes(codecs.encode_with_fallback(frames[index], info, name, **opts).data)

    def iter_encode(
        self,
        src: bytes | np.ndarray | Dataset,
        *,
        validate: bool = True,
        encoding_plugin: str = "",
        **kwargs: Any,
    ) -> Iterator[bytes]:
        """Yield each frame of `src` encoded; see :meth:`encode`."""
        frames, info, opts = self._frames(src, kwargs)
        name = self._plugin_name(encoding_plugin)
        for frame in frames:
            with self._scope():
                yield bytes(codecs.encode_with_fallback(frame, info, name, **opts).data)

