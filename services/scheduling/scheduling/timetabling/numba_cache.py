"""Where numba keeps compiled kernels, so compilation happens once per machine, not per run.

Must be imported before numba: numba reads NUMBA_CACHE_DIR when it is first imported.
Order: NUMBA_CACHE_DIR if set; else <EDUCRM_VAR_DIR or repo var/>/numba-cache when running
from a checkout (var/ is git-ignored); else the user cache directory.
"""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    if os.environ.get("EDUCRM_VAR_DIR"):
        return Path(os.environ["EDUCRM_VAR_DIR"]) / "numba-cache"
    here = Path(__file__).resolve()
    if len(here.parents) > 4:
        repo = here.parents[4]  # timetabling / scheduling / services/scheduling / services / repo
        if (repo / ".git").exists():
            return repo / "var" / "numba-cache"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "educrm-scheduling" / "numba"


def configure() -> None:
    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir()))
