#!/usr/bin/env node
// The `wasmloom` command: a committed file, so that the install links it before the build makes dist/.
import '../dist/main.js';
