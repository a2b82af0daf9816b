"""The customers area: records (one per person), duplicates, merges, ownership claims,
handover of a leaver's customers. Modules: rules (pure), scope, search, records, claims,
handover, events, convert, servicer (gRPC)."""
