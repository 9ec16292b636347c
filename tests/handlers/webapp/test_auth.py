"""Telegram's initData, checked as Telegram documents it: the signature, its age, its user."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from handlers.webapp.auth import (
    FORGED,
    FUTURE,
    FUTURE_SKEW,
    MALFORMED,
    MISSING,
    NO_HASH,
    NO_USER,
    STALE,
    InitDataError,
    WebAppUser,
    credentials,
    validate_init_data,
)
from tests.support.initdata import person, signed_init_data

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
OTHER_TOKEN = "987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NOW = 1_700_000_000
MAX_AGE = 3600
VECTOR = (
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc"
    "&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C%22username%22%3A%22vdkfrost%22%7D"
    "&auth_date=1700000000"
    "&hash=5ef5cfe94a5aa8f3598c6e2efe4ee34d20840da790ef536e2ace37fbd740c7da"
)
"""Signed outside Python, with ``openssl dgst -sha256 -mac HMAC``: first the token under the key
"WebAppData", then the sorted lines under that key."""


def check(init_data: str, token: str = TOKEN, now: float = NOW) -> WebAppUser:
    return validate_init_data(init_data, token, max_age=MAX_AGE, now=now).user


def reason(init_data: str, token: str = TOKEN, now: float = NOW) -> str:
    with pytest.raises(InitDataError) as refused:
        check(init_data, token, now)
    return refused.value.reason


def test_a_vector_signed_with_openssl_is_accepted() -> None:
    data = validate_init_data(VECTOR, TOKEN, max_age=MAX_AGE, now=NOW + 10)
    assert data.user == WebAppUser(279058397, "Vladislav", None, "vdkfrost")
    assert data.auth_date == NOW
    assert data.user.display_name == "@vdkfrost"


def test_valid_init_data_gives_the_signed_user() -> None:
    init = signed_init_data(TOKEN, person(42, "María José", last_name="Pérez"), auth_date=NOW)
    user = check(init)
    assert (user.id, user.first_name, user.last_name, user.username) == (42, "María José", "Pérez", None)
    assert user.display_name == "María José Pérez"


def test_extra_fields_such_as_signature_are_signed_too() -> None:
    extra = {"chat_instance": "-5361729", "chat_type": "sender", "signature": "abc-_Q"}
    assert check(signed_init_data(TOKEN, person(42), auth_date=NOW, extra=extra)).id == 42


def test_a_forged_hash_is_refused() -> None:
    init = signed_init_data(TOKEN, person(42), auth_date=NOW)
    forged = init[: -len("0" * 64)] + "0" * 64
    assert forged != init
    assert reason(forged) == FORGED
    assert reason(init.replace(init[-64:], init[-64:].upper())) == FORGED  # not how Telegram writes it


def test_a_tampered_field_is_refused() -> None:
    init = signed_init_data(TOKEN, person(42), auth_date=NOW)
    assert reason(init.replace("%22id%22%3A42", "%22id%22%3A43")) == FORGED  # another user
    assert reason(init.replace(f"auth_date={NOW}", f"auth_date={NOW + 5}")) == FORGED
    assert reason(init + "&start_param=x") == FORGED  # a field added


def test_a_missing_hash_is_refused() -> None:
    init = signed_init_data(TOKEN, person(42), auth_date=NOW)
    assert reason(init.rsplit("&hash=", 1)[0]) == NO_HASH


def test_a_stale_auth_date_is_refused_and_the_limit_is_inclusive() -> None:
    assert check(signed_init_data(TOKEN, person(42), auth_date=NOW - MAX_AGE)).id == 42
    assert reason(signed_init_data(TOKEN, person(42), auth_date=NOW - MAX_AGE - 1)) == STALE


def test_a_future_auth_date_is_refused_beyond_the_clocks_skew() -> None:
    assert check(signed_init_data(TOKEN, person(42), auth_date=NOW + FUTURE_SKEW)).id == 42
    assert reason(signed_init_data(TOKEN, person(42), auth_date=NOW + FUTURE_SKEW + 1)) == FUTURE
    assert reason(signed_init_data(TOKEN, person(42), auth_date=NOW + 86_400)) == FUTURE


def test_another_bots_token_does_not_validate() -> None:
    assert reason(signed_init_data(OTHER_TOKEN, person(42), auth_date=NOW)) == FORGED


@pytest.mark.parametrize(
    "init_data",
    [
        "not a query string",
        "user&hash=00",  # a pair without "="
        "a=1&a=2&hash=" + "0" * 64,  # a key twice
        "user=%FF%FE&auth_date=1&hash=" + "0" * 64,  # not UTF-8
        "x=" + "a" * 9000,  # too long
        "&".join(f"f{n}=1" for n in range(100)),  # too many fields
    ],
)
def test_malformed_init_data_is_refused(init_data: str) -> None:
    assert reason(init_data) == MALFORMED


def test_a_signed_but_malformed_date_or_user_is_refused() -> None:
    bad_date = signed_init_data(TOKEN, person(42), extra={"auth_date": "soon"})
    assert reason(bad_date) == MALFORMED
    assert reason(signed_init_data(TOKEN, None, auth_date=NOW)) == NO_USER
    assert reason(signed_init_data(TOKEN, person(42), auth_date=NOW, extra={"user": "[1]"})) == MALFORMED
    assert reason(signed_init_data(TOKEN, person(42), auth_date=NOW, extra={"user": "{"})) == MALFORMED
    no_id = signed_init_data(TOKEN, person(42), auth_date=NOW, extra={"user": '{"id":true}'})
    assert reason(no_id) == NO_USER


def test_an_empty_init_data_is_missing() -> None:
    assert reason("") == MISSING


@pytest.mark.parametrize("header", [None, "", "tma", "tma   ", "Bearer abc", "Basic dG1hOng="])
def test_a_header_without_tma_credentials_is_missing(header: str | None) -> None:
    with pytest.raises(InitDataError) as refused:
        credentials(header)
    assert refused.value.reason == MISSING


def test_the_tma_header_gives_its_init_data() -> None:
    init = signed_init_data(TOKEN, person(42), auth_date=NOW)
    assert credentials(f"tma {init}") == init
    assert credentials(f"TMA {init} ") == init
    assert check(credentials(f"tma {init}")).id == 42


def test_percent_encoding_of_the_values_does_not_matter() -> None:
    """The values are checked decoded, as Telegram signs them: the same fields encoded
    differently are the same initData."""
    init = signed_init_data(TOKEN, person(42, "Ñoño"), auth_date=NOW)
    pairs = dict(pair.split("=", 1) for pair in init.split("&"))
    reencoded = "&".join(f"{k}={quote(unquote(v), safe='{}:,')}" for k, v in pairs.items())
    assert reencoded != init
    assert check(reencoded).first_name == "Ñoño"
