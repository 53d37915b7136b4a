"""A destroy cannot doom the data: `terraform plan -destroy` of prod, against the state its plan
would leave (tfharness.state_from_plan: every resource it creates), fails and refuses exactly its
buckets, KMS keys and DynamoDB tables ("Instance cannot be destroyed"); only the throwaway roots
(dev, local) opt out. test_mutations.py removes one prevent_destroy and shows the check fails."""

from __future__ import annotations

from concurrent.futures import Future

import aws_rules
import pytest
from catalog_counts import quantities
from tfharness import Result, StackRun


def test_a_destroy_plan_of_prod_refuses_every_bucket_key_and_table(
    prod_destroy: Future[Result], stack_runs: dict[str, StackRun]
) -> None:
    summary = stack_runs["prod"].summary
    result = prod_destroy.result()
    problems = aws_rules.destroy_protection(summary, result)
    assert not problems, "\n".join(problems)
    refused, _ = aws_rules.destroy_refusals(result.output)
    expected = {a for a, t in summary.types.items() if t in aws_rules.PROTECTED_TYPES}
    assert refused == expected  # said by the rule; spelled out for the reader
    kinds = {t: sum(1 for a in refused if summary.types[a] == t) for t in aws_rules.PROTECTED_TYPES}
    # the data, access-log, audit and vault buckets; their four keys; a table per metric table of the
    # catalog + accepted keys
    tables = quantities()["metric_tables"] + 1
    assert kinds == {"aws_s3_bucket": 4, "aws_kms_key": 4, "aws_dynamodb_table": tables}, sorted(refused)


@pytest.mark.parametrize(
    ("root", "protected"), [("prod", True), ("staging", True), ("dev", False), ("local", False)]
)
def test_only_the_throwaway_roots_opt_out(
    stack_runs: dict[str, StackRun], root: str, protected: bool
) -> None:
    """dev and local set prevent_destroy = false in their tfvars (their documented teardown) and get
    the unprotected twins; staging and prod keep the default and get the protected ones."""
    summary = stack_runs[root].summary
    stateful = [a for a, t in summary.types.items() if t in aws_rules.PROTECTED_TYPES]
    assert stateful
    unprotected = [a for a in stateful if "_unprotected" in a.rsplit(".", 1)[-1]]
    assert unprotected == ([] if protected else stateful), unprotected
