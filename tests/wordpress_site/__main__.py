"""`python -m tests.wordpress_site [--theme T] [--pages DIR]`: serve the WordPress test site, or save its pages.

With `--pages DIR`, every installed default theme's rendering of each post page, the
home page, the category archives and some WordPress pages (not posts) is written to
DIR/<theme>/<name>.html, with DIR/<theme>/index.json telling which URL and kind (diary,
news, home, category, page) each file is.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scraper.sample_site.content import LAB_PATHS, load_news

from . import DIARY_CATEGORY, EXTRA_PAGES, NEWS_CATEGORY, THEMES, WordPressSite


def save_pages(site: WordPressSite, folder: Path) -> int:
    """Write the pages of every installed theme under `folder`; returns how many files were written."""
    pages = [("home", "home", "/")]
    pages += [(f"category-{c['slug']}", "category", f"/category/{c['slug']}/") for c in (DIARY_CATEGORY, NEWS_CATEGORY)]
    pages += [(post.slug, "diary", post.path) for post in site.posts]
    pages += [(news.slug, "news", news.path) for news in load_news()]
    pages += [(path.strip("/").replace("/", "--"), "page", path) for path in (*EXTRA_PAGES, *LAB_PATHS.values())]
    written = 0
    for theme in THEMES:
        site.switch_theme(theme)
        out = folder / theme
        out.mkdir(parents=True, exist_ok=True)
        index = {}
        for name, kind, path in pages:
            (out / f"{name}.html").write_text(site.get(path), encoding="utf-8")
            index[f"{name}.html"] = {"url": site.url(path), "kind": kind}
            written += 1
        (out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.wordpress_site", description=__doc__.splitlines()[0])
    parser.add_argument("--theme", default="twentytwentyone", choices=THEMES)
    parser.add_argument("--pages", type=Path, help="save every theme's pages here instead of serving")
    options = parser.parse_args()
    with WordPressSite(theme=options.theme) as site:
        print(f"WordPress ({site.theme}) started in {site.started_in:.1f} s at {site.base}", flush=True)
        if options.pages:
            print(f"{save_pages(site, options.pages)} pages written under {options.pages}")
            return
        try:
            input("Press Enter or Ctrl-C to stop.\n")
        except (KeyboardInterrupt, EOFError):
            pass


if __name__ == "__main__":
    main()
