"""`make audit-deps` never passes without having audited (issue 17, build 7)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"


def _audit_deps() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_packages_the_service_could_not_look_up_are_not_a_pass():
    verdict = _audit_deps().judge(
        {
            "dependencies": [
                {"name": "django", "version": "5.2.19", "vulns": []},
                {"name": "altair", "skip_reason": "Dependency not found on PyPI and could not be audited"},
            ]
        }
    )
    assert verdict.code == 2
    assert verdict.lines[-1].startswith("COULD NOT AUDIT 1 of 2 locked packages")


def test_an_empty_report_is_not_a_pass():
    assert _audit_deps().judge({"dependencies": [], "fixes": []}).code == 2


def test_a_known_vulnerability_fails_and_names_the_fix():
    verdict = _audit_deps().judge(
        {
            "dependencies": [
                {
                    "name": "django",
                    "version": "5.2.0",
                    "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}],
                }
            ]
        }
    )
    assert verdict.code == 1
    assert verdict.lines == ["VULNERABLE django 5.2.0: PYSEC-1 (fixed in 5.2.1)"]


def test_every_package_looked_up_and_clean_passes():
    verdict = _audit_deps().judge({"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]})
    assert verdict.code == 0
