"""Site-kind templates: the markup, URL scheme and discovery surfaces of each kind of site.

Pantau must cope with the page structures it meets in the wild, so each template imitates one
real family closely: a tagDiv/JNews WordPress outlet, a Polri WordPress news site, a Drupal
Kominfo portal, a regency's home-grown PHP CMS, a Blogger blog, and a deliberately broken portal.
Articles are data (:class:`~crawler.demo.model.FixtureArticle`); a template only decides how that
data is laid out, so a new fixture site is a new entry in :mod:`crawler.demo.sites`, not new HTML.

Every template lists the boilerplate strings its article pages carry (`CLUTTER`): extraction
tests assert none of them reaches an extracted body.
"""

from crawler.demo.templates.blogger import Blogger
from crawler.demo.templates.broken import CP1252_PARAGRAPHS, CP1252_TITLE, BrokenPortal
from crawler.demo.templates.cms import RegencyCms
from crawler.demo.templates.common import page_clutter
from crawler.demo.templates.drupal import DrupalKominfo
from crawler.demo.templates.polri import PolriWordPress
from crawler.demo.templates.wordpress import WordPressNews

__all__ = ["Blogger", "BrokenPortal", "CP1252_PARAGRAPHS", "CP1252_TITLE", "DrupalKominfo", "PolriWordPress",
           "RegencyCms", "WordPressNews", "page_clutter"]
