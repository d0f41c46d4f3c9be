// Validates every Kubernetes object under the given folder against the API schemas bundled in kubernetes-models
// (offline: no cluster, no network). Kustomization files are checked for the resources they list.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const root = path.resolve(process.argv[2] || '../../k8s');
let failures = 0;
let objects = 0;

function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [null, apiVersion];
  const module = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  const models = require(module);
  if (!models[kind]) {
    throw new Error(`no schema for ${apiVersion} ${kind}`);
  }
  return models[kind];
}

function checkKustomization(file, doc) {
  for (const resource of doc.resources || []) {
    if (!fs.existsSync(path.resolve(path.dirname(file), resource))) {
      throw new Error(`lists ${resource}, which does not exist`);
    }
  }
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

for (const file of walk(root).sort()) {
  const rel = path.relative(root, file);
  for (const document of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (document.errors.length) {
      console.error(`FAIL ${rel}: ${document.errors.map(String).join('; ')}`);
      failures++;
      continue;
    }
    const doc = document.toJS();
    if (!doc) continue;
    try {
      if (doc.kind === 'Kustomization') {
        checkKustomization(file, doc);
      } else {
        const Model = modelFor(doc.apiVersion, doc.kind);
        new Model(doc).validate();
      }
      objects++;
      console.log(`ok   ${rel}: ${doc.apiVersion} ${doc.kind} ${(doc.metadata && doc.metadata.name) || ''}`);
    } catch (e) {
      failures++;
      console.error(`FAIL ${rel}: ${doc.apiVersion} ${doc.kind}: ${e.message}`);
      for (const error of e.errors || []) console.error(`     ${error.instancePath} ${error.message}`);
    }
  }
}
console.log(`${objects} passed, ${failures} failed`);
process.exit(failures === 0 && objects > 0 ? 0 : 1);
