"""ICC colour management through Pillow's ImageCms (an optional dependency).

Pillow is imported when a transform is made or applied, never with the package.
"""

from __future__ import annotations

from io import BytesIO
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

import numpy as np

if TYPE_CHECKING:
    from PIL.ImageCms import ImageCmsTransform

__all__ = ["require_pillow", "create_transform", "apply_transform"]

#: Color Space (0028,2002) values Pillow can build a profile for -> Pillow's name
CMS_COLOR_SPACES: Final = {"SRGB": "sRGB", "XYZ": "XYZ", "LAB": "LAB"}
#: ICC rendering intents
CMS_INTENTS: Final = {
    0: "perceptual",
    1: "relative colorimetric",
    2: "saturation",
    3: "absolute colorimetric",
}


def require_pillow(purpose: str) -> tuple[ModuleType, ModuleType]:
    """Pillow's ``Image`` and ``ImageCms`` modules, or ImportError saying what needs them."""
    try:
        # deferred: Pillow is optional and heavy
        from PIL import Image, ImageCms
    except ImportError as exc:
        raise ImportError(f"Pillow is required to {purpose}") from exc
    return Image, ImageCms


def create_transform(ds: Any, icc_profile: bytes, intent: int | None,
                     color_space: str | None) -> ImageCmsTransform:
    """Build the RGB -> `color_space` transform of the ICC profile of `ds` or `icc_profile`."""
    _, image_cms = require_pillow("create a color transformation object")
    if ds is None and not icc_profile:
        raise ValueError("Either 'ds' or 'icc_profile' must be supplied")
    if ds and icc_profile:
        raise ValueError("Only one of 'ds' and 'icc_profile' should be used, not both")
    if ds is not None:
        icc_profile = getattr(ds, "ICCProfile", icc_profile)
    if not icc_profile:
        raise ValueError("No (0028,2000) 'ICC Profile' element was found in 'ds'")

    space = color_space or getattr(ds, "ColorSpace", "sRGB")
    if space and str(space).upper() not in CMS_COLOR_SPACES:
        if color_space:
            msg = (f"Unsupported 'color_space' value '{space}', must be 'sRGB', 'LAB' "
                   "or 'XYZ'")
        else:
            msg = (f"The (0028,2002) 'Color Space' value '{space}' is not supported by "
                   "Pillow, please use the 'color_space' argument to specify a supported "
                   "value")
        raise ValueError(msg)
    out_space = CMS_COLOR_SPACES[str(space).upper()]

    profile = image_cms.ImageCmsProfile(BytesIO(bytes(icc_profile)))
    chosen = intent or image_cms.getDefaultIntent(profile)
    if chosen not in CMS_INTENTS:
        raise ValueError(f"Invalid 'intent' value '{chosen}', must be 0, 1, 2 or 3")
    transform: ImageCmsTransform = image_cms.buildTransform(
        outputProfile=image_cms.createProfile(out_space),
        inputProfile=profile,
        inMode="RGB",
        outMode="RGB",
        renderingIntent=image_cms.Intent(chosen),
    )
    return transform


def apply_transform(arr: np.ndarray, transform: ImageCmsTransform) -> np.ndarray:
    """Apply `transform` to each (rows, columns, 3) image of `arr`, in place."""
    image, image_cms = require_pillow("apply an ICC profile to an ndarray")
    frames = arr if arr.ndim == 4 else arr[np.newaxis]
    for index, frame in enumerate(frames):
        im = image.fromarray(frame)
        image_cms.applyTransform(im, transform, inPlace=True)
        frames[index] = np.asarray(im)
    return arr
