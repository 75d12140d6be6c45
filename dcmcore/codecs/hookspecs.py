"""pluggy hook specifications for codec plugins (project name ``"dcmcore"``).

A plugin module (or object) implements any of these hooks, marked with
:data:`hookimpl`::

    from dcmcore.codecs import hookimpl

    @hookimpl
    def dcmcore_decoders():
        return [MyDecoder()]

pluggy only discovers and registers plugins; the order in which decoders are
tried is decided by :mod:`dcmcore.codecs.selection`, never by pluggy's calling
order.  The plugin manager calls each hook of each plugin itself, without
arguments, when plugins load and again whenever the set of plugins changes
(:func:`~dcmcore.codecs.register`, :func:`~dcmcore.codecs.block`...), so a hook
must be cheap, must not import the codec library, and must return a list (a hook
that raises or returns anything else is reported and skipped).  Hook wrappers are
not called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.codecs.base import Decoder, Encoder
    from dcmcore.transfer_syntax import TransferSyntax

__all__ = ["PROJECT_NAME", "hookspec", "hookimpl", "dcmcore_decoders", "dcmcore_encoders",
           "dcmcore_transfer_syntaxes"]

PROJECT_NAME: Final = "dcmcore"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def dcmcore_decoders() -> list[Decoder]:
    """Return the plugin's decoders (instances of :class:`dcmcore.codecs.Decoder`)."""
    raise NotImplementedError  # a specification: pluggy reads its signature, never calls it


@hookspec
def dcmcore_encoders() -> list[Encoder]:
    """Return the plugin's encoders (instances of :class:`dcmcore.codecs.Encoder`)."""
    raise NotImplementedError  # a specification: pluggy reads its signature, never calls it


@hookspec
def dcmcore_transfer_syntaxes() -> list[TransferSyntax]:
    """Return private or new transfer syntaxes the plugin's codecs handle.

    They are added to :mod:`dcmcore.transfer_syntax`'s registry when plugins load
    (a UID already registered with other fields is reported and kept as it is).
    """
    raise NotImplementedError  # a specification: pluggy reads its signature, never calls it
