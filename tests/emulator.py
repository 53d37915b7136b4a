"""Helpers shared by the test folders that talk to the local services."""

from __future__ import annotations

import socket
import uuid

from cinema_metrics.emulated import create_metric_table
from cinema_metrics.metrics import METRIC_TABLES


def free_port(preferred: int) -> int:
    """`preferred` when nothing listens on it, else a free loopback port."""
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_metric_tables(endpoint: str, label: str) -> str:
    """Create every declared metric table (pk/sk, on demand) under a fresh prefix; return the prefix.

    The prefix is unique per call, so a moto server kept alive across sessions never
    already holds the tables.
    """
    import boto3

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    prefix = f"{label}-{uuid.uuid4().hex[:8]}-"
    for t in METRIC_TABLES:
        create_metric_table(client, f"{prefix}{t}")
    return prefix
