"""The judges, on every page each role reaches (the URL × role matrix, tests/matrix.py):

- axe-core 4.x (vendored in tests/browser/assets/, run in the page) with the WCAG 2.1 A/AA
  rules: no serious or critical violation, at desktop width on every page, and at phone
  (390 px) and tablet (768 px) widths on the scoring form, the project list and わたしの認定;
- the Nu HTML Checker (vnu, run once over every page's HTML as served): no error;
- the layout: at 390, 768 and 1366 px no page scrolls sideways, no word is broken across
  lines inside a table cell (「年/度」「メ/ン/バ/ー」), and the menu fits one row at 1366 px.
  Every page is saved as artifacts/screenshots/judges/<role>-<page>-<width>.png.

One browser and one context per role (signed in once, by session cookie); the pages are
visited once and the viewport resized in place, so the whole crawl takes about a minute.
"""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from evaluations import services as evaluation_services
from evaluations.models import Perspective, Rubric
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.matrix import ROLES, build_world
from tests.test_permission_matrix import ROWS

pytestmark = [pytest.mark.browser]

ASSETS = Path(__file__).parent / "assets"
AXE = (ASSETS / "axe.min.js").read_text(encoding="utf-8")
HTML_DIR = Path(settings.BASE_DIR) / "artifacts" / "html"
SHOTS = SCREENSHOTS / "judges"
PHONE, TABLET, DESKTOP = 390, 768, 1366
WIDTHS = (PHONE, TABLET, DESKTOP)
#: The pages judged by axe at every width, not only at desktop width.
SMALL_SCREEN_PAGES = {
    "evaluations:presentation_evaluate",
    "projects:project_list",
    "certification:my_certification",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}
#: Matrix rows that answer a file (CSV, Excel, PDF, JSON, a signed credential, keys), not
#: a page.
NOT_PAGES = re.compile(r"export|_pdf$|materials$|slides$|_download$|^healthz$|credential_")


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)  # "role url"
    axe: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    broken_words: list[str] = field(default_factory=list)
    wrapped_menu: list[str] = field(default_factory=list)
    html_files: dict[str, str] = field(default_factory=dict)  # file name → "role url"


# --- in-page checks --------------------------------------------------------------------
#: Words broken across lines inside a table cell because the cell is narrower than the
#: word. Each text node of a visible cell is cut into words by the browser's own
#: dictionary (Intl.Segmenter, ICU: 「年度」「メンバー」「令和」 are one word each); a word
#: whose characters lie on more than one line *and* that is wider than the cell's content
#: box was split by the layout (「年/度」). A long sentence that wraps at the end of a full
#: line, as Japanese text does, is not a finding: its words fit the cell.
BROKEN_WORDS_JS = r"""
() => {
  const segmenter = new Intl.Segmenter(document.documentElement.lang || 'ja', {granularity: 'word'});
  const found = [];
  for (const cell of document.querySelectorAll('td, th')) {
    if (!cell.getClientRects().length) continue;
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || getComputedStyle(parent).visibility === 'hidden') continue;
      if (parent.closest('.visually-hidden')) continue;
      for (const seg of segmenter.segment(node.data)) {
        if (!seg.isWordLike || seg.segment.length < 2) continue;
        const range = document.createRange();
        range.setStart(node, seg.index);
        range.setEnd(node, seg.index + seg.segment.length);
        const tops = new Set();
        let width = 0;
        for (const r of range.getClientRects()) {
          if (r.width > 0) { tops.add(Math.round(r.top / 4)); width += r.width; }
        }
        if (tops.size > 1 && width > room + 1) {
          found.push(seg.segment + ' (' + cell.textContent.trim().replace(/\s+/g, ' ').slice(0, 30) + ')');
        }
      }
    }
  }
  return found;
}
"""
SETTLE_JS = """
() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50))))
"""
#: How far the page is wider than the window, and the outermost elements that stick out.
OVERFLOW_JS = """
() => {
  const over = document.documentElement.scrollWidth - window.innerWidth;
  if (over <= 0) return [over, ''];
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.getBoundingClientRect().right <= window.innerWidth + 1) continue;
    let clipped = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; }
    }
    if (clipped) continue;
    if (culprits.some(c => c.contains(el))) continue;
    culprits.push(el);
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return [over, culprits.slice(0, 3).map(name).join(', ')];
}
"""
#: The main menu at desktop width: how many rows its links take, and whether its parts
#: (links, language switch, account menu) overlap or leave the container.
MENU_JS = """
() => {
  const nav = document.querySelector('#mainnav');
  if (!nav) return '';
  const items = [...nav.querySelectorAll('.navbar-nav > .nav-item')];
  const rows = new Set(items.map(e => Math.round(e.getBoundingClientRect().top))).size;
  if (rows > 1) return rows + ' rows of links';
  const parts = [...nav.children].map(e => e.getBoundingClientRect());
  const inner = nav.parentElement.getBoundingClientRect();
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].right > inner.right + 1) return 'runs past the container';
    if (i && parts[i].left < parts[i - 1].right - 1) return 'parts overlap';
  }
  const ul = nav.querySelector('.navbar-nav');
  if (ul && ul.scrollWidth > ul.clientWidth + 1) return 'links overflow their list';
  return '';
}
"""


def _axe(page, where: str) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(0, 2).join(' '))}));
        }""",
        AXE_TAGS,
    )
    return [
        f"{where}: {v['id']} ({v['impact']}) {' | '.join(v['nodes'])}"
        for v in result
        if v["impact"] in SERIOUS
    ]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:80]


def _visit(context, crawl: Crawl, *, role: str, name: str, url: str, status: int, lang="ja"):
    page = context.new_page()
    where = f"{role} {url}" + (f" [{lang}]" if lang != "ja" else "")
    try:
        page.set_viewport_size({"width": DESKTOP, "height": 900})
        response = page.goto(url)
        assert response.status == status, f"{where}: {response.status}, expected {status}"
        if "text/html" not in (response.headers.get("content-type") or ""):
            return
        crawl.pages.append(where)
        file_name = f"{_slug(role + '-' + name + '-' + lang)}.html"
        (HTML_DIR / file_name).write_bytes(response.body())
        crawl.html_files[file_name] = where
        shot = _slug(f"{role}-{name}" + (f"-{lang}" if lang != "ja" else ""))
        for width in (DESKTOP, TABLET, PHONE):
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(SETTLE_JS)  # let charts and other observers follow the new width
            here = f"{where} @{width}px"
            if width == DESKTOP or name in SMALL_SCREEN_PAGES:
                crawl.axe += _axe(page, here)
            menu = page.evaluate(MENU_JS) if width == DESKTOP else ""
            if menu:
                crawl.wrapped_menu.append(f"{here}: {menu}")
            over, culprits = page.evaluate(OVERFLOW_JS)
            if over > 0:
                crawl.overflow.append(f"{here}: {over}px wider than the window ({culprits})")
            crawl.broken_words += [f"{here}: {w}" for w in page.evaluate(BROKEN_WORDS_JS)]
            page.screenshot(path=str(SHOTS / f"{shot}-{width}.png"), full_page=True)
    finally:
        page.close()


def _pages_for(role: str, world) -> list[tuple[str, str, int]]:
    """(name, url, status) of every GET page the role reaches, plus the error pages."""
    pages = []
    for url_name, (row, _extend) in sorted(ROWS.items()):
        if row.method != "get" or row.expect[role] != 200 or NOT_PAGES.search(url_name):
            continue
        pages.append((url_name, reverse(url_name, kwargs=row.kwargs(world)) + row.query, 200))
    if role == "anonymous":
        pages.append(("login", reverse("account_login"), 200))
        pages.append(("not-found", "/no-such-page/", 404))
    if role == "staff":
        pages.append(("projects:project_list-all", reverse("projects:project_list"), 200))
        pages.append(("forbidden", reverse("evaluations:organiser_meeting_list"), 403))
        pages.append(("not-found", "/no-such-page/", 404))
    return pages


def _with_scores(world) -> None:
    """A second presentation, and both scored by the executive and the expert, so the
    board, the results and the scoring form show filled-in states (and repeat per
    presentation what a page repeats)."""
    factories.PresentationFactory(meeting=world.meeting, team=world.second_team, order=2)
    for presentation in world.meeting.presentations.all():
        for rater, perspective in (
            (world.executive, Perspective.POLICY),
            (world.external_expert, Perspective.TECHNICAL),
        ):
            rubric = Rubric.objects.get(
                fiscal_year=world.project.fiscal_year, perspective=perspective
            )
            evaluation_services.evaluation_submit(
                evaluator=rater,
                perspective=perspective,
                presentation=presentation,
                scores={c.pk: 4 for c in rubric.criteria.all()},
            )


def _context_for(browser, browser_context_args, live_server, user, *, lang="ja"):
    # bypass_csp: axe is injected as an inline script, which our CSP rightly refuses.
    context = browser.new_context(
        **{**browser_context_args, "base_url": live_server.url, "bypass_csp": True}
    )
    context.set_default_timeout(15_000)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
    context.add_cookies(cookies)
    return context


@pytest.fixture(scope="module")
def crawl(django_db_setup, django_db_blocker, live_server, browser, browser_context_args):
    """Build the matrix's world once, visit every page of every role, then empty the
    database again (as a transactional test would)."""
    shutil.rmtree(HTML_DIR, ignore_errors=True)
    HTML_DIR.mkdir(parents=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    result = Crawl()
    with django_db_blocker.unblock():
        try:
            with translation.override("ja"):
                world = build_world()
                for _row, extend in {id(e): (None, e) for _r, e in ROWS.values() if e}.values():
                    extend(world)
                _with_scores(world)
            for role in ROLES:
                user = None if role == "anonymous" else getattr(world, role)
                context = _context_for(browser, browser_context_args, live_server, user)
                try:
                    for name, url, status in _pages_for(role, world):
                        _visit(context, result, role=role, name=name, url=url, status=status)
                finally:
                    context.close()
            # English runs longer: わたしの認定 and the organiser's menu, in English too.
            for role, url_name in (
                ("member", "certification:my_certification"),
                ("organiser", "projects:organiser_project_list"),
            ):
                context = _context_for(
                    browser, browser_context_args, live_server, getattr(world, role), lang="en"
                )
                try:
                    _visit(context, result, role=role, name=url_name, url=reverse(url_name),
                           status=200, lang="en")
                finally:
                    context.close()
        finally:
            call_command("flush", interactive=False, verbosity=0)
    return result


def _vnu_jar() -> Path:
    candidates = [os.environ.get("VNU_JAR", "")]
    npm_root = shutil.which("npm") and subprocess.run(
        ["npm", "root", "-g"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if npm_root:
        candidates.append(f"{npm_root}/vnu-jar/build/dist/vnu.jar")
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pytest.fail("the Nu HTML Checker is not installed: `make test` installs vnu-jar with npm")


def test_the_crawl_reaches_every_role_s_pages(crawl):
    roles = {where.split()[0] for where in crawl.pages}
    assert roles == set(ROLES)
    assert len(crawl.pages) >= 60, crawl.pages


def test_axe_finds_no_serious_or_critical_violation(crawl):
    assert crawl.axe == [], "\n" + "\n".join(crawl.axe)


def test_the_html_checker_finds_no_error(crawl):
    java = shutil.which("java")
    assert java, "java is not installed (make test installs default-jre-headless)"
    run = subprocess.run(
        [java, "-Xss1024k", "-jar", str(_vnu_jar()), "--errors-only", "--format", "json",
         "--skip-non-html", str(HTML_DIR)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{crawl.html_files.get(Path(m.get('url', '')).name, m.get('url'))}:"
        f"{m.get('lastLine', '?')}: {m.get('message')} «{(m.get('extract') or '').strip()[:80]}»"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert errors == [], f"{len(errors)} errors\n" + "\n".join(errors)


def test_no_page_scrolls_sideways_at_any_width(crawl):
    assert crawl.overflow == [], "\n" + "\n".join(crawl.overflow)


def test_no_word_is_broken_across_lines_inside_a_table_cell(crawl):
    assert crawl.broken_words == [], "\n" + "\n".join(sorted(set(crawl.broken_words)))


def test_the_menu_fits_one_row_at_desktop_width(crawl):
    assert crawl.wrapped_menu == [], "\n" + "\n".join(crawl.wrapped_menu)
