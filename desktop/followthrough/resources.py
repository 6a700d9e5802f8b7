"""Locate the bundled resources folder (playbooks, later templates and icons).

Where it is, in the order looked:

1. ``followthrough/resources/`` beside this module: an installed wheel, which ships
   the repo's top-level ``resources/`` there, or a PyInstaller bundle.
2. ``<sys._MEIPASS>/followthrough/resources/``: a PyInstaller bundle whose data
   files were collected apart from the modules.
3. The repo's top-level ``resources/``, two levels up from the package
   (``desktop/followthrough`` -> repo root): a source checkout or an editable install.

No Qt is imported here.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["resource_path", "resources_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates() -> list[Path]:
    """The places a resources folder may be, in the order they are tried."""
    places = [_PACKAGE_DIR / "resources"]
    meipass = getattr(sys, "_MEIPASS", None)
    if isinstance(meipass, str):
        places.append(Path(meipass) / "followthrough" / "resources")
    places.append(_PACKAGE_DIR.parent.parent / "resources")
    return places


def resources_dir() -> Path:
    """Return the folder holding Followthrough's resources.

    Raises:
        FileNotFoundError: if none of the known places holds a resources folder;
            the message names every place looked.
    """
    places = _candidates()
    for place in places:
        if place.is_dir():
            return place
    looked = ", ".join(str(place) for place in places)
    raise FileNotFoundError(
        f"Followthrough's resources folder was not found; looked in: {looked}. "
        "Reinstall the package, or run from a checkout that has the top-level resources/."
    )


def resource_path(*parts: str) -> Path:
    """Return the path of ``parts`` inside the resources folder.

    The path is not checked for existence: ``resource_path("playbooks")`` may name a
    folder that a caller then lists.
    """
    return resources_dir().joinpath(*parts)
