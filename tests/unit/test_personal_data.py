"""Personal data (no database needed): which phones and ID numbers are valid, and how each is masked."""

from __future__ import annotations

import pytest

from domain.personal_data import id_number_problem, mask_id_number, mask_phone, masked, phone_problem

# (as written, as masked for everyone but an admin)
VALID = {
    "mobile": ("13812345678", "138****5678"),
    "mobile in groups": ("138 1234 5678", "138****5678"),
    "mobile with hyphens": ("138-1234-5678", "138****5678"),
    "+86 mobile": ("+8613812345678", "+86 138****5678"),
    "+86 then a space": ("+86 13812345678", "+86 138****5678"),
    "+86 then hyphens": ("+86-199-1234-5678", "+86 199****5678"),
    "landline": ("0793-7361234", "079****1234"),
    "landline without hyphen": ("07937361234", "079****1234"),
    "Beijing landline": ("010-65123456", "010****3456"),
    "landline with a space": ("021 61234567", "021****4567"),
    "landline with extension": ("0793-7361234-801", "079****1234-***"),
    "+86 landline": ("+86 10 65123456", "+86 010****3456"),
    "+86 landline with its 0": ("+86 0793-7361234", "+86 079****1234"),
}
INVALID = {
    "hotline 12345": "12345",
    "police 110": "110",
    "bank 95588": "95588",
    "400 number": "4008001234",
    "800 number": "800-820-1234",
    "no area code": "7361234",
    "local number from 1": "021-1234567",
    "local number too long": "010-123456789",
    "12x mobile": "12812345678",
    "10-digit mobile": "1381234567",
    "12-digit mobile": "138123456789",
    "+86 alone": "+86",
    "+86 hotline": "+86 12345",
    "mobile with extension": "13812345678-1",
    "+1 number": "+1 2025550123",
    "trailing newline": "13812345678\n",
    "full-width": "１３８１２３４５６７８",
    "two spaces": "138  1234 5678",
    "letters": "call me",
}


@pytest.mark.parametrize("phone, masked", VALID.values(), ids=VALID.keys())
def test_a_mainland_mobile_or_landline_is_a_phone_and_masks_to_its_first_three_and_last_four(
    phone: str, masked: str
) -> None:
    assert phone_problem(phone) is None
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("phone", INVALID.values(), ids=INVALID.keys())
def test_hotlines_service_numbers_and_malformed_numbers_are_not_phones(phone: str) -> None:
    assert "Not a valid phone number" in phone_problem(phone)


def test_a_phone_stored_before_phones_were_checked_is_still_masked() -> None:
    assert mask_phone("12345") == "*****"
    assert mask_phone("+1 202 555 0123") == "+12*****0123"


def test_a_valid_id_number_masks_to_its_first_three_and_last_four() -> None:
    # Given 汪德福's and 李春花's ID numbers, both valid under GB 11643
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("360222199001011222") is None
    # Then only the region's first three and the last four (check character included) are shown
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_id_number("360222199001011222") == "360***********1222"


@pytest.mark.parametrize(
    "number, problem",
    [
        ("11010519491231002x", "17 digits followed by a digit or X"),
        ("1101051949123100", "17 digits followed by a digit or X"),
        ("110105194902301234", "date of birth is not a real date"),
        ("110105194912310021", "check digit is wrong"),
    ],
)
def test_an_id_number_with_a_bad_shape_date_or_check_digit_is_refused(number: str, problem: str) -> None:
    assert problem in id_number_problem(number)


def test_a_short_value_is_hidden_entirely() -> None:
    assert mask_id_number("1234567") == "*******"
    assert mask_id_number("") == ""


def test_masked_hides_every_phone_and_id_number_however_deeply_nested_and_keeps_the_rest() -> None:
    # Given an event's data as the audit log stores it: a household with its head and members
    data = {
        "kind": "owner",
        "phone": "13812345678",
        "count": 2,
        "head": {"name": "汪德福", "id_number": "11010519491231002X", "phone": "0793-7361234-801"},
        "members": [{"name": "李春花", "id_number": "360222199001011222", "phone": None}, "15907031234"],
    }
    # Then only the values under "phone" and "id_number" change, and the original is left as it was
    assert masked(data) == {
        "kind": "owner",
        "phone": "138****5678",
        "count": 2,
        "head": {"name": "汪德福", "id_number": "110***********002X", "phone": "079****1234-***"},
        "members": [{"name": "李春花", "id_number": "360***********1222", "phone": None}, "15907031234"],
    }
    assert data["head"]["phone"] == "0793-7361234-801"
