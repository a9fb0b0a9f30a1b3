"""National identifiers and contact details, checked and written one way before they are stored.

A mistyped UPN or NHS number would link a child to another child's records in every system it is sent to,
so the check characters these numbers carry are checked here, and each value is stored in one normal form
(upper case, no spaces, a postcode with its one space) so that searching finds it however it was typed.
Each check names the field at fault and says what a right value looks like.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from casework.core.errors import Invalid

# The UPN check letter alphabet: 23 letters, without I, O and S, which read like 1, 0 and 5.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_POSTCODE = re.compile(
    r"^(GIR 0AA|(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) [0-9][ABD-HJLNP-UW-Z]{2})$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")


def _compact(value: str | None) -> str | None:
    """The value upper-cased with every space taken out, or None when nothing was given."""
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    return compact or None


def upn_check_letter(first_twelve: str) -> str:
    """The DfE check letter for characters 2 to 13 of a UPN: weights 2 to 13, modulus 23."""
    total = 0
    for weight, char in enumerate(first_twelve, start=2):
        total += int(char) * weight if char.isdigit() else UPN_LETTERS.index(char) * weight
    return UPN_LETTERS[total % 23]


def upn(value: str | None, field: str = "upn") -> str | None:
    """A unique pupil number: a check letter, 11 digits, then a digit (or a letter, for a temporary UPN)."""
    compact = _compact(value)
    if compact is None:
        return None
    shape_ok = (len(compact) == 13 and compact[0] in UPN_LETTERS and compact[1:12].isdigit()
                and (compact[12].isdigit() or compact[12] in UPN_LETTERS))
    if not shape_ok:
        raise Invalid("A unique pupil number (UPN) is 13 characters: a letter, then 11 digits, then a digit or a "
                      "letter, like H801200001001.", code="invalid_upn", field=field)
    if upn_check_letter(compact[1:]) != compact[0]:
        raise Invalid(f"{compact} is not a valid unique pupil number (UPN): its first letter does not match the "
                      "rest. Check it against the school's records.", code="invalid_upn", field=field)
    return compact


def uln(value: str | None, field: str = "uln") -> str | None:
    """A unique learner number: 10 digits."""
    compact = _compact(value)
    if compact is None:
        return None
    if len(compact) != 10 or not compact.isdigit():
        raise Invalid("A unique learner number (ULN) is 10 digits.", code="invalid_uln", field=field)
    return compact


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for the first 9 digits of an NHS number; None when no number can end them."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number(value: str | None, field: str = "nhs_number") -> str | None:
    """An NHS number: 10 digits, the last a modulus 11 check digit. Spaces and dashes are allowed when typed."""
    compact = _compact(value.replace("-", " ") if value else value)
    if compact is None:
        return None
    if len(compact) != 10 or not compact.isdigit():
        raise Invalid("An NHS number is 10 digits, like 943 476 5919.", code="invalid_nhs_number", field=field)
    if nhs_number_check_digit(compact[:9]) != int(compact[9]):
        raise Invalid(f"{compact[:3]} {compact[3:6]} {compact[6:]} is not a valid NHS number: its last digit does "
                      "not match the others. Check it against the child's health records.",
                      code="invalid_nhs_number", field=field)
    return compact


def postcode(value: str | None, field: str = "postcode") -> str | None:
    """A UK postcode, upper case with one space before the last three characters."""
    compact = _compact(value)
    if compact is None:
        return None
    written = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
    if not _POSTCODE.match(written):
        raise Invalid(f"{value.strip() if value else ''} is not a UK postcode. Enter it like NB1 2AB.",
                      code="invalid_postcode", field=field)
    return written


def search_postcode(value: str) -> str:
    """A postcode typed into a search, in the stored form when it is whole, else its outward part alone."""
    compact = _compact(value) or ""
    written = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact
    return written


def urn(value: str | None, field: str = "current_setting.urn") -> str | None:
    """A school's unique reference number (URN): 6 digits."""
    compact = _compact(value)
    if compact is None:
        return None
    if len(compact) != 6 or not compact.isdigit():
        raise Invalid("A school's unique reference number (URN) is 6 digits.", code="invalid_urn", field=field)
    return compact


def ukprn(value: str | None, field: str = "current_setting.ukprn") -> str | None:
    """A college's or provider's UK provider reference number (UKPRN): 8 digits, starting with 1."""
    compact = _compact(value)
    if compact is None:
        return None
    if len(compact) != 8 or not compact.isdigit() or compact[0] != "1":
        raise Invalid("A UK provider reference number (UKPRN) is 8 digits starting with 1, like 10012345.",
                      code="invalid_ukprn", field=field)
    return compact


def email(value: str | None, field: str = "email") -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.match(text):
        raise Invalid(f"{text[:60]} is not an email address. Enter it like name@example.com.",
                      code="invalid_email", field=field)
    return text


def phone(value: str | None, field: str = "phone") -> str | None:
    """A phone number as it was typed (spaces kept, so it reads as given), with 10 to 15 digits."""
    text = " ".join((value or "").split())
    if not text:
        return None
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.match(text) or not 10 <= digits <= 15 or len(text) > 30:
        raise Invalid("Enter a phone number with 10 to 15 digits, like 01632 960 001 or +44 7700 900 123.",
                      code="invalid_phone", field=field)
    return text


def code(value: str | None, codes: Mapping[str, str], field: str, what: str) -> str | None:
    """One code of a code list (upper or lower case as the list keeps it), or None when nothing was given."""
    if value is None or not str(value).strip():
        return None
    given = str(value).strip()
    for known in codes:
        if known.lower() == given.lower():
            return known
    given = given if len(given) <= 20 else given[:20] + "..."
    if len(codes) > 12:
        examples = ", ".join(f"{c} ({label})" for c, label in list(codes.items())[:2])
        raise Invalid(f"{given} is not a code for {what}: use one of the DfE codes, such as {examples}.",
                      code="invalid_choice", field=field)
    shown = ", ".join(f"{c} ({label})" for c, label in codes.items())
    raise Invalid(f"{given} is not a code for {what}: use one of {shown}.", code="invalid_choice", field=field)
