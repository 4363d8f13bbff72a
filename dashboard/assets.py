"""The page's CSS, JavaScript and HTML, kept as files beside the code (`css/`, `js/`, `html/`):
real files an editor and a linter can read, each read once at import by the module using it."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def text(name: str) -> str:
    """The file `name` (e.g. "js/renderer.js") under dashboard/."""
    return (HERE / name).read_text(encoding="utf-8")
