"""`python -m bench` (or `make bench`): runs every benchmark and prints ratios."""

import asyncio

from bench import outbox_relay

if __name__ == "__main__":
    asyncio.run(outbox_relay.main())
