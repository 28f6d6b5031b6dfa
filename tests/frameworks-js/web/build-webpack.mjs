// webpack 5: the entries and the output directory; `mode: 'production'` is what webpack uses when none is
// set (it only warns). No loader, no plugin, no `experiments`.
import path from 'node:path';
import webpack from 'webpack';

const stats = await new Promise((resolve, reject) => {
  webpack(
    {
      mode: 'production',
      entry: { main: './src/main.js', stateless: './src/stateless.js' },
      output: { path: path.resolve('out/webpack') },
    },
    (err, s) => (err ? reject(err) : resolve(s)),
  );
});
if (stats.hasErrors() || stats.hasWarnings()) {
  console.error(stats.toString({ all: false, errors: true, warnings: true }));
  if (stats.hasErrors()) process.exit(1);
}
