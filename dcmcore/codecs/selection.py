"""Choosing codecs for a transfer syntax and running them with fallback.

Selection, for a transfer syntax:

- an explicit ``plugin="name"`` in the call wins: only that codec is used (no
  fallback), even if disabled by configuration; an unknown name, a codec that
  does not handle the syntax, or an unavailable one raise
  :class:`~dcmcore.errors.PluginError` saying why;
- otherwise the configured order (see :mod:`dcmcore.codecs.config`), then the
  remaining codecs by priority (higher first, ties by name).  Disabled and
  unavailable codecs are left out.

The selected codecs run through :class:`~dcmcore.codecs.runner.CodecRunner`
(:func:`runner_for`): each is tried in turn and a failing one hands over to the
next.  When all fail, :class:`~dcmcore.codecs.runner.CodecFailedError` (a
:class:`~dcmcore.errors.CodecError`) lists every codec tried and why; when none
can run, :class:`~dcmcore.errors.NoPluginError` names the distributions that
would provide one.  Options a codec does not declare in its ``options`` are
dropped for it (a call may carry options for several codecs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dcmcore.codecs import config as _config
from dcmcore.codecs.base import Codec, Decoder, Encoder, FrameInfo
from dcmcore.codecs.manager import registry
from dcmcore.codecs.providers import builtin_codec, known_providers, resolve_uid, syntax_name
from dcmcore.codecs.runner import CodecRunner, Failure
from dcmcore.errors import NoPluginError, PluginError

if TYPE_CHECKING:  # pragma: no cover
    import numpy

__all__ = [
    "decoders_for",
    "encoders_for",
    "decode_with_fallback",
    "decode_batch_with_fallback",
    "encode_with_fallback",
    "decode_frame",
    "DecodeResult",
    "BatchDecodeResult",
    "EncodeResult",
    "Plan",
    "plan",
    "no_plugin_error",
    "builtin_hint",
    "runner_for",
]


@dataclass(frozen=True)
class Plan:
    """The codecs selected for one request, and the ones left out with why."""

    kind: str
    ts_uid: str
    codecs: tuple[Codec, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (name, reason)
    order_source: str = "priority"
    explicit: str = ""


def _matches(codec: Codec, name: str) -> bool:
    return name in (codec.name, codec.plugin, codec.provided_by)


def _position_key(codec: Codec) -> tuple[int, str]:
    return (-int(codec.priority), codec.name)


def _explicit(kind: str, ts_uid: str, name: str, all_codecs: Sequence[Codec]) -> Plan:
    by_name = [c for c in all_codecs if c.name == name]
    if not by_name:  # a plugin or distribution name picks its codec for this syntax
        by_name = [c for c in all_codecs if _matches(c, name) and ts_uid in c.transfer_syntaxes]
    if not by_name:
        why = registry.unusable_reason(name, kind)
        if why:  # installed, but broken, blocked, not loaded or of the other kind
            raise PluginError(f"the {kind} {name!r} cannot be used: {why}")
        known = ", ".join(sorted({c.name for c in all_codecs})) or "none installed"
        raise PluginError(f"no {kind} named {name!r} (known {kind}s: {known})")
    handling = [c for c in by_name if ts_uid in c.transfer_syntaxes]
    if not handling:
        codec = by_name[0]
        handles = ", ".join(codec.transfer_syntaxes) or "nothing"
        # NotImplementedError (via NoPluginError), as pydicom documents for this case
        raise NoPluginError(
            f"the {kind} {codec.name!r} does not handle {syntax_name(ts_uid)} ({ts_uid}); "
            f"it handles {handles}"
        )
    codec = handling[0]
    reason = registry.unavailable_reason(codec)
    if reason is not None:
        origin = f" from {codec.provided_by}" if codec.provided_by else ""
        raise PluginError(f"the {kind} {codec.name!r}{origin} is unavailable: {reason}")
    return Plan(kind, ts_uid, (codec,), (), f"call ({kind[:-2]}ing plugin={name!r})", name)


def plan(kind: str, ts_uid: str, plugin: str = "") -> Plan:
    """Select the codecs of `kind` (``"decoder"`` or ``"encoder"``) for `ts_uid`.

    See the module docstring for the rules; raises PluginError only for an
    explicit `plugin`.
    """
    snap = registry.snapshot()  # first: plugins may register the syntax named by keyword
    ts_uid = resolve_uid(ts_uid)
    all_codecs: Sequence[Codec] = snap.decoders if kind == "decoder" else snap.encoders
    if plugin:
        return _explicit(kind, ts_uid, plugin, all_codecs)
    candidates = sorted((c for c in all_codecs if ts_uid in c.transfer_syntaxes),
                        key=_position_key)
    fc = _config.file_config()  # read once per plan
    configured = _config.order_for(ts_uid, fc)
    ordered: list[Codec] = []
    source = "priority"
    if configured is not None:
        names, source = configured
        for name in names:
            for c in candidates:
                if c not in ordered and _matches(c, name):
                    ordered.append(c)
    ordered.extend(c for c in candidates if c not in ordered)
    usable: list[Codec] = []
    skipped: list[tuple[str, str]] = []
    for c in ordered:
        disabled, why = _config.disabled_state((c.name, c.plugin, c.provided_by), fc)
        if disabled:
            skipped.append((c.name, f"disabled by {why}"))
            continue
        reason = registry.unavailable_reason(c)
        if reason is not None:
            skipped.append((c.name, f"unavailable: {reason}"))
            continue
        usable.append(c)
    return Plan(kind, ts_uid, tuple(usable), tuple(skipped), source)


def decoders_for(ts_uid: str, plugin: str = "") -> list[Decoder]:
    """Return the usable decoders for `ts_uid`, first to try first (may be empty).

    Parameters
    ----------
    ts_uid : str
        Transfer syntax UID (or keyword).
    plugin : str, optional
        Explicit decoder name: only that decoder is returned.

    Raises
    ------
    PluginError
        `plugin` is unknown, does not handle `ts_uid`, or is unavailable.
    """
    return list(plan("decoder", ts_uid, plugin).codecs)  # type: ignore[arg-type]


def encoders_for(ts_uid: str, plugin: str = "") -> list[Encoder]:
    """Return the usable encoders for `ts_uid`, first to try first (see :func:`decoders_for`)."""
    return list(plan("encoder", ts_uid, plugin).codecs)  # type: ignore[arg-type]


def builtin_hint(ts_uid: str, skipped: Sequence[tuple[str, str]] = ()) -> str:
    """Say why dcmcore's builtin codec for `ts_uid` is not used ("" if it has none).

    `skipped` is a plan's ``(name, reason)`` list: a disabled or unavailable
    builtin codec is reported with that reason, else its plugin's status.
    """
    builtin = builtin_codec(ts_uid)
    if builtin is None:
        return ""
    codec, plugin = builtin
    state = next((why for name, why in skipped if name == codec), "")
    if not state:
        record = next((r for r in registry.plugin_infos() if r.name == plugin), None)
        if record is None:
            state = f"is not registered (builtin plugin {plugin!r} was not loaded)"
        elif record.status in ("blocked", "broken"):
            state = f"is {record.status}" + (f" ({record.error})" if record.error else "")
        else:
            state = "is not available"
    return (f"this syntax is handled by dcmcore's builtin {codec!r} codec (built in, nothing "
            f"to install), which {state if state.startswith('is ') else 'is ' + state}")


def no_plugin_error(p: Plan) -> NoPluginError:
    """Build the error raised when nothing can handle the request `p`."""
    what = f"{syntax_name(p.ts_uid)} ({p.ts_uid})"
    verb = "decode" if p.kind == "decoder" else "encode"
    parts = [f"no {p.kind} is available to {verb} {what}"]
    if p.skipped:
        parts.append("installed but not used: " + "; ".join(f"{n!r} {r}" for n, r in p.skipped))
    providers = known_providers(p.ts_uid)
    hint = builtin_hint(p.ts_uid, p.skipped)
    if hint:
        parts.append(hint)
    elif providers:
        parts.append("install one of: " + ", ".join(providers))
    else:
        parts.append("no known distribution provides one")
    err = NoPluginError("; ".join(parts))
    err.ts_uid = p.ts_uid  # type: ignore[attr-defined]
    err.providers = providers  # type: ignore[attr-defined]
    return err


def _ts_of(info: FrameInfo) -> str:
    if not info.transfer_syntax_uid:
        raise PluginError("FrameInfo.transfer_syntax_uid is empty: cannot select a codec")
    return info.transfer_syntax_uid


def runner_for(
    kind: str, info: FrameInfo, plugin: str = "", options: Mapping[str, Any] | None = None
) -> CodecRunner:
    """Select the codecs of `kind` for ``info.transfer_syntax_uid`` and return their runner.

    Raises
    ------
    NoPluginError
        No codec can run for the syntax (names the providing distributions).
    PluginError
        `plugin` is unknown, does not handle the syntax, or is unavailable.
    """
    p = plan(kind, _ts_of(info), plugin)
    if not p.codecs:
        raise no_plugin_error(p)
    return CodecRunner(p.codecs, info, options, skipped=p.skipped)


class DecodeResult(tuple):
    """``(array, decoder)`` from :func:`decode_with_fallback`.

    Also carries ``photometric_interpretation`` (colour space of ``array``,
    differs from the input's when the decoder converted it) and ``failures``
    (``[(name, reason)]`` of decoders that failed before this one).
    """

    photometric_interpretation: str
    failures: list[Failure]

    def __new__(cls, array: numpy.ndarray, decoder: Decoder, photometric_interpretation: str = "",
                failures: Sequence[Failure] = ()) -> DecodeResult:
        self = super().__new__(cls, (array, decoder))
        self.photometric_interpretation = photometric_interpretation
        self.failures = list(failures)
        return self

    @property
    def array(self) -> numpy.ndarray:
        """The decoded frame."""
        return self[0]

    @property
    def decoder(self) -> Decoder:
        """The decoder that decoded it."""
        return self[1]

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self[0], self[1], self.photometric_interpretation, self.failures))


class BatchDecodeResult(tuple):
    """``(arrays, decoder)`` from :func:`decode_batch_with_fallback`.

    ``decoder`` decoded the first frame; ``photometric_interpretations`` has one entry
    per array; ``failures`` lists every failure met on the way, as in
    :class:`DecodeResult`.
    """

    photometric_interpretations: list[str]
    failures: list[Failure]

    def __new__(cls, arrays: list[numpy.ndarray], decoder: Decoder,
                photometric_interpretations: Sequence[str] = (),
                failures: Sequence[Failure] = ()) -> BatchDecodeResult:
        self = super().__new__(cls, (arrays, decoder))
        self.photometric_interpretations = list(photometric_interpretations)
        self.failures = list(failures)
        return self

    @property
    def arrays(self) -> list[numpy.ndarray]:
        """The decoded frames."""
        return self[0]

    @property
    def decoder(self) -> Decoder:
        """The decoder of the first frame."""
        return self[1]

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self[0], self[1], self.photometric_interpretations, self.failures))


class EncodeResult(tuple):
    """``(data, encoder)`` from :func:`encode_with_fallback`; ``failures`` as above."""

    failures: list[Failure]

    def __new__(cls, data: bytes, encoder: Encoder,
                failures: Sequence[Failure] = ()) -> EncodeResult:
        self = super().__new__(cls, (data, encoder))
        self.failures = list(failures)
        return self

    @property
    def data(self) -> bytes:
        """The encoded frame."""
        return self[0]

    @property
    def encoder(self) -> Encoder:
        """The encoder that encoded it."""
        return self[1]

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self[0], self[1], self.failures))


def decode_with_fallback(
    data: bytes, info: FrameInfo, plugin: str = "", **options: Any
) -> DecodeResult:
    """Decode one frame with the first selected decoder that succeeds.

    Parameters
    ----------
    data : bytes
        The encoded frame.
    info : FrameInfo
        Its description; ``info.transfer_syntax_uid`` selects the decoders.
    plugin : str, optional
        Use only this decoder.
    **options
        Decoder options; each decoder gets those it declares.

    Returns
    -------
    DecodeResult
        ``(array, decoder)`` with ``.photometric_interpretation`` and ``.failures``.

    Raises
    ------
    NoPluginError
        No decoder can run for the syntax (names the providing distributions).
    PluginError
        `plugin` is unknown or unavailable.
    CodecFailedError
        Every selected decoder failed (a :class:`~dcmcore.errors.CodecError` listing
        each one and why in ``.failures``).

    Examples
    --------
    >>> arr, decoder = decode_with_fallback(frame, info)  # doctest: +SKIP
    >>> decoder.name  # doctest: +SKIP
    'rle'
    """
    runner = runner_for("decoder", info, plugin, options)
    decoded = runner.decode(data)
    return DecodeResult(decoded.array, runner.codec(decoded.decoder),  # type: ignore[arg-type]
                        decoded.photometric_interpretation, decoded.failures)


decode_frame = decode_with_fallback


def decode_batch_with_fallback(
    frames: Sequence[bytes], info: FrameInfo, plugin: str = "", **options: Any
) -> BatchDecodeResult:
    """Decode many frames, in one batch call when the first decoder offers one.

    A failed batch falls back to frame by frame, each frame through every decoder in
    turn (see :meth:`CodecRunner.decode_many`). Same errors as
    :func:`decode_with_fallback`.
    """
    runner = runner_for("decoder", info, plugin, options)
    decoded = list(runner.decode_many(list(frames)))
    first = runner.codec(decoded[0].decoder) if decoded else runner.codecs[0]
    return BatchDecodeResult([d.array for d in decoded], first,  # type: ignore[arg-type]
                             [d.photometric_interpretation for d in decoded],
                             [f for d in decoded for f in d.failures])


def encode_with_fallback(
    arr: numpy.ndarray, info: FrameInfo, plugin: str = "", **options: Any
) -> EncodeResult:
    """Encode one frame with the first selected encoder that succeeds.

    ``info.transfer_syntax_uid`` is the target syntax.  Same errors as
    :func:`decode_with_fallback`.

    Returns
    -------
    EncodeResult
        ``(data, encoder)`` with ``.failures``.
    """
    runner = runner_for("encoder", info, plugin, options)
    encoded = runner.encode(arr)
    return EncodeResult(encoded.frame.data, runner.codec(encoded.encoder),  # type: ignore[arg-type]
                        encoded.failures)
