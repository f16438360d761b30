"""The lesson feature's keys: the teacher's step buttons and plan picker, the student's
record of which of the teacher's moves they have followed."""

from __future__ import annotations

NEXT = "lesson.next"  # teacher: buttons
BACK = "lesson.back"
USE = "lesson.use"
PLAN_FILE = "lesson.plan_file"  # teacher: an uploaded plan (JSON)
DOWNLOAD = "lesson.download"
ROSTER_OPEN = "lesson.roster_open"  # teacher: the roster, drawn only when unfolded
FOLLOWED = "lesson.followed"  # student: (class code, teacher's move) last followed
SHOWN = "lesson.shown"  # student: the step as their banner shows it (a StepNote)
ANSWER = "lesson.answer"  # student: the prediction, on the step's page
SEND = "lesson.send"
