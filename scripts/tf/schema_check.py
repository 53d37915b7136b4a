"""Check every AWS resource, data and provider block in .tf files against the AWS provider 6.x schema.

Findings (one line each, `file:line: message`):
  - the resource or data source type does not exist in 6.x;
  - an argument or nested block name does not exist in 6.x (a typo, or something 6.x removed: with
    the 5.x schema at hand the message says "removed in 6.x" when 5.x still had it);
  - a required argument or block of 6.x is not set.
The 6.x schema comes from extract_schema_6x.py (a compact JSON cache); the 5.x one from
`terraform providers schema -json` on an initialised root, compacted by `compact_terraform_schema`.
python-hcl2 gives block lines (with_meta); argument lines are found by scanning the block's text.

Usage: python schema_check.py --schema6 FILE [--schema5 FILE] PATH...   (exit 1 on findings)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

META = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}
LINE_KEYS = {"__start_line__", "__end_line__"}
SKIP_DIRS = {".terraform", ".git", ".venv", "node_modules", ".local"}
Schema = dict[str, Any]


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def compact_terraform_schema(provider_schema_json: dict[str, Any]) -> dict[str, Any]:
    """`terraform providers schema -json` -> the compact shape of extract_schema_6x.py (settable names)."""
    aws = next(v for k, v in provider_schema_json["provider_schemas"].items() if k.endswith("hashicorp/aws"))

    def block(b: dict[str, Any]) -> Schema:
        attrs = {
            n: bool(a.get("required"))
            for n, a in b.get("attributes", {}).items()
            if a.get("required") or a.get("optional")
        }
        blocks = {
            n: {"required": bt.get("min_items", 0) > 0, **block(bt["block"])}
            for n, bt in b.get("block_types", {}).items()
        }
        return {"attrs": attrs, "blocks": blocks}

    return {
        "resources": {t: block(s["block"]) for t, s in aws.get("resource_schemas", {}).items()},
        "data_sources": {t: block(s["block"]) for t, s in aws.get("data_source_schemas", {}).items()},
        "provider": block(aws["provider"]["block"]),
    }


def tf_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_file():
            yield path
            continue
        for found in sorted(path.rglob("*.tf")):
            if not SKIP_DIRS.intersection(found.relative_to(path).parts):
                yield found


class FileChecker:
    def __init__(self, path: Path, display: str, schema6: Schema, schema5: Schema | None) -> None:
        self.path, self.display = path, display
        self.lines = path.read_text().splitlines()
        self.schema6, self.schema5 = schema6, schema5
        self.version = schema6.get("provider_version", "6.x")
        self.findings: list[Finding] = []

    def add(self, line: int, message: str) -> None:
        self.findings.append(Finding(self.display, line, message))

    def arg_line(self, body: dict[str, Any], name: str) -> int:
        """First line inside the block's range that sets `name` (attribute or block header)."""
        start, end = body.get("__start_line__", 1), body.get("__end_line__", len(self.lines))
        pattern = re.compile(rf'^\s*("?){re.escape(name)}\1\s*(=|\{{|")')
        for number in range(start, min(end, len(self.lines)) + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def run(self) -> list[Finding]:
        try:
            with self.path.open() as handle:
                doc = hcl2.load(handle, with_meta=True)
        except Exception as exc:  # a parse error is itself a finding, with hcl2's own message
            self.add(1, f"cannot parse: {str(exc).splitlines()[0]}")
            return self.findings
        for kind, key in (("resource", "resources"), ("data", "data_sources")):
            for entry in doc.get(kind, []):
                for rtype, named in entry.items():
                    if not rtype.startswith("aws_"):
                        continue
                    for rname, body in named.items():
                        self.check_top(kind, key, rtype, rname, body)
        for entry in doc.get("provider", []):
            for pname, body in entry.items():
                if pname == "aws" and self.schema6.get("provider"):
                    old = (self.schema5 or {}).get("provider")
                    self.check_block('provider "aws"', body, self.schema6["provider"], old, top=True)
        return self.findings

    def check_top(self, kind: str, key: str, rtype: str, rname: str, body: dict[str, Any]) -> None:
        label = f"{'data.' if kind == 'data' else ''}{rtype}.{rname}"
        schema = self.schema6[key].get(rtype)
        old = (self.schema5 or {}).get(key, {}).get(rtype)
        if schema is None:
            gone = " (removed in 6.x; it exists in 5.x)" if old is not None else ""
            noun = "resource type" if kind == "resource" else "data source"
            self.add(
                body.get("__start_line__", 1),
                f"{label}: {noun} {rtype} does not exist in AWS provider {self.version}{gone}",
            )
            return
        self.check_block(label, body, schema, old, top=True)

    def check_block(
        self, label: str, body: dict[str, Any], schema: Schema, old: Schema | None, top: bool = False
    ) -> None:
        present: set[str] = set()
        for name, value in body.items():
            if name in LINE_KEYS or (top and name in META):
                continue
            if name == "dynamic":
                for dyn in value:
                    for dname, dbody in dyn.items():
                        present.add(dname)
                        content = (dbody.get("content") or [{}])[0]
                        content.setdefault("__start_line__", dbody.get("__start_line__", 1))
                        content.setdefault("__end_line__", dbody.get("__end_line__", 1))
                        self.check_name(label, body, dname, schema, old, [content])
                continue
            present.add(name)
            self.check_name(label, body, name, schema, old, value)
        for name, required in schema["attrs"].items():
            if required and name not in present:
                self.add(
                    body.get("__start_line__", 1),
                    f"{label}: required argument `{name}` is not set (AWS provider {self.version})",
                )
        for name, sub in schema["blocks"].items():
            if sub.get("required") and name not in present:
                self.add(
                    body.get("__start_line__", 1),
                    f"{label}: required block `{name}` is missing (AWS provider {self.version})",
                )

    def check_name(
        self, label: str, body: dict[str, Any], name: str, schema: Schema, old: Schema | None, value: Any
    ) -> None:
        if name in schema["attrs"]:
            return
        if name in schema["blocks"]:
            sub, old_sub = schema["blocks"][name], (old or {}).get("blocks", {}).get(name)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict) and "__start_line__" in item:
                        self.check_block(f"{label}.{name}", item, sub, old_sub)
            return
        line = self.arg_line(body, name)
        in_old = old is not None and (name in old["attrs"] or name in old["blocks"])
        if in_old:
            self.add(
                line, f"{label}: argument `{name}` was removed in AWS provider {self.version} (5.x had it)"
            )
        else:
            known = sorted([*schema["attrs"], *schema["blocks"]])
            hint = _closest(name, known)
            self.add(line, f"{label}: unknown argument `{name}` (not in AWS provider {self.version}){hint}")


def _closest(name: str, known: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean `{match[0]}`?" if match else ""


def check(
    paths: Iterable[Path], schema6: Schema, schema5: Schema | None = None, base: Path | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    for path in tf_files(paths):
        display = str(path.relative_to(base)) if base and path.is_relative_to(base) else str(path)
        findings.extend(FileChecker(path, display, schema6, schema5).run())
    return sorted(findings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema6", type=Path, required=True)
    parser.add_argument("--schema5", type=Path, help="compact 5.x schema, to name removed arguments")
    parser.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args(argv)
    schema6 = json.loads(args.schema6.read_text())
    schema5 = json.loads(args.schema5.read_text()) if args.schema5 else None
    findings = check(args.paths, schema6, schema5, base=Path.cwd())
    for finding in findings:
        print(finding)
    blocks = sum(1 for _ in tf_files(args.paths))
    print(
        f"schema 6.x ({schema6.get('provider_version')}): {len(findings)} finding(s) in {blocks} file(s)",
        file=sys.stderr,
    )
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
