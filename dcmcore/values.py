"""Python types of DICOM element values, with pydicom 3's observable behaviour.

- :class:`PersonName` (PN), decoded on demand from its bytes (see :mod:`dcmcore.personname`);
- :class:`DSfloat` / :class:`DSdecimal` (DS) and :class:`IS` / :class:`ISfloat` (IS),
  numbers that remember the string they were read from;
- :class:`DA`, :class:`DT`, :class:`TM` (see :mod:`dcmcore.datetimes`);
- :class:`MultiValue`, the list of a multi-valued element.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, MutableSequence
from decimal import Decimal
from math import floor, isfinite, log10
from typing import Any, SupportsIndex, TypeVar, overload

from dcmcore import config
from dcmcore.datetimes import DA, DT, TM
from dcmcore.errors import DcmcoreWarning, InvalidValueError, NonIntegerISError, ValueOverflowError
from dcmcore.personname import PersonName
from dcmcore.validators import (
    is_valid_da,
    is_valid_ds,
    is_valid_dt,
    is_valid_is,
    is_valid_tm,
    is_valid_ui,
    validate_value,
)

__all__ = [
    "PersonName",
    "DA",
    "DT",
    "TM",
    "DS",
    "DSfloat",
    "DSdecimal",
    "IS",
    "ISfloat",
    "MultiValue",
    "ConstrainedList",
    "format_number_as_ds",
    "is_valid_ds",
    "is_valid_is",
    "is_valid_da",
    "is_valid_dt",
    "is_valid_tm",
    "is_valid_ui",
    "validate_value",
]

# pydicom's ``values`` module functions (``convert_*``), importable from here as in
# pydicom: they decode raw bytes, so they live with the converters and are loaded
# on first use (the converters import this module).
_RAW_CONVERTERS = frozenset(
    {
        "convert_AE_string", "convert_ATvalue", "convert_DA_string", "convert_DS_string",
        "convert_DT_string", "convert_IS_string", "convert_OBvalue", "convert_OVvalue",
        "convert_OWvalue", "convert_PN", "convert_SQ", "convert_TM_string", "convert_UI",
        "convert_UN", "convert_UR_string", "convert_numbers", "convert_single_string",
        "convert_string", "convert_tag", "convert_text", "convert_value", "multi_string",
        "converters", "convert_retry_VR_order",
    }
)  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _RAW_CONVERTERS:
        from dcmcore import _raw_values  # deferred: it imports the converters, which import us

        return getattr(_raw_values, name)
    raise AttributeError(f"module 'dcmcore.values' has no attribute {name!r}")

T = TypeVar("T")


def _warn(msg: str) -> None:
    warnings.warn(msg, DcmcoreWarning, stacklevel=3)


# ----------------------------------------------------------------------------
# MultiValue


class ConstrainedList(MutableSequence[T]):
    """A list whose items pass through :meth:`_validate` whenever they are added."""

    def __init__(self, iterable: Iterable[Any] | None = None) -> None:
        self._list: list[T] = [] if iterable is None else [self._validate(i) for i in iterable]

    def _validate(self, item: Any) -> T:
        raise NotImplementedError(f"'{type(self).__name__}._validate()' must be implemented")

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> MutableSequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | MutableSequence[T]:
        return self._list[index]

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            self._list[index] = [self._validate(v) for v in value]
        else:
            self._list[index] = self._validate(value)

    def __delitem__(self, index: int | slice) -> None:
        del self._list[index]

    def __len__(self) -> int:
        return len(self._list)

    def __iter__(self) -> Iterator[T]:
        return iter(self._list)

    def insert(self, index: int, value: Any) -> None:
        """Insert `value` (converted) before `index`."""
        self._list.insert(index, self._validate(value))

    def append(self, value: Any) -> None:
        """Append `value` (converted)."""
        self._list.append(self._validate(value))

    def extend(self, values: Iterable[Any]) -> None:
        """Append every item of `values` (converted)."""
        if not hasattr(values, "__iter__"):
            raise TypeError("An iterable is required")
        self._list.extend([self._validate(v) for v in values])

    def __iadd__(self, other: Iterable[Any]) -> ConstrainedList[T]:
        self.extend(other)
        return self

    def __eq__(self, other: Any) -> Any:
        return self._list == other

    def __ne__(self, other: Any) -> Any:
        return self._list != other

    __hash__ = None  # type: ignore[assignment]


class MultiValue(ConstrainedList[T]):
    """The value of a multi-valued element: a list converting each item it receives.

    Parameters
    ----------
    type_constructor : callable
        Called on every item added (``IS``, ``PersonName``, ``str``, ...).
    iterable : iterable
        The initial items.
    """

    def __init__(self, type_constructor: Callable[[Any], T], iterable: Iterable[Any]) -> None:
        self._constructor = type_constructor
        super().__init__(iterable)

    def _validate(self, item: Any) -> T:
        return self._constructor(item)

    def sort(self, *args: Any, **kwargs: Any) -> None:
        """Sort the items in place, as :meth:`list.sort`."""
        self._list.sort(*args, **kwargs)

    @classmethod
    def from_string(cls, type_constructor: Callable[[Any], T], text: str) -> MultiValue[T]:
        """Make a MultiValue from a DICOM multi-value string (``'a\\b'``)."""
        return cls(type_constructor, text.split("\\"))

    def to_string(self) -> str:
        """The items as one DICOM multi-value string, joined by a backslash.

        ``str()`` gives pydicom's list form (``"['a', 'b']"``) instead.
        """
        return "\\".join(str(item) for item in self._list)

    def __str__(self) -> str:
        if not self._list:
            return ""
        items = (repr(x) if isinstance(x, (str, bytes)) else str(x) for x in self._list)
        return f"[{', '.join(items)}]"

    __repr__ = __str__

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_multivalue, (self._constructor, list(self._list)))


def _identity(x: Any) -> Any:
    return x


def _rebuild_multivalue(constructor: Callable[[Any], Any], items: list[Any]) -> MultiValue[Any]:
    mv: MultiValue[Any] = MultiValue(_identity, items)
    mv._constructor = constructor
    return mv


# ----------------------------------------------------------------------------
# DS


def format_number_as_ds(val: float | Decimal) -> str:
    """Return the closest representation of `val` that fits a DS (16 characters).

    Parameters
    ----------
    val : float or decimal.Decimal
        A finite number.

    Returns
    -------
    str
        ``str(val)`` when short enough, else a shortened fixed-point or
        scientific form.

    Raises
    ------
    TypeError
        If `val` is not a float or Decimal.
    ValueError
        If `val` is NaN or infinite.
    """
    if not isinstance(val, (float, Decimal)):
        raise TypeError("'val' must be of type float or decimal.Decimal")
    if not isfinite(val):
        raise ValueError(f"Cannot encode non-finite floats as DICOM decimal strings. Got '{val}'")
    text = str(val)
    if len(text) <= 16:
        return text
    magnitude = log10(abs(float(val)))
    negative = 1 if val < 0 else 0
    # fixed point loses precision past 1e14 (1e13 with a sign) and below 1e-4
    if magnitude < -4 or magnitude >= 14 - negative:
        digits = 10 - negative
        text = f"{val:.{digits}e}"
        return text if len(text) <= 16 else f"{val:.{digits - 1}e}"
    decimals = 14 - negative - (int(floor(magnitude)) if magnitude >= 1.0 else 0)
    return f"{val:.{decimals}f}"


def _auto_format_default(val: Any, auto_format: bool | None) -> bool:
    if auto_format is not None:
        return bool(auto_format)
    # strings are kept as given; numbers follow the setting
    return False if isinstance(val, str) else bool(config.settings.auto_format_DS)


class _DSMixin:
    """What DSfloat and DSdecimal share: the original string and comparison with str."""

    auto_format: bool
    original_string: str

    def _take_original_string(self, val: Any, auto_format: bool | None) -> bool:
        """Keep `val`'s text (formatted if auto-formatting and invalid) and auto_format.

        Returns True when the value still needs formatting from its number (it came
        from a number, not a string or another DS, and auto-formatting is on).
        """
        auto_format = _auto_format_default(val, auto_format)
        inherited = False
        if isinstance(val, str):
            self.original_string = val.strip()
        elif isinstance(val, (DSfloat, DSdecimal)):
            if val.auto_format:
                auto_format = inherited = True
            if hasattr(val, "original_string"):
                self.original_string = val.original_string
        self.auto_format = auto_format
        if not auto_format or inherited:
            return False
        if hasattr(self, "original_string"):
            if not is_valid_ds(self.original_string):
                self.original_string = format_number_as_ds(float(self.original_string))
            return False
        return True

    def __eq__(self, other: Any) -> Any:
        if isinstance(other, str):
            return str(self) == other
        return super().__eq__(other)

    def __ne__(self, other: Any) -> Any:
        return not self == other

    def __hash__(self) -> int:
        return super().__hash__()


class DSfloat(_DSMixin, float):
    """A DS value as :class:`float`, keeping the string it was made from.

    Parameters
    ----------
    val : str, int, float or Decimal
        The value; a blank string is returned unchanged.
    auto_format : bool, optional
        Shorten the string form to a valid DS when needed. Default: False for
        strings, ``config.settings.auto_format_DS`` for numbers.
    validation_mode : int, optional
        Default: ``config.settings.reading_validation_mode``.
    """

    auto_format: bool
    original_string: str

    def __new__(  # type: ignore[misc]
        cls,
        val: None | str | int | float | Decimal,
        auto_format: bool | None = None,
        validation_mode: int | None = None,
    ) -> str | DSfloat | None:
        if val is None:
            return None
        if isinstance(val, str) and not val.strip():
            return val
        return super().__new__(cls, val)

    def __init__(
        self,
        val: str | int | float | Decimal,
        auto_format: bool | None = None,
        validation_mode: int | None = None,
    ) -> None:
        if validation_mode is None:
            validation_mode = config.settings.reading_validation_mode
        if self._take_original_string(val, auto_format):
            if isfinite(self):
                self.original_string = format_number_as_ds(float(self))
            elif validation_mode == config.RAISE:
                raise InvalidValueError(
                    f"Cannot encode non-finite floats as DICOM decimal strings. Got '{self}'"
                )
            elif validation_mode == config.WARN:
                _warn(f'Value "{self}" is not valid for elements with a VR of DS')
        if validation_mode == config.RAISE and not self.auto_format:
            text = str(self)
            if len(text) > 16:
                raise ValueOverflowError(
                    "Values for elements with a VR of 'DS' must be <= 16 characters long, but "
                    "the float provided requires > 16 characters to be accurately represented. "
                    "Use a smaller string, set the validation mode to WARN, or construct the "
                    "DS with 'auto_format' set to True"
                )
            if not is_valid_ds(text):
                raise InvalidValueError(f'Value "{self}" is not valid for elements with a VR of DS')


    def __str__(self) -> str:
        try:
            return self.original_string
        except AttributeError:
            return float.__repr__(self)

    def __repr__(self) -> str:
        return f"'{self}'"

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (_rebuild, (type(self), float(self), self.__dict__))


def _rebuild(cls: type, number: Any, state: dict[str, Any]) -> Any:
    obj: object = cls.__new__(cls, number)
    obj.__dict__.update(state)
    return obj


class DSdecimal(_DSMixin, Decimal):
    """A DS value as :class:`decimal.Decimal`, keeping the string it was made from.

    Parameters are those of :class:`DSfloat`; a ``float`` argument raises
    ``TypeError`` (as pydicom does by default): pass a string or a Decimal.
    """

    auto_format: bool
    original_string: str

    def __new__(  # type: ignore[misc]
        cls,
        val: None | str | int | float | Decimal,
        auto_format: bool | None = None,
        validation_mode: int | None = None,
    ) -> str | DSdecimal | None:
        if val is None:
            return None
        if isinstance(val, str) and not val.strip():
            return val
        if (
            isinstance(val, float)
            and not isinstance(val, DSfloat)
            and not config.settings.allow_DS_float
        ):
            raise TypeError(
                "'DS' cannot be instantiated with a float value unless "
                "config.allow_DS_float is True: convert the value to a string with the "
                "desired number of digits, or pass a 'Decimal' instance."
            )
        if isinstance(val, str):
            val = val.strip()
        return super().__new__(cls, val)

    def __init__(
        self,
        val: str | int | float | Decimal,
        auto_format: bool | None = None,
        validation_mode: int | None = None,
    ) -> None:
        if validation_mode is None:
            validation_mode = config.settings.reading_validation_mode
        if self._take_original_string(val, auto_format) and self.is_finite():
            self.original_string = format_number_as_ds(self)
        if validation_mode != config.IGNORE:
            text = repr(self).strip("'")
            msg = ""
            if len(text) > 16:
                msg = (
                    "Values for elements with a VR of 'DS' values must be <= 16 characters "
                    "long. Use a smaller string, set the validation mode to WARN, use "
                    "'Decimal.quantize()', or construct the DS with 'auto_format' set to True"
                )
                if validation_mode == config.RAISE:
                    raise ValueOverflowError(msg)
            elif not is_valid_ds(text):
                msg = f'Value "{self}" is not valid for elements with a VR of DS'
                if validation_mode == config.RAISE:
                    raise InvalidValueError(msg)
            if msg:
                _warn(msg)


    def __str__(self) -> str:
        original = getattr(self, "original_string", None)
        if original is not None and len(original) <= 16:
            return original
        return Decimal.__str__(self)

    def __repr__(self) -> str:
        original = getattr(self, "original_string", None)
        return f"'{original if original is not None else self}'"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), Decimal.__str__(self), self.__dict__))


def DS(
    val: None | str | int | float | Decimal,
    auto_format: bool | None = None,
    validation_mode: int | None = None,
) -> None | str | DSfloat | DSdecimal:
    """Make a DS value: :class:`DSdecimal` if ``config.settings.use_DS_decimal`` else
    :class:`DSfloat`; a blank string or ``None`` is returned unchanged.
    """
    if val is None:
        return None
    if validation_mode is None:
        validation_mode = config.settings.reading_validation_mode
    if isinstance(val, str):
        if not val.strip():
            return val
        validate_value("DS", val, validation_mode)
    if config.settings.use_DS_decimal:
        return DSdecimal(val, auto_format, validation_mode)
    return DSfloat(val, auto_format, validation_mode)


# ----------------------------------------------------------------------------
# IS


class ISfloat(float):
    """An IS value that is not an integer (``'1.5'``), kept as :class:`float`.

    Made by :class:`IS` only; warns (WARN) or raises ``TypeError`` (RAISE).
    """

    original_string: str

    def __new__(  # type: ignore[misc]
        cls, val: str | float | Decimal, validation_mode: int | None = None
    ) -> float | str:
        if isinstance(val, str) and not val.strip():
            return ""
        return super().__new__(cls, val)

    def __init__(self, val: str | float | Decimal, validation_mode: int | None = None) -> None:
        if isinstance(val, str):
            self.original_string = val.strip()
        elif isinstance(val, (IS, ISfloat)) and hasattr(val, "original_string"):
            self.original_string = val.original_string
        if validation_mode:
            msg = f'Value "{self}" is not valid for elements with a VR of IS'
            if validation_mode == config.WARN:
                _warn(msg)
            elif validation_mode == config.RAISE:
                raise NonIntegerISError(msg + "\nSet reading_validation_mode to WARN or IGNORE to bypass")

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (_rebuild, (type(self), float(self), self.__dict__))


class IS(int):
    """An IS value as :class:`int`, keeping the string it was made from.

    ``IS('  12 ')`` is 12 with ``original_string`` ``'12'``; ``IS('1.0')`` is 1;
    ``IS('1.5')`` gives an :class:`ISfloat`; a blank string is returned unchanged.
    """

    original_string: str

    def __new__(  # type: ignore[misc]
        cls, val: None | str | int | float | Decimal, validation_mode: int | None = None
    ) -> str | IS | ISfloat | None:
        if val is None:
            return None
        if validation_mode is None:
            validation_mode = config.settings.reading_validation_mode
        if isinstance(val, str):
            if not val.strip():
                return val
            validate_value("IS", val, validation_mode)
        try:
            new: Any = super().__new__(cls, val)
        except ValueError:
            new = super().__new__(cls, float(val))  # '1.0' is accepted
        if isinstance(val, (float, Decimal, str)) and new != float(val):
            new = ISfloat(val, validation_mode)
        if not -(2**31) <= new < 2**31 and validation_mode == config.RAISE:
            raise ValueOverflowError(
                "Elements with a VR of IS must have a value between -2**31 and (2**31 - 1). "
                "Set the validation mode to WARN to override the value check"
            )
        return new

    def __init__(self, val: str | int | float | Decimal, validation_mode: int | None = None) -> None:
        if isinstance(val, str):
            self.original_string = val.strip()
        elif isinstance(val, IS) and hasattr(val, "original_string"):
            self.original_string = val.original_string

    def __eq__(self, other: Any) -> Any:
        if isinstance(other, str):
            return str(self) == other
        return super().__eq__(other)

    def __ne__(self, other: Any) -> Any:
        return not self == other

    def __hash__(self) -> int:
        return super().__hash__()

    def __str__(self) -> str:
        try:
            return self.original_string
        except AttributeError:
            return int.__repr__(self)

    def __repr__(self) -> str:
        return f"'{int.__repr__(self)}'"

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (_rebuild, (type(self), int(self), self.__dict__))
