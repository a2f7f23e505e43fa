"""What the linkage model compares and how it finds pairs to compare: the Splink settings, as plain code.

One definition serves every backend. ``settings_for(dialect, rules)`` builds the settings for DuckDB (one
machine) or Spark (a cluster) from the same comparisons and blocking rules; the parameters trained on
one are carried to the other by ``with_trained_parameters``.

Blocking and training rules are chosen from the fields a source actually has (``prediction_rules`` and
``training_rules`` take the columns that are recorded): data with no identifier, no date of birth or no
address still trains and links on what it does have.

Choices that matter, and why:
- The address is ONE comparison (the whole address, then the postcode with a similar street name, the
  postcode, a similar street name alone, the postcode sector). Separate postcode, street and town
  comparisons would count one shared home three times: published evaluations show that is what merges
  siblings and other members of one household.
- Identifiers (NHS number, pupil number, police and council IDs) are ONE comparison too: any shared one
  agreeing is strong evidence, any disagreeing is strong evidence against. A keyed identifier one slip
  apart (one digit wrong, two swapped) is its own level; an NHS number never is, since its check digit
  catches every such slip and an NHS number that fails its check is not used at all.
- Names carry term-frequency adjustment: agreeing on "Smith" says less than agreeing on "Oughtibridge".
  A first name recorded as the last name and the other way round is its own level of both.
- The date of birth compares partial dates (a year alone) and slips: a swapped day and month, one digit
  wrong or two swapped (Damerau-Levenshtein 1), within a month.
- Blocking on sound-alike keys with the date of birth finds a child recorded under a step-parent's
  surname at a new address (first name sounds the same, same birthday), and a child recorded under a
  nickname (surname sounds the same, same birthday).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.blocking_rule_library import CustomRule
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

# Bump when comparisons or blocking change: a saved model records the spec it was trained with.
SPEC_VERSION = 6

IDENTIFIERS = ("nhs_number", "pupil_number", "police_person_id", "la_person_id")
# Identifiers typed by hand with no check digit of their own, where one slip is a keying error. An NHS
# number's check digit catches every single slip, and a UPN's check letter does too.
KEYED_IDENTIFIERS = ("police_person_id", "la_person_id")
# How many days apart two dates of birth may be and still be one date written with a slip.
WITHIN_A_MONTH_DAYS = 31
# How alike a first name must be to the other record's last name (and the other way) to count as swapped.
SWAP_SIMILARITY = 0.9
# Any probability, as m and u alike: the surname's one-way swap level weighs nothing (see _name_comparison).
ONE_WAY_SWAP_PROBABILITY = 0.001
# How often one person's two records have wholly different names (see _name_comparison).
DIFFERENT_NAME_M = {"given_name": None, "family_name": 0.05}


def _both(column: str) -> str:
    return f'("{column}_l" IS NOT NULL AND "{column}_r" IS NOT NULL)'


class NamesSwappedLevel(ComparisonLevelCreator):
    """A name found in the other record's other name field, spelt almost the same.

    ``both_ways`` asks for the swap in both directions ("Jack Neville" and "Neville Jack"); otherwise one
    direction is enough ("Neville Jack" and "Timothy Neville"). Written with each backend's own
    Jaro-Winkler function, so the level means the same on DuckDB and Spark.
    """

    def __init__(self, column: str, other: str, *, both_ways: bool) -> None:
        self.column, self.other, self.both_ways = column, other, both_ways

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        similarity = sql_dialect.jaro_winkler_function_name
        one = f'{similarity}("{self.column}_l", "{self.other}_r") >= {SWAP_SIMILARITY}'
        two = f'{similarity}("{self.other}_l", "{self.column}_r") >= {SWAP_SIMILARITY}'
        return f"({one}) {'AND' if self.both_ways else 'OR'} ({two})"

    def create_label_for_charts(self) -> str:
        return "First and last names swapped"


def _name_comparison(column: str, other: str, forms_column: str | None) -> ComparisonCreator:
    # Swapped: the first name's comparison counts either name found in the other's other place (one fact);
    # the last name's counts only a swap both ways (a second fact), so one fact is not counted twice.
    levels: list[Any] = [
        cll.NullLevel(column),
        cll.ExactMatchLevel(column).configure(tf_adjustment_column=column, label_for_charts="Same"),
        NamesSwappedLevel(column, other, both_ways=forms_column is None),
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
    ]
    if forms_column is None:
        # The surname written in the other record's first-name place, one way only ("Pascoe Samantha",
        # "William Pasceo"): the first name's comparison has counted the swap, and what now sits in this
        # record's surname place is what the swap displaced, so "Different" would count that one slip a
        # second time as evidence of two people. Weighs nothing (m = u, both fixed).
        levels.append(
            NamesSwappedLevel(column, other, both_ways=False).configure(
                label_for_charts="Written in the other's first-name place",
                m_probability=ONE_WAY_SWAP_PROBABILITY,
                u_probability=ONE_WAY_SWAP_PROBABILITY,
                fix_m_probability=True,
                fix_u_probability=True,
            )
        )
    levels += [
        # Fixed: EM, blocking on the other fields, learns from its own first guesses that one person's
        # names never differ, so a new surname (marriage, a step-parent) or an alias would count as
        # near-proof of two people. Children's records change surname often; first names less often.
        cll.ElseLevel().configure(label_for_charts="Different")
        if DIFFERENT_NAME_M[column] is None
        else cll.ElseLevel().configure(
            label_for_charts="Different", m_probability=DIFFERENT_NAME_M[column], fix_m_probability=True
        ),
    ]
    return cl.CustomComparison(comparison_levels=levels, output_column_name=column)


def _dob_comparison(households: bool = True) -> ComparisonCreator:
    swapped = (
        'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) '
        'AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
    )
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            # A year alone (a partial date) still counts: only no year at all on one side is missing.
            cll.CustomLevel(
                '"dob_year_l" IS NULL OR "dob_year_r" IS NULL', "Missing on one side or both", "duckdb"
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("dob").configure(label_for_charts="Same"),
            cll.CustomLevel(swapped, "Day and month swapped", "duckdb"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(
                label_for_charts="One digit wrong or two swapped"
            ),
            cll.AbsoluteDateDifferenceLevel(
                "dob", input_is_string=True, threshold=WITHIN_A_MONTH_DAYS, metric="day"
            ).configure(label_for_charts="Within a month"),
            cll.CustomLevel('"dob_year_l" = "dob_year_r"', "Same year only", "duckdb"),
            # Fixed where the records show households: EM would otherwise learn from parents and children
            # who share a name and a home that one person's birthdays often differ completely. A keying
            # error that changes more than one digit is rare; one in a hundred is generous. Where the
            # records show no households (clustering.HouseholdEvidence) there are no such pairs to learn
            # from, and EM learns how often a birthday is typed over (FEBRL: about 6 in 100 pairs).
            cll.ElseLevel().configure(
                label_for_charts="Different", m_probability=0.01, fix_m_probability=True
            )
            if households
            else cll.ElseLevel().configure(label_for_charts="Different", m_probability=0.01),
        ],
    )


def _address_comparison() -> ComparisonCreator:
    """The address as ONE comparison (see the module's note), reading whichever parts a source has: the
    first line (its street letters and its house number), the town or suburb, the postcode. Levels that
    need a part a source lacks never match there, so the levels of a source with no town are as before.
    """

    def similar_line() -> Any:
        return cll.JaroWinklerLevel("street", 0.9)

    def similar_town() -> Any:
        return cll.JaroWinklerLevel("locality", 0.9)

    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.CustomLevel(
                '"address_key_l" IS NULL OR "address_key_r" IS NULL', "Address missing", "duckdb"
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("address_key").configure(
                tf_adjustment_column="address_key", label_for_charts="Same address"
            ),
            # Every part but the postcode agrees: a slip in the postcode, which the whole address shows.
            cll.And(similar_line(), cll.ExactMatchLevel("house_number"), similar_town()).configure(
                label_for_charts="Same house, street and town, postcode differs"
            ),
            cll.And(cll.ExactMatchLevel("postcode"), similar_line()).configure(
                label_for_charts="Same postcode, street spelt almost the same"
            ),
            cll.And(
                cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("house_number"), similar_town()
            ).configure(label_for_charts="Same house number, town and postcode, street differs"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"),
            cll.And(similar_line(), similar_town()).configure(
                label_for_charts="Street and town spelt almost the same, postcode differs"
            ),
            similar_line().configure(label_for_charts="Street spelt almost the same, postcode differs"),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same neighbourhood"),
            similar_town().configure(label_for_charts="Same town, street and postcode differ"),
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
            cll.Or(*(cll.DamerauLevenshteinLevel(c, 1) for c in KEYED_IDENTIFIERS)).configure(
                label_for_charts="A shared identifier one keying slip apart"
            ),
            # One person's NHS or pupil number differs between records only by a keying error: fixed small,
            # so EM cannot learn from a few mixed-up pairs that disagreeing identifiers are normal.
            cll.ElseLevel().configure(
                label_for_charts="Shared identifiers differ", m_probability=0.01, fix_m_probability=True
            ),
        ],
    )


def comparisons(households: bool = True) -> list[ComparisonCreator | dict[str, Any]]:
    return [
        _name_comparison("given_name", "family_name", "given_forms"),
        _name_comparison("family_name", "given_name", None),
        _dob_comparison(households),
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


@dataclass(frozen=True)
class Rule:
    """A blocking rule and the linkage columns it needs recorded to find any pair at all."""

    name: str
    needs: tuple[str, ...]
    columns: tuple[str, ...] = ()  # equal on both sides (block_on); empty for a custom condition
    condition: str = ""  # Splink SQL with l. and r. (DuckDB)
    # A broad rule is used only where it finds at most this many pairs per record (see BROAD_RULES).
    most_pairs_per_record: float = 5.0

    def creator(self) -> BlockingRuleCreator:
        if self.condition:
            return CustomRule(self.condition, sql_dialect="duckdb")
        return block_on(*self.columns)


def _equal(name: str, *columns: str, needs: tuple[str, ...] = (), most: float = 5.0) -> Rule:
    return Rule(name, needs or columns, columns=columns, most_pairs_per_record=most)


_IDENTIFIER_RULES = tuple(_equal(c, c) for c in IDENTIFIERS)

PREDICTION_RULES: tuple[Rule, ...] = (
    *_IDENTIFIER_RULES,
    # The first letter of the first name with the birthday: survives a new surname, a new address
    # and most typos (which rarely touch the first letter).
    _equal("initial+dob", "substr(given_name, 1, 1)", "dob", needs=("given_name", "dob")),
    _equal("family_sx+dob", "family_sx", "dob"),
    _equal("names_sx+year", "given_sx", "family_sx", "dob_year"),
    _equal("given_sx+address", "given_sx", "address_key"),
    # Names swapped and misspelt, or replaced: the same birthday in one neighbourhood or street.
    _equal("dob+sector", "dob", "postcode_sector"),
    _equal("dob+street", "dob", "street"),
    # No date of birth: both names sound the same in one neighbourhood, or in one town (a source with
    # towns and postcodes typed wrong).
    _equal("names_sx+sector", "given_sx", "family_sx", "postcode_sector"),
    _equal("names_sx+town", "given_sx", "family_sx", "locality"),
    # No date of birth and a first name typed over or swapped: one home (the house number in the
    # postcode) or the first name's sound in the postcode. At a million records of households, one home
    # finds 2 pairs per record, most of them different people scored low; it alone finds the true pairs
    # with the birthday missing and a first name typed over (measured: 1,944 of 3,580 never compared).
    _equal("number+postcode", "house_number", "postcode"),
    _equal("given_sx+postcode", "given_sx", "postcode"),
    Rule(
        "names_swapped",
        ("given_sx", "family_sx"),
        condition="l.given_sx = r.family_sx AND l.family_sx = r.given_sx",
    ),
)
# Both names' sounds alone: always when a source has neither dates of birth nor addresses, and among the
# broad rules otherwise.
NAMES_ONLY = _equal("names_sx", "given_sx", "family_sx")
# One field alone finds what every combined rule misses (two fields wrong at once), but at a million
# records each finds tens of millions of pairs: used only where the records are few enough that the rule
# finds at most its ``most_pairs_per_record`` (5 unless said) pairs per record (the engine counts them
# first).
BROAD_RULES: tuple[Rule, ...] = (
    _equal("dob", "dob"),
    # The name as written finds far fewer pairs than its sound: kept where the sound is too broad.
    _equal("given", "given_name"),
    _equal("family", "family_name"),
    _equal("given_sx", "given_sx"),
    _equal("family_sx", "family_sx"),
    _equal("postcode", "postcode"),
    # The street without its number: a date of birth missing or typed over and a slip in the postcode.
    _equal("street", "street"),
    # The house on its street, any postcode or town: a postcode typed wrong with a name and the birthday
    # typed over (8 pairs per record at a million: left out there).
    _equal("street+number", "street", "house_number"),
    # The surname in one postcode: at a million records no true pair beyond those one home finds, at
    # two pairs per record, so only where it finds fewer than one per record.
    _equal("family+postcode", "family_name", "postcode", most=1.0),
    # Both names' sounds, anywhere: a new address and a birthday missing or typed over.
    NAMES_ONLY,
)

# EM sessions: each leaves out what it blocks on, so together they train every comparison. They block on
# the names themselves, never their sound-alike keys: Splink leaves untrained in a session only the
# comparisons that read a column the session blocks on, so a session blocking on given_sx would train the
# first name's m on pairs chosen for sounding alike (measured: a swapped-names m of 0.0006 on FEBRL3,
# where a few per cent of records have their names swapped).
TRAINING_RULES: tuple[Rule, ...] = (
    *_IDENTIFIER_RULES,
    _equal("dob+given", "dob", "given_name"),
    _equal("names+sector", "given_name", "family_name", "postcode_sector"),
    _equal("family+dob", "family_name", "dob"),
    # Trains the names on pairs found without them: swapped and replaced names are seen.
    _equal("dob+sector", "dob", "postcode_sector"),
    _equal("names", "given_name", "family_name"),
)
# EM reads every pair a session finds, in every iteration: a session finding more pairs than this per record
# is left out (at a million records, names alone find 29 million pairs and took most of the training time;
# the other sessions train the same comparisons).
TRAINING_PAIRS_PER_RECORD = 5
RULES_BY_NAME = {rule.name: rule for rule in (*PREDICTION_RULES, *BROAD_RULES, NAMES_ONLY, *TRAINING_RULES)}


def prediction_rules(recorded: Collection[str]) -> list[Rule]:
    """The prediction rules a source's recorded columns can use (names alone if nothing else)."""
    rules = [rule for rule in PREDICTION_RULES if all(c in recorded for c in rule.needs)]
    if not ({"dob", "dob_year", "address_key", "postcode_sector"} & set(recorded)) and all(
        c in recorded for c in NAMES_ONLY.needs
    ):
        rules.append(NAMES_ONLY)
    return rules


def training_rules(recorded: Collection[str]) -> list[Rule]:
    """Candidate EM sessions for these columns; the engine keeps those that find enough pairs, and not
    too many."""
    return [rule for rule in TRAINING_RULES if all(c in recorded for c in rule.needs)]


def settings_creator(rules: Iterable[Rule] = PREDICTION_RULES, *, households: bool = True) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(households),
        blocking_rules_to_generate_predictions=[rule.creator() for rule in rules],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
        max_iterations=20,
        em_convergence=0.001,
    )


def settings_for(dialect: str, rule_names: Iterable[str] | None = None) -> dict[str, Any]:
    """The settings dict in one backend's SQL ('duckdb' or 'spark'), with the named blocking rules."""
    rules = PREDICTION_RULES if rule_names is None else [RULES_BY_NAME[name] for name in rule_names]
    return settings_creator(rules).create_settings_dict(dialect)


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
