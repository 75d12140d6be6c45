"""Value Representations: the 34 VRs of DICOM Part 5 and how each is encoded."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "VR",
    "EXPLICIT_VR_LENGTH_32",
    "BYTES_VR",
    "STR_VR",
    "TEXT_VR",
    "CHARSET_VR",
    "AMBIGUOUS_VR",
    "FLOAT_VR",
    "INT_VR",
    "NUMERIC_VR",
    "DEFAULT_CHARSET_VR",
    "ALLOW_BACKSLASH",
    "STRUCT_FORMAT",
    "MAX_LENGTH",
    "is_valid_vr",
]


class VR(StrEnum):
    """The Value Representations of DICOM Part 5, Table 6.2-1."""

    AE = "AE"
    AS = "AS"
    AT = "AT"
    CS = "CS"
    DA = "DA"
    DS = "DS"
    DT = "DT"
    FD = "FD"
    FL = "FL"
    IS = "IS"
    LO = "LO"
    LT = "LT"
    OB = "OB"
    OD = "OD"
    OF = "OF"
    OL = "OL"
    OV = "OV"
    OW = "OW"
    PN = "PN"
    SH = "SH"
    SL = "SL"
    SQ = "SQ"
    SS = "SS"
    ST = "ST"
    SV = "SV"
    TM = "TM"
    UC = "UC"
    UI = "UI"
    UL = "UL"
    UN = "UN"
    UR = "UR"
    US = "US"
    UT = "UT"
    UV = "UV"
    # ambiguous VRs resolved from the dataset's context
    US_SS_OW = "US or SS or OW"
    US_SS = "US or SS"
    US_OW = "US or OW"
    OB_OW = "OB or OW"


#: VRs with a 2-byte reserved field and a 4-byte length in explicit VR encoding.
EXPLICIT_VR_LENGTH_32 = frozenset(
    {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"}
)
#: VRs whose value is a byte string (or a list of byte strings for encapsulated data).
BYTES_VR = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
#: VRs whose value is text.
STR_VR = frozenset(
    {"AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI",
     "UR", "UT"}
)
#: Text VRs holding a single value (a backslash is not a delimiter).
TEXT_VR = frozenset({"LT", "ST", "UT", "UR"})
#: VRs affected by (0008,0005) Specific Character Set.
CHARSET_VR = frozenset({"LO", "LT", "PN", "SH", "ST", "UC", "UT"})
#: VRs always encoded in the default repertoire.
DEFAULT_CHARSET_VR = STR_VR - CHARSET_VR
#: VRs that may hold several values separated by a backslash.
ALLOW_BACKSLASH = STR_VR - TEXT_VR
AMBIGUOUS_VR = frozenset({"US or SS or OW", "US or SS", "US or OW", "OB or OW"})
FLOAT_VR = frozenset({"FL", "FD"})
INT_VR = frozenset({"SL", "SS", "SV", "UL", "US", "UV"})
NUMERIC_VR = FLOAT_VR | INT_VR | {"AT"}

#: struct format character of each binary numeric VR.
STRUCT_FORMAT = {
    "FL": "f", "FD": "d", "SL": "l", "SS": "h", "SV": "q", "UL": "L", "US": "H", "UV": "Q",
    "OF": "f", "OD": "d", "OL": "L", "OV": "Q", "OW": "H",
}

#: Maximum length in characters (or bytes for binary VRs) of one value, Part 5 Table 6.2-1.
MAX_LENGTH = {
    "AE": 16, "AS": 4, "CS": 16, "DA": 8, "DS": 16, "DT": 26, "IS": 12, "LO": 64, "LT": 10240,
    "SH": 16, "ST": 1024, "TM": 14, "UI": 64, "PN": 64 * 5,
}

_ALL_VRS = frozenset(v.value for v in VR) - AMBIGUOUS_VR


def is_valid_vr(vr: str) -> bool:
    """Return True if `vr` is one of the 34 standard VRs."""
    return vr in _ALL_VRS
