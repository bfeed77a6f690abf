"""Postfix's `smtp-sink` for the fan-out benchmark, where installed (the aiosmtpd sink is `drill.sink`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def postfix_sink(port: int, counter: Path) -> subprocess.Popen | None:
    """Postfix's `smtp-sink` (C, very fast) where installed; it only counts (`-c`, into `counter`)."""
    binary = shutil.which("smtp-sink") or next((p for p in ("/usr/sbin/smtp-sink",) if Path(p).exists()), None)
    if not binary:
        return None
    as_user = ["-u", "nobody"] if os.geteuid() == 0 else []  # smtp-sink refuses to run as root
    return subprocess.Popen(
        [binary, *as_user, "-c", f"127.0.0.1:{port}", "1000"], stdout=counter.open("wb"), stderr=subprocess.STDOUT
    )
