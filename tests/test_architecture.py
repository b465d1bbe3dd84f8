"""The layers hold: import-linter's contracts (pyproject.toml) and no import cycles."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")
# Alembic runs it as a script: importing it starts a migration.
NOT_IMPORTABLE = {"storage.migrations.env"}
WORKERS = os.cpu_count() or 1

# Imports each module named in its arguments with none of ours loaded before it (third-party
# libraries stay loaded: they cannot be part of our cycles, and reloading them is slow).
# A module that imports only after some other one was imported first hides a cycle.
IMPORT_EACH = """
import importlib, sys, traceback
ours = {"bot", "handlers", "storage"}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ours]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        print(f"--- {name}\\n{traceback.format_exc(limit=-3)}")
"""


def our_modules() -> list[str]:
    """Every module of our packages, found on disk (Alembic's revision folder is no package)."""
    names = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            folders = (ROOT.joinpath(*parts[:i]) for i in range(1, len(parts)))
            if all((folder / "__init__.py").exists() for folder in folders):
                names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names - NOT_IMPORTABLE)


def test_every_module_imports_first() -> None:
    modules = our_modules()
    assert {"bot.runtime.app", "handlers.common.blueprint", "storage.models"} <= set(modules)
    # Each worker has its share from the start, so they run side by side.
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORT_EACH, *modules[number::WORKERS]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for number in range(WORKERS)
    ]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
        assert stdout == "", stdout


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
