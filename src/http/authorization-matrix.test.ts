import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../actions.ts';
import { createTestApp, login, type Session, type TestApp } from '../test/api.ts';
import { engineAvailable, ENGINES } from '../test/engines.ts';

/**
 * The authorization matrix (issue 5, "Bad input and security"): every action's endpoint, called by
 * every role, anonymous and a department system's token. Whatever the input, no call may fail with a
 * 5xx; anonymous callers reach only the public actions; auditors never change anything; a token
 * never succeeds on the console's user and organisation administration. Inputs are minimal (path
 * parameters that name nothing, empty bodies), so that a success is a policy decision rather than
 * a validation accident: each of those is listed here and checked to be intended.
 */
const PUBLIC_ACTIONS = new Set([
  'auth.me',
  'calendar.addWorkingDays',
  'calendar.workingDays',
  'catalog.search',
  'catalog.facets',
  'catalog.dcat',
  'catalog.themes.list',
  'share.signingKeys',
  // The ledger's public, read-only interface (issue 6): proofs reveal no event content.
  'ledger.checkpoint',
  'ledger.verifierKey',
  'ledger.verifierKeys',
  'ledger.entry',
  'ledger.proof.inclusion',
  'ledger.proof.consistency',
  // The open portal (issue 7): registering and signing in, and what the public may read (R1.3, R5).
  'open.account.register',
  'open.session.login',
  'open.account.me',
  'open.agreement.current',
  'open.agreement.list',
  'open.showcase.list',
  'open.showcase.image',
  // The open catalog itself is public (R5.2, docs/API-open.md "Datasets (public)").
  'open.home',
  'open.dataset.search',
  'open.dataset.get',
  'open.org.list',
  'open.org.get',
  'open.stats',
]);
// Mutating only the caller's own bookkeeping (marking its notifications read), so auditors may.
const OWN_BOOKKEEPING = new Set(['notification.read', 'notification.readAll']);
// Logging out ends the session the matrix is using; it is covered by the auth tests.
const SKIPPED = new Set(['auth.logout', 'auth.login']);
const USERS = [
  'admin',
  'reviewer',
  'auditor',
  'gaj_admin',
  'gaj_operator',
  'scjgj_admin',
  'province_admin',
];

function urlOf(path: string): string {
  return `/api/v1${path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) =>
    name === 'id' ? '00000000-0000-0000-0000-000000000000' : 'NOPE-0000',
  )}`;
}

for (const engine of ENGINES) {
  describe(`authorization matrix [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    const sessions = new Map<string, Session>();
    let token = '';
    before(async () => {
      t = await createTestApp(engine);
      for (const user of USERS) sessions.set(user, await login(t.app, user));
      const created = await sessions
        .get('admin')!
        .request('POST', '/api/v1/tokens', { orgCode: 'GAJ', name: 'matrix' });
      token = created.json<{ secret: string }>().secret;
    });
    after(() => t.close());

    it('walks every action with every role: no 5xx, anonymous only public, auditors read only', async () => {
      const anonymousSuccesses: string[] = [];
      const problems: string[] = [];
      let calls = 0;
      for (const action of ACTIONS) {
        if (!action.http || SKIPPED.has(action.name)) continue;
        const { method, path, upload } = action.http;
        const url = urlOf(path);
        const body = method === 'GET' || upload ? undefined : {};
        const callers: [string, Record<string, string>][] = [
          ['anonymous', {}],
          ['token', { authorization: `Bearer ${token}` }],
          ...USERS.map((user): [string, Record<string, string>] => {
            const session = sessions.get(user)!;
            return [user, { cookie: session.cookie, 'x-csrf-token': session.csrfToken }];
          }),
        ];
        for (const [role, headers] of callers) {
          const response = await t.app.inject({
            method,
            url,
            headers: {
              ...headers,
              ...(upload ? { 'content-type': upload.contentTypes[0] ?? 'text/csv' } : {}),
            },
            ...(body === undefined ? (upload ? { payload: 'x' } : {}) : { payload: body }),
          });
          calls++;
          const status = response.statusCode;
          if (status >= 500) problems.push(`${action.name} as ${role}: ${status} ${response.body}`);
          if (role === 'anonymous' && status < 300) anonymousSuccesses.push(action.name);
          if (role === 'anonymous' && status >= 300 && ![400, 401, 403, 404, 415].includes(status))
            problems.push(`${action.name} as anonymous: ${status}`);
          if (
            role === 'auditor' &&
            action.mutating &&
            status < 300 &&
            !OWN_BOOKKEEPING.has(action.name)
          )
            problems.push(`${action.name} as auditor succeeded (${status})`);
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(
        anonymousSuccesses.filter((name) => !PUBLIC_ACTIONS.has(name)),
        [],
        'only public actions answer anonymous callers',
      );
      assert.ok(calls > ACTIONS.length * 5, `${calls} calls`);
    });

    it('the sharing data API refuses every role but a department system token', async () => {
      for (const user of USERS) {
        const session = sessions.get(user)!;
        const response = await t.app.inject({
          method: 'GET',
          url: '/api/v1/share/JC-RK-000001/records/990102199001010016',
          headers: {
            cookie: session.cookie,
            'x-csrf-token': session.csrfToken,
            'x-govdx-grant': '00000000-0000-0000-0000-000000000000',
          },
        });
        assert.equal(response.statusCode, 403, user);
        assert.equal(
          response.json<{ error: { reason: string } }>().error.reason,
          'SHARE_TOKEN_REQUIRED',
        );
      }
      const byToken = await t.app.inject({
        method: 'GET',
        url: '/api/v1/share/JC-RK-000001/records/990102199001010016',
        headers: {
          authorization: `Bearer ${token}`,
          'x-govdx-grant': '00000000-0000-0000-0000-000000000000',
        },
      });
      assert.equal(
        byToken.json<{ error: { reason: string } }>().error.reason,
        'SHARE_GRANT_NOT_FOUND',
      );
    });
  });
}
