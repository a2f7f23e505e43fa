"""Which Tessera package may import which, and a reader that finds every import breaking the rule.

Packages sit in tiers, lowest first. A module may import its own package and any package in a lower
tier; packages that share a tier are independent of each other. Where a lower layer must learn
something from a higher one, the higher one registers with it at start-up (``AppConfig.ready``).

Two kinds of import are refused:
- an import that points up the tiers or sideways within one, wherever it is written (module level,
  ``TYPE_CHECKING`` blocks and function bodies alike);
- any import of a Tessera module inside a function (other than ``AppConfig.ready`` in ``apps.py``):
  an import put there to dodge a cycle hides the cycle instead of removing it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Lowest first. "(project)" stands for the modules directly under tessera/: settings, urls and wsgi
# wire the whole project together (top); env and formats are read by settings (bottom).
TIERS: tuple[frozenset[str], ...] = (
    frozenset({"core", "ui", "env", "formats"}),
    frozenset({"audit"}),
    frozenset({"accounts", "jobs"}),
    frozenset({"access"}),
    frozenset({"people"}),
    # Domain apps, in the order they build on each other: referrals open cases and search people
    # through linkage; imports correct rows with linkage's search before create; risk reacts to
    # referrals and adds a tab to cases. Network analysis reads people and links only.
    frozenset({"cases", "linkage", "network"}),
    frozenset({"referrals", "imports"}),
    frozenset({"risk"}),
    # Intelligence reports name people and things, and packages for a case team read cases; the
    # missing-children app (above) turns return interviews' disclosures into reports.
    # The network early warning asks risk for reassessments when a link joins a child to a suspected
    # exploiter (independent of intelligence, which shares its tier).
    frozenset({"intelligence", "earlywarning"}),
    # Missing episodes ask risk for reassessments directly, add to the case page and chronology, and
    # turn return interviews' disclosures into intelligence reports.
    frozenset({"missing"}),
    # Retention and subject access read everything recorded about a person: people, cases, referrals,
    # risk assessments and the access log.
    frozenset({"information"}),
    # Consumers of the domain: pages and API, user administration, the synthetic world.
    frozenset({"web", "api", "administration", "synth"}),
    frozenset({"settings", "urls", "wsgi"}),
)

ROOT_PACKAGE = "tessera"


def tier_of(package: str) -> int:
    for index, tier in enumerate(TIERS):
        if package in tier:
            return index
    raise KeyError(
        f"tessera.{package} is in no tier of tests/architecture/layers.py: add it where it belongs"
    )


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.imported}: {self.why}"


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(module: str, is_package: bool, tree: ast.Module) -> Iterator[tuple[ast.stmt, str, str | None]]:
    """Each Tessera module imported, with the statement and the function it sits in (None: module level)."""

    def visit(node: ast.AST, function: str | None) -> Iterator[tuple[ast.stmt, str, str | None]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, child.name)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    yield child, alias.name, function
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(module, is_package, child)
                yield child, target, function
            else:
                yield from visit(child, function)

    for statement, target, function in visit(tree, None):
        if target == ROOT_PACKAGE or target.startswith(ROOT_PACKAGE + "."):
            yield statement, target, function


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def violations(root: Path) -> list[Violation]:
    """Every import under ``root`` (the tessera package directory) that breaks the layers."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(root, path)
        own = _package_of(module)
        own_tier = tier_of(own) if own else len(TIERS)  # tessera/__init__.py
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        shown = str(path.relative_to(root.parent))
        for statement, target, function in _imports(module, path.name == "__init__.py", tree):
            package = _package_of(target)
            reasons = []
            if function is not None and not (path.name == "apps.py" and function == "ready"):
                reasons.append(
                    f"imported inside {function}(): import at module level, or have the higher layer "
                    "register with the lower one from AppConfig.ready"
                )
            if package and package != own:
                their_tier = tier_of(package)
                if their_tier > own_tier:
                    reasons.append(f"{own} sits below {package}")
                elif their_tier == own_tier:
                    reasons.append(f"{own} and {package} are independent of each other")
            if reasons:
                found.append(Violation(shown, statement.lineno, target, "; ".join(reasons)))
    return found
