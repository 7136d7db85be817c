"""The pages our own code writes (one per agency, a national site's bulk): one Jinja2 template,
`templates/page.html`, with a small shared chrome (a bar with the site's name and sections, a
footer) and two small stylesheets, instead of the theme's page around each of them. In: a page's
title, heading, description, body HTML (escaped already) and its depth in the site. Out: the
page's HTML.

The theme's chrome (navigation, search, palette: ~12 KB of HTML a page) would be most of an agency
page's bytes; this one is under 1 KB, and the cost of a page is constant."""

from __future__ import annotations

from functools import cache

import jinja2
from markupsafe import Markup

from . import sitemap, strings
from .strings import t, words


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.PackageLoader("xxgk.site", "templates"), autoescape=True,
                             keep_trailing_newline=True, trim_blocks=False)
    return env.get_template("page.html")


def site_url() -> str:
    """The site's address for canonical links (the sitemap's, from `XXGK_SITE_URL`), ending in
    "/"; "" when the build is not given one."""
    url = sitemap.site_url(None)
    return url if not url or url.endswith("/") else url + "/"


def page(rel: str, title: str, heading: str, description: str, body: str, kind: str = "xxgk-agency") -> str:
    """A whole page at `rel` (its path from the top of the site, e.g. agencies/x.html); `kind` is
    the class of its <main> (what the stylesheets and scripts know it by)."""
    depth = rel.count("/")
    base = "../" * depth
    url = site_url()
    return _template().render(
        lang=t("lang"), title=title, heading=heading, description=description, site_name=t("shell_site_name"),
        canonical=url + strings.root() + rel if url else "", base=base, nav=[(item["text"], item["href"]) for item in words("shell_nav")],
        nav_label=t("shell_nav_label"), footer=t("shell_footer"), body=Markup(body), kind=kind, languages=languages(rel, base))


def languages(rel: str, base: str) -> list[dict]:
    """The same page in each language of the site: its name (in itself), its code and its link
    from this page, the language in use marked (the sitemaps name each page's versions)."""
    top = base + "../" * strings.root().count("/")  # the top of the whole site, from this page
    names = words("language_names")
    return [{"name": names[lang], "lang": lang, "href": top + strings.root(lang) + rel,
             "current": lang == strings.LANG} for lang in strings.LANGS]
