"""Price formulas against hand-computed values (minimums, free tiers, per-second billing)."""

from __future__ import annotations

import pytest

from cinema_metrics.cost import formulas as f


def test_glue_job_bills_per_second_above_the_one_minute_minimum() -> None:
    # 90 s x 2 DPU = 180 DPU-s = 0.05 DPU-h; x $0.44 = 0.022
    assert f.glue_job_dpu_hours(1, 90, 2) == pytest.approx(0.05)
    assert f.glue_job_usd(1, 90, 2, 0.44) == pytest.approx(0.022)
    # one second more is billed: 91 s x 2 DPU / 3600
    assert f.glue_job_dpu_hours(1, 91, 2) == pytest.approx(182 / 3600)


def test_glue_job_one_minute_minimum_per_run() -> None:
    # 10 s runs are billed 60 s each: 360 runs x 60 s x 2 DPU / 3600 = 12 DPU-h
    assert f.glue_job_dpu_hours(360, 10, 2) == pytest.approx(12.0)


def test_flex_is_cheaper_than_standard_for_the_same_dpu_hours() -> None:
    # 360 runs x 75 s x 2 DPU = 15 DPU-h: standard 6.60, Flex 4.35
    assert f.glue_job_usd(360, 75, 2, 0.44) == pytest.approx(6.60)
    assert f.glue_job_usd(360, 75, 2, 0.29) == pytest.approx(4.35)


def test_worker_type_dpus() -> None:
    assert f.WORKER_DPUS["G.025X"] == 0.25
    assert f.WORKER_DPUS["G.1X"] == 1.0
    assert f.WORKER_DPUS["G.2X"] == 2.0


def test_crawler_ten_minute_minimum() -> None:
    # a 90 s crawl bills 600 s: 30 runs x 600 s x 2 DPU / 3600 = 10 DPU-h ($4.40)
    assert f.crawler_dpu_hours(30, 90, 2) == pytest.approx(10.0)
    # a 15-minute crawl bills its real time: 900 s x 2 / 3600 = 0.5
    assert f.crawler_dpu_hours(1, 900, 2) == pytest.approx(0.5)


def test_catalog_free_tier() -> None:
    assert f.catalog_usd(999_999, 1_000_000, 1.0, 1.0) == 0.0
    # 1,250,000 objects: 250,000 billable = 2.50; 3 M requests: 2 M billable = 2.00
    assert f.catalog_usd(1_250_000, 3_000_000, 1.0, 1.0) == pytest.approx(4.50)
    # the seed's reading: no free tier, 172,000 of each = 1.72 + 0.172
    assert f.catalog_usd(172_000, 172_000, 1.0, 1.0, 0, 0) == pytest.approx(1.892)


def test_dynamodb_units_and_storage_free_tier() -> None:
    assert f.dynamodb_write_units(100, 300) == 100
    assert f.dynamodb_write_units(100, 1025) == 200  # 2 KB started
    # scan of 8 KB eventually consistent: 2 x 4 KB units x 0.5 = 1
    assert f.dynamodb_scan_read_units(8192) == 1.0
    assert f.dynamodb_scan_read_units(8193, eventually_consistent=False) == 3.0
    assert f.per_million_usd(2_000_000, 0.625) == pytest.approx(1.25)
    assert f.storage_usd(24.0, 0.25, free_gb=25) == 0.0
    assert f.storage_usd(30.0, 0.25, free_gb=25) == pytest.approx(1.25)
    assert f.storage_usd(2.0, 0.20) == pytest.approx(0.40)  # PITR: no free tier


def test_athena_ten_megabyte_minimum_and_rounding_up() -> None:
    mib = 1024**2
    assert f.athena_billed_bytes(1) == 10 * mib
    assert f.athena_billed_bytes(10 * mib + 1) == 11 * mib
    # 1,800 queries x 10 MB = 18,000 MB; / 1024^2 MB per TB x $5 = 0.0858
    assert f.athena_usd(1800, 200_000, 5.0) == pytest.approx(1800 * 10 / 1024**2 * 5)
    # 1 TB scanned once = $5
    assert f.athena_usd(1, 1024**4, 5.0) == pytest.approx(5.0)


def test_lambda_with_and_without_free_tier() -> None:
    # 2 M requests + 500,000 GB-s: 0.40 + 8.333 = 8.7333
    assert f.lambda_usd(2e6, 500_000, 0.20, 0.0000166667) == pytest.approx(0.40 + 500_000 * 0.0000166667)
    # with the free tier: 1 M requests and 100,000 GB-s billable = 0.20 + 1.66667
    assert f.lambda_usd(2e6, 500_000, 0.20, 0.0000166667, 1e6, 400_000) == pytest.approx(0.20 + 1.66667)


def test_s3_quicksight_kms_secrets_cloudtrail() -> None:
    assert f.s3_usd(10, 1000, 10_000, 0.023, 0.005, 0.0004) == pytest.approx(0.23 + 0.005 + 0.004)
    assert f.quicksight_usd(1, 3, 24, 3) == 33
    assert f.kms_usd(2, 20_000, 1.0, 0.03) == 2.0  # inside the 20,000 free requests
    assert f.kms_usd(2, 30_000, 1.0, 0.03) == pytest.approx(2.03)
    assert f.secrets_usd(1, 10_000, 0.40, 0.05) == pytest.approx(0.45)
    assert f.cloudtrail_data_events_usd(2_000_000, 0.10) == pytest.approx(2.0)
