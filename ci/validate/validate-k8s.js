// Validates every Kubernetes object under the given folder against the API schemas bundled in kubernetes-models
// (offline: no cluster, no network). Kustomization files are checked for the resources they list. A PrometheusRule
// (the Prometheus Operator's CRD, which kubernetes-models does not bundle) is checked for the CRD's shape here;
// its expressions and templates are checked by `promtool check rules` in .ci/run (extract-rules.js), and the
// promtool unit-test files beside it by `promtool test rules`.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { walk, isPromtoolTests } = require('./k8s-files');

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

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DURATION = /^(([0-9]+)(ms|s|m|h|d|w|y))+$/;
const RULE_KEYS = new Set(['alert', 'record', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);

function requireStringMap(value, what) {
  if (value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value) || value === null
      || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new Error(`${what} must map names to strings`);
  }
}

/** The PrometheusRule CRD (monitoring.coreos.com/v1): spec.groups[].rules[] as the operator's schema has them. */
function checkPrometheusRule(doc) {
  if (doc.apiVersion !== 'monitoring.coreos.com/v1') throw new Error('apiVersion must be monitoring.coreos.com/v1');
  const name = doc.metadata && doc.metadata.name;
  if (!name || name.length > 253 || !DNS_SUBDOMAIN.test(name)) throw new Error(`bad metadata.name ${name}`);
  const groups = doc.spec && doc.spec.groups;
  if (!Array.isArray(groups) || groups.length === 0) throw new Error('spec.groups must be a non-empty list');
  const groupNames = new Set();
  for (const group of groups) {
    if (typeof group.name !== 'string' || !group.name) throw new Error('every group needs a name');
    if (groupNames.has(group.name)) throw new Error(`group ${group.name} appears twice`);
    groupNames.add(group.name);
    if (!Array.isArray(group.rules) || group.rules.length === 0) throw new Error(`group ${group.name} has no rules`);
    for (const rule of group.rules) {
      const id = `${group.name}/${rule.alert || rule.record}`;
      for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) throw new Error(`${id}: unknown field ${key}`);
      if ((typeof rule.alert === 'string') === (typeof rule.record === 'string')) {
        throw new Error(`${id}: a rule has either alert or record`);
      }
      if (typeof rule.expr !== 'string' || !rule.expr.trim()) throw new Error(`${id}: expr must be a string`);
      for (const key of ['for', 'keep_firing_for']) {
        if (rule[key] !== undefined && !DURATION.test(rule[key])) throw new Error(`${id}: ${key} is no duration`);
      }
      requireStringMap(rule.labels, `${id}: labels`);
      requireStringMap(rule.annotations, `${id}: annotations`);
    }
  }
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
    let note = '';
    try {
      if (doc.kind === 'Kustomization') {
        checkKustomization(file, doc);
      } else if (doc.kind === 'PrometheusRule') {
        checkPrometheusRule(doc);
        note = ' (shape checked here; expressions and templates by promtool check rules in .ci/run)';
      } else if (isPromtoolTests(doc)) {
        objects++;
        console.log(`ok   ${rel}: promtool unit tests, run by promtool test rules (.ci/run)`);
        continue;
      } else {
        const Model = modelFor(doc.apiVersion, doc.kind);
        new Model(doc).validate();
      }
      objects++;
      console.log(`ok   ${rel}: ${doc.apiVersion} ${doc.kind} ${(doc.metadata && doc.metadata.name) || ''}${note}`);
    } catch (e) {
      failures++;
      console.error(`FAIL ${rel}: ${doc.apiVersion} ${doc.kind}: ${e.message}`);
      for (const error of e.errors || []) console.error(`     ${error.instancePath} ${error.message}`);
    }
  }
}
console.log(`${objects} passed, ${failures} failed`);
process.exit(failures === 0 && objects > 0 ? 0 : 1);
