"""EduCRM's shared contracts: every service's generated gRPC stubs (`contracts.<service>`,
from the protos each service owns under services/<service>/proto) and every event's JSON Schema
(`contracts.events`). Depends on protobuf and grpcio alone, so a client (the gateway, a branch's
system, a partner) installs the contract, never a service."""
