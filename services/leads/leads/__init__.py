"""EduCRM leads service: the customer base and the work around it.

One package, two processes (api: grpcio; worker: nameko), several areas: `customers` (records,
duplicates, merges, ownership claims, handover) here; follow-ups, plans, public pool,
assignment rules, channels, referrals, activities, service requests, surveys, import/export and
statistics are further areas, each with its own proto service, models module and servicer
(see api.SERVICERS and models/__init__.py).
"""
