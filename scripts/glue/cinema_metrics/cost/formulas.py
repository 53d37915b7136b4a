"""Price formulas: small pure functions, one per AWS billing rule.

Each returns the billed quantity (after minimums and free tiers) and/or the USD amount, so
the model can show quantity x unit price = amount for every line.
"""

from __future__ import annotations

import math

MIB = 1024**2
TIB = 1024**4
SECONDS_PER_HOUR = 3600.0

# DPUs per worker (Glue 5.0 worker types; G.025X is for streaming jobs only).
WORKER_DPUS: dict[str, float] = {"G.025X": 0.25, "G.1X": 1.0, "G.2X": 2.0, "G.4X": 4.0, "G.8X": 8.0}


def billable(quantity: float, free: float = 0.0) -> float:
    """Quantity left after a monthly free tier (never negative)."""
    return max(0.0, quantity - free)


def glue_job_dpu_hours(
    runs: float, seconds_per_run: float, dpus: float, minimum_seconds: float = 60.0
) -> float:
    """Glue Spark job (2.0+, so 5.0): billed per second with a 1-minute minimum per run."""
    return runs * max(seconds_per_run, minimum_seconds) * dpus / SECONDS_PER_HOUR


def glue_job_usd(
    runs: float, seconds_per_run: float, dpus: float, dpu_hour_price: float, minimum_seconds: float = 60.0
) -> float:
    return glue_job_dpu_hours(runs, seconds_per_run, dpus, minimum_seconds) * dpu_hour_price


def crawler_dpu_hours(
    runs: float, seconds_per_run: float, dpus: float, minimum_seconds: float = 600.0
) -> float:
    """Glue crawler: billed per second with a 10-minute minimum per crawler run."""
    return glue_job_dpu_hours(runs, seconds_per_run, dpus, minimum_seconds)


def catalog_usd(
    objects: float,
    requests: float,
    price_per_100k_objects: float,
    price_per_million_requests: float,
    free_objects: float = 1_000_000,
    free_requests: float = 1_000_000,
) -> float:
    """Glue Data Catalog: first 1 M objects stored and 1 M requests a month are free."""
    return (
        billable(objects, free_objects) / 100_000 * price_per_100k_objects
        + billable(requests, free_requests) / 1_000_000 * price_per_million_requests
    )


def dynamodb_write_units(items: float, item_bytes: float) -> float:
    """Standard (non-transactional) writes: one unit per started KB of item size."""
    return items * max(1, math.ceil(item_bytes / 1024))


def dynamodb_scan_read_units(bytes_read: float, eventually_consistent: bool = True) -> float:
    """A Scan is billed on the data read, 4 KB per unit, half for eventually consistent reads."""
    units = math.ceil(bytes_read / 4096)
    return units * (0.5 if eventually_consistent else 1.0)


def per_million_usd(units: float, price_per_million: float, free_units: float = 0.0) -> float:
    return billable(units, free_units) / 1_000_000 * price_per_million


def storage_usd(gb: float, price_per_gb_month: float, free_gb: float = 0.0) -> float:
    return billable(gb, free_gb) * price_per_gb_month


def athena_billed_bytes(bytes_scanned: float, minimum_bytes: float = 10 * MIB) -> float:
    """Athena rounds each query up to the next MB, with a 10 MB minimum per query."""
    return max(math.ceil(bytes_scanned / MIB) * MIB, minimum_bytes)


def athena_usd(queries: float, bytes_per_query: float, price_per_tb: float) -> float:
    return queries * athena_billed_bytes(bytes_per_query) / TIB * price_per_tb


def lambda_usd(
    requests: float,
    gb_seconds: float,
    price_per_million_requests: float,
    price_per_gb_second: float,
    free_requests: float = 0.0,
    free_gb_seconds: float = 0.0,
) -> float:
    """Lambda: requests + GB-seconds; the always-free tier (1 M requests, 400 K GB-s) is optional."""
    return (
        billable(requests, free_requests) / 1_000_000 * price_per_million_requests
        + billable(gb_seconds, free_gb_seconds) * price_per_gb_second
    )


def s3_usd(
    gb: float, puts: float, gets: float, price_gb: float, price_put_1k: float, price_get_1k: float
) -> float:
    return gb * price_gb + puts / 1000 * price_put_1k + gets / 1000 * price_get_1k


def quicksight_usd(authors: int, readers: int, author_price: float, reader_price: float) -> float:
    return authors * author_price + readers * reader_price


def kms_usd(
    keys: int, requests: float, key_price: float, price_per_10k: float, free_requests: float = 20_000
) -> float:
    return keys * key_price + billable(requests, free_requests) / 10_000 * price_per_10k


def secrets_usd(secrets: int, api_calls: float, secret_price: float, price_per_10k: float) -> float:
    return secrets * secret_price + api_calls / 10_000 * price_per_10k


def cloudtrail_data_events_usd(events: float, price_per_100k: float) -> float:
    """CloudTrail data events: every delivered copy is billed (no free copy, unlike management events)."""
    return events / 100_000 * price_per_100k
