# ruff: noqa: N802 - gRPC method names are fixed by the proto
"""The LeadStatisticsService servicer."""
from __future__ import annotations

from contracts.leads import lead_statistics_pb2 as pb
from contracts.leads import lead_statistics_pb2_grpc as pb_grpc
from kit.db import Database
from kit.errors import PermissionDenied
from kit.grpc_context import current_caller

from ..settings import LeadsSettings
from . import counts

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["LeadStatisticsService"].full_name
ADD_TO_SERVER = pb_grpc.add_LeadStatisticsServiceServicer_to_server


class LeadStatisticsServicer(pb_grpc.LeadStatisticsServiceServicer):
    def __init__(self, db: Database, settings: LeadsSettings) -> None:
        self.db, self.settings = db, settings

    def GetLeadStatistics(self, request, context):
        caller = current_caller.get()
        if caller is None:
            raise PermissionDenied("a user's access token is required",
                                   reason="auth.user_required", message_zh="需要用户访问令牌")
        with self.db.read() as s:
            found = counts.statistics(s, caller, request.dimension, request.from_date,
                                      request.to_date)
        return pb.GetLeadStatisticsResponse(
            dimension=found.dimension, total=found.total,
            counts=[pb.DimensionCount(value=v, count=n) for v, n in found.counts],
            funnel=[pb.FunnelStep(stage=f.stage, count=f.count,
                                  rate_from_previous=f.rate_from_previous,
                                  rate_from_first=f.rate_from_first) for f in found.funnel])
