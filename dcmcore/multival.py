"""pydicom's ``multival`` module: the list types of multi-valued elements.

The types are dcmcore's own (:mod:`dcmcore.values`); this module gives them
pydicom's import path.

Examples
--------
>>> from dcmcore.multival import MultiValue
>>> values = MultiValue(int, ["1", "2"])
>>> values
[1, 2]
"""

from __future__ import annotations

from dcmcore.values import ConstrainedList, MultiValue

__all__ = ["ConstrainedList", "MultiValue"]
