// Bundles each agents/<name>.mjs with its npm dependencies into dist/agents/<name>/agent.mjs: one file an agent,
// so a test deploys it as a code artifact without a node_modules tree (sandboxes see only their own code).
import { build } from 'esbuild'
import { readFileSync, readdirSync } from 'node:fs'

// Some packages load their dependencies through createRequire(import.meta.url), which esbuild cannot follow: left
// as it is, the bundle would look for them in a node_modules next to itself. Plain require() calls get bundled.
const inlineCreateRequire = {
  name: 'inline-create-require',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]bedrock-agentcore[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      return { contents: source.replace(/const require = createRequire\(import\.meta\.url\);/g, ''), loader: 'js' }
    })
  },
}

const names = readdirSync('agents').filter((file) => file.endsWith('.mjs')).map((file) => file.slice(0, -4))
for (const name of names) {
  await build({
    entryPoints: [`agents/${name}.mjs`],
    outfile: `dist/agents/${name}/agent.mjs`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [inlineCreateRequire],
    // Bundled CommonJS dependencies call require() for Node's own modules.
    banner: { js: "import { createRequire as hearthRequire } from 'node:module'; const require = hearthRequire(import.meta.url);" },
  })
}
console.log(`bundled ${names.length} agents into dist/agents`)
