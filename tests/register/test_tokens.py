"""Tokens: shown once, stored as a slow hash, compared in constant time, revocable."""

from __future__ import annotations

import hmac
from typing import Any

import pytest
from sqlalchemy import select

from govrules.errors import UsageError
from govrules.register import NotInRegister
from govrules.register import Register
from govrules.register import RegisterConflict
from govrules.register import tokens as tokens_module
from govrules.register.tables import tokens


def test_created_tokens_are_stored_only_as_a_hash(register: Register) -> None:
    assert not register.has_tokens()
    made, text = register.create_token("board", "reader", "northshire-and-coast-ics", actor="a")
    assert text.startswith("grt_") and made.role == "reader"
    assert register.has_tokens()
    with register.engine.connect() as conn:
        row = conn.execute(select(tokens)).one()
    secret = text.split("_", 2)[2]
    assert secret not in row.secret_hash and text not in str(tuple(row))
    assert row.secret_hash.startswith("scrypt$16384$8$1$")
    found = register.authenticate(text)
    assert found is not None and (found.name, found.system) == (
        "board",
        "northshire-and-coast-ics",
    )
    assert register.audit_log()[0]["detail"] == {
        "name": "board",
        "role": "reader",
        "system": "northshire-and-coast-ics",
    }


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: "grt_000000000000_" + t.split("_", 2)[2],  # unknown key
        lambda t: t.upper(),  # not well formed
        lambda t: "",
    ],
)
def test_wrong_tokens_are_refused(register: Register, mangle: Any) -> None:
    _, text = register.create_token("board", "reader", None, actor="a")
    assert register.authenticate(mangle(text)) is None


def test_revoked_tokens_stop_at_once(register: Register) -> None:
    _, text = register.create_token("ops", "admin", None, actor="a")
    assert register.authenticate(text) is not None  # now remembered by this process
    register.revoke_token("ops", actor="a")
    assert register.authenticate(text) is None
    assert register.has_tokens()  # revoking every token does not open the register
    with pytest.raises(RegisterConflict, match="was revoked"):
        register.revoke_token("ops", actor="a")
    with pytest.raises(NotInRegister):
        register.revoke_token("nobody", actor="a")
    [listed] = register.tokens()
    assert listed.revoked_at is not None


def test_names_roles_and_systems_are_checked(register: Register) -> None:
    register.create_token("board", "reader", None, actor="a")
    with pytest.raises(RegisterConflict, match="exists"):
        register.create_token("board", "admin", None, actor="a")
    with pytest.raises(UsageError, match="role"):
        register.create_token("x", "owner", None, actor="a")
    with pytest.raises(UsageError, match="did you mean 'northshire-and-coast-ics'"):
        register.create_token("y", "reader", "Northshire and Coast ICS", actor="a")
    with pytest.raises(UsageError, match="token name"):
        register.create_token("", "reader", None, actor="a")


def test_comparison_is_constant_time_and_unknown_keys_cost_the_same(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, text = register.create_token("board", "reader", None, actor="a")
    compared: list[tuple[bytes, bytes]] = []
    derived: list[bytes] = []
    real_compare = hmac.compare_digest
    real_scrypt = tokens_module._scrypt

    def spy_compare(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real_compare(a, b)

    def spy_scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        derived.append(salt)
        return real_scrypt(secret, salt, n, r, p)

    monkeypatch.setattr(tokens_module.hmac, "compare_digest", spy_compare)
    monkeypatch.setattr(tokens_module, "_scrypt", spy_scrypt)
    key, secret = text.split("_")[1], text.split("_", 2)[2]
    wrong = f"grt_{key}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    unknown = f"grt_{'f' * 12}_{secret}"
    for attempt in (wrong, unknown, "garbage"):
        compared.clear()
        derived.clear()
        assert register.authenticate(attempt) is None
        # Every attempt runs scrypt once and compares digests with hmac.compare_digest, so
        # neither a wrong secret, an unknown key nor a malformed token answers sooner.
        assert len(derived) == 1 and len(compared) == 1, attempt
        assert all(len(a) == len(b) == 32 for a, b in compared)


def test_a_verified_token_skips_scrypt_but_not_the_database(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, text = register.create_token("board", "reader", None, actor="a")
    assert register.authenticate(text) is not None
    calls: list[str] = []
    monkeypatch.setattr(tokens_module, "_scrypt", lambda *a: calls.append("scrypt") or b"\0" * 32)
    assert register.authenticate(text) is not None
    assert calls == []
