"""The data path's rule, enforced: the pure core imports nothing from Textual.

The contract is ``[tool.importlinter]`` in pyproject.toml (add a new Textual-free module
to its ``source_modules``); this runs import-linter on it as part of the test command.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache", "--no-logo"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_the_core_imports_nothing_from_textual():
    done = lint_imports(ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


# What may import Textual: the app and its widgets, and what starts or serves them. Every
# other module of the package is core and must be in the contract.
UI = {"livedash.app", "livedash.action_controller", "livedash.guard", "livedash.housekeeping",
      "livedash.messages", "livedash.textual_workarounds", "livedash.themes",
      "livedash.commands", "livedash.export_action",  # palette and `e`: they drive the UI
      "livedash.cli", "livedash.__main__", "livedash.demo.__main__",  # they start the app
      "livedash.serve", "livedash.serve.command", "livedash.serve.viewer",
      "livedash.serve.viewer_entry", "livedash.serve.testing"}


def package_modules() -> set[str]:
    modules = set()
    for path in (ROOT / "livedash").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.add(".".join(parts))
    return modules


def test_the_contract_covers_the_core():
    contract, = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"]
    modules = package_modules()
    core = {m for m in modules
            if m not in UI and m != "livedash" and not m.startswith("livedash.widgets")}
    assert {"livedash.store", "livedash.decode", "livedash.client"} <= core
    missing = core - set(contract["source_modules"])
    assert not missing, f"Textual-free modules missing from the contract: {sorted(missing)}"
    assert set(contract["source_modules"]) <= modules  # no stale names
    assert contract["forbidden_modules"] == ["textual"]


def test_a_module_that_imports_textual_breaks_the_contract(tmp_path):
    # The check can fail: guard.py imports Textual, so a contract naming it is broken.
    config = tmp_path / "importlinter.ini"
    config.write_text(
        "[importlinter]\nroot_package = livedash\ninclude_external_packages = True\n\n"
        "[importlinter:contract:core]\nname = core\ntype = forbidden\n"
        "source_modules =\n    livedash.store\n    livedash.guard\n"
        "forbidden_modules =\n    textual\n")
    done = lint_imports(config)
    assert done.returncode != 0
    assert "livedash.guard -> " in done.stdout and " -> textual" in done.stdout
