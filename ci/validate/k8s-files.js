// What the validators share: the YAML files under a folder, and how a promtool unit-test file is recognised.
'use strict';
const fs = require('fs');
const path = require('path');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

/** A `promtool test rules` file: no Kubernetes object, but rule files and tests. */
function isPromtoolTests(doc) {
  return Boolean(doc) && !doc.kind && Array.isArray(doc.rule_files) && Array.isArray(doc.tests);
}

module.exports = { walk, isPromtoolTests };
