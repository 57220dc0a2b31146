"""The import contracts of pyproject.toml (docs/architecture.md) hold: apps in layers, the engine
pure Python, views at the top of each app. `make lint` runs the same `lint-imports`."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")

    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_imports_without_django():
    """The engine's command line runs in a bare interpreter: no Django, no app of the project."""
    code = (
        "import sys, matching.engine, matching.engine.workshops, matching.engine.recommend;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'accounts', 'events', 'pitches', 'workshops', 'core', 'config', 'demo'});"
        "print(bad); sys.exit(bool(bad))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert (result.returncode, result.stdout.strip()) == (0, "[]")
