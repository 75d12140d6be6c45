"""DA, DT and TM values as :mod:`datetime` subclasses that keep the original string.

These are what DA/DT/TM elements hold when ``config.settings.datetime_conversion``
is True (otherwise they hold plain ``str``). ``str()`` gives back the original
DICOM string; ``repr()`` is that string in double quotes, as pydicom does.
"""

from __future__ import annotations

import datetime
import re
import warnings
from typing import Any, SupportsIndex

from dcmcore.errors import DcmcoreWarning

__all__ = ["DA", "DT", "TM"]


class _DateTimeBase:
    """Shared behaviour: original string, str/repr, pickling of the extra attribute."""

    original_string: str

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__.copy()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        reduced = super().__reduce_ex__(protocol)
        assert isinstance(reduced, tuple)  # date/time/datetime reduce to a tuple
        return reduced + (self.__getstate__(),)

    def __str__(self) -> str:
        try:
            return self.original_string
        except AttributeError:
            return super().__str__()

    def __repr__(self) -> str:
        return f'"{self}"'


def _is_blank(val: Any) -> bool:
    return isinstance(val, str) and not val.strip()


class DA(_DateTimeBase, datetime.date):
    """A DA value as :class:`datetime.date` (``'YYYYMMDD'``, or ACR-NEMA ``'YYYY.MM.DD'``).

    ``DA('')`` and ``DA(None)`` return ``None``; a non-conformant string raises
    ``ValueError``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> DA | None:  # type: ignore[misc]
        if not args or args[0] is None or _is_blank(args[0]):
            return None
        val = args[0]
        if isinstance(val, str):
            try:
                if len(val) == 8:
                    return super().__new__(cls, int(val[:4]), int(val[4:6]), int(val[6:8]))
                if len(val) == 10 and val[4] == "." and val[7] == ".":
                    # ACR-NEMA style 'YYYY.MM.DD'
                    return super().__new__(cls, int(val[:4]), int(val[5:7]), int(val[8:10]))
            except ValueError as exc:
                raise ValueError(f"Unable to convert '{val}' to 'DA' object") from exc
        if isinstance(val, datetime.date):
            return super().__new__(cls, val.year, val.month, val.day)
        try:
            return super().__new__(cls, *args, **kwargs)
        except Exception as exc:
            raise ValueError(f"Unable to convert '{val}' to 'DA' object") from exc

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        val = args[0]
        if isinstance(val, str):
            self.original_string = val
        elif isinstance(val, DA) and hasattr(val, "original_string"):
            self.original_string = val.original_string
        elif isinstance(val, datetime.date):
            self.original_string = f"{val.year}{val.month:02}{val.day:02}"


def _fraction(digits: str) -> int:
    return int(digits.rstrip().ljust(6, "0")) if digits else 0


class DT(_DateTimeBase, datetime.datetime):
    """A DT value as :class:`datetime.datetime`.

    Accepts partial values (``'2024'``, ``'202401'``, ...), fractional seconds
    and a UTC offset suffix (``'20240102030405.123+0100'``). A leap second
    (``60``) becomes 59 with a warning.
    """

    _REGEX = re.compile(r"((\d{4,14})(\.(\d{1,6}))?)([+-]\d{4})?")

    @staticmethod
    def _utc_offset(value: str) -> datetime.timezone:
        minutes = int(value[1:3]) * 60 + int(value[3:5])
        seconds = -minutes * 60 if value[0] == "-" else minutes * 60
        return datetime.timezone(datetime.timedelta(seconds=seconds), name=value)

    def __new__(cls, *args: Any, **kwargs: Any) -> DT | None:  # type: ignore[misc]
        if not args or args[0] is None or _is_blank(args[0]):
            return None
        val = args[0]
        if isinstance(val, str):
            match = cls._REGEX.match(val)
            if not match or len(val) > 26:
                raise ValueError(f"Unable to convert non-conformant value '{val}' to 'DT' object")
            d = match.group(2)
            n = len(d)
            second = int(d[12:14]) if n >= 14 else 0
            if second == 60:
                warnings.warn(
                    "'datetime.datetime' doesn't allow a value of '60' for the seconds "
                    "component, changing to '59'",
                    DcmcoreWarning,
                    stacklevel=2,
                )
                second = 59
            tz = match.group(5)
            try:
                return super().__new__(
                    cls,
                    int(d[0:4]),
                    int(d[4:6]) if n >= 6 else 1,
                    int(d[6:8]) if n >= 8 else 1,
                    int(d[8:10]) if n >= 10 else 0,
                    int(d[10:12]) if n >= 12 else 0,
                    second,
                    _fraction(match.group(4)) if n >= 14 else 0,
                    cls._utc_offset(tz) if tz else None,
                )
            except ValueError as exc:
                raise ValueError(f"Unable to convert '{val}' to 'DT' object") from exc
        if isinstance(val, datetime.datetime):
            return super().__new__(
                cls, *val.timetuple()[:6], val.microsecond, val.tzinfo
            )
        try:
            return super().__new__(cls, *args, **kwargs)
        except Exception as exc:
            raise ValueError(f"Unable to convert '{val}' to 'DT' object") from exc

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        val = args[0]
        if isinstance(val, str):
            self.original_string = val
        elif isinstance(val, DT) and hasattr(val, "original_string"):
            self.original_string = val.original_string
        elif isinstance(val, datetime.datetime):
            text = (
                f"{val.year:04}{val.month:02}{val.day:02}"
                f"{val.hour:02}{val.minute:02}{val.second:02}"
            )
            if val.microsecond > 0:
                text += f".{val.microsecond:06}"
            if val.tzinfo is not None:
                offset = val.tzinfo.utcoffset(val)
                if offset is not None:
                    minutes = offset.days * 24 * 60 + offset.seconds // 60
                    sign = "+" if minutes >= 0 else "-"
                    minutes = abs(minutes)
                    text += f"{sign}{minutes // 60:02}{minutes % 60:02}"
            self.original_string = text


class TM(_DateTimeBase, datetime.time):
    """A TM value as :class:`datetime.time` (``'HH'``, ``'HHMM'``, ``'HHMMSS.FFFFFF'``).

    A leap second (``60``) becomes 59 with a warning.
    """

    _REGEX = re.compile(
        r"(?P<h>^([01][0-9]|2[0-3]))((?P<m>([0-5][0-9]))((?P<s>([0-5][0-9]|60))"
        r"(\.(?P<ms>([0-9]{1,6})?))?)?)?$"
    )

    def __new__(cls, *args: Any, **kwargs: Any) -> TM | None:  # type: ignore[misc]
        if not args or args[0] is None or _is_blank(args[0]):
            return None
        val = args[0]
        if isinstance(val, str):
            match = cls._REGEX.match(val)
            if not match:
                raise ValueError(f"Unable to convert non-conformant value '{val}' to 'TM' object")
            minute = match.group("m")
            second = int(match.group("s") or 0)
            if second == 60:
                warnings.warn(
                    "'datetime.time' doesn't allow a value of '60' for the seconds "
                    "component, changing to '59'",
                    DcmcoreWarning,
                    stacklevel=2,
                )
                second = 59
            return super().__new__(
                cls, int(match.group("h")), int(minute or 0), second, _fraction(match.group("ms"))
            )
        if isinstance(val, datetime.time):
            return super().__new__(cls, val.hour, val.minute, val.second, val.microsecond)
        try:
            return super().__new__(cls, *args, **kwargs)
        except Exception as exc:
            raise ValueError(f"Unable to convert '{val}' to 'TM' object") from exc

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        val = args[0]
        if isinstance(val, str):
            self.original_string = val
        elif isinstance(val, TM) and hasattr(val, "original_string"):
            self.original_string = val.original_string
        elif isinstance(val, datetime.time):
            text = f"{val.hour:02}{val.minute:02}{val.second:02}"
            if val.microsecond > 0:
                text += f".{val.microsecond:06}"
            self.original_string = text
