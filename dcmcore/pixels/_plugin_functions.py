"""pydicom-style plugin functions as dcmcore codecs.

pydicom 3 adds a decoding or encoding plugin to a per-syntax object as a label and an
import path ``(module, function)``: the module has ``is_available(uid)`` and
``DECODER_DEPENDENCIES`` / ``ENCODER_DEPENDENCIES``, the function is called as
``function(src: bytes, runner)`` and returns the decoded frame's (or the encoded
frame's) bytes, describing what it returned through ``runner.set_option``.

Here each label becomes one :class:`FunctionDecoder` / :class:`FunctionEncoder` (a
:class:`dcmcore.codecs.Decoder` / ``Encoder``) named after the label, registered with
the codecs manager in one runtime plugin (:data:`PLUGIN_NAME`), so such a function
takes part in dcmcore's selection, fallback, configuration and worker processes like
any installed codec.  The function gets a :class:`PluginRunner` with the attributes
and methods pydicom's plugins use.
"""

from __future__ import annotations

import importlib
import threading
import types
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np

from dcmcore import codecs
from dcmcore.codecs.base import Codec, DecodedFrame, Decoder, EncodedFrame, Encoder, FrameInfo
from dcmcore.pixels import codestream

__all__ = [
    "OWN_LABEL",
    "PLUGIN_NAME",
    "label_of",
    "own_codec_name",
    "PluginRunner",
    "FunctionDecoder",
    "FunctionEncoder",
    "add_function",
    "remove_function",
    "function_codec",
]

#: the runtime plugin holding every codec added as a pydicom-style function
PLUGIN_NAME: Final = "pydicom-style-functions"
#: below every installed codec: an added function is tried after them, as in pydicom
FUNCTION_PRIORITY: Final = 10
#: pydicom's name for its own codecs, which selects dcmcore's own
OWN_LABEL: Final = "pydicom"

ImportPath = tuple[str, str]


class PluginRunner:
    """What a pydicom-style plugin function sees of the frame: pydicom's runner API.

    Attributes ``rows``, ``columns``, ``samples_per_pixel``, ``bits_allocated``,
    ``bits_stored``, ``pixel_representation``, ``photometric_interpretation``,
    ``planar_configuration``, ``number_of_frames`` and ``transfer_syntax`` read the
    options; the function changes them with :meth:`set_option` to describe its output.
    """

    _FIELDS: Final = ("rows", "columns", "samples_per_pixel", "bits_allocated",
                      "bits_stored", "pixel_representation", "photometric_interpretation",
                      "planar_configuration", "number_of_frames")

    def __init__(self, info: FrameInfo, options: Mapping[str, Any]) -> None:
        self._opts: dict[str, Any] = {name: getattr(info, name) for name in self._FIELDS}
        self._opts["transfer_syntax_uid"] = info.transfer_syntax_uid
        self._opts["pixel_keyword"] = "PixelData"
        self._opts.update((k, v) for k, v in options.items() if v is not None)

    def __getattr__(self, name: str) -> Any:
        if name in PluginRunner._FIELDS:
            return self._opts[name]
        raise AttributeError(f"'PluginRunner' object has no attribute {name!r}")

    @property
    def transfer_syntax(self) -> str:
        """The Transfer Syntax UID of the encoded data."""
        return str(self._opts["transfer_syntax_uid"])

    @property
    def options(self) -> dict[str, Any]:
        """Every option, the Image Pixel values included."""
        return self._opts

    @property
    def pixel_keyword(self) -> str:
        """``"PixelData"``."""
        return str(self._opts["pixel_keyword"])

    @property
    def is_dataset(self) -> bool:
        """False: a function sees one frame's bytes."""
        return False

    @property
    def is_buffer(self) -> bool:
        """True: a function sees one frame's bytes."""
        return True

    @property
    def pixel_dtype(self) -> np.dtype:
        """Little endian integer dtype of the bits allocated and pixel representation."""
        size = max(1, (int(self.bits_allocated) + 7) // 8)
        size = 1 << (size - 1).bit_length()
        kind = "i" if self.pixel_representation else "u"
        return np.dtype(f"<{kind}{size}")

    def get_option(self, name: str, default: Any = None) -> Any:
        """The option `name`, or `default`."""
        return self._opts.get(name, default)

    def set_option(self, name: str, value: Any) -> None:
        """Set the option `name` (the function describes its output this way)."""
        self._opts[name] = value

    def set_options(self, **kwargs: Any) -> None:
        """Set several options."""
        self._opts.update(kwargs)

    def frame_length(self, unit: str = "bytes") -> int:
        """Length of one native frame in ``"bytes"`` or ``"pixels"``."""
        pixels = int(self.rows) * int(self.columns) * int(self.samples_per_pixel)
        if unit == "pixels":
            return pixels
        if int(self.bits_allocated) == 1:
            return -(-pixels // 8)
        return pixels * ((int(self.bits_allocated) + 7) // 8)


def _function(path: ImportPath) -> Callable[..., Any]:
    module = importlib.import_module(path[0])
    func: Callable[..., Any] = getattr(module, path[1])
    return func


class FunctionDecoder(Decoder):
    """A pydicom-style decoding function as a dcmcore decoder (one per label).

    Pickles as its label and import paths; the function is imported where it runs.
    """

    priority = FUNCTION_PRIORITY

    def __init__(self, label: str, paths: Mapping[str, ImportPath]) -> None:
        self.name = label
        self.paths = dict(paths)
        self.transfer_syntaxes = tuple(self.paths)

    def decode(self, data: bytes, info: FrameInfo, **options: Any) -> np.ndarray | DecodedFrame:
        """Call the function for the frame's syntax and shape the bytes it returns."""
        runner = PluginRunner(info, options)
        found = codestream.inspect(data)
        if found.kind == "j2k" and found.precision is not None:
            runner.set_options(j2k_precision=found.precision,
                               j2k_is_signed=bool(found.is_signed))
        elif found.kind == "jpegls" and found.precision is not None:
            runner.set_option("jls_precision", found.precision)
        func = _function(self.paths[info.transfer_syntax_uid])
        out = func(bytes(data), runner)
        arr = _as_frame(out, runner)
        photometric = str(runner.photometric_interpretation)
        if photometric != info.photometric_interpretation:
            return DecodedFrame(arr, photometric)
        return arr


def _as_frame(out: Any, runner: PluginRunner) -> np.ndarray:
    """The (rows, columns[, samples]) interleaved array of a function's output bytes."""
    rows, columns = int(runner.rows), int(runner.columns)
    samples = int(runner.samples_per_pixel)
    size = max(1, (int(runner.bits_allocated) + 7) // 8)
    size = 1 << (size - 1).bit_length()
    count = rows * columns * samples
    arr = np.frombuffer(memoryview(out).cast("B"), dtype=f"<u{size}", count=count)
    if samples == 1:
        return arr.reshape(rows, columns)
    if int(runner.planar_configuration) == 1:
        return arr.reshape(samples, rows, columns).transpose(1, 2, 0)
    return arr.reshape(rows, columns, samples)


class FunctionEncoder(Encoder):
    """A pydicom-style encoding function as a dcmcore encoder (one per label).

    The function gets the frame's native bytes: little endian, interleaved
    (``planar_configuration`` 0), samples of the bits allocated.
    """

    priority = FUNCTION_PRIORITY
    options: Mapping[str, Any] = types.MappingProxyType(
        {"jls_error": None, "j2k_cr": None, "j2k_psnr": None})

    def __init__(self, label: str, paths: Mapping[str, ImportPath]) -> None:
        self.name = label
        self.paths = dict(paths)
        self.transfer_syntaxes = tuple(self.paths)

    def encode(self, arr: np.ndarray, info: FrameInfo, **options: Any) -> bytes | EncodedFrame:
        """Call the function for the target syntax with the frame's native bytes."""
        runner = PluginRunner(info, options)
        runner.set_options(planar_configuration=0, byteorder="<")
        src = np.ascontiguousarray(arr).astype(runner.pixel_dtype, copy=False).tobytes()
        func = _function(self.paths[info.transfer_syntax_uid])
        data = bytes(func(src, runner))
        photometric = str(runner.photometric_interpretation)
        if photometric != info.photometric_interpretation:
            return EncodedFrame(data, photometric)
        return data


def label_of(codec: Codec) -> str:
    """The pydicom-style label of a dcmcore codec.

    ``"pydicom"`` for dcmcore's own codecs (from dcmcore's distributions, with no
    third-party library), the label of an added function, else the codec's name when
    it is its plugin's only one (``"gdcm"``, ``"pyjpegls"``) or the plugin's name
    (``"pylibjpeg"``).
    """
    if codec.plugin == PLUGIN_NAME:
        return codec.name
    own = codec.provided_by == "dcmcore" or codec.provided_by.startswith("dcmcore-")
    if own and not codec.library:
        return OWN_LABEL
    siblings = {c.name for c in (*codecs.all_decoders(), *codecs.all_encoders())
                if c.plugin == codec.plugin and c.plugin}
    return codec.name if len(siblings) <= 1 else (codec.plugin or codec.name)


def own_codec_name(kind: str, ts_uid: str) -> str:
    """The name of dcmcore's own `kind` codec for `ts_uid` (``""`` when there is none).

    What pydicom's plugin name ``"pydicom"`` selects.
    """
    found = codecs.all_decoders() if kind == "decoder" else codecs.all_encoders()
    own = sorted((c for c in found
                  if ts_uid in c.transfer_syntaxes and label_of(c) == OWN_LABEL),
                 key=lambda c: (-int(c.priority), c.name))
    return own[0].name if own else ""


_lock = threading.RLock()
_decoders: dict[str, FunctionDecoder] = {}
_encoders: dict[str, FunctionEncoder] = {}


def _republish() -> None:
    """(Re-)register the runtime plugin so the manager collects the current codecs."""
    if any(name == PLUGIN_NAME for name in (p.name for p in codecs.list_plugins())):
        codecs.unregister(PLUGIN_NAME)
    if not _decoders and not _encoders:
        return
    decoders = list(_decoders.values())
    encoders = list(_encoders.values())
    plugin = types.SimpleNamespace(
        dcmcore_decoders=codecs.hookimpl(lambda: decoders),
        dcmcore_encoders=codecs.hookimpl(lambda: encoders),
    )
    codecs.register(plugin, name=PLUGIN_NAME, distribution="")


def function_codec(kind: str, label: str) -> Decoder | Encoder | None:
    """The codec added under `label` for `kind` (``"decoder"``/``"encoder"``), if any."""
    table: Mapping[str, Decoder | Encoder] = _decoders if kind == "decoder" else _encoders
    return table.get(label)


def add_function(kind: str, label: str, uid: str, path: ImportPath) -> None:
    """Make `path` the `kind` function of `label` for `uid` (a new codec, or one more syntax).

    Raises
    ------
    ValueError
        `label` is the name of a codec of another plugin.
    """
    with _lock:
        others = codecs.all_decoders() if kind == "decoder" else codecs.all_encoders()
        for codec in others:
            if codec.name == label and codec.plugin != PLUGIN_NAME:
                origin = codec.provided_by or codec.plugin
                raise ValueError(
                    f"The {kind} name '{label}' is taken by the {kind} of '{origin}'; "
                    "add the function under another label")
        if kind == "decoder":
            paths = dict(_decoders[label].paths) if label in _decoders else {}
            paths[uid] = path
            _decoders[label] = FunctionDecoder(label, paths)
        else:
            paths = dict(_encoders[label].paths) if label in _encoders else {}
            paths[uid] = path
            _encoders[label] = FunctionEncoder(label, paths)
        _republish()


def remove_function(kind: str, label: str, uid: str) -> bool:
    """Drop `uid` from the codec of `label`; False when `label` has no function for it."""
    with _lock:
        table: dict[str, Any] = _decoders if kind == "decoder" else _encoders
        codec = table.get(label)
        if codec is None or uid not in codec.paths:
            return False
        paths = {k: v for k, v in codec.paths.items() if k != uid}
        if paths:
            table[label] = type(codec)(label, paths)
        else:
            del table[label]
        _republish()
        return True
