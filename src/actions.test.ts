import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS } from './actions.ts';

// CKAN's test_coding_standards: the build fails when an action lacks what every action must have.
describe('action registry coding standards', () => {
  it('every action has a policy, a description and input and output schemas', () => {
    const problems: string[] = [];
    for (const action of ACTIONS) {
      if (typeof action.policy !== 'function') problems.push(`${action.name}: no policy`);
      if (typeof action.handler !== 'function') problems.push(`${action.name}: no handler`);
      if (!action.description || action.description.length < 10)
        problems.push(`${action.name}: no description`);
      if (!action.output || typeof action.output !== 'object')
        problems.push(`${action.name}: no output schema`);
      if (action.input?.type !== 'object')
        problems.push(`${action.name}: input schema is not an object`);
      if (action.input?.additionalProperties !== false)
        problems.push(`${action.name}: input accepts unknown fields`);
      if (!/^[a-z]+(\.[a-zA-Z]+)+$/.test(action.name))
        problems.push(`${action.name}: name is not noun.verb`);
    }
    assert.deepEqual(problems, []);
  });

  it('action names and HTTP routes are unique', () => {
    const names = ACTIONS.map((action) => action.name);
    assert.equal(new Set(names).size, names.length);
    const routes = ACTIONS.filter((a) => a.http).map((a) => `${a.http?.method} ${a.http?.path}`);
    assert.equal(new Set(routes).size, routes.length);
  });

  it('only plain reads are cached, and only reference data', () => {
    // A cached output is served to every allowed caller: a mutating or long-running action, or a read
    // that records each access (R6.2), must run every time (core/read-cache.ts).
    const cached = ACTIONS.filter((action) => action.cache);
    for (const action of cached) {
      assert.equal(action.mutating, false, `${action.name} mutates`);
      assert.notEqual(action.longRunning, true, `${action.name} is long-running`);
      assert.notEqual(action.recordsAccess, true, `${action.name} records each access`);
    }
    // Outputs that depend on the input only; adding one here is a review of that claim.
    assert.deepEqual(cached.map((action) => action.name).sort(), [
      'org.get',
      'org.list',
      'region.list',
    ]);
  });

  it('reading actions use GET and writing actions do not', () => {
    // Reads whose input does not fit a URL (a list of 10,000 values to check) are POSTed.
    const readsByPost = new Set([
      'aggregation.validate',
      'share.data.query',
      'share.data.verify',
      'share.watermark.trace',
    ]);
    for (const action of ACTIONS) {
      if (!action.http) continue;
      const expectGet = !action.mutating && !readsByPost.has(action.name);
      assert.equal(action.http.method === 'GET', expectGet, `${action.name} ${action.http.method}`);
    }
  });
});
