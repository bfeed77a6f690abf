"""`python -m bench` (or `make bench`): runs the benchmarks and prints their tables.

Each benchmark runs the raw library beside our code in the same run and reports the ratio, because
these machines are shared and absolute times wander.
"""

import argparse
import asyncio

from bench import ingest, outbox_relay


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks, als Verhältnis zur rohen Bibliothek im selben Lauf")
    parser.add_argument("--ingest", type=int, default=10_000, help="Anzahl Registry-Ereignisse für B1/B4")
    args = parser.parse_args()
    asyncio.run(outbox_relay.main())
    result = asyncio.run(ingest.run(args.ingest))
    print(f"B1 ingest     n={result['n']}  roh (nats-py pull+ack): {result['raw_per_s']:,.0f}/s  "
          f"Aktionsplanung: {result['ours_per_s']:,.0f}/s  Verhältnis: {result['ratio']:.3f}× (Ziel ≥ 0,5×)")
    print(f"B4 catch-up   {result['n']} Ereignisse nach Neustart in {result['catch_up_s']:.1f} s "
          f"(hochgerechnet auf 100.000: {result['catch_up_s'] * 100_000 / result['n']:.0f} s; Ziel ≤ 20 s)")
    print(f"Speicher      events: {result['rss_idle_mb']:.0f} MB im Leerlauf, {result['rss_peak_mb']:.0f} MB beim Aufholen (Ziel ≤ 120 MB)")


if __name__ == "__main__":
    main()
