"""Known vulnerabilities in the locked dependencies (constraints.txt), or a plain statement that it could not
be checked: ``make audit-deps``.

pip-audit itself exits 0 when the vulnerability service answers "not found" for every package (it reports
each as "could not be audited" and carries on), so a run on a machine that cannot reach the service would
look like a clean bill. This wrapper reads pip-audit's JSON report and exits:

- 0 only when every locked package was looked up and none has a known vulnerability;
- 1 when any has one (each printed with its advisory and the version that fixes it);
- 2 when any package could not be looked up, or pip-audit could not run at all: the audit did not happen.

    .venv/bin/python scripts/audit_deps.py [--service pypi|osv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLEAN, VULNERABLE, NOT_AUDITED = 0, 1, 2


@dataclass
class Verdict:
    code: int
    lines: list[str] = field(default_factory=list)


def judge(report: dict[str, Any]) -> Verdict:
    """What a pip-audit JSON report says, in plain words, and the exit code it deserves."""
    dependencies = report.get("dependencies", [])
    skipped = [dep for dep in dependencies if dep.get("skip_reason")]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(
                f"VULNERABLE {dep['name']} {dep.get('version', '')}: {vuln.get('id')} (fixed in {fixed})"
            )
    if not dependencies:
        return Verdict(NOT_AUDITED, ["COULD NOT AUDIT: pip-audit reported no dependencies at all."])
    if skipped:
        lines.append(
            f"COULD NOT AUDIT {len(skipped)} of {len(dependencies)} locked packages: the vulnerability "
            "service did not answer for them (first: "
            f"{skipped[0]['skip_reason']}). This is not a pass; run it where the service can be reached."
        )
        return Verdict(NOT_AUDITED, lines)
    if vulnerable:
        return Verdict(VULNERABLE, lines)
    return Verdict(CLEAN, [f"Audited {len(dependencies)} locked packages: no known vulnerabilities."])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    args = parser.parse_args()
    pip_audit = Path(sys.executable).parent / "pip-audit"
    # --disable-pip --no-deps: audit exactly the pinned versions, without installing anything.
    command = [
        str(pip_audit),
        *("--requirement", str(ROOT / "constraints.txt")),
        "--disable-pip",
        "--no-deps",
        *("--vulnerability-service", args.service),
        *("--format", "json"),
        *("--progress-spinner", "off"),
    ]
    ran = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed arguments
    try:
        report = json.loads(ran.stdout)
    except json.JSONDecodeError:
        tail = (ran.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"COULD NOT AUDIT: pip-audit did not produce a report ({tail}).", file=sys.stderr)
        return NOT_AUDITED
    verdict = judge(report)
    for line in verdict.lines:
        print(line, file=sys.stderr if verdict.code else sys.stdout)
    return verdict.code


if __name__ == "__main__":
    sys.exit(main())
