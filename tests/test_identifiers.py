"""UPN, ULN, NHS number and postcode: right ones kept in one normal form, wrong ones refused by name."""

from __future__ import annotations

import pytest

from casework.core.errors import Invalid
from casework.people import identifiers


@pytest.mark.parametrize(("typed", "stored"), [
    ("H801200001001", "H801200001001"),  # the DfE guidance's example
    (" h801 2000 01001 ", "H801200001001"),
    ("F999999999999", "F999999999999"),  # 9 x (2 + 3 + ... + 13) = 810 = 35 x 23 + 5, and letter 5 is F
])
def test_a_upn_with_its_right_check_letter_is_kept_upper_case_without_spaces(typed, stored):
    assert identifiers.upn(typed) == stored


def test_a_temporary_upn_ending_in_a_letter_is_checked_too():
    body = "80120000100A"
    letter = identifiers.upn_check_letter(body)
    assert identifiers.upn(letter + body) == letter + body
    wrong = next(c for c in identifiers.UPN_LETTERS if c != letter)
    with pytest.raises(Invalid, match="first letter does not match"):
        identifiers.upn(wrong + body)


@pytest.mark.parametrize("typed", ["A801200001001", "H80120000100", "H8012000010011", "8801200001001",
                                   "H80120000I001", "I801200001001"])
def test_a_wrong_upn_is_refused_naming_the_field(typed):
    with pytest.raises(Invalid) as refused:
        identifiers.upn(typed)
    assert (refused.value.code, refused.value.field) == ("invalid_upn", "upn")
    assert "unique pupil number" in refused.value.message


def test_a_uln_is_ten_digits():
    assert identifiers.uln("12345 67890") == "1234567890"
    for wrong in ("123456789", "12345678901", "12345X7890"):
        with pytest.raises(Invalid, match="10 digits") as refused:
            identifiers.uln(wrong)
        assert refused.value.field == "uln"


@pytest.mark.parametrize(("typed", "stored"), [("943 476 5919", "9434765919"), ("943-476-5919", "9434765919"),
                                               ("4010232137", "4010232137")])
def test_an_nhs_number_with_its_modulus_11_check_digit_is_kept_as_ten_digits(typed, stored):
    assert identifiers.nhs_number(typed) == stored


@pytest.mark.parametrize("typed", ["943 476 5918", "94347659", "943476591X", "1000000010"])
def test_a_wrong_nhs_number_is_refused(typed):
    # 100 000 001: its check digit would be 10, so no NHS number begins that way.
    with pytest.raises(Invalid, match="NHS number") as refused:
        identifiers.nhs_number(typed)
    assert (refused.value.code, refused.value.field) == ("invalid_nhs_number", "nhs_number")


@pytest.mark.parametrize(("typed", "stored"), [("nb1 2ab", "NB1 2AB"), ("SW1A1AA", "SW1A 1AA"),
                                               ("  ec1a  1bb ", "EC1A 1BB"), ("M1 1AE", "M1 1AE"),
                                               ("gir0aa", "GIR 0AA")])
def test_a_postcode_is_upper_case_with_one_space(typed, stored):
    assert identifiers.postcode(typed) == stored


@pytest.mark.parametrize("typed", ["NB1", "12345", "QQ1 1AA", "NB1 2CI", "NB1 2AB X"])
def test_a_wrong_postcode_is_refused(typed):
    with pytest.raises(Invalid, match="not a UK postcode") as refused:
        identifiers.postcode(typed)
    assert refused.value.field == "postcode"


def test_blank_means_not_known():
    for check in (identifiers.upn, identifiers.uln, identifiers.nhs_number, identifiers.postcode):
        assert check(None) is None and check("   ") is None
