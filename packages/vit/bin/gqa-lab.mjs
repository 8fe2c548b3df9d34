#!/usr/bin/env node
// The `gqa-lab` command inside this repository: runs the TypeScript CLI (src/cli.ts) through tsx's loader, so
// nothing needs building. Not packed: the published package's bin is dist/cli.js, run by plain node
// (publishConfig.bin in package.json).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
