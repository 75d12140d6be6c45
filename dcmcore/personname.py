"""PN values: :class:`PersonName`, decoded on demand from its bytes.

A person name has up to three component groups (alphabetic, ideographic,
phonetic) separated by ``=``, each with up to five components separated by ``^``.
The whole value is decoded at once (a ``=`` byte may be part of a multi-byte
character) and encoded group by group, so each group returns to value 1 of
Specific Character Set as PS3.5 6.1.2.5.3 requires.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from dcmcore import config
from dcmcore.charset import PN_DELIMS, decode_bytes, default_encoding, encode_string
from dcmcore.validators import validate_value

__all__ = ["PersonName"]

def _verify_encodings(encodings: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if encodings is None:
        return None
    if isinstance(encodings, str):
        return (encodings,)
    return tuple(encodings)


def _decode_personname(value: bytes, encodings: Sequence[str]) -> tuple[str, ...]:
    # decode the whole value first: a '=' byte may be part of a multi-byte character
    comps = decode_bytes(value, encodings, PN_DELIMS).split("=")
    while comps and not comps[-1]:
        comps.pop()
    return tuple(comps)


def _encode_personname(components: Sequence[str], encodings: Sequence[str]) -> bytes:
    encoded = [
        b"^".join(encode_string(group, encodings) for group in comp.split("^"))
        for comp in components
    ]
    while encoded and not encoded[-1]:
        encoded.pop()
    return b"=".join(encoded)


class PersonName:
    """A PN value: up to three component groups (alphabetic, ideographic, phonetic).

    Parameters
    ----------
    val : str, bytes or PersonName
        The decoded name, or the encoded bytes (decoded on first use).
    encodings : list of str, optional
        Python codecs of the value (see :func:`dcmcore.charset.convert_encodings`).
    original_string : bytes, optional
        The encoded value when `val` is the decoded string.
    validation_mode : int, optional
        Default: ``config.settings.reading_validation_mode``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> PersonName | None:  # type: ignore[misc]
        if args and args[0] is None:
            return None
        return super().__new__(cls)

    def __init__(
        self,
        val: bytes | str | PersonName,
        encodings: Sequence[str] | None = None,
        original_string: bytes | None = None,
        validation_mode: int | None = None,
    ) -> None:
        if validation_mode is None:
            validation_mode = config.settings.reading_validation_mode
        self.validation_mode = validation_mode
        self._components: tuple[str, ...] | None = None
        self.original_string: bytes | None
        if isinstance(val, PersonName):
            encodings = val.encodings
            self.original_string = val.original_string
            self._components = tuple(str(val).split("="))
        elif isinstance(val, bytes):
            self.original_string = val
            validate_value("PN", val, validation_mode)
        else:
            self.original_string = original_string
            validate_value("PN", original_string if original_string else val, validation_mode)
            comps = val.split("=")
            while comps and not comps[-1]:
                comps.pop()
            self._components = tuple(comps)
        self.encodings: tuple[str, ...] | None = _verify_encodings(encodings)

    @property
    def components(self) -> tuple[str, ...]:
        """The decoded component groups (alphabetic, ideographic, phonetic), trailing empties dropped."""
        if self._components is None:
            self._components = _decode_personname(
                self.original_string or b"", self.encodings or [default_encoding]
            )
        return self._components

    def _name_part(self, i: int) -> str:
        try:
            return self.components[0].split("^")[i]
        except IndexError:
            return ""

    @property
    def family_name(self) -> str:
        """The first group (family name) of the alphabetic component."""
        return self._name_part(0)

    @property
    def given_name(self) -> str:
        """The second group (given name) of the alphabetic component."""
        return self._name_part(1)

    @property
    def middle_name(self) -> str:
        """The third group (middle name) of the alphabetic component."""
        return self._name_part(2)

    @property
    def name_prefix(self) -> str:
        """The fourth group (name prefix) of the alphabetic component."""
        return self._name_part(3)

    @property
    def name_suffix(self) -> str:
        """The fifth group (name suffix) of the alphabetic component."""
        return self._name_part(4)

    def _component(self, i: int) -> str:
        comps = self.components
        return comps[i] if i < len(comps) else ""

    @property
    def alphabetic(self) -> str:
        """The first (alphabetic) component group."""
        return self._component(0)

    @property
    def ideographic(self) -> str:
        """The second (ideographic) component group."""
        return self._component(1)

    @property
    def phonetic(self) -> str:
        """The third (phonetic) component group."""
        return self._component(2)

    def __eq__(self, other: Any) -> Any:
        return str(self) == other

    def __ne__(self, other: Any) -> Any:
        return not self == other

    def __str__(self) -> str:
        return "=".join(self.components)

    def __repr__(self) -> str:
        return repr("=".join(self.components))

    def __iter__(self) -> Iterator[str]:
        yield from str(self)

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, x: Any) -> bool:
        return x in str(self)

    def __hash__(self) -> int:
        return hash(self.components)

    def __bool__(self) -> bool:
        if not self.original_string:
            comps = self.components
            return bool(comps) and (len(comps) > 1 or bool(comps[0]))
        return True

    def decode(self, encodings: Sequence[str] | None = None) -> PersonName:
        """Return the name decoded with `encodings` (self when unchanged or not given)."""
        if encodings is None or _verify_encodings(encodings) == self.encodings:
            return self
        if self.original_string is None:
            self.original_string = _encode_personname(
                self.components, self.encodings or [default_encoding]
            )
            validate_value("PN", self.original_string, self.validation_mode)
        return PersonName(self.original_string, encodings)

    def encode(self, encodings: Sequence[str] | None = None) -> bytes:
        """Return the encoded name: the original bytes when the encodings are
        unchanged, else the components encoded with `encodings`.
        """
        encs = _verify_encodings(encodings) or self.encodings
        if encs != self.encodings and self.encodings is not None:
            return _encode_personname(self.components, encs or [default_encoding])
        if self.original_string is None:
            self.original_string = _encode_personname(
                self.components, encs or [default_encoding]
            )
        return self.original_string

    def family_comma_given(self) -> str:
        """The name as ``'Family, Given'``."""
        return f"{self.family_name}, {self.given_name}"

    def formatted(self, format_str: str) -> str:
        """The name formatted with ``%``-style named fields (``%(family_name)s``, ...)."""
        fields = (
            "family_name", "given_name", "middle_name", "name_prefix", "name_suffix",
            "ideographic", "phonetic",
        )
        return format_str % {name: getattr(self, name) for name in fields}

    @staticmethod
    def _encode_component_groups(
        alphabetic: Sequence[str | bytes],
        ideographic: Sequence[str | bytes],
        phonetic: Sequence[str | bytes],
        encodings: Sequence[str] | None = None,
    ) -> bytes:
        encs = list(encodings or [default_encoding])

        def standardize(part: str | bytes) -> bytes:
            if isinstance(part, bytes):
                encoded, decoded = part, decode_bytes(part, encs, frozenset())
            else:
                encoded, decoded = encode_string(part, encs), part
            for ch in ("\\", "=", "^"):
                if ch in decoded:
                    raise ValueError(f"Strings may not contain the {ch} character")
            return encoded

        groups = [
            b"^".join(standardize(p) for p in group).rstrip(b"^")
            for group in (alphabetic, ideographic, phonetic)
        ]
        return b"=".join(groups).rstrip(b"=")

    @classmethod
    def from_named_components(
        cls,
        family_name: str | bytes = "",
        given_name: str | bytes = "",
        middle_name: str | bytes = "",
        name_prefix: str | bytes = "",
        name_suffix: str | bytes = "",
        family_name_ideographic: str | bytes = "",
        given_name_ideographic: str | bytes = "",
        middle_name_ideographic: str | bytes = "",
        name_prefix_ideographic: str | bytes = "",
        name_suffix_ideographic: str | bytes = "",
        family_name_phonetic: str | bytes = "",
        given_name_phonetic: str | bytes = "",
        middle_name_phonetic: str | bytes = "",
        name_prefix_phonetic: str | bytes = "",
        name_suffix_phonetic: str | bytes = "",
        encodings: list[str] | None = None,
    ) -> PersonName:
        """Build a name from its named parts (PS3.5 6.2.1); parts may not contain
        ``^``, ``=`` or a backslash (``ValueError``).
        """
        value = cls._encode_component_groups(
            [family_name, given_name, middle_name, name_prefix, name_suffix],
            [
                family_name_ideographic, given_name_ideographic, middle_name_ideographic,
                name_prefix_ideographic, name_suffix_ideographic,
            ],
            [
                family_name_phonetic, given_name_phonetic, middle_name_phonetic,
                name_prefix_phonetic, name_suffix_phonetic,
            ],
            encodings,
        )
        return cls(value, encodings=encodings)

    @classmethod
    def from_named_components_veterinary(
        cls,
        responsible_party_name: str | bytes = "",
        patient_name: str | bytes = "",
        responsible_party_name_ideographic: str | bytes = "",
        patient_name_ideographic: str | bytes = "",
        responsible_party_name_phonetic: str | bytes = "",
        patient_name_phonetic: str | bytes = "",
        encodings: list[str] | None = None,
    ) -> PersonName:
        """Build a veterinary name (responsible party, patient) from its parts."""
        value = cls._encode_component_groups(
            [responsible_party_name, patient_name],
            [responsible_party_name_ideographic, patient_name_ideographic],
            [responsible_party_name_phonetic, patient_name_phonetic],
            encodings,
        )
        return cls(value, encodings=encodings)
