"""The sources registry: which sites Pantau crawls, read from ``sources.yaml``.

Site knowledge is data: a source is an entry in the YAML file, not a class. This module
turns that file into frozen ``Source`` objects and refuses a malformed file with the file
name, the line and what is wrong, because the people who add sites edit YAML by hand and
a silently ignored ``sitemap:`` (for ``sitemaps:``) means a site that is never crawled.

Exceptions::

    ValueError
     └── SourcesError              a malformed sources file (path, line, message)
          └── UnknownSourceError   select_sources() was given a name that is not defined

Line numbers come from PyYAML's node marks: the document is composed into nodes first
and every value is checked next to the node it came from.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cssselect
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "Source",
    "SourcesError",
    "UnknownSourceError",
    "KINDS",
    "load_sources",
    "parse_sources",
    "select_sources",
]

KINDS = ("news", "government", "police")


@dataclass(frozen=True)
class Source:
    """One crawled site. Tuples rather than lists so sources can be hashed and shared."""

    name: str
    url: str
    kind: str = "news"
    region: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()  # URL templates with "{page}"
    allow: tuple[str, ...] = ()  # regexes searched in URLs; empty allows everything
    deny: tuple[str, ...] = ()  # regexes searched in URLs; deny wins over allow
    drop: tuple[str, ...] = ()  # CSS selectors removed before extraction

    @property
    def host(self) -> str:
        """Lower-case host of the home URL, without port."""
        return urlsplit(self.url).hostname or ""

    def allows(self, url: str) -> bool:
        """Whether the allow/deny regexes of this source let ``url`` through."""
        if any(re.search(pattern, url) for pattern in self.deny):
            return False
        return not self.allow or any(re.search(pattern, url) for pattern in self.allow)

    def listing_url(self, template: str, page: int) -> str:
        """A listing template filled in for ``page`` (1 is the first page)."""
        return template.replace("{page}", str(page))


class SourcesError(ValueError):
    """A malformed sources file; ``str()`` reads ``sources.yaml:12: sources[3].url: ...``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" if where else self.message


class UnknownSourceError(SourcesError):
    """A source name that the registry does not define."""


FIELD_NAMES = tuple(f.name for f in fields(Source))
LIST_FIELDS = ("feeds", "sitemaps", "listings", "allow", "deny", "drop")
REQUIRED = ("name", "url")


# --- public API -------------------------------------------------------------------------


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SourcesError(str(path), None, f"cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise SourcesError(str(path), None, f"not UTF-8 text: {error}") from error
    return parse_sources(text, str(path))


def parse_sources(text: str, path: str = "<string>") -> list[Source]:
    """Validate YAML text and build the sources; the first problem raises SourcesError."""
    entries = _entries(_compose(text, path), path)
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(entries):
        source = _Checker(path, f"sources[{index}]").source(node)
        line = _line(_pairs(node, path, "")["name"][1])
        if source.name in seen:
            raise SourcesError(
                path,
                line,
                f"sources[{index}].name: duplicate name {source.name!r}"
                f" (first defined on line {seen[source.name]})",
            )
        seen[source.name] = line
        sources.append(source)
    return sources


def select_sources(sources: Sequence[Source], names: Sequence[str]) -> list[Source]:
    """The sources called ``names``, in that order; no names means all of them.

    A single string is one name (iterating it would look up each character).
    """
    if isinstance(names, str):
        names = [names]
    if not names:
        return list(sources)
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(sorted(by_name)) or "(none)"
        raise UnknownSourceError(
            "", None, f"unknown source {', '.join(map(repr, unknown))}; known sources: {known}"
        )
    return [by_name[name] for name in dict.fromkeys(names)]


# --- YAML structure ---------------------------------------------------------------------


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _compose(text: str, path: str) -> Node | None:
    """Compose (not construct) the document so every value keeps its line number."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise SourcesError(
            path, _error_line(error), f"YAML syntax error: {_error_text(error)}"
        ) from error
    except yaml.YAMLError as error:
        raise SourcesError(path, None, f"YAML error: {error}") from error


def _error_line(error: yaml.MarkedYAMLError) -> int | None:
    mark = error.problem_mark or error.context_mark
    return mark.line + 1 if mark else None


def _error_text(error: yaml.MarkedYAMLError) -> str:
    """PyYAML's problem, then its context with the line the context started on."""
    problem = error.problem or "malformed YAML"
    if (
        error.context
        and error.context_mark
        and error.problem_mark
        and error.context_mark.line != error.problem_mark.line
    ):
        return f"{problem} ({error.context} started on line {error.context_mark.line + 1})"
    return f"{error.context} {problem}" if error.context else problem


def _entries(root: Node | None, path: str) -> list[Node]:
    """The list of source nodes: ``sources:`` under a mapping, or a bare list."""
    if root is None:
        raise SourcesError(path, None, "empty file: expected a 'sources:' list")
    if isinstance(root, MappingNode):
        pairs = _pairs(root, path, "top level")
        for key, value in pairs.items():
            if key != "sources":
                raise SourcesError(
                    path, _line(value[0]), f"unknown top-level key {key!r}; allowed: sources"
                )
        if "sources" not in pairs:
            raise SourcesError(path, _line(root), "missing 'sources:' list")
        root = pairs["sources"][1]
    if not isinstance(root, SequenceNode):
        raise SourcesError(
            path, _line(root), f"sources: expected a list of sources, got {_describe(root)}"
        )
    if not root.value:
        raise SourcesError(path, _line(root), "sources: the list is empty")
    return list(root.value)


def _pairs(node: MappingNode, path: str, where: str) -> dict[str, tuple[Node, Node]]:
    """Mapping items by key, refusing duplicate and non-string keys (YAML would keep the last)."""
    pairs: dict[str, tuple[Node, Node]] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or key.tag != "tag:yaml.org,2002:str":
            raise SourcesError(
                path, _line(key), f"{where}: keys must be plain names, got {_describe(key)}"
            )
        if key.value in pairs:
            raise SourcesError(
                path,
                _line(key),
                f"{where}.{key.value}: duplicate key (first on line {_line(pairs[key.value][0])})",
            )
        pairs[key.value] = (key, value)
    return pairs


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = node.tag.rsplit(":", 1)[-1]
    return f"{kind} {node.value!r}" if node.value != "" else "nothing"


# --- per-source checks ------------------------------------------------------------------


class _Checker:
    """Checks one source entry; every error names the entry (``sources[3].url``) and line."""

    def __init__(self, path: str, where: str) -> None:
        self.path, self.where = path, where

    def fail(self, node: Node, field: str | None, message: str) -> SourcesError:
        label = f"{self.where}.{field}" if field else self.where
        return SourcesError(self.path, _line(node), f"{label}: {message}")

    def source(self, node: Node) -> Source:
        if not isinstance(node, MappingNode):
            raise self.fail(
                node,
                None,
                f"expected a mapping with at least 'name' and 'url', got {_describe(node)}",
            )
        pairs = _pairs(node, self.path, self.where)
        self.check_keys(pairs)
        for required in REQUIRED:
            if required not in pairs:
                raise self.fail(node, None, f"missing required key {required!r}")
        values = {key: self.value(key, value) for key, (_k, value) in pairs.items()}
        return Source(**values)

    def check_keys(self, pairs: dict[str, tuple[Node, Node]]) -> None:
        for key, (key_node, _value) in pairs.items():
            if key not in FIELD_NAMES:
                close = difflib.get_close_matches(key, FIELD_NAMES, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(
                    key_node,
                    None,
                    f"unknown key {key!r}{hint}; allowed keys: {', '.join(FIELD_NAMES)}",
                )

    def value(self, key: str, node: Node) -> Any:
        if key in LIST_FIELDS:
            check = {
                "feeds": self.url,
                "sitemaps": self.url,
                "listings": self.template,
                "allow": self.regex,
                "deny": self.regex,
                "drop": self.selector,
            }[key]
            return tuple(
                check(label, item, text) for label, item, text in self.string_list(key, node)
            )
        if key == "region":
            return None if _is_null(node) else self.string(key, node)
        text = self.string(key, node)
        if key == "url":
            return self.url(key, node, text)
        if key == "kind" and text not in KINDS:
            raise self.fail(node, key, f"unknown kind {text!r}; allowed: {', '.join(KINDS)}")
        return text

    def string(self, key: str, node: Node) -> str:
        if (
            not isinstance(node, ScalarNode)
            or node.tag != "tag:yaml.org,2002:str"
            or not node.value.strip()
        ):
            raise self.fail(node, key, f"expected a non-empty string, got {_describe(node)}")
        return node.value.strip()

    def string_list(self, key: str, node: Node) -> list[tuple[str, Node, str]]:
        """(label, node, text) for each item, so later checks can name ``feeds[1]``."""
        if not isinstance(node, SequenceNode):
            raise self.fail(
                node,
                key,
                f"expected a list of strings, got {_describe(node)} (write '- item' lines)",
            )
        labels = [f"{key}[{i}]" for i in range(len(node.value))]
        return [
            (label, item, self.string(label, item))
            for label, item in zip(labels, node.value, strict=True)
        ]

    def url(self, key: str, node: Node, text: str) -> str:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
            raise self.fail(node, key, f"not an http(s) URL: {text!r}")
        return text

    def template(self, key: str, node: Node, text: str) -> str:
        if "{page}" not in text:
            raise self.fail(node, key, f"listing template has no '{{page}}' placeholder: {text!r}")
        self.url(key, node, text.replace("{page}", "1"))
        return text

    def regex(self, key: str, node: Node, text: str) -> str:
        try:
            re.compile(text)
        except re.error as error:
            raise self.fail(node, key, f"invalid regular expression {text!r}: {error}") from error
        return text

    def selector(self, key: str, node: Node, text: str) -> str:
        try:
            cssselect.GenericTranslator().css_to_xpath(text)
        except cssselect.SelectorError as error:
            raise self.fail(node, key, f"invalid CSS selector {text!r}: {error}") from error
        return text


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"
