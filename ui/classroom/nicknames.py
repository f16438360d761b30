"""Who a nickname is: the same student under small variations, and the names kept back.

A class knows its students only by the nickname they type, so two questions come up.
Is "sam " the same student as "Sam"? Yes: ``identity`` folds case, width and spacing,
and the store counts a student's entries (and remembers a removal) by it. And may a
student call themselves "Teacher"? No: on a projected board that name speaks with the
teacher's voice. A mischievous student will try "T3acher", "Mr Teacher", "teacher1" or
"Tеacher" with a Cyrillic е, so the check looks at the name's *skeleton*: compatibility
forms folded (fullwidth letters, ligatures), accents dropped, case folded, letters that
look alike mapped to their Latin twin (Cyrillic а/е/о/с/р/х, Greek α/ε/ο/τ, digits read as
letters: 3 for e, 4 for a, 7 for t, 1 for l, 0 for o; @ for a), and everything that is
not a letter removed. Any nickname whose skeleton contains "teacher" is kept back.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

RESERVED = ("teacher",)  # skeletons that no student may use, anywhere in their nickname
TEACHER = "Teacher"  # the name the teacher's own tabs carry on the board
RESERVED_MESSAGE = (
    "The nickname “Teacher” (or one that looks like it) is kept for the teacher: pick another."
)

# Characters that pass for a Latin letter on a projector, after case folding.
LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "г": "r", "е": "e", "ё": "e", "з": "3", "і": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "h", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ς": "c", "σ": "o",
        # Latin small capitals and other shapes
        "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ɢ": "g", "ʜ": "h", "ɪ": "i",
        "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ᴛ": "t",
        "ᴜ": "u", "ɑ": "a", "ℯ": "e", "℮": "e", "ı": "i",
        # digits and signs read as letters
        "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
        "@": "a", "$": "s", "+": "t", "€": "e", "|": "l", "!": "i",
    }
)  # fmt: skip


def identity(nickname: str) -> str:
    """The key that makes "Sam", " sam" and "ＳＡＭ" one student in one class."""
    return " ".join(unicodedata.normalize("NFKC", nickname).casefold().split())


def students(names: Iterable[str]) -> set[str]:
    """The students among a class's member names: one per nickname (a student who joined
    twice is one), the teacher's own tabs left out; what "N in class" counts."""
    teacher = identity(TEACHER)
    return {i for i in map(identity, names) if i != teacher}


def skeleton(nickname: str) -> str:
    """The letters a reader sees in ``nickname``, as plain lower-case Latin."""
    folded = unicodedata.normalize("NFKC", nickname).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    read = unicodedata.normalize("NFKC", bare).translate(LOOKALIKES)
    return "".join(c for c in read if "a" <= c <= "z")


def is_reserved(nickname: str) -> bool:
    """Whether ``nickname`` reads as "Teacher" (or another kept name) on the board."""
    shape = skeleton(nickname)
    return any(word in shape for word in RESERVED)
