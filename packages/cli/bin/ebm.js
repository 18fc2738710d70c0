#!/usr/bin/env node
// The `ebm` executable: a committed file (so package managers can link it before the first
// build) that runs the built command line.
import '../dist/bin.js';
