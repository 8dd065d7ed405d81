#!/usr/bin/env node
// The installed CLI runs the compiled JavaScript; `npm run build` (part of every setup command) makes it.
import '../dist/src/cli/main.js';
