/**
 * Bundles the page (src/web) into dist/public: index.html, app.js and app.css, everything the
 * browser needs, nothing fetched from elsewhere. `--watch` rebuilds on every change.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, context } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/public`;
const watch = process.argv.includes('--watch');

const options: BuildOptions = {
  absWorkingDir: root,
  entryPoints: { app: 'src/web/main.tsx' },
  outdir,
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !watch,
  sourcemap: 'linked',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': watch ? '"development"' : '"production"' },
  logLevel: 'warning',
  metafile: true,
};

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await copyFile(`${root}src/web/index.html`, `${outdir}/index.html`);

if (watch) {
  const ctx = await context({ ...options, logLevel: 'info' });
  await ctx.watch();
  process.stdout.write(`watching src/web, writing ${outdir}\n`);
} else {
  const result = await build(options);
  for (const [file, { bytes }] of Object.entries(result.metafile?.outputs ?? {})) {
    if (!file.endsWith('.map')) process.stdout.write(`${file} ${(bytes / 1024).toFixed(1)} KiB\n`);
  }
}
