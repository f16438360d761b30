""" "Our own data" at a projector's, a laptop's and a tablet's size: screenshots for people.

For each size (1920x1080, 1280x800, 768x1024) a teacher starts a class and makes the
collection "Shapes" on the board; three students (in the store, as another server
would) draw five circles, squares and triangles each and one shares a network trained
on them, and the class draws 60 digits into its handwriting set. A student's tab then
joins, loads a collection of its own from a ``.npz`` file on Draw's *Collect*, trains on
it with *Small data*, and teaches the digit model the class's handwriting on Evaluate.

Saved in tests/_artifacts/ for a person to look at (the README shows some of them):
``our-data-board``, ``our-data-collect``, ``our-data-train``, ``our-data-teach``, each
``-<width>x<height>``. Every wait is for a state of the page, and each screen is
checked for what it must show (the split sentence, the counts, the bars) and for no
error on it.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sqlalchemy as sa

from nn_core import canvas_to_mnist
from nn_core.collection import Collection
from nn_core.collectionfile import collection_to_bytes
from nn_core.metrics import evaluate
from nn_core.model import MLP
from nn_core.train import TrainConfig, Trainer
from tests.support.app_server import launch_app, stop_app
from tests.support.browser import APP_IDLE, ARTIFACTS, chromium_path
from tests.support.drawing import start_class_with_shapes
from tests.support.lesson import chart_drawn
from tests.support.runs import make_run
from tests.support.samples import bundled_sample
from tests.support.shapes import SHAPES, shape_canvas, shapes_collection
from tests.support.styles import backhand
from ui.classroom.sharing import entry_from_run
from ui.classroom.store import ClassStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [(1920, 1080), (1280, 800), (768, 1024)]
STUDENTS = ("Ana", "Sam", "Lee")
PER_STUDENT = 5  # of each shape, as in the README's ten-minute activity
HANDWRITING = 60  # digits in the class's handwriting set: enough to teach and to test
OWN = 20  # drawings of each shape in the student's own file
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app on a server of this file's own, and the class store it writes to."""
    if chromium_path() is None:
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("our-data")
    db = f"sqlite:///{folder / 'class.sqlite3'}"
    proc, url = launch_app(folder / "server.log", {"NN_CLASS_DB_URL": db, "NN_CLASS_REFRESH": "2"})
    try:
        yield url, ClassStore(sa.create_engine(db)), folder
    finally:
        stop_app(proc)


def tab(browser, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def idle(page) -> None:
    page.wait_for_function(APP_IDLE, timeout=WAIT_MS)


def shoot(page, name: str, size, at=None) -> None:
    """The screen a person sees, scrolled to ``at`` (a locator) when given."""
    if at is not None:
        at.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    page.wait_for_timeout(500)  # the scroll's last layout pass; nothing is awaited by it
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{size[0]}x{size[1]}.png"))
    assert page.get_by_test_id("stException").count() == 0, name


def pool_shapes(store: ClassStore, code: str) -> float:
    """Three students draw five of each shape; Ana shares a network trained on the
    learning part. Returns its accuracy on the held-out part."""
    (info,) = store.collections(code)
    rng = np.random.default_rng(1)
    for nickname in STUDENTS:
        member = store.join(code, nickname)
        for _ in range(PER_STUDENT):
            for label, kind in enumerate(SHAPES):
                image = canvas_to_mnist(shape_canvas(kind, rng))  # (28, 28)
                store.add_collection_drawing(member, info.id, image, label)
    data = store.collection(code, info.id).to_dataset()
    model = MLP((784, 64, len(SHAPES)), seed=0)
    config = TrainConfig(epochs=30, batch_size=16, optimizer="adam", lr=3e-3, shift=2)
    Trainer(model, data.X_train, data.y_train, config).run()
    accuracy = evaluate(model, data.X_test, data.y_test).accuracy
    run = make_run(1, model=model, accuracy=accuracy, dataset=info.name)
    store.share_run(store.join(code, STUDENTS[0]), entry_from_run(run))
    return accuracy


def pool_handwriting(store: ClassStore, code: str) -> None:
    """The class draws digits into its handwriting set: MNIST digits rewritten backhand
    with a thick pen, a hand the bundled model reads worse than MNIST's (as in
    bench/bench_collection.py --digits)."""
    ds = bundled_sample("mnist")
    digits = backhand(ds.X_train[:HANDWRITING]).reshape(-1, 28, 28)  # (60, 28, 28)
    member = store.join(code, STUDENTS[1])
    for digit, label in zip(digits, ds.y_train[:HANDWRITING], strict=True):
        store.add_drawing(member, digit, int(label))


def our_shapes_file(folder) -> str:
    """A student's own collection, saved from Draw last week: 20 of each shape."""
    c: Collection = shapes_collection(OWN, seed=3)
    path = folder / "Our shapes.npz"
    path.write_bytes(collection_to_bytes(c))
    return str(path)


def sidebar(page):
    """The sidebar, opened first on a narrow screen."""
    bar = page.get_by_test_id("stSidebar")
    if bar.get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
    return bar


def close_sidebar(page, size) -> None:
    """On a tablet the sidebar covers the page: close it, as a student would."""
    if size[0] < 800:
        page.get_by_test_id("stSidebar").hover()
        page.get_by_test_id("stSidebarCollapseButton").click()


def go(page, size, name: str) -> None:
    sidebar(page).get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    close_sidebar(page, size)


def collect_screen(page, url: str, code: str, size, npz: str) -> None:
    page.goto(f"{url}/draw?class={code}")
    page.get_by_role("textbox", name="Nickname for the class board").fill("Kim")
    page.keyboard.press("Enter")
    idle(page)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Collect a data set").click()
    main.get_by_text("Draw a data set", exact=True).first.wait_for()
    main.get_by_role("combobox").first.wait_for()
    idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(npz)
    main.get_by_text(f"{3 * OWN} drawings", exact=True).wait_for()
    latest = page.locator('img.nn-figure[data-chart="collection-latest"]')
    latest.wait_for()
    idle(page)
    shoot(page, "our-data-collect", size)


def train_screen(page, size) -> None:
    sidebar(page).get_by_text("Our shapes", exact=True).click()
    idle(page)
    go(page, size, "Train")
    main = page.get_by_test_id("stMain")
    split = main.get_by_text(re.compile(rf"^{3 * OWN} drawings: \d+ to learn from, \d+ held out"))
    split.wait_for()
    idle(page)
    preset = main.get_by_test_id("stSelectbox").first
    preset.locator("input").fill("Small data")
    preset.locator("input").press("Enter")
    main.get_by_text(re.compile(r"^784-64-10 on standardised inputs, Adam")).wait_for()
    idle(page)
    main.get_by_role("button", name="Start", exact=True).click()
    main.get_by_text(re.compile(r"^#1 64 relu, he init, adam lr 0.003")).wait_for()
    main.get_by_text("Try it on your handwriting").wait_for(timeout=180_000)
    idle(page)
    shoot(page, "our-data-train", size, at=split)


def teach_screen(page, size) -> None:
    sidebar(page).get_by_text("MNIST", exact=True).click()
    idle(page)
    go(page, size, "Evaluate")
    main = page.get_by_test_id("stMain")
    main.locator('[data-testid="stButtonGroup"] button', has_text="Teach it our").first.click()
    main.get_by_text("Teach it our handwriting", exact=True).first.wait_for()
    main.get_by_text("The class's handwriting").click()
    main.get_by_text(re.compile(rf"^\d+ of the {HANDWRITING} drawings to learn from")).wait_for()
    idle(page)
    rate = main.get_by_role("slider", name="Learning rate")
    rate.focus()
    for _ in range(2):  # 0.03 -> 0.1 -> 0.3: a rate that forgets
        rate.press("ArrowRight")
    idle(page)
    main.get_by_role("button", name="Teach it", exact=True).click()
    main.get_by_role("button", name="Use it as my model").wait_for()
    idle(page)
    chart_drawn(page, "eval_teach")
    main.get_by_text(re.compile(r"^On MNIST it fell from")).wait_for()  # 0.3 forgets
    shoot(page, "our-data-teach", size, at=main.get_by_role("button", name="Use it as my model"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_our_own_data_on_every_screen(browser, served, size):
    url, store, folder = served
    teacher = tab(browser, size)
    teacher.goto(f"{url}/class")
    code = start_class_with_shapes(teacher, WAIT_MS)
    pool_shapes(store, code)
    pool_handwriting(store, code)
    main = teacher.get_by_test_id("stMain")
    main.get_by_text(re.compile(r"^45 drawings of 3 classes from 3 students")).wait_for()
    main.get_by_text(re.compile(r"^The class's best network .* reads")).wait_for()
    (info,) = store.collections(code)
    chart_drawn(teacher, f"class_collection_{info.id}")
    idle(teacher)
    shoot(teacher, "our-data-board", size, at=main.get_by_text(re.compile(r"^Collection: ")))
    teacher.context.close()

    student = tab(browser, size)
    collect_screen(student, url, code, size, our_shapes_file(folder))
    train_screen(student, size)
    teach_screen(student, size)
    student.context.close()
