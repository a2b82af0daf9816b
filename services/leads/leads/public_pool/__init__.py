"""The public pool area (公海): activity clocks, the return-to-pool rules and their sweep,
claiming from the pool under holding caps, and the admins' assignment rules for new leads."""
