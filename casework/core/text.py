"""Free text as the service stores it: trimmed, within its column's limit, with no control characters.

A value longer than its column would fail inside the database (PostgreSQL) or be kept whole against the
model's promise (SQLite), and a control character pasted from another system can break a letter or an
export later; both are refused at the door with a message that says which field and why.
"""

from __future__ import annotations

import unicodedata

from casework.core.errors import Invalid


def clean_text(value: str | None, *, field: str, what: str, limit: int, required: bool = False,
               multiline: bool = False) -> str | None:
    """The trimmed text, or None when blank and not required; refuses text that is too long or unprintable."""
    text = (value or "").strip()
    if not text:
        if required:
            raise Invalid(f"Enter {what}.", code="required", field=field)
        return None
    if multiline:
        text = "\n".join(line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    allowed = {"\n"} if multiline else set()
    sentence = what[:1].upper() + what[1:]
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text):
        raise Invalid(f"{sentence} contains a character that cannot be stored (a control character "
                      "or a line break). Type it again without it.", code="control_characters", field=field)
    if len(text) > limit:
        raise Invalid(f"{sentence} must be {limit} characters or fewer (it has {len(text)}).",
                      code="too_long", field=field)
    return text
