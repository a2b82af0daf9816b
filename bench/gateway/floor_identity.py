"""The gRPC read's floor: a bare grpcio server answering identity's `GetUser` with one
primary-key SELECT (SQLAlchemy Core, same database, same pool settings as kit.db), no
interceptor, no token check, no logging, no metrics.

Whatever the real identity api spends beyond this on the same call (kit.grpc_server's
interceptor: correlation id, token verification, caller check, error mapping, metrics, the
log line; identity's scoped ORM query and message building) is the plumbing's overhead.

Run: python bench/gateway/floor_identity.py ADDRESS DATABASE_URL
"""
from __future__ import annotations

import signal
import sys
import threading
from concurrent import futures

import grpc
from contracts.identity import identity_pb2 as pb
from contracts.identity import identity_pb2_grpc
from kit import heap
from kit.db import create_db_engine
from kit.grpc_server import DEFAULT_MAX_WORKERS
from sqlalchemy import text

_SELECT = text("SELECT id, username, display_name, email, org_unit_id, department_id, "
               "region_id FROM users WHERE id = :id")


class FloorIdentity(identity_pb2_grpc.IdentityServiceServicer):
    def __init__(self, url: str) -> None:
        self.engine = create_db_engine(url)

    def GetUser(self, request, context):  # noqa: N802 - fixed by the proto
        with self.engine.connect() as connection:
            row = connection.execute(_SELECT, {"id": request.user_id}).first()
        if row is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "user not found")
        return pb.GetUserResponse(user=pb.User(
            id=row.id, username=row.username, display_name=row.display_name or "",
            email=row.email or "", org_unit_id=row.org_unit_id or "",
            department_id=row.department_id or "", region_id=row.region_id or ""))


def main() -> None:
    address, url = sys.argv[1], sys.argv[2]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=DEFAULT_MAX_WORKERS))
    identity_pb2_grpc.add_IdentityServiceServicer_to_server(FloorIdentity(url), server)
    heap.settle_for_serving()  # the collector settings every api process has (kit.grpc_server)
    server.add_insecure_port(address)
    server.start()
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stopping.wait()
    server.stop(1).wait()


if __name__ == "__main__":
    main()
