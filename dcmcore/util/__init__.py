"""pydicom's ``util`` package: tools built on dcmcore (:mod:`dcmcore.util.codify`)."""

from __future__ import annotations

from dcmcore.util import codify

__all__ = ["codify"]
