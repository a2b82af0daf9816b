"""EduCRM enrollment service."""
