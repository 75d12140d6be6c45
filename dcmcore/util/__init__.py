"""pydicom's ``util`` package: tools built on dcmcore (:mod:`dcmcore.util.codify`)."""

from __future__ import annotations

__all__ = ["codify"]
