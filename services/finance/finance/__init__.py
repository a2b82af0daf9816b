"""EduCRM finance: the journal, payments, lesson hours, refunds and commissions."""
