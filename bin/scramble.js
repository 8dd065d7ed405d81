#!/usr/bin/env node
// The installed scramble CLI runs the compiled JavaScript; `npm run build` (part of every setup command) makes it.
import '../dist/src/cli/scramble/main.js';
