"""The data model stands alone: it imports nothing from dcmcore.io."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import dcmcore

PACKAGE = Path(dcmcore.__file__).parent
MODEL = ("element.py", "sequence.py", "dataset.py", "filedataset.py", "dataset_io.py",
         "dataset_walk.py", "deferred.py", "values.py", "converters.py", "tag.py", "uid.py")
#: pydicom-style members that only delegate to io/ (save_as, JSON...)
FACADES = {"save_as", "to_json", "to_json_dict", "from_json"}


def _io_imports(path: Path) -> list[str]:
    found = []

    def visit(node: ast.AST, func: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef) and func is None else func
            if isinstance(child, ast.ImportFrom) and (child.module or "").startswith("dcmcore.io"):
                if name not in FACADES:
                    found.append(f"{path.name}:{child.lineno} in {name or 'module'}")
            if isinstance(child, ast.Import) and any(a.name.startswith("dcmcore.io")
                                                     for a in child.names):
                found.append(f"{path.name}:{child.lineno} in {name or 'module'}")
            visit(child, name)

    visit(ast.parse(path.read_text(encoding="utf-8")), None)
    return found


def test_data_model_modules_import_io_only_in_facade_methods() -> None:
    found = [hit for name in MODEL for hit in _io_imports(PACKAGE / name)]
    assert found == []


def test_importing_and_using_the_data_model_loads_no_io_module() -> None:
    code = (
        "import sys\n"
        "from dcmcore.dataset import Dataset\n"
        "from dcmcore.sequence import Sequence\n"
        "from dcmcore.element import DataElement\n"
        "ds = Dataset(); ds.PatientName = 'A^B'; ds.BeamSequence = [Dataset()]\n"
        "ds.ensure_file_meta(); str(ds)\n"
        "print(sorted(m for m in sys.modules if m.startswith('dcmcore.io')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]"


def test_raw_sequence_without_a_registered_splitter_says_what_is_missing() -> None:
    code = (
        "from dcmcore.dataset import Dataset\n"
        "from dcmcore.element import RawDataElement\n"
        "from dcmcore.tag import BaseTag\n"
        "tag = BaseTag(0x00081115)\n"
        "ds = Dataset({tag: RawDataElement(tag, 'SQ', 8, b'\\xfe\\xff\\x00\\xe0\\0\\0\\0\\0',"
        " 0, False, True)})\n"
        "try:\n"
        "    ds[tag]\n"
        "except RuntimeError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert "dcmcore.io.parser" in out.stdout and "(0008,1115)" in out.stdout


def test_filedataset_names_stay_importable_from_dataset() -> None:
    from dcmcore import filedataset
    from dcmcore.dataset import FileDataset, FileMetaDataset, validate_file_meta

    assert FileDataset is filedataset.FileDataset
    assert FileMetaDataset is filedataset.FileMetaDataset
    assert validate_file_meta is filedataset.validate_file_meta
