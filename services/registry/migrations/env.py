from services.registry.adapters.orm import metadata
from shared.db.migrations import run_env

run_env(metadata)
