"""A thin driver for the real terraform binary: stage a copy of the tree, init (cached), plan, show.

Why not tftest: its fixtures assume one module dir per test and run `init` every time; here the
roots and the examples are each planned once per session as modules of a generated root (ROOTS,
EXAMPLES), against a copy of the tree, with `init` skipped when nothing it depends on changed, and
each member's share of the plan is read as if it had been planned alone. The copy keeps other
people's in-place `.terraform` dirs untouched and lets roots with an s3 backend plan with a local
one (an *_override.tf file).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".local" / "tf-validate"
TF_RC = ROOT / "build" / "terraformrc"
# What the roots read besides HCL: the metric schema JSON, Athena SQL, dashboards, the job package;
# and the module tests' shared provider mocks.
TREE_PARTS = ("modules", "terraform", "scripts/athena", "dashboards", "build/glue", "tests/terraform/mocks")
IGNORE = shutil.ignore_patterns(
    ".terraform", "__pycache__", "*.tfstate", "*.tfstate.*", "*.tfplan", "*.pyc", ".terraform.lock.hcl"
)
BACKEND_OVERRIDE = "zz_validate_backend_override.tf"
TERRAFORM = os.environ.get("TERRAFORM", "terraform")


class ToolMissing(RuntimeError):
    """A tool the checks need is absent: a failure with instructions, never a skip."""


@dataclass
class Timer:
    """Per layer: wall-clock span (first start to last end, parallel runs overlap), CPU seconds of
    the processes it ran (what the layer costs on an idle machine) and checks passed."""

    spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    passed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, layer: str, seconds: float, passed: int = 0, cpu: float = 0.0) -> None:
        end = time.monotonic()
        with self.lock:
            if seconds > 0:
                first, last = self.spans.get(layer, (end - seconds, end))
                self.spans[layer] = (min(first, end - seconds), max(last, end))
            self.cpu[layer] += cpu
            self.passed[layer] += passed

    def wall(self, layer: str) -> float:
        first, last = self.spans.get(layer, (0.0, 0.0))
        return last - first


def run_measured(
    cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900
) -> tuple[int, str, str, float]:
    """Run a command; return (exit code, stdout, stderr, CPU seconds of it and its children).
    os.wait4 gives the CPU of this one child even while other threads run other commands."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return proc.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"), cpu


TIMER = Timer()


def check_tools() -> None:
    if shutil.which(TERRAFORM) is None:
        raise ToolMissing(
            f"terraform binary {TERRAFORM!r} not found on PATH: install Terraform 1.11.x (CI image has "
            "/usr/local/bin/terraform) or set TERRAFORM=/path/to/terraform"
        )
    if not TF_RC.exists():
        raise ToolMissing(
            f"{TF_RC} is missing: run `make tf-config` (it points terraform at the provider mirror)"
        )
    mirror = re.search(r'path\s*=\s*"([^"]+)"', TF_RC.read_text())
    if mirror and not Path(mirror.group(1)).is_dir():
        raise ToolMissing(
            f"{TF_RC} names the provider mirror {mirror.group(1)}, which does not exist: "
            "restore the mirror or `rm build/terraformrc && make tf-config` to use the registry"
        )


@dataclass(frozen=True)
class Stack:
    """A directory terraform plans: an environment root or a module example."""

    id: str  # "prod", "example-athena-basic"
    rel: str  # path inside the tree, e.g. "terraform/prod"

    @property
    def is_root(self) -> bool:
        return self.rel.startswith("terraform/")


def discover(tree: Path = ROOT) -> list[Stack]:
    stacks = [
        Stack(p.name, f"terraform/{p.name}") for p in sorted((tree / "terraform").glob("*/")) if _has_tf(p)
    ]
    for example in sorted((tree / "modules").glob("*/examples/*/")):
        if _has_tf(example):
            stacks.append(
                Stack(f"example-{example.parts[-3]}-{example.name}", str(example.relative_to(tree)))
            )
    return stacks


def _has_tf(path: Path) -> bool:
    return path.is_dir() and any(path.glob("*.tf"))


def stage_tree(dest: Path, source: Path = ROOT) -> Path:
    """Copy what terraform reads into dest (replacing it), give s3-backend roots a local backend and
    write the two aggregate roots (ROOTS, EXAMPLES) that plan every root and every example at once."""
    if dest.exists():
        shutil.rmtree(dest)
    for part in TREE_PARTS:
        if (source / part).exists():
            shutil.copytree(source / part, dest / part, ignore=IGNORE)
    for root in (dest / "terraform").glob("*/"):
        if any('backend "s3"' in f.read_text() for f in root.glob("*.tf")):
            (root / BACKEND_OVERRIDE).write_text('terraform {\n  backend "local" {}\n}\n')
    for aggregate in (ROOTS, EXAMPLES):
        (dest / aggregate.rel).mkdir(parents=True)
        (dest / aggregate.rel / "main.tf").write_text(aggregate_root(dest, aggregate))
    write_module_tests(dest)
    return dest


# Every terraform command starts the AWS provider and loads its schema again (3-5 CPU seconds), and
# each plan has its own fixed cost: planned one by one, the ten examples cost 115 CPU seconds of
# `make validate` and the five roots about 75; planned as modules of one root each, about 40 and 45.
# Two levels deep, like terraform/<env>: a path a member builds from path.module then reads the same
# as when the root is planned alone (../../modules/..., the job package's source in the plan).
ROOTS = Stack("roots", "generated/roots")
EXAMPLES = Stack("examples", "generated/examples")


def members(tree: Path, aggregate: Stack) -> list[Stack]:
    """The stacks an aggregate root calls: every environment root, or every module example."""
    return [s for s in discover(tree) if s.is_root == (aggregate == ROOTS)]


def needs_endpoint(directory: Path) -> bool:
    """The stack declares aws_endpoint (the local root, and ROOTS, which passes it on)."""
    return any('variable "aws_endpoint"' in f.read_text() for f in directory.glob("*.tf"))


def aggregate_root(tree: Path, aggregate: Stack) -> str:
    """The generated root: one module block per member, each keeping its own provider block (so no
    member may use count, for_each or depends_on on itself). A root's tfvars become the module's
    arguments, in terraform's load order; a value set twice is an error here, not a silent override."""
    text = (
        "# Written by tests/terraform/tfharness.py: every member as a module of one root, so they cost\n"
        "# one init, one plan and one show. Each member keeps its own provider block.\n"
    )
    stacks = members(tree, aggregate)
    calling_moto = {s.id for s in stacks if needs_endpoint(tree / s.rel)}
    if calling_moto:
        text += (
            '\nvariable "aws_endpoint" {\n  description = "The moto server the local root calls."\n'
            "  type        = string\n}\n"
        )
    for stack in stacks:
        body = "  aws_endpoint = var.aws_endpoint\n" if stack.id in calling_moto else ""
        directory = tree / stack.rel
        assert not list(directory.glob("*.tfvars.json")), f"{stack.rel}: *.tfvars.json is not supported"
        # terraform.tfvars first, then *.auto.tfvars by name
        order = sorted(directory.glob("*.tfvars"), key=lambda f: (f.name != "terraform.tfvars", f.name))
        for tfvars in order:
            body += f"\n  # {stack.rel}/{tfvars.name}\n" + tfvars.read_text()
        text += f'\nmodule "{stack.id}" {{\n  source = "../../{stack.rel}"\n{body}}}\n'
    return text


# `terraform test` costs about 3 CPU seconds per invocation on top of its runs: the nine modules'
# tests run as one invocation of a generated root, each run pointed at its module.
MODULE_TESTS = Stack("module-tests", "generated/module-tests")
_RUN = re.compile(r'^(run "[\w-]+" \{\n)', flags=re.MULTILINE)


def module_test_files(tree: Path) -> dict[str, list[Path]]:
    """modules/<m>/tests/*.tftest.hcl by module."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(tree.glob("modules/*/tests/*.tftest.hcl")):
        found[path.parents[1].name].append(path)
    return dict(found)


def write_module_tests(tree: Path) -> None:
    """MODULE_TESTS: every module test file as tests/<module>.<file>, with a `module` block in each run
    so the run plans that module. The root sits two levels deep like modules/<m>, so the files'
    relative paths (mocks, schema file) resolve the same from both."""
    tests = tree / MODULE_TESTS.rel / "tests"
    tests.mkdir(parents=True)
    (tests.parent / "main.tf").write_text(
        "# Written by tests/terraform/tfharness.py: the runs in tests/ each plan one of ../../modules.\n"
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n'
    )
    for module, paths in module_test_files(tree).items():
        for path in paths:
            text = path.read_text()
            assert not re.search(r"^\s*module\s*\{", text, flags=re.MULTILINE), (
                f"{path.relative_to(tree)}: a run with its own module block cannot join the combined "
                "module tests (tests/terraform/tfharness.py)"
            )
            block = f'\\1  module {{\n    source = "../../modules/{module}"\n  }}\n'
            (tests / f"{module}.{path.name}").write_text(_RUN.sub(block, text))


def module_test_results(output: str, modules: list[str]) -> dict[str, Result] | None:
    """Each module's part of the combined `terraform test` output (its files' runs and errors), or None
    when the output does not report every module's files (the command failed before running them)."""
    results = {}
    for module in modules:
        file = rf"^tests/{re.escape(module)}\.[\w.-]+\.tftest\.hcl\.\.\. "
        parts = list(re.finditer(rf"{file}in progress$.*?{file}(pass|fail)$", output, flags=re.M | re.S))
        if not parts:
            return None
        passed = all(p.group(1) == "pass" for p in parts)
        results[module] = Result(passed, "\n".join(p.group(0) for p in parts))
    return results


def _rebase(address: str, key: str) -> str:
    """module.prod.module.platform.aws_x.y -> module.platform.aws_x.y (key = "module.prod")."""
    return address[len(key) + 1 :] if address.startswith(key + ".") else address


def _module_share(module: dict[str, Any], key: str) -> dict[str, Any]:
    out = {k: v for k, v in module.items() if k not in ("address", "resources", "child_modules")}
    if "resources" in module:
        out["resources"] = [{**r, "address": _rebase(r["address"], key)} for r in module["resources"]]
    if "child_modules" in module:
        out["child_modules"] = [
            {**_module_share(c, key), "address": _rebase(c["address"], key)} for c in module["child_modules"]
        ]
    return out


def _provider_key(name: str, key: str) -> str:
    """module.prod:aws -> aws, module.prod.module.x:aws -> module.x:aws (provider configuration keys)."""
    return name[len(key) + 1 :] if name.startswith((key + ":", key + ".")) else name


def _config_share(module: dict[str, Any], key: str) -> dict[str, Any]:
    """A member's configuration with its resources' provider keys rebased, at every depth."""
    out = dict(module)
    if "resources" in module:
        out["resources"] = [
            {**r, "provider_config_key": _provider_key(r["provider_config_key"], key)}
            if "provider_config_key" in r
            else r
            for r in module["resources"]
        ]
    if "module_calls" in module:
        out["module_calls"] = {
            name: {**call, "module": _config_share(call.get("module", {}), key)}
            for name, call in module["module_calls"].items()
        }
    return out


def _member_module(root_module: dict[str, Any], key: str) -> dict[str, Any]:
    child = next((c for c in root_module.get("child_modules", []) if c["address"] == key), {})
    return _module_share(child, key)


def share(aggregate: StackRun, stack: Stack) -> StackRun:
    """One member's part of an aggregate's plan, addressed as if the member had been planned alone:
    its planned values, data sources read (prior_state), changes, configuration and provider.
    Output values are the exception: a child module's outputs are not in a plan, so the share
    declares the member's outputs, each unknown."""
    run = StackRun(stack, aggregate.init, aggregate.plan)
    if aggregate.plan_json is None:
        return run
    plan, key = aggregate.plan_json, f"module.{stack.id}"
    call = plan.get("configuration", {}).get("root_module", {}).get("module_calls", {}).get(stack.id, {})
    changes = []
    for rc in plan.get("resource_changes", []):
        module = rc.get("module_address") or ""
        if module == key or module.startswith(key + "."):
            rc = {**rc, "address": _rebase(rc["address"], key), "module_address": _rebase(module, key)}
            if module == key:
                del rc["module_address"]
            changes.append(rc)
    providers = {}
    for name, config in plan.get("configuration", {}).get("provider_config", {}).items():
        if (local := _provider_key(name, key)) == name:
            continue  # another member's provider
        config = {k: v for k, v in config.items() if k != "module_address"}
        if (module := name.rsplit(":", 1)[0]) != key:
            config["module_address"] = _rebase(module, key)
        providers[local] = config
    outputs = call.get("module", {}).get("outputs", {})
    run.plan_json = {
        "format_version": plan.get("format_version"),
        "terraform_version": plan.get("terraform_version"),
        "planned_values": {
            "root_module": _member_module(plan.get("planned_values", {}).get("root_module", {}), key),
            "outputs": {name: {"sensitive": bool(o.get("sensitive"))} for name, o in outputs.items()},
        },
        "prior_state": {
            **{k: v for k, v in (plan.get("prior_state") or {}).items() if k != "values"},
            "values": {
                "root_module": _member_module(
                    (plan.get("prior_state") or {}).get("values", {}).get("root_module", {}), key
                )
            },
        },
        "resource_changes": changes,
        "configuration": {
            "provider_config": providers,
            "root_module": _config_share(call.get("module", {}), key),
        },
    }
    return run


HARNESS_VERSION = "3"  # bump when the way plans are made changes: it invalidates cached plans


def tree_digest(tree: Path) -> str:
    """Everything a plan depends on: every staged file, the CLI config and the terraform binary."""
    digest = hashlib.sha256(HARNESS_VERSION.encode())
    binary = Path(shutil.which(TERRAFORM) or TERRAFORM)
    digest.update(TF_RC.read_bytes() + str(binary.stat().st_size).encode() if binary.exists() else b"")
    for path in sorted(tree.rglob("*")):
        if path.is_file() and ".terraform" not in path.parts and path.name != ".terraform.lock.hcl":
            digest.update(str(path.relative_to(tree)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def base_env(aws_endpoint: str | None) -> dict[str, str]:
    env = dict(os.environ)
    # never a real profile or key; no plugin cache (parallel inits filling one race, see Makefile)
    for key in [k for k in env if k.startswith(("AWS_", "TF_VAR_")) or k == "TF_PLUGIN_CACHE_DIR"]:
        env.pop(key)
    env.update(
        TF_CLI_CONFIG_FILE=str(TF_RC),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
    )
    if aws_endpoint:
        env["AWS_ENDPOINT_URL"] = aws_endpoint
    return env


@dataclass
class Result:
    ok: bool
    output: str


_INIT_LOCKS: defaultdict[Path, threading.Lock] = defaultdict(threading.Lock)


class Terraform:
    """One stack in a staged tree, with its data dir outside the tree (kept between sessions)."""

    def __init__(self, tree: Path, stack: Stack, data_root: Path, env: dict[str, str]) -> None:
        self.tree, self.stack, self.env = tree, stack, dict(env)
        self.dir = tree / stack.rel
        self.data = data_root / stack.id
        self.env["TF_DATA_DIR"] = str(self.data / ".terraform")

    def run(self, layer: str, *args: str, timeout: int = 600, env: dict[str, str] | None = None) -> Result:
        start = time.monotonic()
        code, out, err, cpu = run_measured([TERRAFORM, *args], self.dir, env or self.env, timeout)
        TIMER.add(layer, time.monotonic() - start, cpu=cpu)
        return Result(code == 0, out + err)

    def _stamp(self) -> str:
        digest = hashlib.sha256(TF_RC.read_bytes())
        for base in (self.dir, self.tree / "modules", self.tree / "terraform"):  # ROOTS calls terraform/*
            # *.tftest.hcl: init also installs the modules the test files' runs name
            for path in sorted(p for pattern in ("*.tf", "*.tftest.hcl") for p in base.rglob(pattern)):
                if ".terraform" not in path.parts:
                    digest.update(str(path.relative_to(self.tree)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def init(self) -> Result:
        """`terraform init`, skipped when the stack, the modules and the CLI config are unchanged."""
        with _INIT_LOCKS[self.data]:  # the broken copies' prod init and a fallback prod plan may race
            return self._init()

    def _init(self) -> Result:
        stamp, stamp_file = self._stamp(), self.data / "init.stamp"
        saved_lock, lock = self.data / ".terraform.lock.hcl", self.dir / ".terraform.lock.hcl"
        if stamp_file.exists() and stamp_file.read_text() == stamp and saved_lock.exists():
            shutil.copy2(saved_lock, lock)
            TIMER.add("init (cached)", 0.0, 1)
            return Result(True, "init cached")
        self.data.mkdir(parents=True, exist_ok=True)
        result = self.run("init", "init", "-input=false", "-no-color", "-reconfigure")
        if result.ok:
            shutil.copy2(lock, saved_lock)
            stamp_file.write_text(stamp)
            TIMER.add("init", 0.0, 1)
        return result

    def cached(self, key: str) -> dict[str, Any] | None:
        """The plan JSON of an earlier run with the same inputs, if any."""
        files = [self.data / n for n in ("plan.key", "plan.json")]
        if all(f.exists() for f in files) and files[0].read_text() == key:
            return json.loads(files[1].read_text())
        return None

    def store(self, key: str) -> None:
        (self.data / "plan.key").write_text(key)

    def plan(
        self, variables: dict[str, str] | None = None, targets: list[str] | None = None
    ) -> tuple[Result, dict[str, Any] | None]:
        plan_file = self.data / "plan.tfplan"
        args = ["plan", "-input=false", "-no-color", "-lock=false", f"-out={plan_file}"]
        args += [f"-var={k}={v}" for k, v in (variables or {}).items()]
        args += [f"-target={t}" for t in targets or []]
        layer = f"plan {self.stack.id} ({self.tree.name})"  # the tree, or the broken copy's name
        result = self.run(layer, *args)
        if not result.ok:
            return result, None
        shown = self.run(layer, "show", "-json", "-no-color", str(plan_file))
        if not shown.ok:
            return shown, None
        (self.data / "plan.json").write_text(shown.output)
        TIMER.add(layer, 0.0, 1)
        return result, json.loads(shown.output)

    def plan_destroy(self, state: dict[str, Any]) -> Result:
        """`terraform plan -destroy -refresh=false -json` of this stack against `state` (e.g. a
        state_from_plan), kept in a workspace of its own (the local backend's
        terraform.tfstate.d/<workspace>/), so the stack's default state is never touched. Nothing
        is read from AWS: no refresh, and a destroy plan reads no data source."""
        workspace = self.dir / "terraform.tfstate.d" / DESTROY_WORKSPACE
        workspace.mkdir(parents=True, exist_ok=True)
        (workspace / "terraform.tfstate").write_text(json.dumps(state))
        layer = f"destroy plan {self.stack.id} ({self.tree.name})"
        args = ["plan", "-destroy", "-refresh=false", "-input=false", "-lock=false", "-json"]
        result = self.run(layer, *args, env=dict(self.env, TF_WORKSPACE=DESTROY_WORKSPACE))
        TIMER.add(layer, 0.0, 1)
        return result


DESTROY_WORKSPACE = "destroy-check"


def state_from_plan(plan: dict[str, Any], types: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A Terraform state (format 4) holding every managed resource the plan creates (or those of
    `types`), with its planned values and schema version: what the stack's state would look like
    right after the apply, as far as a plan knows it (values known only after apply are absent). A
    destroy plan against it shows what `terraform destroy` of the applied stack would do."""
    resources: dict[tuple[str, str, str], dict[str, Any]] = {}

    def walk(module: dict[str, Any]) -> None:
        for r in module.get("resources", []):
            if r["mode"] != "managed" or (types is not None and r["type"] not in types):
                continue
            address = module.get("address")
            entry = resources.setdefault(
                (address or "", r["type"], r["name"]),
                {
                    **({"module": address} if address else {}),
                    "mode": "managed",
                    "type": r["type"],
                    "name": r["name"],
                    "provider": f'provider["{r["provider_name"]}"]',
                    "instances": [],
                },
            )
            instance = {
                "schema_version": r.get("schema_version", 0),
                "attributes": r.get("values") or {},
                "sensitive_attributes": [],
            }
            if "index" in r:
                instance["index_key"] = r["index"]
                entry["each"] = "list" if isinstance(r["index"], int) else "map"
            entry["instances"].append(instance)
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan.get("planned_values", {}).get("root_module", {}))
    return {
        "version": 4,
        "terraform_version": plan.get("terraform_version"),
        "serial": 1,
        "lineage": "00000000-0000-0000-0000-000000000000",
        "outputs": {},
        "resources": list(resources.values()),
        "check_results": None,
    }


T = TypeVar("T")


def after(pool: ThreadPoolExecutor, futures: list[Future[Any]], work: Callable[[], T]) -> Future[T]:
    """`work` submitted to the pool once every future is done (no worker waits for them meanwhile);
    an exception of one of them becomes the returned future's."""
    out: Future[T] = Future()
    pending = list(futures)

    def relay(inner: Future[T]) -> None:
        try:
            out.set_result(inner.result())
        except BaseException as exc:  # handed to the test that waits
            out.set_exception(exc)

    def next_one(_: Future[Any] | None = None) -> None:
        while pending:
            head = pending.pop(0)
            if not head.done():
                head.add_done_callback(next_one)
                return
            if head.exception() is not None:
                out.set_exception(head.exception())  # type: ignore[arg-type]
                return
        pool.submit(work).add_done_callback(relay)

    next_one()
    return out


def diagnostics(output: str) -> str:
    """terraform's text errors as `file:line: summary detail` lines (what a failed plan printed)."""
    lines = []
    for block in re.split(r"^(?=Error: )", output, flags=re.MULTILINE)[1:]:
        summary = block.splitlines()[0].removeprefix("Error: ").strip()
        where = re.search(r"^\s*on (\S+) line (\d+)", block, flags=re.MULTILINE)
        body = block.splitlines()[1:]
        detail = " ".join(ln.strip() for ln in body if ln.strip() and not re.match(r"\s*(on |\d+:|\|)", ln))
        loc = f"{where.group(1)}:{where.group(2)}: " if where else ""
        lines.append(f"error: {loc}{summary} {detail}".strip())
    return "\n".join(lines)


# ----------------------------------------------------------------------------------- plan summaries
@dataclass
class Summary:
    """What a plan creates: planned values by address, counts by type, outputs (None = unknown)."""

    values: dict[str, dict[str, Any]]
    types: dict[str, str]
    counts: Counter[str]
    outputs: dict[str, Any]
    references: dict[str, dict[str, list[str]]]  # address -> argument -> referenced addresses
    unknown: dict[str, dict[str, Any]] = field(default_factory=dict)  # address -> after_unknown


def _walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _walk(child)


def _config_refs(module: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for resource in module.get("resources", []):
        yield prefix + resource["address"], resource.get("expressions", {})
    for name, call in module.get("module_calls", {}).items():
        yield from _config_refs(call.get("module", {}), f"{prefix}module.{name}.")


def summarize(plan: dict[str, Any]) -> Summary:
    values, types = {}, {}
    for resource in _walk(plan.get("planned_values", {}).get("root_module", {})):
        if resource["mode"] == "managed":
            values[resource["address"]] = resource.get("values", {})
            types[resource["address"]] = resource["type"]
    outputs = {}
    for name, out in plan.get("planned_values", {}).get("outputs", {}).items():
        outputs[name] = out.get("value")
    references: dict[str, dict[str, list[str]]] = {}
    for address, expressions in _config_refs(plan.get("configuration", {}).get("root_module", {})):
        refs = {k: v.get("references", []) for k, v in expressions.items() if isinstance(v, dict)}
        references[address] = refs
    unknown = {
        rc["address"]: (rc.get("change") or {}).get("after_unknown") or {}
        for rc in plan.get("resource_changes", [])
        if rc.get("mode") == "managed"
    }
    return Summary(values, types, Counter(types.values()), outputs, references, unknown)


def config_address(address: str) -> str:
    """module.a.aws_x.y["k"] -> module.a.aws_x.y (the configuration address, without instance keys)."""
    return re.sub(r"\[[^\]]*\]", "", address)


@dataclass
class StackRun:
    """One stack's init and plan in this session (plan_json: `terraform show -json` of the plan)."""

    stack: Stack
    init: Result
    plan: Result | None = None
    plan_json: dict[str, Any] | None = None
    plan_json_path: Path | None = None

    @property
    def summary(self) -> Summary:
        assert self.plan_json is not None
        return summarize(self.plan_json)
