"""The class's own collections: data sets a whole class draws together. Part of ``ClassStore``.

MNIST was drawn by strangers; a collection is drawn in the lesson. The teacher names it
and its classes (circle, square, triangle; or the digits 0-9), every student adds
drawings from the Draw page, and the pooled drawings become an ordinary data set
(:meth:`Collecting.collection` gives an ``nn_core.collection.Collection``) that anyone in
the class can train on. Thirty students pool far more than one could draw alone, and
each student's hand makes the network a little harder to fool.

The rules are the board's: only the teacher makes a collection (at most
``fields.COLLECTIONS_PER_CLASS``); a drawing is 28 x 28 ink stored as 784 bytes; caps count
visible drawings of one collection, per student (all their memberships, as everywhere on
the board) and for everyone together; the teacher hides drawings as any other entry.

A mixin: ``ClassStore`` provides ``engine``, ``clock``, ``_class_row``,
``_require_teacher``, ``_require_member``, ``_same_student`` and ``_changed``.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import sqlalchemy as sa

from nn_core.collection import Collection
from ui.classroom import fields, nicknames
from ui.classroom.records import (
    ClassError,
    CollectionInfo,
    Member,
    NotFound,
    RosterLine,
    collection_name,
)
from ui.classroom.schema import collection_drawings, collections, members

NO_COLLECTION = "There is no such collection in this class."


class Collecting:
    """Making collections, adding to them, and reading them back."""

    def create_collection(self, code: str, key: str, title: str, class_names) -> int:
        """A new, empty collection of the named classes; returns its id (teacher only)."""
        title, names = fields.collection(title, class_names)
        with self.engine.begin() as conn:
            self._require_teacher(conn, code, key)
            made = sa.select(sa.func.count()).where(collections.c.code == code)
            if conn.execute(made).scalar_one() >= fields.COLLECTIONS_PER_CLASS:
                raise ClassError(f"A class has at most {fields.COLLECTIONS_PER_CLASS} collections.")
            result = conn.execute(
                collections.insert().values(
                    code=code, title=title, class_names=json.dumps(names), created=self.clock()
                )
            )
            self._changed(conn, code)
            return int(result.inserted_primary_key[0])

    def add_collection_drawing(self, member: Member, collection_id: int, image, label) -> int:
        """One drawing ((28, 28) in [0, 1]) of class ``label`` added to the collection."""
        pixels = fields.image(image).tobytes()
        with self.engine.begin() as conn:
            self._require_member(conn, member, posting=True)
            row = self._collection_row(conn, member.code, collection_id)
            label = fields.class_label(label, len(json.loads(row.class_names)))
            self._check_collection_room(conn, member, row.id)
            result = conn.execute(
                collection_drawings.insert().values(
                    code=member.code,
                    collection_id=row.id,
                    member_id=member.id,
                    label=label,
                    pixels=pixels,
                    hidden=False,
                    created=self.clock(),
                )
            )
            self._changed(conn, member.code)
            return int(result.inserted_primary_key[0])

    def _collection_row(self, conn, code: str, collection_id):
        if isinstance(collection_id, bool) or not isinstance(collection_id, int | np.integer):
            raise NotFound(NO_COLLECTION)
        found = sa.select(collections).where(
            collections.c.id == int(collection_id), collections.c.code == code
        )
        row = conn.execute(found).first()
        if row is None:
            raise NotFound(NO_COLLECTION)
        return row

    def _check_collection_room(self, conn, member: Member, collection_id: int) -> None:
        """Room for one more visible drawing in this collection, for this student and for
        everyone; hidden drawings make room, as they do on the board."""
        table = collection_drawings
        count = (
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.collection_id == collection_id, table.c.hidden == sa.false())
        )
        mine = table.c.member_id.in_(self._same_student(conn, member))
        per_member = fields.COLLECTION_DRAWINGS_PER_MEMBER
        if conn.execute(count.where(mine)).scalar_one() >= per_member:
            raise ClassError(
                f"You have added {per_member} drawings to this collection: remove one first."
            )
        if conn.execute(count).scalar_one() >= fields.COLLECTION_DRAWINGS:
            raise ClassError(f"This collection is full ({fields.COLLECTION_DRAWINGS} drawings).")

    # --- reading -----------------------------------------------------------------------
    def collections(self, code: str) -> list[CollectionInfo]:
        """Every collection of the class with its visible drawings counted, no pixels."""
        return self.collections_and_roster(code)[0]

    def collection_roster(self, code: str) -> list[RosterLine]:
        """Who added how many drawings of which class, per student and collection."""
        return self.collections_and_roster(code)[1]

    def collection(self, code: str, collection_id: int) -> Collection:
        """The collection's visible drawings as a data set named ``class-CODE-ID``."""
        with self.engine.connect() as conn:
            self._class_row(conn, code)
            row = self._collection_row(conn, code, collection_id)
            table = collection_drawings
            drawn = conn.execute(
                sa.select(table.c.label, table.c.pixels)
                .where(table.c.collection_id == row.id, table.c.hidden == sa.false())
                .order_by(table.c.id)
            ).all()
        ink = np.frombuffer(b"".join(d.pixels for d in drawn), np.uint8)  # (n * 784,)
        images = (ink.reshape(len(drawn), 28, 28) / 255).astype(np.float32)  # (n, 28, 28)
        labels = np.array([d.label for d in drawn], dtype=np.int64)  # (n,)
        images.flags.writeable = labels.flags.writeable = False  # shared, as a data set is
        names = tuple(json.loads(row.class_names))
        return Collection(collection_name(code, row.id), row.title, names, images, labels)

    def collection_entries(self, code: str) -> list[tuple[int, int, str, str, bool]]:
        """(id, member id, nickname, what, hidden) of every collection drawing, hidden
        ones too: what the board's *Hide* and *Remove* lists offer."""
        table = collection_drawings
        with self.engine.connect() as conn:
            titles = {r.id: r for r in conn.execute(_collections_of(code)).all()}
            names = _names(conn, code)
            rows = conn.execute(
                sa.select(table.c.id, table.c.collection_id, table.c.member_id)
                .add_columns(table.c.label, table.c.hidden)
                .where(table.c.code == code)
                .order_by(table.c.id)
            ).all()
        found = []
        for r in rows:
            c = titles.get(r.collection_id)
            if c is not None:
                what = f"a {json.loads(c.class_names)[r.label]} in {c.title}"
                nickname = names.get(r.member_id, "?")
                found.append((int(r.id), int(r.member_id), nickname, what, bool(r.hidden)))
        return found

    def collections_and_roster(self, code: str) -> tuple[list[CollectionInfo], list[RosterLine]]:
        table = collection_drawings
        with self.engine.connect() as conn:
            self._class_row(conn, code)
            made = conn.execute(_collections_of(code)).all()
            names = _names(conn, code)
            drawn = conn.execute(
                sa.select(table.c.id, table.c.collection_id, table.c.label, table.c.member_id)
                .where(table.c.code == code, table.c.hidden == sa.false())
                .order_by(table.c.id)
            ).all()
        return tally(code, made, drawn, names)


def _collections_of(code: str):
    return sa.select(collections).where(collections.c.code == code).order_by(collections.c.id)


def _names(conn, code: str) -> dict[int, str]:
    found = sa.select(members.c.id, members.c.nickname).where(members.c.code == code)
    return dict(conn.execute(found).all())


def tally(code: str, made, drawn, names: dict[int, str]):
    """Counts per class, students per class and the roster, from rows without pixels.

    A student is their nickname (``nicknames.identity``), whichever membership drew, and
    is listed under the first nickname they joined with.
    """
    first: dict[str, tuple[int, str]] = {}  # identity -> (joining order, nickname)
    for member_id in sorted(names):
        first.setdefault(nicknames.identity(names[member_id]), (len(first), names[member_id]))
    classes = {r.id: len(json.loads(r.class_names)) for r in made}
    counts = {cid: np.zeros(k, np.int64) for cid, k in classes.items()}  # (k,) each
    drawers = {cid: [set() for _ in range(k)] for cid, k in classes.items()}
    roster: dict[tuple[str, int], np.ndarray] = {}
    ids: dict[int, list[int]] = {cid: [] for cid in classes}
    for d in drawn:
        if d.collection_id not in classes or not 0 <= d.label < classes[d.collection_id]:
            continue
        who = nicknames.identity(names.get(d.member_id, "?"))
        counts[d.collection_id][d.label] += 1
        drawers[d.collection_id][d.label].add(who)
        mine = roster.setdefault((who, d.collection_id), np.zeros(classes[d.collection_id], int))
        mine[d.label] += 1
        ids[d.collection_id].append(int(d.id))
    infos = [
        CollectionInfo(
            id=int(r.id),
            code=code,
            title=r.title,
            class_names=tuple(json.loads(r.class_names)),
            counts=tuple(int(c) for c in counts[r.id]),
            students=tuple(len(s) for s in drawers[r.id]),
            contributors=len(set().union(*drawers[r.id])),
            drawn=hashlib.sha256(np.array(ids[r.id], np.int64).tobytes()).hexdigest(),
        )
        for r in made
    ]
    unknown = (len(first), "?")
    by_collection_then_joining = sorted(roster, key=lambda k: (k[1], first.get(k[0], unknown)))
    lines = [
        RosterLine(first.get(who, unknown)[1], cid, tuple(int(c) for c in roster[who, cid]))
        for who, cid in by_collection_then_joining
    ]
    return infos, lines
