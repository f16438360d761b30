"""The lesson the teacher leads from the board: its plan, Next step, and the students following."""
