"""Sphinx configuration for the dcmcore documentation.

Build with ``tox -e docs`` or
``sphinx-build -W --keep-going -b html docs docs/_build/html``; a warning fails the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))      # document the checkout, installed or not

import dcmcore  # noqa: E402

project = "dcmcore"
author = "the dcmcore maintainers"
copyright = "the dcmcore maintainers"
version = release = dcmcore.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "**/.pytest_cache"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True      # "Attributes" as fields: NamedTuple fields are documented once
# Types in signatures and numpydoc sections are linked when they name one object; a bare
# builtin name such as ``type`` that is also an attribute of some class (UID.type) would
# otherwise be reported as an ambiguous reference.
nitpicky = False
suppress_warnings = ["ref.python"]

html_theme = "alabaster"
html_title = f"dcmcore {release}"
html_theme_options = {
    "description": "A pure-Python DICOM core with the pydicom 3 Dataset API and codec plugins",
    "fixed_sidebar": True,
}
