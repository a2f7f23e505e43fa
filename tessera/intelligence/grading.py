"""Intelligence grades as pure values: the 3x5x2 in use today, and 5x5x5 grades from older records.

3x5x2 (College of Policing, intelligence management): source evaluation 1-3, intelligence assessment
A-E, handling code P or C. Older records carry 5x5x5 grades (source A-E, intelligence 1-5, handling 1-5,
written like "B24"); they are kept exactly as written and read out in words, never converted, because
the two scales do not map one to one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOURCE_EVALUATION = {
    "1": "Reliable",
    "2": "Untested",
    "3": "Not reliable",
}
INTELLIGENCE_ASSESSMENT = {
    "A": "Known directly to the source",
    "B": "Known indirectly to the source but corroborated",
    "C": "Known indirectly to the source",
    "D": "Not known",
    "E": "Suspected to be false",
}
HANDLING_CODE = {
    "P": "Lawful sharing permitted",
    "C": "Lawful sharing permitted subject to conditions",
}

LEGACY_SOURCE = {
    "A": "Always reliable",
    "B": "Mostly reliable",
    "C": "Sometimes reliable",
    "D": "Unreliable",
    "E": "Untested source",
}
LEGACY_INTELLIGENCE = {
    "1": "Known to be true without reservation",
    "2": "Known personally to the source but not to the officer",
    "3": "Not known personally to the source but corroborated",
    "4": "Cannot be judged",
    "5": "Suspected to be false",
}
LEGACY_HANDLING = {
    "1": "May be passed to other law enforcement and prosecuting agencies",
    "2": "May be passed to UK non-prosecuting agencies",
    "3": "May be passed to law enforcement agencies abroad",
    "4": "Only within the originating agency",
    "5": "No further dissemination: refer to the originator",
}

_LEGACY = re.compile(r"^\s*([A-Ea-e])\s*[/\-.,]?\s*([1-5])\s*[/\-.,]?\s*([1-5])\s*$")


@dataclass(frozen=True)
class Grade:
    """A 3x5x2 grade: source evaluation, intelligence assessment, handling code."""

    source_evaluation: str
    intelligence_assessment: str
    handling_code: str

    def __post_init__(self) -> None:
        problem = grade_problem(self.source_evaluation, self.intelligence_assessment, self.handling_code)
        if problem:
            raise ValueError(problem)

    @property
    def code(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"

    @property
    def words(self) -> str:
        return (
            f"Source {self.source_evaluation} ({SOURCE_EVALUATION[self.source_evaluation].lower()}), "
            f"intelligence {self.intelligence_assessment} "
            f"({INTELLIGENCE_ASSESSMENT[self.intelligence_assessment].lower()}), "
            f"handling {self.handling_code} ({HANDLING_CODE[self.handling_code].lower()})"
        )

    @property
    def sharing_has_conditions(self) -> bool:
        return self.handling_code == "C"


def grade_problem(source_evaluation: str, intelligence_assessment: str, handling_code: str) -> str:
    """Why these three parts are not a 3x5x2 grade, in words for the person grading; "" when they are."""
    if source_evaluation not in SOURCE_EVALUATION:
        return "Choose a source evaluation: 1 (reliable), 2 (untested) or 3 (not reliable)."
    if intelligence_assessment not in INTELLIGENCE_ASSESSMENT:
        return "Choose an intelligence assessment from A (known directly) to E (suspected false)."
    if handling_code not in HANDLING_CODE:
        return "Choose a handling code: P (sharing permitted) or C (sharing with conditions)."
    return ""


# What a disclosure to a partner or member of staff (a return interview, a youth worker's note) is graded
# until a police analyst evaluates it: the source is untested, the recorder heard it rather than saw it,
# and it is shared only with conditions because it comes from a child.
PARTNER_DEFAULT = Grade("2", "C", "C")


@dataclass(frozen=True)
class LegacyGrade:
    """A 5x5x5 grade from an older record, read out in words."""

    written: str
    source: str
    intelligence: str
    handling: str

    @property
    def code(self) -> str:
        return f"{self.source}{self.intelligence}{self.handling}"

    @property
    def words(self) -> str:
        return (
            f"5x5x5 grade {self.code}: source {self.source} ({LEGACY_SOURCE[self.source].lower()}), "
            f"intelligence {self.intelligence} ({LEGACY_INTELLIGENCE[self.intelligence].lower()}), "
            f"handling {self.handling} ({LEGACY_HANDLING[self.handling].lower()})"
        )


def read_legacy_grade(written: str) -> LegacyGrade | None:
    """A 5x5x5 grade as older systems wrote it ("B24", "b/2/4", "B 2 4"), or None if it is not one."""
    match = _LEGACY.match(written or "")
    if match is None:
        return None
    source, intelligence, handling = match.groups()
    return LegacyGrade(written, source.upper(), intelligence, handling)


def describe_grade(
    source_evaluation: str, intelligence_assessment: str, handling_code: str, legacy: str
) -> str:
    """The grade a record carries, in words: its 3x5x2 grade, else its 5x5x5 grade, else "Not graded"."""
    if not grade_problem(source_evaluation, intelligence_assessment, handling_code):
        return Grade(source_evaluation, intelligence_assessment, handling_code).words
    old = read_legacy_grade(legacy)
    if old is not None:
        return old.words
    if legacy:
        return f"Older grade, as written: {legacy}"
    return "Not graded"
