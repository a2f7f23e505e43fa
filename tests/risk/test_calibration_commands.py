"""The calibration study from the command line: the database study and the synthetic one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_database_study_says_when_no_instrument_is_in_force():
    with pytest.raises(CommandError, match="No instrument version is in force"):
        call_command("calibration_study", stdout=StringIO(), stderr=StringIO())


def test_synthetic_study_prints_and_saves_its_report(tmp_path):
    out = StringIO()
    call_command(
        "synthetic_calibration_study", "300", output=str(tmp_path / "study"), stdout=out, stderr=StringIO()
    )
    assert "Current: original tool (synthetic): " in out.getvalue()
    # 300 children are too few to learn from: the report says so rather than proposing.
    assert "at least 100 are needed" in out.getvalue()
    assert (tmp_path / "study.md").read_text().startswith("# Calibration study")
    assert '"caveat"' in (tmp_path / "study.json").read_text()
