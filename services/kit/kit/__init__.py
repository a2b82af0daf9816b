"""EduCRM shared kit: what every service needs, written once."""
