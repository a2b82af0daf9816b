"""The follow-ups area of leads: follow-ups (contact history), follow-up plans, the to-do
list's plans, plan-versus-result statistics, the plans' handover step and the due sweep."""
