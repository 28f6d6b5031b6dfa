// esbuild: `splitting: true` (with `format: 'esm'`) is what the lazy protocol needs; nothing else is set.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.js', 'src/stateless.js'],
  bundle: true,
  splitting: true,
  format: 'esm',
  outdir: 'out/esbuild',
});
