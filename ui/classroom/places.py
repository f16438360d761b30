"""A student's place in a class: coming back to it, and giving it up.

A lesson is many page loads: a reload, a lesson link opened in the same tab, a link to
another page. Each starts a new Streamlit session that knows nothing, and a student who
must type their nickname again at every step ends up on the board five times. So the
member token handed out at joining (random, 192 bits, stored only as a hash salted with
the class code) is kept by the student's browser (``ui.classroom.remember``), and one
lookup here turns it back into the same ``Member``: the same id, so the same runs and
the same prediction on the board.

Every refusal is the same ``NotFound`` with the same words, whatever the reason: a class
that ended, a token given up with "Leave the class", a student the teacher removed (their
rows are gone), or a token somebody made up. A forger learns nothing about which classes
exist, and a student whose class ended reads one calm sentence.

A mixin of ``ClassStore``, which provides ``engine``, ``clock`` and ``_class_row``.
"""

from __future__ import annotations

import sqlalchemy as sa

from ui.classroom import codes, nicknames
from ui.classroom.records import ClassError, Member, NotFound
from ui.classroom.schema import members

GONE = (
    "Your place in that class is no longer there: the class has ended, or you left it, "
    "or the teacher removed you."
)
REVOKED = "-"  # a token hash no token has (a real one is 64 hex digits): the place is given up


class Places:
    """Rejoining with a member token, and giving the token up."""

    def rejoin(self, code: str, token: str | None) -> Member:
        """The student (never the teacher) whose token this is, in the live class ``code``.

        The teacher's own place is not given back this way: the teacher's standing is the
        teacher key, which never leaves the teacher's session.
        """
        if not token or codes.normalise(code) != code:
            raise NotFound(GONE)
        with self.engine.connect() as conn:
            try:
                self._class_row(conn, code)
            except ClassError:
                raise NotFound(GONE) from None
            row = conn.execute(
                sa.select(members.c.id, members.c.nickname).where(
                    members.c.code == code, members.c.token_hash == codes.digest(token, code)
                )
            ).first()
        if row is None or nicknames.identity(row.nickname) == nicknames.identity(nicknames.TEACHER):
            raise NotFound(GONE)
        return Member(code, int(row.id), row.nickname, token)

    def give_up(self, member: Member) -> None:
        """Forget the member's token for good ("Leave the class"): it rejoins nobody.

        The place's entries stay on the board under the nickname; joining again with the
        same nickname is the same student (``nicknames.identity``) with a new token.
        """
        with self.engine.begin() as conn:
            conn.execute(
                members.update()
                .where(
                    members.c.id == member.id,
                    members.c.code == member.code,
                    members.c.token_hash == codes.digest(member.token, member.code),
                )
                .values(token_hash=REVOKED)
            )
