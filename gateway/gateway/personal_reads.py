"""Rate-limit-then-freeze counts personal-data *records*, per kind of data, against a limit
that depends on the reader's roles.

A route that returns people's personal data says how many records it returns and of which
kind: a single read counts 1 (in the per-request gate, before the service is called, so a
probe for an id that turns out not to exist counts too), a list
counts its items and an export its rows (after the service answered, before anything is sent;
`routes.deps.count_personal_records`). Records are summed in a sliding window per (user,
kind) in Redis; the request whose records take the reader past their limit freezes them and is
itself refused (403 account-frozen): the records over the limit are never sent. The one
exception is a freeze that identity withholds (it would leave nobody able to unfreeze): then
nobody is frozen and the request is served.

Limits are settings (`freeze_read_limits`): entries `kind:role=records`, `kind:*=records` the
default of a kind. A reader's limit for a kind is the highest of their roles' limits (the role
that needs the data sets the pace).
"""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping


class DataKind(str, enum.Enum):
    STAFF = "staff"          # the user directory: colleagues' names, phones, emails
    CUSTOMER = "customer"    # customers, students, rosters, and exports of them


# Generous for the staff directory (an administrator at a console's pace pages it freely),
# tight for customers (a sales person scraping the customer base is what the freeze is for).
DEFAULT_READ_LIMITS: tuple[str, ...] = (
    "staff:*=1000", "staff:admin=20000", "staff:general_manager=5000", "staff:director=5000",
    "customer:*=200", "customer:customer_service=600", "customer:admin=1000",
    "customer:general_manager=1000",
)


class ReadLimitsError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class ReadLimits:
    window_seconds: int
    limits: Mapping[tuple[DataKind, str], int]

    def __post_init__(self) -> None:
        for kind in DataKind:
            if (kind, "*") not in self.limits:
                raise ReadLimitsError(f"freeze_read_limits: no default '{kind.value}:*=N'")
        object.__setattr__(self, "_cache", {})

    def for_roles(self, roles: Iterable[str], kind: DataKind) -> int:
        """The records a reader with these roles may read of `kind` per window."""
        key = (tuple(roles), kind)
        cache: dict = self._cache  # type: ignore[attr-defined]
        limit = cache.get(key)
        if limit is None:
            limit = max((self.limits[(kind, r)] for r in key[0] if (kind, r) in self.limits),
                        default=self.limits[(kind, "*")])
            if len(cache) < 1000:  # role sets are few
                cache[key] = limit
        return limit

    def describe(self, kind: DataKind, limit: int) -> str:
        return f"more than {limit} {kind.value} records in {self.window_seconds} s"


def parse_read_limits(entries: Iterable[str], *, window_seconds: int,
                      every_limit: int = 0) -> ReadLimits:
    """`("staff:*=1000", "staff:admin=20000", ...)`; `every_limit` > 0 replaces them all with
    one limit for every role and kind (the older single setting `freeze_max_reads`)."""
    limits: dict[tuple[DataKind, str], int] = {}
    for entry in entries:
        try:
            target, _, value = entry.partition("=")
            kind_name, _, role = target.strip().partition(":")
            kind = DataKind(kind_name.strip())
            count = int(value)
            if not role.strip() or count < 1:
                raise ValueError
        except ValueError:
            raise ReadLimitsError(f"freeze_read_limits: bad entry {entry!r} "
                                  "(expected kind:role=records, kind one of "
                                  f"{', '.join(k.value for k in DataKind)})") from None
        limits[(kind, role.strip())] = count
    if every_limit > 0:
        limits = {(kind, "*"): every_limit for kind in DataKind}
    return ReadLimits(window_seconds, limits)


# The sliding window of one (user, kind), shared by the gate script and the count script.
# A member is "<records>:<unique id>" scored by time; `total` caches the window's sum so a
# request costs O(expired members), not O(window). Over the limit: the freeze flag is set
# and the user put in the pending set (the Freezer asks identity to record it).
COUNT_RECORDS_LUA = """
local function count_records(zset, total, records, max, window, member, flag, pending, user)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local sum = redis.call('GET', total)
  local old = redis.call('ZRANGEBYSCORE', zset, '-inf', now - window)
  if #old > 0 then
    redis.call('ZREMRANGEBYSCORE', zset, '-inf', now - window)
  end
  if sum then
    sum = tonumber(sum)
    for _, m in ipairs(old) do sum = sum - tonumber(string.match(m, '^(%d+):')) end
  else
    sum = 0
    for _, m in ipairs(redis.call('ZRANGE', zset, 0, -1)) do
      sum = sum + tonumber(string.match(m, '^(%d+):'))
    end
  end
  if sum < 0 then sum = 0 end
  sum = sum + records
  redis.call('ZADD', zset, now, records .. ':' .. member)
  redis.call('SET', total, sum, 'PX', window)
  redis.call('PEXPIRE', zset, window)
  if sum > max then
    redis.call('SET', flag, 'auto')
    redis.call('SADD', pending, user)
    return true
  end
  return false
end
"""

# KEYS: frozen flag, reads zset, reads total, pending freezes
# ARGV: records, max records, window ms, member, user id
# Returns 0 (counted), 1 (already frozen: nothing counted), 4 (just frozen by these records).
COUNT_SCRIPT = COUNT_RECORDS_LUA + """
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
if count_records(KEYS[2], KEYS[3], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
                 ARGV[4], KEYS[1], KEYS[4], ARGV[5]) then
  return 4
end
return 0
"""

# KEYS: frozen flag, pending freezes, then the reads zset and total of every kind.
# Clears the flag only when the automatic rule set it (an administrator's freeze stays).
LIFT_WITHHELD_SCRIPT = """
if redis.call('GET', KEYS[1]) == 'auto' then redis.call('DEL', KEYS[1]) end
redis.call('SREM', KEYS[2], ARGV[1])
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
"""
