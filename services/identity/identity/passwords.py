"""Password hashing (argon2id) and the password policy.

Parameters follow OWASP's password-storage cheat sheet (m=19 MiB, t=2, p=1) rather than
argon2-cffi's ~300 ms defaults; hashes made with older parameters are upgraded on login.
Unknown usernames are verified against a dummy hash so they cost the same time as a wrong
password and cannot be told apart by timing.
"""
from __future__ import annotations

import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 128
# A few of the most common choices; a real deployment may load a larger breach list.
_COMMON = {"password123", "1234567890", "qwertyuiop", "12345678910", "password1234",
           "abc1234567", "a123456789", "1qaz2wsx3edc", "iloveyou123", "woaini1314"}


class PasswordPolicyError(ValueError):
    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


class Passwords:
    def __init__(self, *, time_cost: int = 2, memory_kib: int = 19456, parallelism: int = 1):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                                      parallelism=parallelism, hash_len=32, salt_len=16,
                                      type=Type.ID)
        self._dummy = self._hasher.hash("educrm-dummy-password-for-timing")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when `password` matches; with no stored hash, burns the same time and fails."""
        try:
            return self._hasher.verify(stored_hash or self._dummy, password) and bool(stored_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)


def check_password_policy(password: str, *, username: str = "") -> None:
    """10–128 characters, at least two character classes (or 16+ characters), not the
    username, not a well-known password."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise PasswordPolicyError(f"password must be {MIN_LENGTH}-{MAX_LENGTH} characters",
                                  f"密码长度须为 {MIN_LENGTH}–{MAX_LENGTH} 个字符")
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z\d]"))
    if classes < 2 and len(password) < 16:
        raise PasswordPolicyError("password needs two kinds of characters (letters, digits, "
                                  "symbols) or 16+ characters",
                                  "密码须包含字母、数字、符号中的至少两类，或长度不少于 16 位")
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise PasswordPolicyError("password must not contain the username", "密码不得包含用户名")
    if lowered in _COMMON:
        raise PasswordPolicyError("password is too common", "密码过于常见")
