"""pydicom 3's raw element hooks: customise how raw elements become data elements.

Two hooks take part in every conversion of a raw element (what the reader
produces) into a :class:`~dcmcore.element.DataElement`: ``raw_element_vr`` chooses
the VR and ``raw_element_value`` decodes the value. Both default to dcmcore's own
conversion; register replacements on the global :data:`hooks` object::

    from dcmcore import dcmread
    from dcmcore.hooks import hooks, raw_element_value_fix_separator

    hooks.register_callback("raw_element_value", raw_element_value_fix_separator)
    hooks.register_kwargs("raw_element_kwargs", {"target_VRs": ("DS", "IS")})
    ds = dcmread(path)   # "1,5" in a DS element is read as 1\\5

While every hook is dcmcore's default (and pydicom's deprecated
``config.data_element_callback`` is unset) conversion takes dcmcore's direct path,
at no cost.
"""

from __future__ import annotations

from collections.abc import Callable, MutableSequence
from typing import TYPE_CHECKING, Any

from dcmcore import _raw_vr, config
from dcmcore import element as _element
from dcmcore._raw_values import convert_value
from dcmcore.element import DataElement, RawDataElement

if TYPE_CHECKING:  # pragma: no cover
    from dcmcore.dataset import Dataset

__all__ = [
    "Hooks",
    "hooks",
    "raw_element_value",
    "raw_element_value_fix_separator",
    "raw_element_value_retry",
    "raw_element_vr",
]

_UNDEFINED_LENGTH = 0xFFFFFFFF


def _native_conversion() -> Callable[..., DataElement]:
    # the data model's own conversion, without the hooks
    return getattr(_element, "_convert_raw_data_element", _element.convert_raw_data_element)


def raw_element_vr(
    raw: RawDataElement,
    data: dict[str, Any],
    *,
    encoding: str | MutableSequence[str] | None = None,
    ds: Dataset | None = None,
    **kwargs: Any,
) -> None:
    """Set ``data["VR"]``: the VR dcmcore resolves for `raw` (the default VR hook).

    Implicit VR elements get the dictionary's VR (private ones the private
    dictionary's), an explicit UN of a known tag gets its VR, ambiguous VRs are
    resolved from `ds` and its ancestors.
    """
    vr, _ = _raw_vr._resolve_vr(raw, ds)
    data["VR"] = vr


def raw_element_value(
    raw: RawDataElement,
    data: dict[str, Any],
    *,
    encoding: str | MutableSequence[str] | None = None,
    ds: Dataset | None = None,
    **kwargs: Any,
) -> None:
    """Set ``data["value"]``: `raw`'s value decoded as ``data["VR"]`` (the default hook)."""
    vr = data["VR"]
    if raw.VR != vr:
        raw = raw._replace(VR=vr)
    if isinstance(encoding, MutableSequence):
        encoding = list(encoding)
    if vr == "UN":  # decode as the hook said, even for a tag the dictionary knows
        with config.override(replace_un_with_known_vr=False):
            data["value"] = _native_conversion()(raw, encoding, ds).value
        return
    data["value"] = _native_conversion()(raw, encoding, ds).value


def raw_element_value_fix_separator(
    raw: RawDataElement,
    data: dict[str, Any],
    *,
    encoding: str | MutableSequence[str] | None = None,
    ds: Dataset | None,
    separator: str | bytes = b",",
    target_VRs: tuple[str, ...] | None = None,
    **kwargs: Any,
) -> None:
    """A ``raw_element_value`` hook reading `separator` as the value separator.

    For elements whose VR is in `target_VRs`, `separator` in the raw value is
    replaced by a backslash before decoding (e.g. ``b"1,5"`` in a DS gives
    ``[1, 5]``).
    """
    if target_VRs and data["VR"] in target_VRs and isinstance(raw.value, bytes):
        if isinstance(separator, str):
            separator = separator.encode("ascii")
        raw = raw._replace(value=raw.value.replace(separator, b"\\"))
    raw_element_value(raw, data, encoding=encoding, ds=ds, **kwargs)


def raw_element_value_retry(
    raw: RawDataElement,
    data: dict[str, Any],
    *,
    encoding: str | MutableSequence[str] | None = None,
    ds: Dataset | None,
    target_VRs: dict[str, tuple[str, ...]] | None = None,
    **kwargs: Any,
) -> None:
    """A ``raw_element_value`` hook retrying a value that fails to decode with other VRs.

    `target_VRs` maps a VR to the VRs to try, in order (``{"DS": ("US", "SS")}``);
    the first that decodes sets ``data["VR"]`` and ``data["value"]``, else the
    original error is raised.
    """

    try:
        raw_element_value(raw, data, encoding=encoding, ds=ds, **kwargs)
    except Exception as exc:
        vr = data["VR"]
        if target_VRs and vr in target_VRs:
            for candidate in target_VRs[vr]:
                try:
                    data["value"] = convert_value(candidate, raw)
                    data["VR"] = candidate
                    return
                except Exception:  # noqa: BLE001 - try the next candidate VR
                    pass
        raise exc


class Hooks:
    """The raw element hooks (pydicom's ``Hooks``); use the :data:`hooks` singleton.

    Attributes
    ----------
    raw_element_vr : callable
        ``func(raw, data, *, encoding, ds, **kwargs)`` setting ``data["VR"]``.
    raw_element_value : callable
        ``func(raw, data, *, encoding, ds, **kwargs)`` setting ``data["value"]``.
    raw_element_kwargs : dict
        Keyword arguments passed to both.
    raw_element_callback : callable or None
        pydicom's deprecated ``config.data_element_callback``:
        ``func(raw, **raw_element_callback_kwargs) -> RawDataElement``, applied first.
    raw_element_callback_kwargs : dict
        pydicom's ``config.data_element_callback_kwargs``.
    """

    def __init__(self) -> None:
        self.raw_element_vr: Callable[..., None] = raw_element_vr
        self.raw_element_value: Callable[..., None] = raw_element_value
        self.raw_element_kwargs: dict[str, Any] = {}
        self.raw_element_callback: Callable[..., RawDataElement] | None = None
        self.raw_element_callback_kwargs: dict[str, Any] = {}

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if self is _installed_for:
            _install(self)

    def register_callback(self, hook: str, func: Callable[..., Any]) -> None:
        """Use `func` for `hook` (``"raw_element_vr"`` or ``"raw_element_value"``).

        Raises
        ------
        TypeError
            If `func` is not callable.
        ValueError
            If `hook` is not one of the two.
        """
        if not callable(func):
            raise TypeError("'func' must be a callable function")
        if hook == "raw_element_value":
            self.raw_element_value = func
        elif hook == "raw_element_vr":
            self.raw_element_vr = func
        else:
            raise ValueError(f"Unknown hook '{hook}'")

    def register_kwargs(self, hook: str, kwargs: dict[str, Any]) -> None:
        """Pass `kwargs` to the callbacks of `hook` (``"raw_element_kwargs"``).

        Raises
        ------
        TypeError
            If `kwargs` is not a dict.
        ValueError
            If `hook` is not ``"raw_element_kwargs"``.
        """
        if not isinstance(kwargs, dict):
            raise TypeError(f"'kwargs' must be a dict, not '{type(kwargs).__name__}'")
        if hook != "raw_element_kwargs":
            raise ValueError(f"Unknown hook '{hook}'")
        self.raw_element_kwargs = kwargs

    def is_default(self) -> bool:
        """Whether every hook is dcmcore's default (conversion then takes the direct path)."""
        return (
            self.raw_element_vr is raw_element_vr
            and self.raw_element_value is raw_element_value
            and not self.raw_element_kwargs
            and self.raw_element_callback is None
        )

    def convert(
        self,
        raw: RawDataElement,
        encoding: str | MutableSequence[str] | None = None,
        ds: Dataset | None = None,
    ) -> DataElement:
        """Convert `raw` through the hooks (what ``convert_raw_data_element`` does)."""
        if self.raw_element_callback is not None:
            raw = self.raw_element_callback(raw, **self.raw_element_callback_kwargs)
        data: dict[str, Any] = {}
        kwargs = self.raw_element_kwargs
        self.raw_element_vr(raw, data, encoding=encoding, ds=ds, **kwargs)
        self.raw_element_value(raw, data, encoding=encoding, ds=ds, **kwargs)
        undefined = raw.length == _UNDEFINED_LENGTH or bool(
            getattr(raw, "is_undefined_length", False)
        )
        elem = DataElement(
            raw.tag, data["VR"], data["value"], raw.value_tell, undefined, already_converted=True
        )
        if raw.tag >> 16 & 1 and raw.tag & 0xFF00 and ds is not None:
            elem.private_creator = _raw_vr._private_creator_of(elem.tag, ds)
        return elem


_installed_for: Hooks | None = None


def _install(owner: Hooks) -> None:
    """Route the data model's conversion through `owner` unless every hook is the default."""
    if hasattr(_element, "conversion_hook"):
        _element.conversion_hook = None if owner.is_default() else owner.convert


#: The global hooks (pydicom's ``pydicom.hooks.hooks``).
hooks: Hooks = Hooks()
_installed_for = hooks
