"""parliament (a third-party IAM linter) over every IAM policy document a plan or state holds,
with the project's documented exceptions. Each exception names the finding, the documents it
applies to, and why AWS accepts the policy as written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from parliament import analyze_policy_string

POLICY_ATTRIBUTES = ("policy", "assume_role_policy", "json")


def _is_key_policy(doc: dict[str, Any]) -> bool:
    actions = [a for s in _stmts(doc) for a in _list(s.get("Action"))]
    return (
        bool(actions)
        and all(str(a).startswith("kms:") for a in actions)
        and all("Principal" in s for s in _stmts(doc))
    )


def _is_trust_policy(doc: dict[str, Any]) -> bool:
    return all(str(a).startswith("sts:AssumeRole") for s in _stmts(doc) for a in _list(s.get("Action")))


def _logs_statement(doc: dict[str, Any], location: dict[str, Any]) -> bool:
    """AWS's documented CloudWatch Logs key-policy statement (encrypt-log-data-kms)."""
    text = json.dumps(doc)
    return "kms:EncryptionContext:aws:logs:arn" in text


# finding -> (applies to the document?, reason)
EXCEPTIONS = {
    "RESOURCE_STAR": (
        lambda doc, loc: _is_key_policy(doc),
        'a key policy\'s Resource "*" means the key itself (KMS key policies cannot name their key)',
    ),
    "MALFORMED": (
        lambda doc, loc: _is_trust_policy(doc),
        "a role trust policy has no Resource: the role is the resource",
    ),
    "UNKNOWN_CONDITION_FOR_ACTION": (
        _logs_statement,
        "AWS's documented CloudWatch Logs key-policy statement puts kms:Describe* under the "
        "kms:EncryptionContext:aws:logs:arn condition; parliament's action table lacks that key for it",
    ),
    "MISMATCHED_TYPE": (
        _logs_statement,
        "ArnLike on kms:EncryptionContext:aws:logs:arn with a log-group ARN pattern, as AWS documents it; "
        "parliament types the context key as String",
    ),
}


def _stmts(doc: dict[str, Any]) -> list[dict[str, Any]]:
    statements = doc.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def documents(plan_or_state: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(address, policy JSON) of every known policy document: data sources read at plan time
    (prior_state) and managed resources' policy attributes (planned values or state)."""
    roots = []
    for key in ("prior_state", "planned_values"):
        part = plan_or_state.get(key) or {}
        roots.append((part.get("values") or part).get("root_module") or {})
    if "values" in plan_or_state and "root_module" in (plan_or_state.get("values") or {}):  # a state
        roots.append(plan_or_state["values"]["root_module"])
    seen: set[tuple[str, str]] = set()

    def walk(module: dict[str, Any]) -> Iterator[tuple[str, str]]:
        for r in module.get("resources", []):
            for attribute in POLICY_ATTRIBUTES:
                value = (r.get("values") or {}).get(attribute)
                is_doc = isinstance(value, str) and value.strip().startswith("{") and '"Statement"' in value
                if is_doc and (r["address"], value) not in seen:
                    seen.add((r["address"], value))
                    yield f"{r['address']}.{attribute}", value
        for child in module.get("child_modules", []):
            yield from walk(child)

    for root in roots:
        yield from walk(root)


# Documents AWS writes, not this configuration: the default policy SNS reports for a topic whose
# policy aws_sns_topic_policy manages, and a gateway endpoint's default full-access policy.
NOT_OURS = (".aws_sns_topic.", ".aws_vpc_endpoint.")


def findings(plan_or_state: dict[str, Any]) -> tuple[list[str], list[str], int]:
    """(problems, excepted findings with their reason, documents linted)."""
    problems, excepted, count = [], [], 0
    for address, text in documents(plan_or_state):
        if any(part in f".{address}" and address.endswith(".policy") for part in NOT_OURS):
            continue
        count += 1
        doc = json.loads(text)
        for f in analyze_policy_string(text, include_community_auditors=False).findings:
            rule = EXCEPTIONS.get(f.issue)
            line = f"{address}: {f.issue} {str(f.detail)[:160]}"
            if rule and rule[0](doc, f.location):
                excepted.append(f"{line} [exception: {rule[1]}]")
            else:
                problems.append(line)
    return problems, excepted, count
