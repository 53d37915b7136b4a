"""The generated roots that plan every environment root and every module example at once
(tfharness.ROOTS, EXAMPLES) and run every module's tests at once (MODULE_TESTS): each calls all its
members, a root's tfvars become its module's arguments, a member's share of the plan is addressed
as if the member had been planned alone, and each module's tests are judged by their own lines."""

from __future__ import annotations

import re
from pathlib import Path

from tfharness import (
    EXAMPLES,
    MODULE_TESTS,
    ROOTS,
    Result,
    Stack,
    StackRun,
    discover,
    members,
    module_test_files,
    module_test_results,
    share,
    stage_tree,
    summarize,
)


def test_the_examples_root_calls_every_example(tmp_path: Path) -> None:
    tree = stage_tree(tmp_path / "tree")
    text = (tree / EXAMPLES.rel / "main.tf").read_text()
    examples = [s for s in discover(tree) if not s.is_root]
    assert len(examples) >= 10 and members(tree, EXAMPLES) == examples
    for stack in examples:
        assert f'module "{stack.id}" {{\n  source = "../../{stack.rel}"\n}}' in text
        assert (tree / EXAMPLES.rel / ".." / ".." / stack.rel / "main.tf").exists()


def test_the_roots_root_passes_each_roots_tfvars(tmp_path: Path) -> None:
    tree = stage_tree(tmp_path / "tree")
    text = (tree / ROOTS.rel / "main.tf").read_text()
    roots = members(tree, ROOTS)
    assert {s.id for s in roots} >= {"bootstrap", "dev", "staging", "prod", "local"}
    # each block runs to the next module block (the tfvars' own objects close at column 0 too)
    parts = re.split(r'^module "([\w-]+)" \{\n', text, flags=re.MULTILINE)[1:]
    blocks = dict(zip(parts[::2], parts[1::2], strict=True))
    assert set(blocks) == {s.id for s in roots}
    # as deep as the roots, so paths the members build from path.module read as when planned alone
    assert {len(Path(s.rel).parts) for s in roots} == {len(Path(ROOTS.rel).parts)}
    for stack in roots:
        block = blocks[stack.id]
        assert block.startswith(f'  source = "../../{stack.rel}"\n')
        for tfvars in (tree / stack.rel).glob("*.tfvars"):
            assert f"# {stack.rel}/{tfvars.name}\n{tfvars.read_text()}" in block
    # only the local root calls moto; the generated root takes the endpoint and hands it on
    assert "aws_endpoint = var.aws_endpoint" in blocks["local"]
    assert "aws_endpoint" not in blocks["prod"] and 'variable "aws_endpoint"' in text
    # terraform.tfvars comes before the *.auto.tfvars, as terraform loads them
    prod = blocks["prod"]
    assert prod.index("prod/terraform.tfvars") < prod.index("prod/analytics.auto.tfvars")


def _resource(module: str, name: str) -> dict[str, object]:
    prefix = f"{module}." if module else ""
    return {"address": f"{prefix}aws_s3_bucket.{name}", "mode": "managed", "type": "aws_s3_bucket"}


def _change(module: str, name: str) -> dict[str, object]:
    return {"address": f"{module}.aws_s3_bucket.{name}", "module_address": module, "mode": "managed"}


PLAN = {
    "planned_values": {
        "root_module": {
            "child_modules": [
                {"address": "module.a", "resources": [_resource("module.a", "x")]},
                {
                    "address": "module.b",
                    "resources": [_resource("module.b", "y")],
                    "child_modules": [
                        {
                            "address": "module.b.module.inner",
                            "resources": [_resource("module.b.module.inner", "z")],
                        }
                    ],
                },
            ]
        }
    },
    "prior_state": {
        "values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.b",
                        "resources": [{"address": "module.b.data.aws_iam_policy_document.d", "mode": "data"}],
                    }
                ]
            }
        }
    },
    "resource_changes": [
        _change("module.a", "x"),
        _change("module.b", "y"),
        _change("module.b.module.inner", "z"),
    ],
    "configuration": {
        "provider_config": {
            "module.a:aws": {"name": "aws", "module_address": "module.a"},
            "module.b:aws": {"name": "aws", "module_address": "module.b"},
        },
        "root_module": {
            "module_calls": {
                "a": {"module": {"outputs": {"bucket": {"expression": {}}}}},
                "b": {
                    "module": {
                        "outputs": {"secret": {"sensitive": True}},
                        "module_calls": {
                            "inner": {
                                "module": {
                                    "resources": [
                                        {"address": "aws_s3_bucket.z", "provider_config_key": "module.b:aws"}
                                    ]
                                }
                            }
                        },
                    }
                },
            }
        },
    },
}


def test_a_member_gets_only_its_own_plan_addressed_as_if_alone() -> None:
    a, b = Stack("a", "terraform/a"), Stack("b", "terraform/b")
    together = StackRun(ROOTS, Result(True, ""), Result(True, ""), PLAN)
    only_a, only_b = share(together, a), share(together, b)
    assert only_a.plan_json is not None and only_b.plan_json is not None
    assert set(summarize(only_a.plan_json).values) == {"aws_s3_bucket.x"}
    assert set(summarize(only_b.plan_json).values) == {"aws_s3_bucket.y", "module.inner.aws_s3_bucket.z"}
    changes = only_b.plan_json["resource_changes"]
    assert [(rc["address"], rc.get("module_address")) for rc in changes] == [
        ("aws_s3_bucket.y", None),
        ("module.inner.aws_s3_bucket.z", "module.inner"),
    ]
    assert "module_address" not in changes[0]
    inner = only_b.plan_json["planned_values"]["root_module"]["child_modules"][0]
    assert (
        inner["address"] == "module.inner"
        and "address" not in only_b.plan_json["planned_values"]["root_module"]
    )
    # data sources read at plan time (parliament lints their policy documents) come along
    state = only_b.plan_json["prior_state"]["values"]["root_module"]["resources"]
    assert [r["address"] for r in state] == ["data.aws_iam_policy_document.d"]
    assert only_a.plan_json["prior_state"]["values"]["root_module"] == {}
    assert only_b.plan_json["configuration"]["provider_config"] == {"aws": {"name": "aws"}}
    inner_config = only_b.plan_json["configuration"]["root_module"]["module_calls"]["inner"]["module"]
    assert inner_config["resources"][0]["provider_config_key"] == "aws"
    # outputs: declared names, values unknown (a child module's outputs are not in a plan)
    assert summarize(only_a.plan_json).outputs == {"bucket": None}
    assert only_b.plan_json["planned_values"]["outputs"] == {"secret": {"sensitive": True}}


def test_a_failed_plan_gives_no_share() -> None:
    failed = StackRun(EXAMPLES, Result(True, ""), Result(False, "Error: boom"))
    run = share(failed, Stack("example-a-basic", "modules/a/examples/basic"))
    assert run.plan_json is None and run.plan is not None and not run.plan.ok


def test_the_module_tests_root_points_each_run_at_its_module(tmp_path: Path) -> None:
    tree = stage_tree(tmp_path / "tree")
    files = module_test_files(tree)
    assert len(files) >= 9
    for module, paths in files.items():
        for path in paths:
            source = path.read_text()
            combined = (tree / MODULE_TESTS.rel / "tests" / f"{module}.{path.name}").read_text()
            runs = re.findall(r'^run "([\w-]+)" \{\n', source, flags=re.MULTILINE)
            assert runs, f"{path}: no run blocks"
            for run in runs:
                assert (
                    f'run "{run}" {{\n  module {{\n    source = "../../modules/{module}"\n  }}\n' in combined
                )
            # nothing else changes, so the relative paths the file names resolve from both places
            assert re.sub(r'  module \{\n    source = "[^"]+"\n  \}\n', "", combined) == source
            for relative in re.findall(r'"(\.\./\.\./[^"]+)"', source):
                assert (path.parents[1] / relative).exists() and (tree / MODULE_TESTS.rel / relative).exists()


OUTPUT = """tests/a.validation.tftest.hcl... in progress
  run "ok"... pass
tests/a.validation.tftest.hcl... tearing down
tests/a.validation.tftest.hcl... pass
tests/b.validation.tftest.hcl... in progress
  run "rejects_each_invalid_input"... fail
Error: Missing expected failure
tests/b.validation.tftest.hcl... tearing down
tests/b.validation.tftest.hcl... fail

Failure! 1 passed, 1 failed.
"""


def test_each_module_is_judged_by_its_own_lines() -> None:
    results = module_test_results(OUTPUT, ["a", "b"])
    assert results is not None
    assert results["a"].ok and "Missing expected failure" not in results["a"].output
    assert not results["b"].ok and "Missing expected failure" in results["b"].output
    # a module the output never reports (the command stopped early): no verdict, run them alone
    assert module_test_results(OUTPUT, ["a", "b", "c"]) is None
    assert module_test_results("Error: Failed to load test file", ["a"]) is None
