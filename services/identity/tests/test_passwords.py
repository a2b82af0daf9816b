"""argon2id hashing, rehash on parameter change, the password policy, field validation."""
import pytest
from identity import validation
from identity.passwords import PasswordPolicyError, Passwords, check_password_policy


@pytest.fixture(scope="module")
def fast():
    return Passwords(time_cost=1, memory_kib=1024)


def test_production_parameters_are_owasp_argon2id():
    hashed = Passwords().hash("correct horse battery")  # the defaults = production
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert Passwords().verify(hashed, "correct horse battery")


def test_verify_and_rehash(fast):
    hashed = fast.hash("s3cret-pass")
    assert fast.verify(hashed, "s3cret-pass")
    assert not fast.verify(hashed, "wrong")
    assert not fast.verify("not-a-hash", "s3cret-pass")
    assert not fast.needs_rehash(hashed)
    assert Passwords(time_cost=2, memory_kib=1024).needs_rehash(hashed)


def test_unknown_user_costs_a_verification(fast, monkeypatch):
    # verify(None, …) runs argon2 in full against a dummy hash made with the same parameters
    # as real ones, so an unknown username costs what a wrong password costs (no shortcut).
    import argon2
    from argon2.exceptions import VerifyMismatchError

    hashed = fast.hash("s3cret-pass")
    verified = []
    hasher = fast._hasher

    class SpyHasher:  # argon2's PasswordHasher has slots: wrap it rather than patch it
        def verify(self, stored_hash, password):
            try:
                return hasher.verify(stored_hash, password)
            except VerifyMismatchError:
                verified.append(stored_hash)
                raise

    monkeypatch.setattr(fast, "_hasher", SpyHasher())
    assert not fast.verify(None, "s3cret-pass")
    assert not fast.verify(hashed, "wrong-pass")
    # both went through argon2 and were refused by its comparison, not by a guard before it
    assert len(verified) == 2 and verified[1] == hashed
    dummy = verified[0]
    assert dummy != hashed
    assert argon2.extract_parameters(dummy) == argon2.extract_parameters(hashed)


@pytest.mark.parametrize("password", ["short1", "abcdefghijk", "sales1-secret-x", "password123",
                                      "a" * 129])
def test_policy_rejects(password):
    with pytest.raises(PasswordPolicyError):
        check_password_policy(password, username="sales1")


@pytest.mark.parametrize("password", ["educrm-demo", "Tr0ub4dor&3x", "correcthorsebatterystaple"])
def test_policy_accepts(password):
    check_password_policy(password, username="zhang.wei")


def test_field_validation():
    assert validation.normalise_username(" Zhang.Wei ") == "zhang.wei"
    for bad in ("zw", "1abc", "has space", "x" * 40):
        with pytest.raises(validation.FieldError):
            validation.normalise_username(bad)
    assert validation.normalise_cn_mobile("138 1234 1234") == "+8613812341234"
    assert validation.normalise_cn_mobile("+86 19912341234") == "+8619912341234"
    for bad in ("12345678901", "010-12345678", "+1 650 253 0000", "abc"):
        with pytest.raises(validation.FieldError):
            validation.normalise_cn_mobile(bad)
    assert validation.normalise_email("A@Example.com") == "a@example.com"
    with pytest.raises(validation.FieldError):
        validation.normalise_email("not-an-email")
