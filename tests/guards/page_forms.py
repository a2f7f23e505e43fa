"""The forms a page draws, read from its HTML the way a browser would, so a guard can post anything to them.

Only what a person can send is read: each ``<form method="post">`` with its action and the names of its
inputs, selects and text areas, with the values the page offers (hidden values, options, check boxes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageField:
    name: str
    kind: str  # the input type ("text", "hidden", "radio", ...), "select" or "textarea"
    offered: list[str] = field(default_factory=list)  # values the page itself offers
    multiple: bool = False


@dataclass
class PageForm:
    action: str
    fields: dict[str, PageField] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None, *, multiple: bool = False) -> None:
        known = self.fields.setdefault(name, PageField(name, kind, multiple=multiple))
        if kind == "checkbox" and known.kind == "checkbox" and len(known.offered) >= 1:
            known.multiple = True
        if value is not None and value not in known.offered:
            known.offered.append(value)


@dataclass
class ErrorSummaryItem:
    text: str
    href: str


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.ids: set[str] = set()
        self.errors: list[ErrorSummaryItem] = []
        self._form: PageForm | None = None
        self._select: PageField | None = None
        self._in_summary_list = False
        self._item: ErrorSummaryItem | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if attr.get("id"):
            self.ids.add(attr["id"])
        if tag == "ul" and "govuk-error-summary__list" in attr.get("class", ""):
            self._in_summary_list = True
        elif tag == "li" and self._in_summary_list:
            self._item = ErrorSummaryItem("", "")
        elif tag == "a" and self._item is not None:
            self._item.href = attr.get("href", "")
        if tag == "form" and attr.get("method", "get").lower() == "post":
            self._form = PageForm(attr.get("action", ""))
            self.forms.append(self._form)
        if self._form is None or not attr.get("name"):
            if tag == "option" and self._select is not None:
                self._select.offered.append(attr.get("value", ""))
            return
        name = attr["name"]
        if tag == "input":
            kind = attr.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            self._form.add(name, kind, attr.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._form.add(name, "textarea", None)
        elif tag == "select":
            self._form.add(name, "select", None, multiple="multiple" in attr)
            self._select = self._form.fields[name]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "ul" and self._in_summary_list:
            self._in_summary_list = False
        elif tag == "li" and self._item is not None:
            self._item.text = " ".join(self._item.text.split())
            self.errors.append(self._item)
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item.text += data


@dataclass
class Page:
    forms: list[PageForm]
    ids: set[str]
    errors: list[ErrorSummaryItem]


def read_page(html: str) -> Page:
    reader = _PageReader()
    reader.feed(html)
    return Page(reader.forms, reader.ids, reader.errors)
