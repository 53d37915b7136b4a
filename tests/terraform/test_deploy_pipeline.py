"""The deploy pipeline (issue 22): the GitHub Actions roles terraform/bootstrap creates, read from its
plan, and the structure of .github/workflows/deploy.yml and infra-drift.yml.

terraform/bootstrap is planned alone here, with github_repository set (the aggregate plan of
test_tf_plans.py leaves it null, and inventories/bootstrap.yaml then counts no IAM resource).
Every policy is known at plan time (the state key is named by its alias), so the checks read the
JSON the roles will carry. Each check is a function returning its problems; the mutation tests
run the same function on a widened copy.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from tfharness import IGNORE, ROOT, WORK, Stack, Terraform, base_env, diagnostics

REPO = "example-org/cinema-metrics"
ENVS = ("dev", "staging", "prod")
OIDC = "token.actions.githubusercontent.com"
WORKFLOWS = ROOT / ".github" / "workflows"
READ_VERBS = ("Get", "List", "Describe")
# The plan role's only writes: the S3-native state lock object, and the state key through S3 (the
# lock object is encrypted with it too).
LOCK_WRITES = {"s3:PutObject", "s3:DeleteObject"}
STATE_KEY_CRYPTO = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}
PINNED = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")


# ------------------------------------------------------------------------------------ the plan
@dataclass
class Role:
    name: str
    trust: dict[str, Any]
    inline: list[dict[str, Any]] = field(default_factory=list)
    managed: list[dict[str, Any]] = field(default_factory=list)  # named <role>-<part>
    attachments: int = 0

    @property
    def policies(self) -> list[dict[str, Any]]:
        return self.inline + self.managed


def deploy_roles(plan: dict[str, Any]) -> dict[str, Role]:
    """The roles under /deploy/ with their trust policy, inline policies and managed policies, by
    name. A managed policy's ARN is unknown until applied, so it belongs to the role its name starts
    with (<role>-<part>), and each role must have as many attachments as such policies."""
    after = [
        (rc["type"], rc["change"].get("after") or {})
        for rc in plan.get("resource_changes", [])
        if "create" in rc["change"]["actions"] or "update" in rc["change"]["actions"]
    ]
    roles = {
        v["name"]: Role(v["name"], json.loads(v["assume_role_policy"]))
        for t, v in after
        if t == "aws_iam_role" and v.get("path") == "/deploy/"
    }
    for t, v in after:
        if t == "aws_iam_role_policy" and v.get("role") in roles:
            roles[v["role"]].inline.append(json.loads(v["policy"]))
        if t == "aws_iam_role_policy_attachment" and v.get("role") in roles:
            roles[v["role"]].attachments += 1
        if t == "aws_iam_policy" and v.get("path") == "/deploy/":
            owners = [r for r in roles.values() if v["name"].startswith(f"{r.name}-")]
            assert len(owners) == 1, f"managed policy {v['name']}: roles {[r.name for r in owners]}"
            owners[0].managed.append(json.loads(v["policy"]))
    return roles


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(policy: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from _list(policy.get("Statement", []))


def wildcard_actions(policy: dict[str, Any]) -> list[str]:
    """Every action or NotAction with a "*" (s3:*, s3:Get*, *), and any NotAction at all."""
    problems = []
    for st in statements(policy):
        sid = st.get("Sid", "?")
        if "NotAction" in st:
            problems.append(f"{sid}: NotAction {st['NotAction']} grants everything else")
        problems += [f"{sid}: wildcard action {a}" for a in _list(st.get("Action", [])) if "*" in a]
    return problems


def trust_problems(trust: dict[str, Any], repo: str, github_environment: str) -> list[str]:
    """One statement: GitHub's OIDC provider may assume the role with a token whose aud is
    sts.amazonaws.com and whose sub is exactly repo:<repo>:environment:<github_environment>,
    both under StringEquals and nothing else (no StringLike, no second sub)."""
    sts = list(statements(trust))
    if len(sts) != 1:
        return [f"{len(sts)} trust statements, want 1"]
    st, problems = sts[0], []
    if st.get("Effect") != "Allow" or _list(st.get("Action")) != ["sts:AssumeRoleWithWebIdentity"]:
        problems.append(
            f"trust allows {st.get('Action')} ({st.get('Effect')}), want sts:AssumeRoleWithWebIdentity"
        )
    federated = _list((st.get("Principal") or {}).get("Federated", []))
    if len(federated) != 1 or not str(federated[0]).endswith(f":oidc-provider/{OIDC}"):
        problems.append(f"trusted principal {st.get('Principal')} is not GitHub's OIDC provider")
    conditions = st.get("Condition") or {}
    if set(conditions) != {"StringEquals"}:
        problems.append(f"condition operators {sorted(conditions)}, want only StringEquals")
    equals = conditions.get("StringEquals") or {}
    if _list(equals.get(f"{OIDC}:aud")) != ["sts.amazonaws.com"]:
        problems.append(f"aud {equals.get(f'{OIDC}:aud')}, want sts.amazonaws.com")
    want = f"repo:{repo}:environment:{github_environment}"
    if _list(equals.get(f"{OIDC}:sub")) != [want]:
        problems.append(f"sub {equals.get(f'{OIDC}:sub')}, want exactly {want}")
    return problems


def plan_role_writes(policies: list[dict[str, Any]]) -> list[str]:
    """Allowed actions of a plan role that are not reads (Get/List/Describe), except writes of the
    state lock object (*.tflock) and the state key's crypto through S3, limited to its alias."""
    problems = []
    for policy in policies:
        for st in statements(policy):
            if st.get("Effect") != "Allow":
                continue
            resources = [str(r) for r in _list(st.get("Resource", []))]
            condition = json.dumps(st.get("Condition") or {})
            for action in _list(st.get("Action", [])):
                verb = action.split(":", 1)[-1]
                if verb.startswith(READ_VERBS):
                    continue
                if action in LOCK_WRITES and resources and all(r.endswith(".tflock") for r in resources):
                    continue
                if (
                    action in STATE_KEY_CRYPTO
                    and "kms:ResourceAliases" in condition
                    and "kms:ViaService" in condition
                ):
                    continue
                problems.append(f"{st.get('Sid', '?')}: {action} on {resources}")
    return problems


@pytest.fixture(scope="module")
def bootstrap_plan(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tree = tmp_path_factory.mktemp("deploy-roles")
    shutil.copytree(ROOT / "terraform" / "bootstrap", tree / "terraform" / "bootstrap", ignore=IGNORE)
    for tfvars in (tree / "terraform" / "bootstrap").glob("*.tfvars"):
        tfvars.unlink()  # exactly the variables below and the defaults
    tf = Terraform(
        tree, Stack("bootstrap-deploy-roles", "terraform/bootstrap"), WORK / "data", base_env(moto_endpoint)
    )
    init = tf.init()
    assert init.ok, f"terraform init of terraform/bootstrap failed:\n{init.output[-3000:]}"
    result, plan = tf.plan({"github_repository": REPO})
    assert result.ok and plan is not None, (
        f"terraform plan failed:\n{diagnostics(result.output) or result.output[-4000:]}"
    )
    return plan


@pytest.fixture(scope="module")
def roles(bootstrap_plan: dict[str, Any]) -> dict[str, Role]:
    found = deploy_roles(bootstrap_plan)
    want = {f"cinema-{env}-{purpose}" for env in ENVS for purpose in ("plan", "apply")}
    assert set(found) == want, f"deploy roles {sorted(found)}, want {sorted(want)}"
    return found


def test_every_deploy_role_has_policies(roles: dict[str, Role]) -> None:
    for role in roles.values():
        assert role.policies, f"{role.name} has no policy (the checks below would pass vacuously)"
    assert all(not r.attachments for n, r in roles.items() if n.endswith("-plan")), (
        "a plan role has a managed policy"
    )
    assert all(r.attachments for n, r in roles.items() if n.endswith("-apply")), (
        "an apply role has no managed policy"
    )


def test_policies_fit_iam_limits(roles: dict[str, Role]) -> None:
    """IAM counts policy characters without whitespace: 6,144 per managed policy, 10,240 for all
    of a role's inline policies together."""
    for role in roles.values():
        managed = [len(json.dumps(p, separators=(",", ":"))) for p in role.managed]
        inline = sum(len(json.dumps(p, separators=(",", ":"))) for p in role.inline)
        assert all(n <= 6144 for n in managed), f"{role.name}: managed policies of {managed} characters"
        assert inline <= 10240, f"{role.name}: inline policies of {inline} characters"


def test_no_wildcard_action(roles: dict[str, Role]) -> None:
    problems = [f"{r.name}: {p}" for r in roles.values() for pol in r.policies for p in wildcard_actions(pol)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("env", ENVS)
def test_trust_names_its_environment(roles: dict[str, Role], env: str) -> None:
    assert not trust_problems(roles[f"cinema-{env}-plan"].trust, REPO, f"{env}-plan")
    assert not trust_problems(roles[f"cinema-{env}-apply"].trust, REPO, env)


@pytest.mark.parametrize("env", ENVS)
def test_plan_role_is_read_only(roles: dict[str, Role], env: str) -> None:
    problems = plan_role_writes(roles[f"cinema-{env}-plan"].policies)
    assert not problems, "\n".join(problems)


# -------------------------------------------------------------------------------- mutations
def _apply_policy(roles: dict[str, Role]) -> dict[str, Any]:
    return copy.deepcopy(roles["cinema-prod-apply"].policies[-1])


@pytest.mark.parametrize("action", ["s3:*", "s3:Get*", "*", "iam:Pass*"])
def test_wildcard_action_is_caught(roles: dict[str, Role], action: str) -> None:
    policy = _apply_policy(roles)
    first = next(statements(policy))
    first["Action"] = [*_list(first["Action"]), action]
    assert wildcard_actions(policy)


def test_not_action_is_caught(roles: dict[str, Role]) -> None:
    policy = _apply_policy(roles)
    first = next(statements(policy))
    first["NotAction"] = first.pop("Action")
    assert wildcard_actions(policy)


@pytest.mark.parametrize(
    "widen",
    [
        lambda c: c["StringEquals"].__setitem__(f"{OIDC}:sub", f"repo:{REPO}:*"),
        lambda c: c.__setitem__("StringLike", {f"{OIDC}:sub": c["StringEquals"].pop(f"{OIDC}:sub")}),
        lambda c: c["StringEquals"].__setitem__(
            f"{OIDC}:sub", [f"repo:{REPO}:environment:prod", f"repo:{REPO}:ref:refs/heads/main"]
        ),
        lambda c: c["StringEquals"].__setitem__(f"{OIDC}:sub", f"repo:{REPO}:environment:staging"),
        lambda c: c["StringEquals"].pop(f"{OIDC}:aud"),
        lambda c: c["StringEquals"].__setitem__(
            f"{OIDC}:sub", "repo:other-org/cinema-metrics:environment:prod"
        ),
    ],
    ids=["sub-wildcard", "string-like", "second-sub", "other-environment", "no-aud", "other-repository"],
)
def test_widened_trust_is_caught(roles: dict[str, Role], widen: Any) -> None:
    trust = copy.deepcopy(roles["cinema-prod-apply"].trust)
    widen(next(statements(trust))["Condition"])
    assert trust_problems(trust, REPO, "prod")


def test_plan_role_write_is_caught(roles: dict[str, Role]) -> None:
    policies = copy.deepcopy(roles["cinema-dev-plan"].policies)
    state = next(s for p in policies for s in statements(p) if s.get("Sid") == "StateObject")
    state["Action"] = [*_list(state["Action"]), "s3:PutObject"]
    assert plan_role_writes(policies)
    assert plan_role_writes([*roles["cinema-dev-plan"].policies, *roles["cinema-dev-apply"].policies])


# -------------------------------------------------------------------------------- workflows
def load_workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def _environment(job: dict[str, Any]) -> str | None:
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def _needs(job: dict[str, Any]) -> list[str]:
    return _list(job.get("needs", []))


def _uses(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if "uses" in s]


def _artifact(job: dict[str, Any], action: str) -> set[str]:
    return {
        s.get("with", {}).get("name")
        for s in _uses(job)
        if s["uses"].startswith(f"actions/{action}-artifact@")
    }


def pinning_problems(workflow: dict[str, Any]) -> list[str]:
    return [
        f"{name}: {step['uses']} is not pinned to a commit SHA"
        for name, job in workflow["jobs"].items()
        for step in _uses(job)
        if not step["uses"].startswith("./") and not PINNED.match(step["uses"].split(" ")[0])
    ]


def id_token_problems(workflow: dict[str, Any]) -> list[str]:
    """id-token: write exactly on the jobs that assume an AWS role."""
    problems = []
    for name, job in workflow["jobs"].items():
        assumes = any(s["uses"].startswith("aws-actions/configure-aws-credentials@") for s in _uses(job))
        writes = (job.get("permissions") or {}).get("id-token") == "write"
        if assumes != writes:
            problems.append(f"{name}: assumes a role: {assumes}, id-token: write: {writes}")
    return problems


def deploy_problems(workflow: dict[str, Any]) -> list[str]:
    """deploy.yml: push to main; no default permissions; package once; per environment in order a
    plan job (<env>-plan) and an apply job (<env>) that needs it and applies its artifact; one
    never-cancelled concurrency group per environment."""
    problems = pinning_problems(workflow) + id_token_problems(workflow)
    on = workflow.get("on", workflow.get(True)) or {}
    if (on.get("push") or {}).get("branches") != ["main"]:
        problems.append(f"triggers {on}: want a push to main")
    if workflow.get("permissions") != {}:
        problems.append(f"top-level permissions {workflow.get('permissions')}, want {{}}")
    jobs = workflow["jobs"]
    if "package" not in jobs or "make package" not in json.dumps(jobs["package"]):
        problems.append("no package job running make package")
        return problems
    groups: dict[str, str] = {}
    previous = "package"
    for env in ENVS:
        plan, apply = jobs.get(f"plan-{env}"), jobs.get(f"apply-{env}")
        if plan is None or apply is None:
            problems.append(f"{env}: plan-{env} and apply-{env} jobs wanted")
            continue
        if _needs(plan) != [previous]:
            problems.append(f"plan-{env} needs {_needs(plan)}, want [{previous}] (order {' -> '.join(ENVS)})")
        if _needs(apply) != [f"plan-{env}"]:
            problems.append(f"apply-{env} needs {_needs(apply)}, want [plan-{env}]")
        if _environment(plan) != f"{env}-plan":
            problems.append(f"plan-{env} runs in environment {_environment(plan)}, want {env}-plan")
        if _environment(apply) != env:
            problems.append(f"apply-{env} runs in environment {_environment(apply)}, want {env}")
        for name, job in ((f"plan-{env}", plan), (f"apply-{env}", apply)):
            concurrency = job.get("concurrency") or {}
            if (
                concurrency.get("group") != f"deploy-{env}"
                or concurrency.get("cancel-in-progress") is not False
            ):
                problems.append(
                    f"{name}: concurrency {concurrency}, want group deploy-{env}, cancel-in-progress false"
                )
            groups[name] = concurrency.get("group")
        if "make -o package plan" not in json.dumps(plan):
            problems.append(f"plan-{env} does not run make plan on the package job's package")
        if "make apply" not in json.dumps(apply):
            problems.append(f"apply-{env} does not run make apply")
        uploaded, downloaded = _artifact(plan, "upload"), _artifact(apply, "download")
        if f"plan-{env}" not in uploaded or f"plan-{env}" not in downloaded:
            problems.append(
                f"{env}: the plan job uploads {uploaded}, the apply job downloads {downloaded}: "
                f"want plan-{env} in both"
            )
        if "glue-package" not in _artifact(plan, "download") or "glue-package" not in downloaded:
            problems.append(f"{env}: plan and apply jobs must use the package job's glue-package")
        previous = f"apply-{env}"
    if len({g for n, g in groups.items() if n.startswith("plan-")}) != len(ENVS):
        problems.append(f"concurrency groups {groups}: want one per environment")
    return problems


def drift_problems(workflow: dict[str, Any]) -> list[str]:
    problems = pinning_problems(workflow) + id_token_problems(workflow)
    on = workflow.get("on", workflow.get(True)) or {}
    if not on.get("schedule"):
        problems.append("infra-drift.yml has no schedule")
    if workflow.get("permissions") != {}:
        problems.append(f"top-level permissions {workflow.get('permissions')}, want {{}}")
    for name, job in workflow["jobs"].items():
        envs = (job.get("strategy") or {}).get("matrix", {}).get("environment")
        if envs != list(ENVS):
            problems.append(f"{name}: matrix {envs}, want {list(ENVS)}")
        if _environment(job) != "${{ matrix.environment }}-plan":
            problems.append(f"{name}: environment {_environment(job)}, want the plan role's <env>-plan")
        runs = "\n".join(s.get("run", "") for s in job.get("steps", []))
        if "plan -detailed-exitcode" not in runs or "drift in $ENV" not in runs:
            problems.append(f"{name}: no terraform plan -detailed-exitcode reporting drift in $ENV")
    return problems


def test_deploy_workflow() -> None:
    problems = deploy_problems(load_workflow("deploy.yml"))
    assert not problems, "\n".join(problems)


def test_drift_workflow() -> None:
    problems = drift_problems(load_workflow("infra-drift.yml"))
    assert not problems, "\n".join(problems)


def _mutate(path: str, value: Any) -> dict[str, Any]:
    workflow = load_workflow("deploy.yml")
    *parents, last = path.split("/")
    node = workflow
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    index = int(last) if isinstance(node, list) else last
    if value is None:
        del node[index]
    else:
        node[index] = value
    return workflow


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("permissions", {"contents": "write", "id-token": "write"}),
        ("jobs/package/steps/0/uses", "actions/checkout@v4"),
        ("jobs/apply-prod/environment", None),
        ("jobs/apply-prod/environment", "staging"),
        ("jobs/apply-staging/needs", "package"),
        ("jobs/plan-prod/needs", "apply-dev"),
        ("jobs/apply-dev/concurrency/cancel-in-progress", True),
        ("jobs/plan-staging/concurrency/group", "deploy"),
        ("jobs/package/permissions", {"contents": "read", "id-token": "write"}),
        ("jobs/apply-prod/steps/4/with/name", "plan-staging"),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else "dict",
)
def test_deploy_mutation_is_caught(path: str, value: Any) -> None:
    assert deploy_problems(_mutate(path, value)), f"{path} = {value} passed the deploy workflow checks"


def test_drift_without_detailed_exitcode_is_caught() -> None:
    workflow = load_workflow("infra-drift.yml")
    for step in workflow["jobs"]["drift"]["steps"]:
        if "run" in step:
            step["run"] = step["run"].replace("-detailed-exitcode", "")
    assert drift_problems(workflow)
