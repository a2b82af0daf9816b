"""The sales targets area's handover step: a leaver's shares of targets still running (their
period has not ended) go to the successor, added to the successor's own share on the same
target; what the leaver already attained stays recorded under the leaver (team attainment
does not change). With no successor, the shares stay (a manager re-splits the target)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..handover import STEPS, Handover
from ..models import SalesTarget, SalesTargetSplit


def move_target_splits(s: Session, h: Handover) -> int:
    if not h.successor_id:
        return 0
    moved = 0
    today = h.at.date()
    rows = s.scalars(select(SalesTargetSplit).join(
        SalesTarget, SalesTarget.id == SalesTargetSplit.target_id).where(
        SalesTargetSplit.user_id == h.leaver_id, SalesTarget.period_end >= today)
        .order_by(SalesTargetSplit.target_id))
    for split in list(rows):
        theirs = s.get(SalesTargetSplit, (split.target_id, h.successor_id))
        if theirs is None:
            s.add(SalesTargetSplit(target_id=split.target_id, user_id=h.successor_id,
                                   amount_fen=split.amount_fen, deals=split.deals))
        else:
            theirs.amount_fen += split.amount_fen
            theirs.deals += split.deals
        s.delete(split)
        target = s.get(SalesTarget, split.target_id)
        target.version += 1
        target.updated_at = h.at
        moved += 1
    s.flush()
    return moved


STEPS.append(("sales_target_splits", move_target_splits))
