"""Reads are logged in one place and people are made in one place (issue 11), checked on the source.

- No view (web or API) writes the access log itself: pages open records through the open-and-log
  selectors (``tessera.access.reads`` and each app's ``open_<kind>``), so a new page cannot forget.
- Only ``tessera.audit`` reads the access log's tables; other apps ask ``tessera.audit.selectors``.
- Only ``tessera.people.services`` creates person and source-identity rows. The synthetic world's bulk
  loader (``tessera.synth``) writes rows by table for benchmarks and the demo, never for real data.

Each check is also run on a planted file, to show it would fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tessera

TREE = Path(tessera.__file__).parent

AUDIT_WRITERS = {"record_access", "record_list_view"}
LOG_TABLES = {"AccessLog", "RecordShown"}
PEOPLE_MODELS = {"Person", "SourceIdentity"}
CREATING = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _is_view(relative: Path) -> bool:
    parts = relative.parts
    return relative.name == "views.py" or "views" in parts[:-1] or parts[0] == "api"


def _python_files(tree: Path) -> list[tuple[Path, ast.Module]]:
    return [
        (path.relative_to(tree), ast.parse(path.read_text(), filename=str(path)))
        for path in sorted(tree.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def view_log_writes(tree: Path) -> list[str]:
    """Views that import the access log's write functions."""
    found = []
    for relative, module in _python_files(tree):
        if not _is_view(relative):
            continue
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom) and node.module == "tessera.audit.log":
                names = {alias.name for alias in node.names} & AUDIT_WRITERS
                if names:
                    found.append(f"{relative}: imports {', '.join(sorted(names))}")
    return found


def log_table_reads(tree: Path) -> list[str]:
    """``AccessLog.objects`` / ``RecordShown.objects`` outside the audit app."""
    found = []
    for relative, module in _python_files(tree):
        if relative.parts[0] == "audit":
            continue
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id in LOG_TABLES
            ):
                found.append(f"{relative}:{node.lineno}: {node.value.id}.objects")
    return found


def people_created_outside_services(tree: Path) -> list[str]:
    """``Person.objects.create(...)`` and the like, or ``Person(...)``, outside people/services.py."""
    found = []
    for relative, module in _python_files(tree):
        if relative.as_posix() == "people/services.py" or relative.parts[0] == "synth":
            continue
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in PEOPLE_MODELS:
                found.append(f"{relative}:{node.lineno}: {func.id}(...)")
            if (
                isinstance(func, ast.Attribute)
                and func.attr in CREATING
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "objects"
                and isinstance(func.value.value, ast.Name)
                and func.value.value.id in PEOPLE_MODELS
            ):
                found.append(f"{relative}:{node.lineno}: {func.value.value.id}.objects.{func.attr}")
    return found


def test_no_view_writes_the_access_log_itself():
    assert view_log_writes(TREE) == []


def test_only_the_audit_app_reads_the_log_tables():
    assert log_table_reads(TREE) == []


def test_people_are_created_only_through_people_services():
    assert people_created_outside_services(TREE) == []


def _planted(tmp_path: Path, relative: str, source: str) -> Path:
    tree = tmp_path / "tessera"
    target = tree / relative
    target.parent.mkdir(parents=True)
    target.write_text(source)
    return tree


def test_a_view_that_logs_for_itself_is_caught(tmp_path: Path):
    tree = _planted(tmp_path, "missing/views.py", "from tessera.audit.log import record_access\n")
    assert view_log_writes(tree) == ["missing/views.py: imports record_access"]


def test_a_read_of_the_log_outside_audit_is_caught(tmp_path: Path):
    tree = _planted(tmp_path, "missing/selectors.py", "rows = AccessLog.objects.all()\n")
    assert log_table_reads(tree) == ["missing/selectors.py:1: AccessLog.objects"]


def test_a_person_created_outside_people_services_is_caught(tmp_path: Path):
    tree = _planted(tmp_path, "missing/services.py", "child = Person.objects.create(given_name='A')\n")
    assert people_created_outside_services(tree) == ["missing/services.py:1: Person.objects.create"]
