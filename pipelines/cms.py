"""Which CMS a page was made with, and what that CMS's templates say about it (as data).

Why: most Indonesian regional and government sites run one of a few systems (WordPress and its
news themes, Joomla, Blogger, Drupal, CodeIgniter and Laravel portals), and each system prints
the story's body, its own chrome and the entry date in the same places on every site that uses
it. Knowing that once, in ``pipelines/data/cms.yaml``, helps on the first page of a site nobody
has seen, before its own template (``pipelines.template``) is learned. Detection reads the
``generator`` meta, else markup only that CMS emits. Nothing here deletes anything: the cleaner
removes the ``chrome`` blocks through its guarded selector rule, the date reader reads ``date``
elements first, and the story guard keeps ``body`` containers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from lxml.cssselect import CSSSelector
from lxml.etree import XPath
from lxml.html import HtmlElement

_GENERATOR = XPath("//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content")


@dataclass(frozen=True)
class CmsProfile:
    """One CMS: how to recognise it and where its templates put things."""

    name: str
    generator: re.Pattern[str]
    markup: tuple[XPath, ...]
    body: tuple[str, ...]
    chrome: tuple[str, ...]
    date: tuple[str, ...]

    def body_elements(self, tree: HtmlElement) -> list[HtmlElement]:
        """The page's body containers this CMS names."""
        return [element for css in self.body for element in _css(css)(tree)]

    def date_elements(self, tree: HtmlElement) -> list[HtmlElement]:
        """The page's entry-date elements this CMS names, in selector order."""
        return [element for css in self.date for element in _css(css)(tree)]


@lru_cache(maxsize=256)
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector)


@lru_cache(maxsize=1)
def profiles() -> tuple[CmsProfile, ...]:
    """Every CMS of ``pipelines/data/cms.yaml``, in its order."""
    data = yaml.safe_load(resources.files("pipelines.data").joinpath("cms.yaml").read_text(encoding="utf-8"))
    return tuple(CmsProfile(
        name=name, generator=re.compile(spec["generator"], re.I),
        markup=tuple(XPath(f"boolean({xpath})") for xpath in spec.get("markup", ())),
        body=tuple(spec.get("body", ())), chrome=tuple(spec.get("chrome", ())),
        date=tuple(spec.get("date", ()))) for name, spec in data.items())


def detect(tree: HtmlElement) -> CmsProfile | None:
    """The CMS the page says it was made with (``generator``), else the first whose own markup
    it carries; None for a page no profile knows."""
    generators = [str(value) for value in _GENERATOR(tree)]
    for profile in profiles():
        if any(profile.generator.search(value) for value in generators):
            return profile
    for profile in profiles():
        if any(test(tree) for test in profile.markup):
            return profile
    return None
