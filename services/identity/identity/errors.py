"""Identity's domain errors: stable reasons the gateway turns into problem types."""
from __future__ import annotations

from kit import errors, revocations

# Every service refuses these alike (kit.revocations), so identity uses the same ones.
user_frozen = revocations.user_frozen_error
user_left = revocations.user_left_error
session_revoked = revocations.session_revoked_error


def bad_credentials() -> errors.Unauthenticated:
    # One error for unknown user and wrong password: never reveal which usernames exist.
    return errors.Unauthenticated("invalid username or password",
                                  reason="auth.invalid_credentials", message_zh="用户名或密码错误")


def bad_client_credentials() -> errors.Unauthenticated:
    return errors.Unauthenticated("invalid client credentials", reason="auth.invalid_client",
                                  message_zh="客户端凭据无效")


def refresh_invalid() -> errors.Unauthenticated:
    return errors.Unauthenticated("invalid refresh token", reason="refresh_token.invalid",
                                  message_zh="刷新令牌无效")


def refresh_expired() -> errors.Unauthenticated:
    return errors.Unauthenticated("refresh token expired", reason="refresh_token.expired",
                                  message_zh="刷新令牌已过期，请重新登录")


def refresh_reused() -> errors.Unauthenticated:
    return errors.Unauthenticated("refresh token already used; the session was revoked",
                                  reason="refresh_token.reused",
                                  message_zh="刷新令牌被重复使用，会话已注销，请重新登录")


def denied(message: str = "not allowed", message_zh: str = "没有执行此操作的权限",
           reason: str = "permission.denied") -> errors.PermissionDenied:
    return errors.PermissionDenied(message, reason=reason, message_zh=message_zh)


def user_not_found() -> errors.NotFound:
    return errors.NotFound("user not found", reason="user.not_found", message_zh="用户不存在")


def org_unit_not_found() -> errors.NotFound:
    return errors.NotFound("org unit not found", reason="org_unit.not_found",
                           message_zh="组织单元不存在")


def invalid(field: str, message: str, message_zh: str) -> errors.InvalidArgument:
    return errors.InvalidArgument(f"{field}: {message}", reason=f"invalid.{field}",
                                  message_zh=message_zh)


def freeze_withheld() -> errors.FailedPrecondition:
    return errors.FailedPrecondition(
        "automatic freeze withheld: it would leave no active user able to unfreeze "
        "(the alert was recorded)", reason="user.freeze_withheld",
        message_zh="未执行自动冻结：冻结后将没有可以解冻的在职用户（告警已记录）")
