"""The layers hold: no Tessera import points up (or sideways), and none hides inside a function.

The same check is then run on a copy of the tree with one bad import planted, to show it would fail.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import tessera
from tests.architecture.layers import violations

TREE = Path(tessera.__file__).parent


def test_no_import_points_up_the_layers_or_hides_in_a_function():
    assert [str(v) for v in violations(TREE)] == []


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "tessera"
    shutil.copytree(TREE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    return copy


def plant(tree: Path, relative: str, source: str) -> None:
    (tree / relative).write_text(textwrap.dedent(source))


def test_a_planted_upward_import_fails_the_check(tree_copy: Path):
    plant(tree_copy, "people/planted.py", "from tessera.cases.models import Case\n")
    [violation] = violations(tree_copy)
    assert violation.path == "tessera/people/planted.py"
    assert violation.imported == "tessera.cases.models"
    assert "people sits below cases" in violation.why


def test_a_domain_app_importing_the_web_layer_fails(tree_copy: Path):
    plant(tree_copy, "risk/planted.py", "from tessera.web.navigation import items_for\n")
    assert [v.why for v in violations(tree_copy)] == ["risk sits below web"]


def test_an_import_between_independent_apps_of_one_layer_fails(tree_copy: Path):
    plant(tree_copy, "cases/planted.py", "from tessera.linkage import search\n")
    assert [v.why for v in violations(tree_copy)] == ["cases and linkage are independent of each other"]


def test_relative_and_type_checking_imports_count(tree_copy: Path):
    plant(
        tree_copy,
        "audit/planted.py",
        """
        from typing import TYPE_CHECKING

        from ..accounts import models

        if TYPE_CHECKING:
            from tessera.people.models import Person
        """,
    )
    found = violations(tree_copy)
    assert [(v.imported, v.why) for v in found] == [
        ("tessera.accounts", "audit sits below accounts"),
        ("tessera.people.models", "audit sits below people"),
    ]


def test_an_import_inside_a_function_fails_even_when_it_points_down(tree_copy: Path):
    plant(
        tree_copy,
        "risk/planted.py",
        """
        def later():
            from tessera.cases.models import Case
            return Case
        """,
    )
    [violation] = violations(tree_copy)
    assert violation.line == 3
    assert violation.why.startswith("imported inside later()")


def test_app_config_ready_may_import_lower_layers_but_not_higher_ones(tree_copy: Path):
    plant(
        tree_copy,
        "people/apps.py",
        """
        from django.apps import AppConfig


        class PeopleConfig(AppConfig):
            name = "tessera.people"

            def ready(self):
                from tessera.access.policy import register
                from tessera.risk.models import RiskAssessment
        """,
    )
    assert [(v.imported, v.why) for v in violations(tree_copy)] == [
        ("tessera.risk.models", "people sits below risk")
    ]


def test_a_new_app_must_be_given_a_layer(tree_copy: Path):
    (tree_copy / "forensics").mkdir()
    plant(tree_copy, "forensics/__init__.py", "")
    with pytest.raises(KeyError, match=r"tessera\.forensics is in no tier"):
        violations(tree_copy)
