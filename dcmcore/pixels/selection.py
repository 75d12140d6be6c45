"""Choosing the codecs of one pixel call: once per call, in the calling thread.

A thin layer over :func:`dcmcore.codecs.selection.plan` that raises the errors a
pydicom user expects: an unknown plugin name is also a ``ValueError``, no usable codec a
``NotImplementedError`` (:class:`~dcmcore.errors.NoPluginError`).
"""

from __future__ import annotations

from dcmcore import codecs
from dcmcore.codecs import selection
from dcmcore.codecs.selection import Plan
from dcmcore.errors import PluginError, UnknownPluginError
from dcmcore.pixels._plugin_functions import OWN_LABEL, own_codec_name

__all__ = ["UnknownPluginError", "select"]


def _known(kind: str, name: str) -> bool:
    found = codecs.all_decoders() if kind == "decoder" else codecs.all_encoders()
    return any(name in (c.name, c.plugin, c.provided_by) for c in found)


def select(kind: str, ts_uid: str, plugin: str = "") -> Plan:
    """The codecs of `kind` (``"decoder"``/``"encoder"``) for `ts_uid`, first to try first.

    Raises
    ------
    UnknownPluginError
        `plugin` names no installed codec, plugin or distribution.
    PluginError
        `plugin` does not handle `ts_uid` or is unavailable.
    NoPluginError
        No codec can run for `ts_uid` (names the distributions that would provide one).
    """
    if plugin == OWN_LABEL:  # pydicom's own codecs: dcmcore's own, when there are any
        plugin = own_codec_name(kind, selection.resolve_uid(ts_uid)) or plugin
    try:
        p = selection.plan(kind, ts_uid, plugin)
    except PluginError as exc:
        if plugin and not _known(kind, plugin):
            if codecs.unusable_reason(plugin, kind):  # installed, yet unusable: say why
                raise UnknownPluginError(str(exc)) from exc
            raise UnknownPluginError(f"No {kind} named '{plugin}' is installed: {exc}") from exc
        raise
    if not p.codecs:
        raise selection.no_plugin_error(p)
    return p
