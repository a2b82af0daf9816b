"""Lead statistics: customers per dimension value and the conversion funnel, scoped."""
