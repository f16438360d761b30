"""The Class feature's widget keys: the sidebar's join form, the board and its controls.

The membership itself (``K.CLASS``, a ``ClassSession``) is shared: Train and Draw share
runs and drawings through it, so its key stays in ``ui.state``. Everything here is a
control of this feature, named once so the page, its callbacks and the tests agree. The
string values are the ones the app has always used (``"class.code"``, ...).
"""

from __future__ import annotations

from typing import Any

JOIN_OPEN = "class.join_open"  # sidebar expander: the join form, drawn when open
CODE = "class.code"  # sidebar text input: the code to join (?class= pre-fills it)
NICKNAME = "class.nickname"
JOIN_FORM = "class.join_form"  # the sidebar's form: Enter in a box joins
PROMPT = "class.prompt"  # the in-page join prompt of a lesson link naming a class (container)
PROMPT_FORM = "class.prompt_form"
PROMPT_NICKNAME = "class.prompt_nickname"
PROMPT_JOIN = "class.prompt_join"
REMEMBER = "class.remember"  # the script that keeps a student's place in their browser
JOIN = "class.join"  # buttons
LEAVE = "class.leave"
START = "class.start"
RECLAIM_CODE = "class.reclaim_code"  # teacher: code + key to reclaim a board
RECLAIM_KEY = "class.reclaim_key"
RECLAIM = "class.reclaim"
KEY_SEEN = "class.key_seen"  # button in the teacher key's dialog: written down, close it
COLOR_BY = "class.color_by"  # the setting that colours the board's curves
SHARE_RUN = "class.share_run"  # prefix: one button per run, "class.share_run.3"
QUESTION = "class.question"  # teacher: the question's text
CHOICES = "class.choices"  # teacher: its answers, one per line
POSE = "class.pose"  # button
REVEAL = "class.reveal"  # toggle: show the answers on the board
CLOSED = "class.closed"  # toggle: closed to new entries
ANSWER = "class.answer"  # student: radio with the answers
SEND_ANSWER = "class.send_answer"  # button
MANAGE_OPEN = "class.manage_open"  # expander: the entries to hide or remove, listed when open
CONTROLS_OPEN = "class.controls_open"  # expander: the teacher's controls, made only when open
ENTRY = "class.entry"  # select: the entry to hide, show again or remove
HIDE = "class.hide"  # buttons
SHOW = "class.show"
REMOVE = "class.remove"
DELETE_PICK = "class.delete_pick"  # teacher: the entry to delete for good
DELETE = "class.delete"  # button
MEMBER_PICK = "class.member_pick"  # teacher: the student to remove with their entries
REMOVE_MEMBER = "class.remove_member"  # button
EXPORT_CSV = "class.export_csv"  # download buttons
EXPORT_JSON = "class.export_json"
EXPORT_NPZ = "class.export_npz"
CURVE = "class.curve"  # segmented control: the curves on the board, loss or accuracy
CHART_CURVES = "class.chart_curves"  # prefix: the board's figures (stable ids: no flicker)
CHART_RESULTS = "class.chart_results"
CHART_ANSWERS = "class.chart_answers"
CHART_PRELOAD = "class.chart_preload"  # a blank strip: Plotly starts while the code is typed
BOARD_SHOWN = "class.board_shown"  # session: the class version this tab's board shows
BOARD_REFRESH = "class.board_refresh"  # session: this run was asked for by the watcher
BOARD_DATASET = "class.board_dataset"  # segmented control: the data set the charts show
TABLE_OPEN = "class.table_open"  # expander: every run's row, made only when open
COLLECTION_TITLE = "class.collection_title"  # teacher: a new collection's name
COLLECTION_DIGITS = "class.collection_digits"  # toggle: its classes are the digits 0-9
COLLECTION_CLASSES = "class.collection_classes"  # text area: its classes, one per line
COLLECTION_CREATE = "class.collection_create"  # button
COLLECTION_DOWNLOAD = "class.collection_download"  # prefix: its .npz file, ".3"

# Values set before the page first draws (``ui.state.ensure_state(keys.DEFAULTS)``): none, each
# control above sets its own value the first time it is drawn.
DEFAULTS: dict[str, Any] = {}
