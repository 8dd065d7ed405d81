#!/usr/bin/env node
// The installed scramble CLI runs the bundle (scripts/bundle-cli.mjs); `npm run build` (part of every setup
// command) makes it. Stack traces are printed only with PORTALGUN_DEBUG=1 (run-cli.ts): then the bundle's
// source maps are read too, so they name the TypeScript files and lines.
if (process.env.PORTALGUN_DEBUG === '1') process.setSourceMapsEnabled(true);
await import('../dist/cli/scramble.js');
