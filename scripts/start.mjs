#!/usr/bin/env node
/**
 * `npm start`: runs src/main.ts compiled to plain JavaScript instead of through the tsx loader.
 * With a loader, Node 20 sends every module (ours and ~1,000 in node_modules) through its hook
 * thread, which about doubles module loading, the largest part of start-up.
 *
 * The compiled copy lives in node_modules/.cache/wearable-graph/<fingerprint>/ (one folder per
 * content of src/ and tsconfig.json, so an edit rebuilds on the next start (~0.5 s) and a running
 * server keeps its own copy). Transpiling is esbuild's, the same tsx uses, file by file (no
 * bundling, no type check: like tsx). When the cache cannot be written (read-only install) or
 * esbuild is missing or a file does not compile, it falls back to tsx. `node scripts/start.mjs --build` only builds.
 *
 * The first argument may name another entry point of the same build: `worker` (`npm run worker`)
 * or `gateway` (`npm run gateway`); later arguments stay in process.argv for the entry point.
 * The Docker image runs all three this way (compiled at image build, no tsx at run time).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'wearable-graph');
// Bump when the build options below change.
const BUILD_FORMAT = 1;
const KEEP_BUILDS = 4;
const NODE_MAJOR = process.versions.node.split('.')[0];
/** Entry points by name: the first argument, default `main` (the server). */
const ENTRIES = { main: 'main', worker: 'worker', gateway: 'gateway/main' };
const named = process.argv[2] && !process.argv[2].startsWith('-') ? process.argv[2] : null;
if (named && !(named in ENTRIES)) {
  process.stderr.write(`scripts/start.mjs: unknown entry point "${named}" (one of: ${Object.keys(ENTRIES).join(', ')})\n`);
  process.exit(2);
}
const ENTRY = ENTRIES[named ?? 'main'];
// The entry point reads its own arguments (e.g. gateway --print-supergraph) from process.argv.
if (named) process.argv.splice(2, 1);

function sourceFiles() {
  return fs
    .readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

// esbuild comes with tsx (a dependency); resolve it from there so hoisting does not matter.
// Only its version is read on a start that finds its build (loading esbuild itself costs more).
function esbuildRequire() {
  return createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
}

function fingerprint(files, esbuildVersion) {
  const hash = crypto.createHash('sha256').update(`${BUILD_FORMAT}\0${esbuildVersion}\0${NODE_MAJOR}\0`);
  hash.update(fs.readFileSync(path.join(ROOT, 'tsconfig.json')));
  for (const file of files) hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(SRC, file)));
  return hash.digest('hex').slice(0, 16);
}

async function build(esbuild, files, outDir) {
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: files.map((file) => path.join(SRC, file)),
    outdir: tmp,
    outbase: SRC,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: `node${NODE_MAJOR}`,
    sourcemap: true,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  });
  // Outside the project's package.json scope (node_modules ends the lookup): say ESM here.
  fs.writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
  try {
    fs.renameSync(tmp, outDir);
  } catch (error) {
    // Another start built the same fingerprint meanwhile: use theirs.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(outDir, 'main.js'))) throw error;
  }
}

function pruneOldBuilds(current) {
  const builds = fs
    .readdirSync(CACHE, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== current && !entry.name.includes('.tmp-'))
    .map((entry) => ({ dir: path.join(CACHE, entry.name), mtime: fs.statSync(path.join(CACHE, entry.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP_BUILDS - 1)) fs.rmSync(old.dir, { recursive: true, force: true });
}

/** The compiled entry point, built when missing; null when this install cannot build (then tsx runs the sources). */
async function compiledEntry() {
  let fromTsx;
  let esbuildVersion;
  try {
    fromTsx = esbuildRequire();
    esbuildVersion = fromTsx('esbuild/package.json').version;
  } catch {
    process.stderr.write('npm start: esbuild (installed with tsx) not found: running src/ through tsx instead, which starts slower\n');
    return null;
  }
  const files = sourceFiles();
  const id = fingerprint(files, esbuildVersion);
  const outDir = path.join(CACHE, id);
  const entry = path.join(outDir, `${ENTRY}.js`);
  if (fs.existsSync(entry)) return entry;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    await build(fromTsx('esbuild'), files, outDir);
  } catch (error) {
    // A read-only install, or a file tsx would not even load (a work in progress beside main.ts's imports).
    const why = error?.code ? `cannot write ${path.relative(ROOT, CACHE)} (${error.code})` : 'could not compile src/ (see above)';
    process.stderr.write(`npm start: ${why}: running src/ through tsx instead, which starts slower\n`);
    return null;
  }
  pruneOldBuilds(id);
  return entry;
}

const entry = await compiledEntry();
if (process.argv.includes('--build')) {
  process.stdout.write(entry ? `built ${path.relative(ROOT, entry)}\n` : 'not built: npm start will use tsx\n');
  if (!entry) process.exitCode = 1;
} else if (entry) {
  // Stack traces point into src/*.ts, as under tsx.
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(SRC, `${ENTRY}.ts`)).href);
}
