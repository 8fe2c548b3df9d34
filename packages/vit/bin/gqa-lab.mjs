#!/usr/bin/env node
// The `gqa-lab` command: runs the TypeScript CLI (src/cli.ts) through tsx's loader, so nothing needs building.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
