"""Fixtures shared by the tests in this folder."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator

import pytest

from dcmcore import codecs


@pytest.fixture
def register_codecs() -> Iterator[Callable[..., str]]:
    """Register decoders/encoders as a runtime plugin for one test.

    Call it with codec instances (``encoders=[...]`` for encoders); it returns the
    plugin name, and every plugin registered this way is removed after the test.
    """
    names: list[str] = []

    def register(*decoders: codecs.Decoder, encoders: tuple[codecs.Encoder, ...] = ()) -> str:
        plugin = types.SimpleNamespace(
            dcmcore_decoders=codecs.hookimpl(lambda: list(decoders)),
            dcmcore_encoders=codecs.hookimpl(lambda: list(encoders)),
        )
        name = codecs.register(plugin, name=f"test-plugin-{len(names)}")
        names.append(name)
        return name

    yield register
    for name in names:
        codecs.unregister(name)
