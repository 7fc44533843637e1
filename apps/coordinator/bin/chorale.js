#!/usr/bin/env node
// The `chorale` command. The CLI itself is compiled to dist/ (`pnpm build`, run on install).
import '../dist/bin.js';
