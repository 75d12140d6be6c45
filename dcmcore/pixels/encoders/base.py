"""pydicom 3's ``pixels.encoders.base``: the encoder class, its runner and ``get_encoder``.

``EncodeRunner`` is what a pydicom-style encoding function receives
(:class:`dcmcore.pixels._plugin_functions.PluginRunner`), so a plugin module written
for pydicom can import its type from here.
"""

from dcmcore.pixels._coders import CoderBase, Encoder
from dcmcore.pixels._plugin_functions import PluginRunner as EncodeRunner
from dcmcore.pixels.encoders import get_encoder

__all__ = ["CoderBase", "EncodeRunner", "Encoder", "get_encoder"]
