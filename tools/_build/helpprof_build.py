"""A PEP 517 build backend with no build requirements, so `pip install ./tools` works offline.

It packs the single module helpprof_predictor.py (numpy is its only dependency) into a wheel: the module, a
dist-info with METADATA, WHEEL, entry_points.txt (the `helpprof-predictor` command) and RECORD. Editable
installs (`pip install -e ./tools`) get a .pth file pointing at tools/. The project data comes from
pyproject.toml ([project] name, version, description, requires-python, dependencies).
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import tarfile
import zipfile
from typing import Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "helpprof_predictor.py"
ENTRY = "helpprof-predictor = helpprof_predictor:_main_exit"


def _project() -> Dict[str, object]:
    """[project] of pyproject.toml (tomllib on 3.11+, a small reader of this file's simple keys otherwise)."""
    path = os.path.join(ROOT, "pyproject.toml")
    try:
        import tomllib  # type: ignore[import-not-found]
        with open(path, "rb") as handle:
            return tomllib.load(handle)["project"]
    except ImportError:
        text = open(path, encoding="utf-8").read()
        section = text.split("[project]", 1)[1].split("\n[", 1)[0]
        out: Dict[str, object] = {}
        for key, value in re.findall(r'^([a-z-]+)\s*=\s*(.+)$', section, flags=re.M):
            value = value.strip()
            out[key] = re.findall(r'"([^"]*)"', value) if value.startswith("[") else value.strip('"')
        return out


def _names() -> Tuple[str, str]:
    p = _project()
    return str(p["name"]).replace("-", "_"), str(p["version"])


def _metadata() -> str:
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}",
             f"Summary: {p.get('description', '')}", f"Requires-Python: {p.get('requires-python', '>=3.8')}"]
    lines += [f"Requires-Dist: {d}" for d in p.get("dependencies", [])]  # type: ignore[union-attr]
    return "\n".join(lines) + "\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _wheel(directory: str, files: List[Tuple[str, bytes]]) -> str:
    name, version = _names()
    info = f"{name}-{version}.dist-info"
    files = files + [(f"{info}/METADATA", _metadata().encode()),
                     (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: helpprof_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
                     (f"{info}/entry_points.txt", f"[console_scripts]\n{ENTRY}\n".encode())]
    record = "\n".join(_record_line(n, d) for n, d in files) + f"\n{info}/RECORD,,\n"
    filename = f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files + [(f"{info}/RECORD", record.encode())]:
            z.writestr(zipfile.ZipInfo(n, date_time=(2026, 1, 1, 0, 0, 0)), d)
    return filename


def get_requires_for_build_wheel(config_settings: Optional[dict] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[dict] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[dict] = None) -> List[str]:
    return []


def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None,
                metadata_directory: Optional[str] = None) -> str:
    with open(os.path.join(ROOT, MODULE), "rb") as handle:
        return _wheel(wheel_directory, [(MODULE, handle.read())])


def build_editable(wheel_directory: str, config_settings: Optional[dict] = None,
                   metadata_directory: Optional[str] = None) -> str:
    name, _ = _names()
    return _wheel(wheel_directory, [(f"__editable__.{name}.pth", (ROOT + "\n").encode())])


def build_sdist(sdist_directory: str, config_settings: Optional[dict] = None) -> str:
    name, version = _names()
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for rel in ("pyproject.toml", MODULE, "_build/helpprof_build.py"):
            tar.add(os.path.join(ROOT, rel), arcname=f"{base}/{rel}")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        import io
        tar.addfile(info, io.BytesIO(data))
    return filename
