// Type-checks Grafana dashboards against Grafana's own dashboard schema (@grafana/schema's Dashboard, generated from
// Grafana's CUE schema), printing every error; exits 1 on any. Usage: node check-dashboards.mjs <dashboard.json>...
//
// Each dashboard becomes `const dashboard: Json<Dashboard> = <its JSON>` and tsc checks it strictly: a missing
// required field, a field the schema does not have (excess-property check), a value of the wrong type or outside an
// enum fails. Json<T> turns the schema's TypeScript enums into their string values, which is what a JSON file holds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dashboards = process.argv.slice(2);
if (!dashboards.length) {
  console.error('usage: node check-dashboards.mjs <dashboard.json>...');
  process.exit(2);
}
const work = mkdtempSync(join(here, '.check-'));
try {
  const files = dashboards.map((path) => {
    const json = readFileSync(path, 'utf8');
    JSON.parse(json); // plain JSON first: a syntax error names the file
    const file = join(work, basename(path).replace(/\.json$/, '.ts'));
    writeFileSync(file, [
      "import type { Dashboard } from '@grafana/schema';",
      'type Json<T> = T extends string ? `${T}` : T extends Array<infer U> ? Array<Json<U>>',
      '  : T extends object ? { [K in keyof T]: Json<T[K]> } : T;',
      `// ${path}`,
      'export const dashboard: Json<Dashboard> = ' + json + ';',
      '',
    ].join('\n'));
    return file;
  });
  try {
    execFileSync(join(here, 'node_modules', '.bin', 'tsc'), ['--noEmit', '--strict', '--skipLibCheck', '--module', 'esnext',
      '--moduleResolution', 'bundler', '--target', 'es2022', ...files], { cwd: here, stdio: 'pipe' });
  } catch (failure) {
    console.error(String(failure.stdout) + String(failure.stderr));
    console.error(`${dashboards.join(', ')}: not valid against @grafana/schema's Dashboard`);
    process.exitCode = 1; // (not exit(): the work directory is removed below)
  }
  if (!process.exitCode) console.log(`valid against @grafana/schema's Dashboard: ${dashboards.join(', ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
