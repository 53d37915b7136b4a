"""Session fixtures for the Terraform checks: a moto server, a staged copy of the tree, the
environment roots planned together (one generated root calling them all), the module examples
planned together, every module's tests in one `terraform test`, and the broken copies, all queued
on one pool with checkov alongside, so `make validate` stays under three minutes on two cores.

Missing tools (terraform, the provider mirror, the checkov or schema virtualenvs) FAIL with the
command that fixes them; nothing here is skipped.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import mutants
import pytest
import scanners
from tests.emulator import free_port
from tfharness import (
    EXAMPLES,
    MODULE_TESTS,
    ROOT,
    ROOTS,
    TIMER,
    WORK,
    Result,
    Stack,
    StackRun,
    Terraform,
    ToolMissing,
    after,
    base_env,
    check_tools,
    members,
    module_test_files,
    module_test_results,
    needs_endpoint,
    share,
    stage_tree,
    state_from_plan,
    tree_digest,
)

SERVICES = ROOT / "scripts" / "services" / "services.sh"
T = TypeVar("T")
WORKERS = int(os.environ.get("CM_TF_WORKERS", "3"))  # 2 cores; terraform waits on moto part of the time


@pytest.fixture(scope="session")
def tools() -> None:
    try:
        check_tools()
    except ToolMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def work_lock(tools: None) -> Iterator[None]:
    """One terraform test session at a time per checkout: sessions share the staged tree, the
    cached init/plan data and the moto server under .local/tf-validate (another engineer's
    `make test` must not restage the tree under this session's plans)."""
    WORK.mkdir(parents=True, exist_ok=True)
    with (WORK / "session.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("\n[terraform checks] waiting for another session in this checkout to finish", flush=True)
            start = time.monotonic()
            fcntl.flock(handle, fcntl.LOCK_EX)
            TIMER.add("waiting for another session", time.monotonic() - start)
        yield
        fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def moto_endpoint(work_lock: None) -> Iterator[str]:
    """A moto server of our own (only moto: the plans need STS/IAM/KMS data sources, not MariaDB)."""
    state = WORK / "moto"
    env = dict(os.environ, CM_SERVICES_DIR=str(state), VENV=sys.prefix)
    status = subprocess.run([str(SERVICES), "status", "moto"], env=env, capture_output=True, text=True)
    env_file = state / "env"
    running = "moto: running" in status.stdout and env_file.exists()
    if running:  # left up by an earlier session with CM_KEEP_SERVICES=1
        endpoint = dict(line.split("=", 1) for line in env_file.read_text().split())["CM_AWS_ENDPOINT"]
        env["CM_MOTO_PORT"] = endpoint.rsplit(":", 1)[1]
    else:
        env["CM_MOTO_PORT"] = str(free_port(15020))
    start = time.monotonic()
    subprocess.run([str(SERVICES), "up", "moto"], env=env, check=True, capture_output=True)
    TIMER.add("moto start", time.monotonic() - start)
    yield f"http://127.0.0.1:{env['CM_MOTO_PORT']}"
    if not running and not os.environ.get("CM_KEEP_SERVICES"):  # stop only what this session started
        subprocess.run([str(SERVICES), "down", "moto"], env=env, check=False, capture_output=True)


@pytest.fixture(scope="session")
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="tf") as executor:
        yield executor


@pytest.fixture(scope="session")
def tree(work_lock: None) -> Path:
    start = time.monotonic()
    staged = stage_tree(WORK / "tree")
    TIMER.add("stage tree", time.monotonic() - start)
    return staged


def run_stack(
    tree: Path,
    stack: Stack,
    env: dict[str, str],
    endpoint: str,
    data_root: Path,
    cache_key: str | None = None,
) -> StackRun:
    """init, plan, show -json. No separate `terraform validate`: plan runs the same validation walk
    first and fails with the same diagnostics, and each extra command costs a provider start (a
    third of `make validate`'s CPU went to validate). With cache_key (a digest of the staged tree),
    a stack whose inputs are unchanged since its last successful run reuses that run's plan."""
    tf = Terraform(tree, stack, data_root, env)
    run = StackRun(stack, tf.init())
    if not run.init.ok:
        return run
    variables = {"aws_endpoint": endpoint} if needs_endpoint(tree / stack.rel) else {}
    key = f"{cache_key}:{sorted(variables.items())}" if cache_key else None
    if key and (hit := tf.cached(key)) is not None:
        run.plan_json = hit
        run.plan = Result(True, "cached: inputs unchanged since the last run")
        run.plan_json_path = tf.data / "plan.json"
        TIMER.add("plan (cached)", 0.0, 1)
        return run
    run.plan, run.plan_json = tf.plan(variables)
    if run.plan_json is not None:
        run.plan_json_path = tf.data / "plan.json"
        if key:
            tf.store(key)
    return run


def run_together(
    tree: Path, aggregate: Stack, env: dict[str, str], endpoint: str, data_root: Path, key: str | None
) -> dict[str, StackRun]:
    """Every member of an aggregate root (tfharness.ROOTS, EXAMPLES) in one plan; each member's share
    written where checkov's plan scan reads it. If that plan fails, each member is planned alone, so a
    failure names the root or example that broke rather than all of them."""
    stacks = members(tree, aggregate)
    together = run_stack(tree, aggregate, env, endpoint, data_root, key)
    if together.plan is None or not together.plan.ok:
        return {s.id: run_stack(tree, s, env, endpoint, data_root, key) for s in stacks}
    runs = {s.id: share(together, s) for s in stacks}
    for run in runs.values():
        run.plan_json_path = data_root / run.stack.id / "share.json"
        run.plan_json_path.parent.mkdir(parents=True, exist_ok=True)
        run.plan_json_path.write_text(json.dumps(run.plan_json))
    return runs


def _share(together: Future[dict[str, T]], key: str) -> Future[T]:
    """The future of one member's part of a future holding every member's."""
    part: Future[T] = Future()

    def done(future: Future[dict[str, T]]) -> None:
        try:
            part.set_result(future.result()[key])
        except BaseException as exc:  # handed to the test that waits on this stack
            part.set_exception(exc)

    together.add_done_callback(done)
    return part


@pytest.fixture(scope="session")
def stack_futures(
    tree: Path, moto_endpoint: str, pool: ThreadPoolExecutor, hcl_scan: Future[Any]
) -> dict[str, Future[StackRun]]:
    # hcl_scan is requested first so checkov works on the HCL while the plans queue up.
    env = base_env(moto_endpoint)
    # CM_TF_PLAN_CACHE=0 forces fresh plans (CI starts from a clean checkout, so it never has a cache).
    key = tree_digest(tree) if os.environ.get("CM_TF_PLAN_CACHE", "1") != "0" else None
    futures = {}
    for aggregate in (ROOTS, EXAMPLES):
        together = pool.submit(run_together, tree, aggregate, env, moto_endpoint, WORK / "data", key)
        futures |= {s.id: _share(together, s.id) for s in members(tree, aggregate)}
    return futures


@pytest.fixture(scope="session")
def prod_destroy(
    stack_futures: dict[str, Future[StackRun]], tree: Path, moto_endpoint: str, pool: ThreadPoolExecutor
) -> Future[Result]:
    """`terraform plan -destroy` of the prod root against the state its plan would leave
    (tfharness.state_from_plan), queued as soon as the prod plan is done. It reuses the real prod
    root's init (the broken copies adopt the same one)."""
    prod = Stack("prod", "terraform/prod")

    def destroy() -> Result:
        run = stack_futures["prod"].result()
        assert run.plan_json is not None, "terraform/prod has no plan (see test_tf_plans.py)"
        tf = Terraform(tree, prod, WORK / "data", base_env(moto_endpoint))
        init = tf.init()
        return tf.plan_destroy(state_from_plan(run.plan_json)) if init.ok else init

    return after(pool, [stack_futures["prod"]], destroy)


@pytest.fixture(scope="session")
def mutations(
    stack_futures: dict[str, Future[StackRun]],
    tree: Path,
    moto_endpoint: str,
    pool: ThreadPoolExecutor,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    # stack_futures is requested so the real plans are queued before the broken copies (and the
    # destroy check of a broken copy reads the state the real prod plan would leave)
    base = tmp_path_factory.mktemp("mutations")
    return mutants.start(tree, moto_endpoint, pool, base, stack_futures["prod"])


def run_module_test(tree: Path, stack: Stack) -> Result:
    """`terraform test` of one directory (mock provider, no AWS calls), its init cached like a plan's."""
    tf = Terraform(tree, stack, WORK / "data", base_env(None))
    init = tf.init()
    if not init.ok:
        return init
    result = tf.run("terraform test", "test", "-no-color", timeout=600)
    return Result(result.ok and "0 failed" in result.output, result.output)


def run_module_tests(tree: Path, modules: list[str]) -> dict[str, Result]:
    """Every module's tests in one `terraform test` of tfharness.MODULE_TESTS, each module judged by
    its own files' lines; if the command fails before reporting every module (a test file that does
    not parse, say), each module's tests run alone in modules/<m>, so the failure names the module."""
    combined = run_module_test(tree, MODULE_TESTS)
    results = module_test_results(combined.output, modules)
    if results is not None:
        return results
    return {m: run_module_test(tree, Stack(f"tftest-{m}", f"modules/{m}")) for m in modules}


@pytest.fixture(scope="session")
def module_test_futures(tree: Path, pool: ThreadPoolExecutor) -> dict[str, Future[Result]]:
    modules = sorted(module_test_files(tree))
    together = pool.submit(run_module_tests, tree, modules)
    return {m: _share(together, m) for m in modules}


@pytest.fixture(autouse=True)
def _queue_everything(request: pytest.FixtureRequest) -> None:
    """Before the first Terraform check runs, queue all the work the session's tests will wait on
    (every plan, the broken copies, the module tests) on the pool, so the two cores stay busy while
    the tests run in file order: one by one, the module tests alone took 80 s at the session's end."""
    if not request.node.get_closest_marker("terraform"):
        return
    # fixturenames is each test's whole fixture closure (stack_runs brings stack_futures)
    wanted = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    # stack_futures before mutations: the tests wait on the real plans first
    for name in ("stack_futures", "prod_destroy", "mutations", "module_test_futures"):
        if name in wanted:
            request.getfixturevalue(name)


@pytest.fixture(scope="session")
def stack_runs(stack_futures: dict[str, Future[StackRun]]) -> dict[str, StackRun]:
    return {sid: future.result() for sid, future in stack_futures.items()}


@pytest.fixture(scope="session")
def hcl_scan(tools: None, tree: Path, pool: ThreadPoolExecutor) -> Future[scanners.CheckovReport]:
    try:
        scanners.require_checkov()
    except ToolMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    return pool.submit(scanners.checkov_hcl)


@pytest.fixture(scope="session")
def plan_scan(stack_runs: dict[str, StackRun], tree: Path) -> scanners.CheckovReport:
    plans = [r.plan_json_path for r in stack_runs.values() if r.plan_json_path and r.stack.is_root]
    assert plans, "no root produced a plan: see test_tf_plans.py failures"
    return scanners.checkov_plan(plans, tree)


@pytest.fixture(scope="session")
def schema6_path(tools: None) -> Path:
    try:
        return scanners.schema6_cache()
    except ToolMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def schema5_path(stack_runs: dict[str, StackRun], tree: Path, moto_endpoint: str) -> Path:
    tf = Terraform(tree, ROOTS, WORK / "data", base_env(moto_endpoint))
    assert tf.init().ok, "the roots did not initialise: cannot read the 5.x provider schema"
    return scanners.schema5_cache(tf)


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    layers = sorted(set(TIMER.spans) | set(TIMER.passed) | set(TIMER.cpu))
    if not layers:
        return
    terminalreporter.section("terraform checks: time and passed checks per layer")
    terminalreporter.write_line(f"  {'layer':<30} {'wall s':>7} {'CPU s':>7} {'passed':>7}")
    for layer in layers:
        wall, cpu, passed = TIMER.wall(layer), TIMER.cpu.get(layer, 0.0), TIMER.passed.get(layer, 0)
        terminalreporter.write_line(f"  {layer:<30} {wall:7.1f} {cpu:7.1f} {passed:7d}")
    total_cpu, cores = sum(TIMER.cpu.values()), os.cpu_count() or 1
    terminalreporter.write_line(
        "  wall: first start to last end (layers run in parallel, so they overlap); CPU: the layer's "
        f"processes.\n  Total CPU {total_cpu:.0f} s: about {total_cpu / cores:.0f} s of wall "
        f"on {cores} idle cores."
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark these checks `terraform`; under pytest-xdist keep them on one worker (--dist loadgroup),
    since they share one staged tree, one moto server and one set of plans."""
    here = Path(__file__).parent
    group = config.pluginmanager.hasplugin("xdist")
    for item in items:
        if Path(str(item.fspath)).parent == here and item.fspath.basename != "test_apply_local.py":
            item.add_marker(pytest.mark.terraform)
            if group:
                item.add_marker(pytest.mark.xdist_group("terraform"))
