"""The network area of leads ("working with customers", issue 7): channels and their visits,
referrals, marketing activities (with revenue attributed from finance), service requests and
surveys. Rules in plain modules (tree, referral_rules, service_request_rules, survey_rules),
records per sub-area, the gRPC translation in servicer.py."""
