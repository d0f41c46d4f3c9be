// Writes the rule groups of every PrometheusRule under a folder as plain Prometheus rule files, and copies the
// promtool unit-test files beside them, so that promtool can check and test exactly what the cluster would load:
//   node extract-rules.js K8S_DIR OUT_DIR   ->  OUT_DIR/<metadata.name>.rules.yaml, OUT_DIR/<test file>
// .ci/run then runs `promtool check rules` and `promtool test rules` on them. A test file names its rule file as
// <metadata.name>.rules.yaml.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { walk, isPromtoolTests } = require('./k8s-files');

const [root, out] = process.argv.slice(2).map((p) => path.resolve(p));
if (!root || !out) {
  console.error('usage: node extract-rules.js K8S_DIR OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
let rules = 0;
let tests = 0;
for (const file of walk(root).sort()) {
  const rel = path.relative(root, file);
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS())) {
    if (doc && doc.kind === 'PrometheusRule') {
      const target = path.join(out, `${doc.metadata.name}.rules.yaml`);
      if (fs.existsSync(target)) throw new Error(`two PrometheusRules named ${doc.metadata.name}`);
      fs.writeFileSync(target, YAML.stringify({ groups: doc.spec.groups }));
      console.log(`rules ${rel} -> ${target}`);
      rules++;
    } else if (isPromtoolTests(doc)) {
      fs.copyFileSync(file, path.join(out, path.basename(file)));
      console.log(`tests ${rel} -> ${path.join(out, path.basename(file))}`);
      tests++;
    }
  }
}
if (rules === 0 || tests === 0) {
  console.error(`found ${rules} PrometheusRule(s) and ${tests} promtool test file(s) under ${root}: expected both`);
  process.exit(1);
}
