"""EduCRM identity service: users, org tree, roles and data scopes, tokens, freeze, audit log."""
