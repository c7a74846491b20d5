"""Encryption, masking and digests of personal data (core/pii.py)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from firegrid.core import pii

VALID_ID = "11010519491231002X"  # the GB 11643 example number


def test_encrypt_round_trips_and_never_contains_the_clear_text(settings):
    token = pii.encrypt(VALID_ID)
    assert VALID_ID not in token
    assert pii.decrypt(token) == VALID_ID
    assert pii.encrypt("") == "" and pii.decrypt("") == ""


def test_two_encryptions_differ_but_the_digest_is_stable():
    assert pii.encrypt(VALID_ID) != pii.encrypt(VALID_ID)
    assert pii.digest(VALID_ID) == pii.digest(VALID_ID.lower())
    assert pii.digest(VALID_ID) != pii.digest("110105194912310029")


def test_a_rotated_key_still_decrypts_old_values(settings):
    old_key = Fernet.generate_key().decode()
    settings.FIREGRID_PII_KEYS = [old_key]
    token = pii.encrypt(VALID_ID)
    settings.FIREGRID_PII_KEYS = [Fernet.generate_key().decode(), old_key]
    assert pii.decrypt(token) == VALID_ID


def test_a_wrong_key_is_a_clear_error(settings):
    settings.FIREGRID_PII_KEYS = [Fernet.generate_key().decode()]
    token = pii.encrypt(VALID_ID)
    settings.FIREGRID_PII_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="PII key"):
        pii.decrypt(token)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("410105199001011234", "4101**********1234"),
        ("1234567", "*******"),
    ],
)
def test_id_numbers_are_masked_to_first_and_last_four(value, masked):
    assert pii.mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("0371-12345678", "0371-****5678")],
)
def test_phones_are_masked(value, masked):
    assert pii.mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (VALID_ID, True),
        ("110105194912310021", False),  # wrong check digit
        ("11010519491231002", False),  # 17 characters
        ("11010519491231002x", False),  # lower-case x is folded by the caller, not here
    ],
)
def test_id_number_check_digit(value, valid):
    assert pii.id_number_valid(value) is valid
