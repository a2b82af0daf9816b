"""A tiny demo service for the bus fault tests, wired exactly as real services wire the kit."""
