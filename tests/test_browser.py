"""The built book in a real browser: every page opens offline, without errors, with its
figures, widgets and math.

Serves ``_build/html`` on 127.0.0.1 and opens each page in headless Debian Chromium,
driven by Playwright (which is pointed at /usr/bin/chromium and never downloads a
browser). Requests to any other host are blocked and fail the page, so a library fetched
from a CDN shows up here. A screenshot of every page goes to ``_build/screenshots/`` for
a person to look at.

The book must be built first, so without ``_build/html`` (or without Chromium) the tests
skip, saying why, unless ``NEE_REQUIRE_BROWSER_TEST=1`` (set by ``.ci/run`` after it
builds the book): then that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml

from nee_lite.project import REPOSITORY_URL

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("NEE_REQUIRE_BROWSER_TEST") == "1"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def book_pages() -> list[str]:
    """Every page of the built book (the toc's and Sphinx's own, like search), but not
    the front page, which only redirects to the first chapter, nor HTML among assets and
    copied sources."""
    if not HTML.is_dir():
        return []
    pages = [
        path
        for path in HTML.rglob("*.html")
        if not path.relative_to(HTML).parts[0].startswith(("_", "."))
    ]
    return sorted(
        str(p.relative_to(HTML))
        for p in pages
        if 'http-equiv="Refresh"' not in p.read_text()
    )


PAGES = book_pages()


def require_environment() -> None:
    """Skip (or, when the browser test is required, fail) with the reason the test
    cannot run here."""
    reason = None
    if not (HTML / "index.html").is_file():
        reason = (
            "the book is not built (_build/html/index.html missing): build it, "
            "then run the tests again"
        )
    elif not os.access(CHROMIUM, os.X_OK):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if reason and REQUIRED:
        pytest.fail(f"NEE_REQUIRE_BROWSER_TEST=1 but {reason}")
    if reason:
        pytest.skip(reason)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built book without logging every request to the test output."""

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    """The built book served over HTTP on 127.0.0.1 (an ephemeral port), as a reader's
    browser would load it."""
    require_environment()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=HTML)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(site, tmp_path_factory):
    """Headless Chromium with a fresh profile; every request leaving localhost is
    blocked and recorded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        context.outside_requests = []

        def block_outside(route):
            if urlparse(route.request.url).hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                context.outside_requests.append(route.request.url)
                route.abort()

        context.route("**/*", block_outside)
        yield context
        context.close()


def open_page(browser, url: str):
    """Open ``url`` in a new tab; return the tab and the errors it logs: console errors,
    throws, failed loads."""
    tab = browser.new_page()
    errors = []
    tab.on(
        "response",
        lambda response: (
            errors.append(f"HTTP {response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    tab.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url, wait_until="load")
    return tab, errors


def broken_images(tab) -> list[str]:
    """Images that did not load (naturalWidth 0), after asking lazy ones to load too."""
    return tab.evaluate("""async () => {
        const images = [...document.images];
        images.forEach(image => { image.loading = "eager"; });
        await Promise.all(images.map(image => image.decode().catch(() => null)));
        return images.filter(image => image.naturalWidth === 0)
            .map(image => image.currentSrc || image.src);
    }""")


def wait_for_math(tab) -> dict:
    """Wait for MathJax to typeset the page; count math elements, typeset ones and TeX
    errors."""
    count = "document.querySelectorAll('.math').length"
    if tab.evaluate(count):
        tab.wait_for_function(
            "window.MathJax && MathJax.startup && MathJax.startup.promise"
        )
        tab.evaluate("MathJax.startup.promise")
    return tab.evaluate(f"""() => ({{
        math: {count},
        typeset: [...document.querySelectorAll('.math')]
            .filter(e => e.querySelector('mjx-container')).length,
        errors: document.querySelectorAll('mjx-merror').length,
    }})""")


def wait_for_widgets(tab) -> dict:
    """Wait for the widget manager to turn the page's stored widget views into DOM
    elements; count both."""
    count = (
        "document.querySelectorAll("
        "'script[type=\"application/vnd.jupyter.widget-view+json\"]').length"
    )
    rendered = "document.querySelectorAll('.widget-subarea .jupyter-widgets').length"
    if tab.evaluate(count):
        try:
            tab.wait_for_function(f"{rendered} >= {count}", timeout=20_000)
        except Exception:  # reported by the assertion below, with the counts
            pass
    return {"views": tab.evaluate(count), "rendered": tab.evaluate(rendered)}


def links(tab, selector: str) -> list[str]:
    """The absolute hrefs of the links matching ``selector``."""
    return tab.eval_on_selector_all(selector, "anchors => anchors.map(a => a.href)")


def screenshot(tab, page: str) -> None:
    """Save a full-page screenshot as _build/screenshots/<page path with / as
    __>.png.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(
        path=SCREENSHOTS / page.replace("/", "__").replace(".html", ".png"),
        full_page=True,
    )


def toc_files(entry: dict | None = None) -> list[str]:
    """The files _toc.yml lists (at any depth), the root first."""
    entry = entry or yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry[key] for key in ("root", "file") if key in entry]
    for key in ("parts", "chapters", "sections"):
        files += [f for child in entry.get(key, []) for f in toc_files(child)]
    return files


def test_every_toc_entry_was_built():
    """The pages opened below are the whole book: each file in _toc.yml has its HTML
    page."""
    require_environment()
    assert [f for f in toc_files() if f"{f}.html" not in PAGES] == []


def test_front_page_leads_to_the_first_page(site, browser):
    """index.html, a redirect, opens the toc's root page without a JavaScript error."""
    tab, errors = open_page(browser, site)
    tab.wait_for_url(urljoin(site, f"{toc_files()[0]}.html"))
    tab.close()
    assert not errors, "JavaScript console errors:\n" + "\n".join(errors)


@pytest.mark.parametrize("page", PAGES or ["(book not built)"])
def test_page_renders_offline(page, site, browser):
    """The page opens with no JavaScript error and no request off this machine; figures,
    math, widgets show."""
    browser.outside_requests.clear()
    tab, errors = open_page(browser, urljoin(site, page))
    math, widgets, images = (
        wait_for_math(tab),
        wait_for_widgets(tab),
        broken_images(tab),
    )
    tab.wait_for_timeout(
        300
    )  # late console errors (e.g. a widget failing after it rendered)
    screenshot(tab, page)
    tab.close()
    problems = {
        "requests to other hosts than localhost (blocked)": list(
            browser.outside_requests
        ),
        "JavaScript console errors": errors,
        "images that did not load": images,
        "math not typeset by MathJax": [math]
        if math["typeset"] < math["math"] or math["errors"]
        else [],
        "stored widgets not rendered": [widgets]
        if widgets["rendered"] < widgets["views"]
        else [],
    }
    assert not {what: found for what, found in problems.items() if found}


VIEWER_FRAMES = """() => [...document.querySelectorAll(
    '.widget-vbox > .widget-hslider')]
  .map(slider => {
    const shown = [...slider.parentElement.querySelectorAll('img')]
      .filter(img => img.offsetParent !== null);
    return shown.map(img => img.src).join('|');
})"""


@pytest.mark.parametrize(
    "page", [page for page in PAGES if page.startswith("book/")] or ["(book not built)"]
)
def test_step_viewers_step_on_the_page(page, site, browser):
    """Every step viewer of the page (nee_lite.pictures.steps) shows one frame, and
    moving its slider shows another, with no kernel: the frames are stored in the page
    and switched in the browser."""
    tab, errors = open_page(browser, urljoin(site, page))
    wait_for_widgets(tab)
    before = tab.evaluate(VIEWER_FRAMES)
    notebook = ROOT / Path(page).with_suffix(".ipynb")
    shows_one = (
        notebook.is_file() and "_viewer(" in notebook.read_text()
    )  # a chapter that displays a viewer
    if not before and not shows_one:
        tab.close()
        pytest.skip("no step viewer on this page")
    assert all(frame for frame in before), f"a step viewer shows no frame: {before}"
    for handle in tab.locator(".widget-vbox > .widget-hslider .noUi-handle").all():
        handle.focus()
        tab.keyboard.press("ArrowRight")
    tab.wait_for_timeout(500)
    after = tab.evaluate(VIEWER_FRAMES)
    tab.close()
    assert not errors, errors
    assert len(after) == len(before)
    assert all(a != b and a for a, b in zip(after, before)), (
        f"viewers that did not step: {before} -> {after}"
    )


@pytest.mark.parametrize("page", PAGES or ["(book not built)"])
def test_launch_and_download_buttons(page, site, browser):
    """Every page links the repository; notebook pages open in Colab at their path in
    the repository on branch main, and offer their .ipynb for download."""
    tab, _ = open_page(browser, urljoin(site, page))
    colab = links(tab, "a[href^='https://colab.research.google.com']")
    repository = links(tab, f"a[href='{REPOSITORY_URL}']")
    downloads = [
        href for href in links(tab, "a[href*='_sources/']") if href.endswith(".ipynb")
    ]
    tab.close()
    assert repository, "no repository button"
    notebook = Path(page).with_suffix(".ipynb")
    if not (ROOT / notebook).is_file():
        assert colab == [] and downloads == [], (
            "launch or .ipynb download buttons on a page that is no notebook"
        )
        return
    org_repo = urlparse(REPOSITORY_URL).path.strip("/")
    assert colab == [
        f"https://colab.research.google.com/github/{org_repo}/blob/main/{notebook.as_posix()}"
    ]
    assert downloads == [urljoin(site, f"_sources/{notebook.as_posix()}")]
    response = browser.request.get(downloads[0])
    assert response.ok and "cells" in json.loads(response.body()), (
        "the downloaded .ipynb is no notebook"
    )
