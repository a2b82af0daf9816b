"""EduCRM scheduling service."""
