// Rollup 4: the entries, and @rollup/plugin-node-resolve with no options (Rollup resolves no bare import,
// such as 'nylas-pkce', without it). Output: ES modules (Rollup's default format) in a directory.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';

const bundle = await rollup({
  input: { main: 'src/main.js', stateless: 'src/stateless.js' },
  plugins: [nodeResolve()],
});
await bundle.write({ dir: 'out/rollup' });
await bundle.close();
