from identity.models import Base
from identity.settings import load_settings
from kit.migrate import run_env

run_env(Base.metadata, default_url=lambda: load_settings().database_url)
