"""What the linkage model compares and how it finds pairs to compare: the Splink settings, as plain code.

One definition serves every backend. ``settings_for(dialect)`` builds the settings for DuckDB (one
machine) or Spark (a cluster) from the same comparisons and blocking rules; the parameters trained on
one are carried to the other by ``with_trained_parameters``.

Choices that matter, and why:
- The address is ONE comparison (the whole address, then the postcode, then the postcode sector). Separate
  postcode, street and town comparisons would count one shared home three times: published evaluations
  show that is what merges siblings and other members of one household.
- Identifiers (NHS number, pupil number, police and council IDs) are ONE comparison too: any shared one
  agreeing is strong evidence, any disagreeing is strong evidence against.
- Names carry term-frequency adjustment: agreeing on "Smith" says less than agreeing on "Oughtibridge".
- Blocking on sound-alike keys with the date of birth finds a child recorded under a step-parent's
  surname at a new address (first name sounds the same, same birthday), and a child recorded under a
  nickname (surname sounds the same, same birthday).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

# Bump when comparisons or blocking change: a saved model records the spec it was trained with.
SPEC_VERSION = 1

IDENTIFIERS = ("nhs_number", "pupil_number", "police_person_id", "la_person_id")


@dataclass(frozen=True)
class Bands:
    """Match probability bands: at or above ``auto_link`` link automatically; at or above ``review``
    a person decides; below, do not link."""

    # Chosen on the 1M-record synthetic world: the lowest band whose automatic links stay above 0.998
    # precision once the safety rules have held back what cannot be one person (bench/linkage.py).
    auto_link: float = 0.99
    review: float = 0.5


def _both(column: str) -> str:
    return f'("{column}_l" IS NOT NULL AND "{column}_r" IS NOT NULL)'


def _name_comparison(column: str, forms_column: str | None) -> ComparisonCreator:
    levels: list[Any] = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(tf_adjustment_column=column, label_for_charts="Same"),
    ]
    if forms_column:
        levels.append(
            cll.ArrayIntersectLevel(forms_column, 1).configure(label_for_charts="Short form of the same name")
        )
    levels += [
        cll.JaroWinklerLevel(column, 0.92).configure(label_for_charts="Spelt almost the same"),
        cll.JaroWinklerLevel(column, 0.80).configure(label_for_charts="Spelt similarly"),
        cll.CustomLevel(
            f'array_contains("other_names_r", "{column}_l") OR array_contains("other_names_l", "{column}_r")',
            label_for_charts="Matches a recorded other name",
            base_dialect_str="duckdb",
        ),
        cll.ElseLevel().configure(label_for_charts="Different"),
    ]
    return cl.CustomComparison(comparison_levels=levels, output_column_name=column)


def _dob_comparison() -> ComparisonCreator:
    swapped = (
        'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) '
        'AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
    )
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(label_for_charts="Same"),
            cll.CustomLevel(swapped, "Day and month swapped", "duckdb"),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="One digit different"),
            cll.CustomLevel('"dob_year_l" = "dob_year_r"', "Same year only", "duckdb"),
            # Fixed: EM would otherwise learn from parents and children who share a name and a home that
            # one person's birthdays often differ completely. A keying error that changes more than one
            # digit is rare; one in a hundred is generous.
            cll.ElseLevel().configure(
                label_for_charts="Different", m_probability=0.01, fix_m_probability=True
            ),
        ],
    )


def _address_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel(
                '"postcode_l" IS NULL OR "postcode_r" IS NULL', "Address missing", "duckdb"
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("address_key").configure(
                tf_adjustment_column="address_key", label_for_charts="Same address"
            ),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same neighbourhood"),
            cll.ElseLevel().configure(label_for_charts="Different"),
        ],
    )


def _identifier_comparison() -> ComparisonCreator:
    none_shared = " AND ".join(f"NOT {_both(c)}" for c in IDENTIFIERS)
    any_agrees = " OR ".join(f'({_both(c)} AND "{c}_l" = "{c}_r")' for c in IDENTIFIERS)
    return cl.CustomComparison(
        output_column_name="identifiers",
        comparison_levels=[
            cll.CustomLevel(none_shared, "No identifier recorded on both", "duckdb").configure(
                is_null_level=True
            ),
            cll.CustomLevel(any_agrees, "A shared identifier is the same", "duckdb"),
            # One person's NHS or pupil number differs between records only by a keying error: fixed small,
            # so EM cannot learn from a few mixed-up pairs that disagreeing identifiers are normal.
            cll.ElseLevel().configure(
                label_for_charts="Shared identifiers differ", m_probability=0.01, fix_m_probability=True
            ),
        ],
    )


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    return [
        _name_comparison("given_name", "given_forms"),
        _name_comparison("family_name", None),
        _dob_comparison(),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_levels=[
                cll.NullLevel("sex"),
                cll.ExactMatchLevel("sex").configure(label_for_charts="Same"),
                cll.ElseLevel().configure(label_for_charts="Different"),
            ],
        ),
        _address_comparison(),
        _identifier_comparison(),
    ]


def prediction_blocking_rules() -> list[BlockingRuleCreator | dict[str, Any]]:
    return [
        block_on("nhs_number"),
        block_on("pupil_number"),
        # The first letter of the first name with the birthday: survives a new surname, a new address
        # and most typos (which rarely touch the first letter).
        block_on("substr(given_name, 1, 1)", "dob"),
        block_on("family_sx", "dob"),
        block_on("given_sx", "family_sx", "dob_year"),
        block_on("given_sx", "address_key"),
    ]


def training_blocking_rules() -> list[BlockingRuleCreator]:
    """EM sessions: each leaves out what it blocks on, so together they train every comparison."""
    return [
        block_on("nhs_number"),
        block_on("dob", "given_sx"),
        block_on("given_sx", "family_sx", "postcode_sector"),
    ]


def settings_creator(bands: Bands | None = None) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
        max_iterations=20,
        em_convergence=0.001,
    )


def settings_for(dialect: str) -> dict[str, Any]:
    """The settings dict in one backend's SQL ('duckdb' or 'spark')."""
    return settings_creator().create_settings_dict(dialect)


def with_trained_parameters(untrained: dict[str, Any], trained: dict[str, Any]) -> dict[str, Any]:
    """Copy trained m and u probabilities (and the prior) onto settings written for another backend.

    Both dicts come from the same comparisons, so levels line up by comparison name and position.
    """
    result = copy.deepcopy(untrained)
    result["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    trained_by_name = {c["output_column_name"]: c for c in trained["comparisons"]}
    for comparison in result["comparisons"]:
        source = trained_by_name[comparison["output_column_name"]]
        if len(source["comparison_levels"]) != len(comparison["comparison_levels"]):
            raise ValueError(f"Comparison {comparison['output_column_name']} has changed shape")
        for level, trained_level in zip(
            comparison["comparison_levels"], source["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if key in trained_level:
                    level[key] = trained_level[key]
    return result
