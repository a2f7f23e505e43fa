"""Where the records intelligence reports came from are shown: registered by the apps that hold them.

An app whose records become intelligence (a return interview's disclosures) registers, from its
``AppConfig.ready``, a name for its records and a function giving the pages of those the user may see,
so the report page can link back to its source without this app importing that one.
"""

from __future__ import annotations

from collections.abc import Callable

from tessera.accounts.models import Actor

SourcePages = Callable[[Actor, set[int]], dict[int, str]]

_pages: dict[str, SourcePages] = {}
_names: dict[str, str] = {}


def register_source_page(source_type: str, name: str, pages: SourcePages) -> None:
    _pages[source_type] = pages
    _names[source_type] = name


def source_name(source_type: str) -> str:
    return _names.get(source_type, "")


def source_page(user: Actor, source_type: str, source_id: int | None) -> str:
    """The URL of the source record's page, when its app registered one and the user may see it."""
    pages = _pages.get(source_type)
    if pages is None or source_id is None:
        return ""
    return pages(user, {source_id}).get(source_id, "")
