from services.gateway.adapters.sessions import metadata  # the tokens and the web tables share one MetaData
from shared.db.migrations import run_env

run_env(metadata)
