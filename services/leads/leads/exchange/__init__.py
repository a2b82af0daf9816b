"""Customer exchange: Excel export, the import template, and all-or-nothing imports."""
