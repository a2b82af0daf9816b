"""Sales targets per period, team and person, and their attainment (a read model fed by
`attainment.record_sale`)."""
