"""Queries of a fixed shape that every request sends: built and compiled by the ORM once, then sent again.

Building a queryset and compiling it to SQL is most of what a small query costs the web server: the
scope query (a ``UNION ALL`` of five) took 2.1 ms of CPU to build and compile and 0.15 ms to send and read
(issue 16, bench/results/profile_pages.md). Its SQL is the same for every user; only the values change.

``FixedQuery`` takes a function that builds the queryset from its arguments, which must make the same
statement whatever the values (filters on them, no branching on them). The first time a thread asks it,
it builds the queryset twice, with two different sets of stand-in values, and compiles both: the SQL
must come out the same, and the parameters must differ exactly where a stand-in went in. It keeps that
SQL, which parameter each argument fills, and Django's converters for the columns (SQLite hands back
times as text), and from then on sends the SQL with the caller's values put in those places. Anything
it cannot account for (SQL that differs between the stand-ins, a stand-in found twice or not at all)
makes it give up and run the ORM's queryset every time: the same answer, without the saving.

Compiled SQL is kept per thread and database alias, beside Django's own per-thread connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

Row = TypeVar("Row", bound=tuple[Any, ...])

# Two sets of stand-ins per kind of argument: values no real argument takes (negative ids, times in 1901).
_STAND_INS: dict[type, tuple[Callable[[int], Any], Callable[[int], Any]]] = {
    int: (lambda n: -7_300_000_000_000 - n, lambda n: -8_100_000_000_000 - n),
    datetime: (
        lambda n: datetime(1901, 2, 3, 4, 5, 6, 100_000 + n, tzinfo=UTC),
        lambda n: datetime(1901, 6, 7, 8, 9, 10, 200_000 + n, tzinfo=UTC),
    ),
}


class _Compiled:
    def __init__(self, sql: str, params: list[Any], slots: list[tuple[int, int]], compiler: Any) -> None:
        self.sql = sql
        self.params = params
        # (position in params, which argument goes there)
        self.slots = slots
        self.compiler = compiler
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(fields)


class FixedQuery(Generic[Row]):
    """A values_list query of fixed shape, compiled once per thread; see the module's docstring."""

    def __init__(self, build: Callable[..., QuerySet[Any, Row]], argument_types: Sequence[type]) -> None:
        self._build = build
        self._types = tuple(argument_types)
        self._local = threading.local()

    def rows(self, *arguments: Any, using: str = DEFAULT_DB_ALIAS) -> list[Row]:
        compiled = self._compiled(using)
        if compiled is None:
            return list(self._build(*arguments))
        connection = connections[using]
        params = list(compiled.params)
        for position, which in compiled.slots:
            params[position] = _adapt(connection, arguments[which])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: list[Any] = cursor.fetchall()
        if compiled.converters:
            rows = [tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)]
        return rows

    def _compiled(self, using: str) -> _Compiled | None:
        kept: dict[str, _Compiled | None] = self._local.__dict__.setdefault("compiled", {})
        if using not in kept:
            kept[using] = self._compile(using)
        return kept[using]

    def _compile(self, using: str) -> _Compiled | None:
        connection = connections[using]
        first = [_STAND_INS[kind][0](n) for n, kind in enumerate(self._types)]
        second = [_STAND_INS[kind][1](n) for n, kind in enumerate(self._types)]
        compiler = self._build(*first).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        other_sql, other_params = self._build(*second).query.get_compiler(using=using).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            return None
        slots: list[tuple[int, int]] = []
        for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
            if one == two:
                continue
            which = [n for n, value in enumerate(first) if _same(one, _adapt(connection, value))]
            if len(which) != 1 or not _same(two, _adapt(connection, second[which[0]])):
                return None
            slots.append((position, which[0]))
        if {which for _, which in slots} != set(range(len(self._types))):
            return None
        return _Compiled(sql, list(params), slots, compiler)


def _adapt(connection: Any, value: Any) -> Any:
    """The parameter Django sends for ``value`` (SQLite takes times as text)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _same(one: Any, two: Any) -> bool:
    return type(one) is type(two) and one == two
