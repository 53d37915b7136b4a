"""The root that plans every module example at once (tfharness.EXAMPLES): it names every example,
and one example's share of its plan is exactly that example's resources."""

from __future__ import annotations

from pathlib import Path

from tfharness import EXAMPLES, Result, Stack, StackRun, discover, example_run, stage_tree, summarize


def test_the_examples_root_calls_every_example(tmp_path: Path) -> None:
    tree = stage_tree(tmp_path / "tree")
    text = (tree / EXAMPLES.rel / "main.tf").read_text()
    examples = [s for s in discover(tree) if not s.is_root]
    assert len(examples) >= 10
    for stack in examples:
        assert f'module "{stack.id}" {{\n  source = "../{stack.rel}"\n}}' in text
        assert (tree / EXAMPLES.rel / ".." / stack.rel / "main.tf").exists()


def _resource(module: str, name: str) -> dict[str, object]:
    return {"address": f"{module}.aws_s3_bucket.{name}", "mode": "managed", "type": "aws_s3_bucket"}


def test_an_example_gets_only_its_own_resources() -> None:
    a, b = (
        Stack("example-a-basic", "modules/a/examples/basic"),
        Stack("example-b-basic", "modules/b/examples/basic"),
    )
    plan = {
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.example-a-basic",
                        "resources": [_resource("module.example-a-basic", "x")],
                    },
                    {
                        "address": "module.example-b-basic",
                        "resources": [_resource("module.example-b-basic", "y")],
                        "child_modules": [
                            {
                                "address": "module.example-b-basic.module.inner",
                                "resources": [_resource("module.example-b-basic.module.inner", "z")],
                            }
                        ],
                    },
                ]
            }
        },
        "resource_changes": [
            {"address": "module.example-a-basic.aws_s3_bucket.x", "module_address": "module.example-a-basic"},
            {"address": "module.example-b-basic.aws_s3_bucket.y", "module_address": "module.example-b-basic"},
            {
                "address": "module.example-b-basic.module.inner.aws_s3_bucket.z",
                "module_address": "module.example-b-basic.module.inner",
            },
        ],
        "configuration": {"root_module": {"module_calls": {a.id: {"module": {}}, b.id: {"module": {}}}}},
    }
    aggregate = StackRun(EXAMPLES, Result(True, ""), Result(True, ""), plan)
    only_a, only_b = example_run(aggregate, a), example_run(aggregate, b)
    assert set(summarize(only_a.plan_json or {}).values) == {"module.example-a-basic.aws_s3_bucket.x"}
    assert set(summarize(only_b.plan_json or {}).values) == {
        "module.example-b-basic.aws_s3_bucket.y",
        "module.example-b-basic.module.inner.aws_s3_bucket.z",
    }
    assert [rc["address"] for rc in (only_b.plan_json or {})["resource_changes"]] == [
        "module.example-b-basic.aws_s3_bucket.y",
        "module.example-b-basic.module.inner.aws_s3_bucket.z",
    ]


def test_a_failed_examples_plan_gives_no_plan() -> None:
    failed = StackRun(EXAMPLES, Result(True, ""), Result(False, "Error: boom"))
    run = example_run(failed, Stack("example-a-basic", "modules/a/examples/basic"))
    assert run.plan_json is None and run.plan is not None and not run.plan.ok
