"""A mischievous class in Chromium: hostile words reach the page only as text.

A student opens a crafted lesson link (hostile names and values) that joins the class,
and joins under a nickname that is a Markdown image; classmates (shared into the store,
as another server would) are called after TeX, HTML, Plotly tags, directives, icons and
emoji, and the best run is named after a link; the teacher asks a question made of the
same. Every page that shows them (Train's lesson note and sidebar, the student's Class
page, the teacher's board with its figures) must hold them as characters: no ``<img>``,
no ``<a>`` and no ``.katex`` from them, no coloured text, icon or emoji, no bold from
``<b>`` in a Plotly legend, and no request to the host they name. Every wait polls the
page for a state with a generous deadline.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urlsplit

import numpy as np
import pytest
import sqlalchemy as sa

from nn_core.model import MLP
from tests.support.app_server import running_app
from tests.support.browser import APP_IDLE, put_key_away
from tests.support.hostile import LONG
from tests.support.lesson import choose
from tests.support.runs import make_run
from ui import text
from ui.classroom import codes
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEADLINE_MS = 60_000
NICKNAME = "![](//x.invalid/n.png)"  # typed into the join form (24 characters at most)
CLASSMATES = (
    r"$\rule{99em}{99em}$", "<b>bold</b>", "a<br>b<sup>2</sup>", ":red[big]", ":smile:",
    ":material/home:", ":streamlit:", "me@x.invalid", "www.x.invalid",
)  # fmt: skip
BEST_RUN = "[FREE](http://x.invalid/run) <img src=x onerror=f()>"
PROMPT = r"![](//x.invalid/q.png) $\rule{99em}{99em}$ [FREE](http://x.invalid/q) :red[big]"
CHOICES = (":streamlit:", "<b>bold</b>", "![](//x.invalid/c.png)", "$x$")
LINK = {"lr": ":smile: $$x$$", "![](//x.invalid/l.png)": "1", "evil\u202etxt": "1", LONG: "1"}

# What the words would have become: anything here that is not the app's own is a failure.
DOM = """() => {
  const all = (q) => [...document.querySelectorAll(q)];
  const text = document.body.innerText.replaceAll('\\u2060', '');
  return {
    images: all('img').map(i => i.src + ' ' + (i.alt || ''))
      .filter(s => s.startsWith('http') && s.split(' ')[0].includes('x.invalid')
        || s.includes('Streamlit logo')),
    links: all('a').map(a => new URL(a.href, location.href))
      .filter(u => u.hostname.endsWith('x.invalid') || u.protocol === 'mailto:')
      .map(u => u.href),
    katex: all('.katex').length,
    coloured: all('.stMarkdownColoredText, .stMarkdownColoredBackground').length,
    icons: all('[aria-label="home icon"]').length,
    emoji: text.includes('\\u{1F604}'),
    bold: all('b, strong, tspan').filter(e => e.textContent === 'bold').length,
    bidi: /[\\u202a-\\u202e\\u2066-\\u2069\\u200b-\\u200d\\ufeff]/.test(text),
    text: text,
  };
}"""


def open_tab(browser, url: str, requests: list):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.set_default_timeout(DEADLINE_MS)
    page.goto(url)
    return page


def only_text(page, words) -> None:
    """The page, once idle, holds every one of ``words`` as characters and nothing else."""
    page.wait_for_function(APP_IDLE, timeout=DEADLINE_MS)
    found = page.evaluate(DOM)
    shown = found.pop("text")
    missing = [w for w in words if text.plain(w, len(w))[:28] not in shown]  # a long one is cut
    assert found == {
        "images": [], "links": [], "katex": 0, "coloured": 0, "icons": 0, "emoji": False,
        "bold": 0, "bidi": False,
    }, found  # fmt: skip
    assert missing == [], missing


def share_classmates(store: ClassStore, code: str) -> None:
    """Classmates named after hostile strings share a run and a drawing each; the first
    one's run is the best, with its weights, and is named ``BEST_RUN``."""
    for i, nickname in enumerate(CLASSMATES):
        member = store.join(code, nickname)
        best = i == 0
        run = make_run(i + 1, accuracy=0.99 if best else 0.5, steps=50)
        run.model = MLP((784, 8, 10), seed=i) if best else None
        run.name = BEST_RUN if best else f"{nickname} run"
        store.share_run(member, entry_from_run(run))
        store.add_drawing(member, np.eye(28), 1)


def test_hostile_words_reach_the_dom_only_as_text(browser, tmp_path):
    state, requests = tmp_path / "state", []
    env = {"NN_STATE_DIR": str(state), "NN_CLASS_REFRESH": "2", "NN_CLASS_DB_URL": None}
    with running_app(tmp_path / "server.log", env) as url:
        teacher = open_tab(browser, f"{url}/class", requests)
        teacher.get_by_role("button", name="Start a class").click()
        put_key_away(teacher)
        heading = teacher.get_by_text(re.compile(r"Class code:")).first.inner_text()
        code = codes.normalise(re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", heading).group(0))
        teacher.get_by_text("Teacher controls").click()
        teacher.get_by_role("textbox", name="Question", exact=True).fill(PROMPT)
        teacher.get_by_role("textbox", name="Answers, one per line").fill("\n".join(CHOICES))
        teacher.get_by_role("button", name="Ask the class").click()
        teacher.get_by_text(re.compile(r"^Question: ")).wait_for()

        # A student opens a crafted lesson link that names the class, and joins.
        student = open_tab(browser, f"{url}/train?{urlencode({'class': code, **LINK})}", requests)
        student.get_by_role("textbox", name="Nickname for the class board").fill(NICKNAME)
        student.keyboard.press("Enter")  # the page's own join prompt
        student.get_by_text(re.compile(r"^In class")).wait_for()
        student.get_by_text(re.compile(r"^Ignored")).wait_for()  # the note is escaped whole
        only_text(student, [NICKNAME, *LINK, LINK["lr"]])

        store = ClassStore(sa.create_engine(f"sqlite:///{state / 'classroom.sqlite3'}"))
        share_classmates(store, code)
        student.get_by_role("link", name="Class").click()  # the question, to predict
        student.get_by_text(re.compile(r"^Predict before you run:")).wait_for()
        student.get_by_text(re.compile(rf"· {len(CLASSMATES)} runs ·")).first.wait_for()
        only_text(student, [PROMPT, *CHOICES, NICKNAME])

        # The teacher colours the board by student and reveals the answers.
        teacher.get_by_text("Reveal the answers").click()
        # The reveal adds the answers chart below the picker; once it is drawn, the picker
        # is opened (and opened again if a board refresh closed the list under the click).
        teacher.wait_for_function(
            """() => [...document.querySelectorAll('.js-plotly-plot')]
                .some(p => p.layout?.meta?.chart === 'class_answers')""",
            timeout=DEADLINE_MS,
        )
        choose(teacher, "Colour the runs by", "student")
        legend = json.dumps(sorted(f"{text.label(n)} (1)" for n in CLASSMATES))
        teacher.wait_for_function(
            f"""() => {{
                const plots = [...document.querySelectorAll('.js-plotly-plot')];
                const chart = (name) => plots.find(p => p.layout?.meta?.chart === name);
                const loss = chart('class_loss');
                return !!chart('class_answers') && !!loss &&
                    JSON.stringify(loss.data.filter(t => t.showlegend !== false).map(t => t.name).sort()) === JSON.stringify({legend});
            }}""",
            timeout=DEADLINE_MS,
        )
        teacher.get_by_text(re.compile(r"^Accuracy of the class's best")).wait_for()
        only_text(teacher, [*CLASSMATES, PROMPT, *CHOICES])  # runs: named by student
        legend_text = teacher.locator(".legendtext").evaluate_all(
            "ts => ts.map(t => t.textContent)"
        )
        assert "<b>bold</b> (1)" in legend_text and "a<br>b<sup>2</sup> (1)" in legend_text
        fetched = [u for u in requests if (urlsplit(u).hostname or "").endswith("x.invalid")]
        assert fetched == []  # no viewer's browser went to the host the words name
        teacher.context.close()
        student.context.close()
