"""The key directory and `educrm-admin keys`: rotate keeps the previous key published, retire
removes it, and identity's JWKS follows the directory."""
from __future__ import annotations

import dataclasses

import jwt
import pytest
from identity import admin_cli, keys
from identity.settings import IdentitySettings
from identity.tokens import sign_access_token
from kit.access_token import KeySet, verify_access_token
from kit.errors import Unauthenticated


def _settings(directory) -> IdentitySettings:
    return dataclasses.replace(IdentitySettings(), signing_keys_dir=str(directory))


def _token(signing: keys.SigningKeys) -> str:
    import time

    now = int(time.time())
    return sign_access_token(signing, {"iss": "educrm-identity", "aud": "educrm", "sub": "u1",
                                       "jti": "j", "iat": now, "exp": now + 60})


def test_rotate_then_retire(tmp_path, capsys):
    assert admin_cli.main(["keys", "--dir", str(tmp_path), "rotate"]) == 0
    first = keys.SigningKeys.from_settings(_settings(tmp_path))
    old_token = _token(first)

    new_kid, previous = keys.rotate(tmp_path)
    assert previous == first.kid and new_kid != first.kid
    second = keys.SigningKeys.from_settings(_settings(tmp_path))
    assert second.kid == new_kid
    assert {k["kid"] for k in second.jwks()["keys"]} == {new_kid, first.kid}
    verifier = KeySet(second.jwks)
    assert jwt.get_unverified_header(_token(second))["kid"] == new_kid
    for token in (old_token, _token(second)):  # both verify during the rotation
        assert verify_access_token(token, verifier)["sub"] == "u1"

    with pytest.raises(ValueError, match="active key"):
        keys.retire(tmp_path, new_kid)
    with pytest.raises(ValueError, match="not a published key"):
        keys.retire(tmp_path, "no-such-kid")
    assert admin_cli.main(["keys", "--dir", str(tmp_path), "retire", "no-such-kid"]) == 1
    assert admin_cli.main(["keys", "--dir", str(tmp_path), "retire", first.kid]) == 0
    third = keys.SigningKeys.from_settings(_settings(tmp_path))
    assert [k["kid"] for k in third.jwks()["keys"]] == [new_kid]
    with pytest.raises(Unauthenticated):
        verify_access_token(old_token, KeySet(third.jwks))
    capsys.readouterr()
    admin_cli.main(["keys", "--dir", str(tmp_path), "list"])
    assert capsys.readouterr().out.strip() == f"active: {new_kid}"


def test_production_never_generates_a_key(tmp_path):
    production = dataclasses.replace(IdentitySettings(), env="production",
                                     signing_keys_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match="never generates"):
        keys.SigningKeys.from_settings(production)
    with pytest.raises(RuntimeError, match="required in production"):
        keys.SigningKeys.from_settings(dataclasses.replace(IdentitySettings(), env="production"))
    keys.rotate(tmp_path)
    assert keys.SigningKeys.from_settings(production).kid == keys.describe(tmp_path).active_kid


def test_a_kid_starting_with_a_dash_is_retired_by_name(tmp_path, capsys, monkeypatch):
    # base64url thumbprints start with "-" one time in 64: argparse must not read it as an option
    assert admin_cli.main(["keys", "--dir", str(tmp_path), "rotate"]) == 0
    first = keys.SigningKeys.from_settings(_settings(tmp_path))
    keys.rotate(tmp_path)
    dashed = "-" + first.kid[1:]
    keys.published_path(tmp_path, first.kid).rename(keys.published_path(tmp_path, dashed))
    real_kid_of = keys.kid_of
    monkeypatch.setattr(keys, "kid_of",
                        lambda key: dashed if real_kid_of(key) == first.kid else real_kid_of(key))
    assert admin_cli.main(["keys", "--dir", str(tmp_path), "retire", dashed]) == 0
    assert not keys.published_path(tmp_path, dashed).exists()
    assert f"retired: {dashed}" in capsys.readouterr().out
