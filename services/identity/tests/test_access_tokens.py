"""Access-token claims, and the attack set against kit.access_token.verify_access_token."""
import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from identity.keys import SigningKeys
from identity.tokens import Principal, access_token_claims, sign_access_token
from kit.access_token import KeySet, verify_access_token
from kit.caller import Caller, DataScope
from kit.errors import Unauthenticated

PRINCIPAL = Principal(user_id="u1", username="director1", roles=("director",), org_unit_id="r1",
                      department_id=None, region_id="r1", data_scope="region",
                      rights=("export", "approve.level2"))


@pytest.fixture(scope="module")
def keys():
    return SigningKeys(Ed25519PrivateKey.generate())


@pytest.fixture(scope="module")
def key_set(keys):
    return KeySet(keys.jwks)


def claims(**overrides):
    c = access_token_claims(PRINCIPAL, session_id="s1", ttl_seconds=900)
    c.update(overrides)
    return c


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_claims_and_header(keys, key_set):
    token = sign_access_token(keys, claims())
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "typ": "at+jwt", "kid": keys.kid}
    verified = verify_access_token(token, key_set)
    assert verified["iss"] == "educrm-identity" and verified["aud"] == "educrm"
    assert verified["exp"] - verified["iat"] == 900
    assert {"sub", "name", "roles", "org", "dept", "region", "scope", "rights", "sid", "jti"} <= \
        set(verified)
    caller = Caller.from_claims(verified)
    assert caller.data_scope == DataScope.REGION and caller.region_id == "r1"
    assert caller.session_id == "s1" and caller.can("export")


def test_rotation_old_key_still_verifies():
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    before = SigningKeys(old)
    token = sign_access_token(before, claims())
    after = SigningKeys(new, [old.public_key()])
    assert len(after.jwks()["keys"]) == 2 and after.kid != before.kid
    assert verify_access_token(token, KeySet(after.jwks))["sub"] == "u1"


def _reject(token, key_set, reason="token.invalid"):
    with pytest.raises(Unauthenticated) as err:
        verify_access_token(token, key_set)
    assert err.value.reason == reason


def test_alg_none(keys, key_set):
    header = b64(json.dumps({"alg": "none", "typ": "at+jwt", "kid": keys.kid}).encode())
    payload = b64(json.dumps(claims()).encode())
    _reject(f"{header}.{payload}.", key_set)


def test_hs256_with_public_key_as_secret(keys, key_set):
    # Algorithm confusion: HMAC "signed" with the published public key.
    public_pem = keys.active.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = b64(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": keys.kid}).encode())
    payload = b64(json.dumps(claims()).encode())
    import hashlib
    import hmac
    signature = b64(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    _reject(f"{header}.{payload}.{signature}", key_set)
    raw = keys.jwks()["keys"][0]["x"].encode()
    signature = b64(hmac.new(raw, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    _reject(f"{header}.{payload}.{signature}", key_set)


def test_expired(keys, key_set):
    now = int(time.time())
    _reject(sign_access_token(keys, claims(iat=now - 1000, exp=now - 100)), key_set,
            "token.expired")


def test_missing_exp(keys, key_set):
    c = claims()
    del c["exp"]
    _reject(sign_access_token(keys, c), key_set)


@pytest.mark.parametrize("field, value", [("aud", "someone-else"), ("iss", "evil-identity")])
def test_wrong_audience_or_issuer(keys, key_set, field, value):
    _reject(sign_access_token(keys, claims(**{field: value})), key_set)


def test_refresh_token_or_other_typ_is_not_an_access_token(keys, key_set):
    _reject("rt_" + "A" * 43, key_set)
    for typ in ("JWT", "refresh+jwt", None):
        headers = {"kid": keys.kid} | ({"typ": typ} if typ else {})
        token = jwt.encode(claims(), keys.active, algorithm="EdDSA", headers=headers)
        if typ is None:  # PyJWT adds typ=JWT by default; strip it
            h, p, s = token.split(".")
            hdr = json.loads(base64.urlsafe_b64decode(h + "=="))
            hdr.pop("typ", None)
            token = ".".join([b64(json.dumps(hdr).encode()), p, s])
        _reject(token, key_set)


def test_tampered_signature_and_payload(keys, key_set):
    token = sign_access_token(keys, claims())
    h, p, s = token.split(".")
    flipped = s[:-4] + ("AAAA" if s[-4:] != "AAAA" else "BBBB")
    _reject(f"{h}.{p}.{flipped}", key_set)
    elevated = b64(json.dumps(claims(roles=["admin"], scope="all")).encode())
    _reject(f"{h}.{elevated}.{s}", key_set)


def test_signed_by_a_foreign_key_with_our_kid(keys, key_set):
    foreign = SigningKeys(Ed25519PrivateKey.generate())
    token = jwt.encode(claims(), foreign.active, algorithm="EdDSA",
                       headers={"typ": "at+jwt", "kid": keys.kid})
    _reject(token, key_set)


def test_unknown_kid(keys, key_set):
    token = jwt.encode(claims(), keys.active, algorithm="EdDSA",
                       headers={"typ": "at+jwt", "kid": "nope"})
    _reject(token, key_set)
