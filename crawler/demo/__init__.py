"""Offline fixture websites for `pantau demo`, the crawl tests and the crawl benchmark.

Six sites, each imitating one family of pages Pantau crawls, each served on its own loopback
address by :class:`crawler.demo.server.DemoSites`:

================================  ===========================================================
detikkasus (news, WordPress)      robots.txt (Crawl-delay 0.3, Disallow /pracetak/) →
                                  /sitemap_index.xml → /post-sitemap.xml, /post-sitemap2.xml;
                                  RSS /feed/; AMP, utm and tag/category/author copies
kominfo-babel (government)        Drupal: /berita?page=N pager, /sitemap.xml not in robots.txt,
                                  /node/N shortlinks
lumajang (government)             home-grown CMS: /berita?hal=N only; no robots, feed or sitemap
globalinvestigasi (news)          Blogger: paged Atom feed, "Posting Lama", labels, ?m=1 copies
tribratanews-tulungagung (police) WordPress: Google News sitemap in robots.txt, /page/N/
portal-rusak (news)               500-then-200, 404, 3-hop redirect, slow page, windows-1252,
                                  PDF, garbage bytes, a 9 MiB page, a gzip bomb, a redirect loop
================================  ===========================================================

Modules: :mod:`.text` (article generator), :mod:`.model` (data), :mod:`.templates` (site kinds),
:mod:`.feeds` (robots/sitemaps/feeds), :mod:`.sites` (the site registry), :mod:`.server` (HTTP).
"""
