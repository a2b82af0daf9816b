"""Page tokens: kit.pagination (shared by every service), re-exported for identity's modules."""
from kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decode, encode, page_size

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "decode", "encode", "page_size"]
