"""The built documentation read in a real browser: headless Chromium, offline.

The site is built once per session (:func:`docs_site.built_site`), served from
``127.0.0.1`` and every page is opened in Debian's ``chromium`` through
``chromedriver`` (Selenium), with no network beyond that local server. After
MathJax has typeset a page, the tests assert that

* no raw ``\\(`` or ``\\[`` is left in the rendered text, every math element
  was typeset and none holds a TeX error;
* every image loads;
* no page logs a console error, and nothing is requested from outside the site;
* every code block has a copy button and scrolls instead of cutting long lines;
* the search page finds ``analyze``.

A page whose reading stalls (MathJax never finishes, a script never arrives:
seen twice on CI under full load, never reproduced here) is loaded once more
before it is judged; what the stalled reading saw is kept under ``"stalled"``
and printed, so that a page which fails twice fails with both states.

Where Chromium or its driver is missing the tests are skipped, with a message
saying how to install them; with ``CORRIDORS_REQUIRE_BROWSER=1`` (set by
``.ci/run``, which installs both) a missing browser is a failure instead.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import tempfile
import threading
import time
import warnings
from pathlib import Path

import pytest
from selenium import webdriver  # the test extra; Chromium itself comes from Debian

from docs_site import built_site, session_folder, shared_once

INSTALL = "install Debian's Chromium and its driver, as root: `apt-get install -y chromium chromium-driver`"
REQUIRED = os.environ.get("CORRIDORS_REQUIRE_BROWSER") == "1"

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,900",
)
WAIT_S = 120  # page loads and typesetting, generous for a busy machine
TYPESET_S = 90  # MathJax's own limit, inside WAIT_S so that the page says what stalled

# Pages that must show at least this many images and typeset formulas: the checks are not vacuous.
IMAGES = {"index.html": 1, "concepts.html": 2, "tutorials/check_your_loss.html": 1,
          "tutorials/in_a_notebook.html": 1}
FORMULAS = {"index.html": 3, "concepts.html": 20, "proofs.html": 20, "tutorials/in_a_notebook.html": 3}


def chromium_paths() -> tuple[str, str]:
    """(chromium, chromedriver); skips, or fails where CI requires the browser, when either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        missing = " and ".join(name for name, path in (("chromium", chromium), ("chromedriver", driver)) if not path)
        message = f"{missing} not found: the browser tests of the docs need them; {INSTALL}"
        if REQUIRED:
            pytest.fail(f"{message} (CORRIDORS_REQUIRE_BROWSER=1: this run must not skip them)")
        pytest.skip(message)
    return chromium, driver


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no line per request on stderr
        pass


class _Server(http.server.ThreadingHTTPServer):
    # Chromium opens many connections at once; the default backlog of 5 drops some under load.
    request_queue_size = 128
    daemon_threads = True


def open_browser(chromium: str, driver: str, profile: Path):
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")  # a fresh profile: no cache, no stored theme
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    browser.set_page_load_timeout(WAIT_S)
    browser.set_script_timeout(WAIT_S)
    return browser


# Starts waiting until MathJax has typeset the page (when the page loads it), then until every
# image has loaded or failed, and stores what a reader would see in window.corridorsSeen. Python
# polls for it with short synchronous scripts: execute_async_script intermittently lost its
# callback under load (a timeout on a page with nothing to wait for).
INSPECT_PAGE = r"""
window.corridorsSeen = null;
const done = (result) => { window.corridorsSeen = result; };
const base = arguments[0];
const typesetLimit = arguments[1];  // seconds
const typeset = () => new Promise((resolve) => {
  // MathJax is loaded with `defer`, before the load event that browser.get waits for: if it
  // is not there within a few seconds it failed to load (a CDN, for instance, offline).
  if (!document.querySelector('script[src*="mathjax"]')) { resolve('no math'); return; }
  const start = performance.now();
  const poll = () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(() => resolve('typeset'), (error) => resolve('MathJax failed: ' + error));
      // A bounded wait: a stalled typesetting is reported (and the page read again) instead of hanging.
      setTimeout(() => resolve('MathJax did not finish within ' + typesetLimit + ' s'), 1000 * typesetLimit);
    } else if (performance.now() - start > 10000) {
      resolve('MathJax did not load');
    } else {
      setTimeout(poll, 25);
    }
  };
  poll();
});
const images = () => Promise.all(Array.from(document.images).map((img) => {
  img.loading = 'eager';
  return img.decode().catch(() => null);
}));
typeset().then((mathjax) => images().then(() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, mjx-assistive-mml';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const text = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest(skip)) text.push(node.data);
  }
  const rendered = text.join(' ');
  const raw = [];
  for (const delimiter of ['\\(', '\\[']) {
    let at = rendered.indexOf(delimiter);
    while (at >= 0 && raw.length < 5) {
      raw.push(rendered.slice(Math.max(0, at - 30), at + 50));
      at = rendered.indexOf(delimiter, at + 1);
    }
  }
  const math = Array.from(document.querySelectorAll('.math'));
  const blocks = Array.from(document.querySelectorAll('div.highlight'));
  done({
    mathjax: mathjax,
    mathjax_problem: ['no math', 'typeset'].includes(mathjax) ? '' : mathjax,
    raw_tex: raw,
    formulas: document.querySelectorAll('mjx-container').length,
    untypeset: math.filter((m) => !m.querySelector('mjx-container')).map((m) => m.textContent.slice(0, 80)),
    tex_errors: Array.from(document.querySelectorAll('mjx-merror')).map((e) => e.textContent.slice(0, 80)),
    images: document.images.length,
    broken_images: Array.from(document.images).filter((img) => !img.complete || img.naturalWidth === 0)
      .map((img) => img.getAttribute('src')),
    external: performance.getEntriesByType('resource').map((r) => r.name)
      .filter((name) => !name.startsWith(base) && !name.startsWith('data:') && !name.startsWith('blob:')),
    code_blocks: blocks.length,
    without_copy_button: blocks.filter((b) => !b.querySelector('button.copybtn')).length,
    clipped_code: blocks.map((b) => b.querySelector('pre')).filter((pre) => pre &&
      !['auto', 'scroll'].includes(getComputedStyle(pre).overflowX) && pre.scrollWidth > pre.clientWidth)
      .map((pre) => pre.textContent.split('\n').find((line) => line.length > 60) || ''),
    unscrollable_code: blocks.map((b) => b.querySelector('pre'))
      .filter((pre) => pre && !['auto', 'scroll'].includes(getComputedStyle(pre).overflowX)).length,
  });
}));
"""

# Sphinx lists the results one by one, then writes its summary ("Search finished, found ...").
SEARCH = r"""
const summary = document.querySelector('#search-results .search-summary');
const text = summary ? summary.textContent.trim() : '';
if (!(text.startsWith('Search finished') || text.startsWith('Your search did not match'))) return null;
const links = Array.from(document.querySelectorAll('#search-results ul.search li a'));
return {links: links.map((a) => a.getAttribute('href')), summary: text};
"""

SEARCH_STATE = r"""
const results = document.querySelector('#search-results');
return {ready: document.readyState, index: typeof Search === 'undefined' ? 'no Search' : typeof Search._index,
        results: results ? results.innerHTML.slice(0, 500) : null};
"""

STATE = r"""
return {ready: document.readyState, mathjax: typeof window.MathJax, startup: !!(window.MathJax && MathJax.startup),
        images: Array.from(document.images).map((img) => [img.getAttribute('src'), img.complete, img.naturalWidth])};
"""


def html_pages(site: Path) -> list[str]:
    """Every page of the site (the theme's and Sphinx's own assets aside)."""
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if path.relative_to(site).parts[0] not in ("_static", "_images", "_sources"))


def wait_for(browser, script: str, explain):
    """The first non-null value of ``script``, polled until WAIT_S; an AssertionError saying ``explain()`` after."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = browser.execute_script(script)
        if value is not None:
            return value
        time.sleep(0.05)
    raise AssertionError(explain())


def read_page(browser, base: str, page: str) -> dict:
    """What one page showed and logged; ``{"stalled": state}`` when it was not read within WAIT_S."""
    browser.get(base + page)
    browser.execute_script(INSPECT_PAGE, base, TYPESET_S)
    try:
        seen = wait_for(browser, "return window.corridorsSeen;", lambda: None)
    except AssertionError:
        return {"stalled": f"not typeset or images not loaded within {WAIT_S} s: {browser.execute_script(STATE)}",
                "console_errors": [entry["message"] for entry in browser.get_log("browser")]}
    seen["console_errors"] = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    return seen


def looks_stalled(seen: dict) -> bool:
    """Whether a reading shows what a stalled load leaves: no result, MathJax unfinished, scripts that did not run."""
    return ("stalled" in seen or seen["mathjax_problem"] != "" or seen["without_copy_button"] > 0
            or bool(seen["broken_images"]) or bool(seen["console_errors"]))


def read_site_in_chromium(site: Path, profile: Path) -> dict:
    """Open every page (and a search) in headless Chromium; what each page showed and logged."""
    chromium, driver = chromium_paths()
    server = _Server(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    browser = open_browser(chromium, driver, profile)
    try:
        pages, read_twice = {}, {}
        for page in html_pages(site):
            seen = read_page(browser, base, page)
            if looks_stalled(seen):  # read once more; a page broken for good shows it again
                first, seen = seen, read_page(browser, base, page)
                read_twice[page] = first
            if "stalled" in seen:
                raise AssertionError(f"{page}, read twice: {seen['stalled']}; first reading: {read_twice[page]}")
            pages[page] = seen
        browser.get(base + "search.html?q=analyze")
        search = wait_for(browser, SEARCH, lambda: f"search.html?q=analyze: no result within {WAIT_S} s: "
                                                   f"{browser.execute_script(SEARCH_STATE)}")
        search["console_errors"] = [entry["message"] for entry in browser.get_log("browser")
                                    if entry["level"] == "SEVERE"]
        return {"pages": pages, "search": search, "read_twice": read_twice,
                "browser": browser.capabilities.get("browserVersion")}
    finally:
        browser.quit()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def seen(tmp_path_factory) -> dict:
    """What Chromium showed on every page; read once per session and shared by the xdist workers."""
    chromium_paths()  # skip (or fail in CI) before building anything when there is no browser
    site = built_site(tmp_path_factory)
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=session_folder(tmp_path_factory)))
    seen = shared_once(tmp_path_factory, "chromium-visit.json", lambda: read_site_in_chromium(site, profile))
    if seen["read_twice"]:  # said in the warnings summary: a stall that recurs should be looked into
        warnings.warn(f"pages read a second time after a stalled first reading: {json.dumps(seen['read_twice'])}")
    return seen


def problems(seen: dict, key: str) -> dict:
    return {page: shown[key] for page, shown in seen["pages"].items() if shown[key]}


def test_every_page_was_read(seen, tmp_path_factory):
    site = built_site(tmp_path_factory)
    assert sorted(seen["pages"]) == html_pages(site)
    assert {"index.html", "proofs.html", "search.html", "tutorials/in_a_notebook.html"} <= set(seen["pages"])


def test_math_is_typeset_on_every_page(seen):
    assert not problems(seen, "mathjax_problem"), problems(seen, "mathjax_problem")
    assert not problems(seen, "raw_tex"), f"raw TeX delimiters left in the rendered text: {problems(seen, 'raw_tex')}"
    assert not problems(seen, "untypeset"), f"math elements MathJax did not typeset: {problems(seen, 'untypeset')}"
    assert not problems(seen, "tex_errors"), f"TeX errors in formulas: {problems(seen, 'tex_errors')}"
    counts = {page: seen["pages"][page]["formulas"] for page in FORMULAS}
    assert all(counts[page] >= least for page, least in FORMULAS.items()), counts


def test_every_image_loads(seen):
    assert not problems(seen, "broken_images"), f"images that did not load: {problems(seen, 'broken_images')}"
    counts = {page: seen["pages"][page]["images"] for page in IMAGES}
    assert all(counts[page] >= least for page, least in IMAGES.items()), counts


def test_no_page_logs_a_console_error(seen):
    errors = problems(seen, "console_errors")
    if seen["search"]["console_errors"]:
        errors["search.html?q=analyze"] = seen["search"]["console_errors"]
    assert not errors, f"console errors: {json.dumps(errors, indent=1)}"


def test_nothing_is_fetched_from_outside_the_site(seen):
    assert not problems(seen, "external"), f"requests that leave the site: {problems(seen, 'external')}"


def test_code_blocks_have_copy_buttons_and_never_cut_lines(seen):
    assert not problems(seen, "without_copy_button"), problems(seen, "without_copy_button")
    assert not problems(seen, "clipped_code"), f"long code lines cut off: {problems(seen, 'clipped_code')}"
    assert not problems(seen, "unscrollable_code"), problems(seen, "unscrollable_code")
    assert seen["pages"]["tutorials/train_with_clr.html"]["code_blocks"] >= 3


def test_search_finds_analyze(seen):
    links = seen["search"]["links"]
    assert any("corridors.analyze" in link for link in links), seen["search"]
