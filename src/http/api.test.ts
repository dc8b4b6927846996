import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, login, type TestApp } from '../test/api.ts';
import { engineAvailable, ENGINES } from '../test/engines.ts';
import { DEMO_PASSWORD, syntheticCreditCode } from '../demo/demo.ts';
import { PORTAL_DIR } from './server.ts';

interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string>; requestId: string };
}

for (const engine of ENGINES) {
  describe(`HTTP API [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine, { GOVDX_LOGIN_MAX_ATTEMPTS: '3', GOVDX_BODY_LIMIT: '2048' });
    });
    after(() => t.close());

    const countAudit = async (
      action: string,
      outcome: 'success' | 'failed' | 'denied' = 'success',
    ) =>
      Number(
        (
          await t.platform.services.db.kysely
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', action)
            .where('outcome', '=', outcome)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('serves health, readiness, OpenAPI 3.1 and the docs', async () => {
      assert.equal((await t.app.inject('/healthz')).statusCode, 200);
      const ready = await t.app.inject('/readyz');
      assert.equal(ready.statusCode, 200);
      assert.equal(ready.json<{ database: string }>().database, engine);
      const openapi = (await t.app.inject('/api/openapi.json')).json<{
        openapi: string;
        paths: Record<string, Record<string, { operationId: string }>>;
      }>();
      assert.equal(openapi.openapi, '3.1.0');
      assert.equal(openapi.paths['/api/v1/orgs/{code}']?.get?.operationId, 'org.get');
      assert.equal(openapi.paths['/api/v1/tokens/{id}/revoke']?.post?.operationId, 'token.revoke');
      const docs = await t.app.inject('/api/docs/');
      assert.equal(docs.statusCode, 200);
      assert.match(docs.body, /swagger/i);
      // `/` is the open portal once it is built (issue 7); before that it leads to the console.
      const root = await t.app.inject('/');
      if (existsSync(path.join(PORTAL_DIR, 'index.html'))) {
        assert.equal(root.statusCode, 200);
        assert.match(String(root.headers['content-type']), /^text\/html/);
      } else {
        assert.equal(root.statusCode, 302);
        assert.equal(root.headers.location, '/console/');
      }
    });

    it('sets security headers and a request id', async () => {
      // API answers: OWASP's REST set, nothing may frame, sniff or run them.
      for (const url of ['/healthz', '/api/v1/auth/me', '/api/v1/open/home']) {
        const response = await t.app.inject(url);
        assert.equal(
          response.headers['content-security-policy'],
          "default-src 'none'; frame-ancestors 'none'",
          url,
        );
        assert.equal(response.headers['x-content-type-options'], 'nosniff');
        assert.equal(response.headers['x-frame-options'], 'DENY');
        assert.equal(response.headers['referrer-policy'], 'no-referrer');
        assert.equal(response.headers['cross-origin-resource-policy'], 'same-origin');
        assert.equal(response.headers['x-dns-prefetch-control'], undefined);
        assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/);
        assert.equal(response.headers['access-control-allow-origin'], undefined);
        // Rate-limit headers come with a 429 only (see the next test).
        assert.equal(response.headers['x-ratelimit-limit'], undefined);
      }
      // Pages a browser renders (here the API docs) get helmet's document headers.
      const docs = await t.app.inject('/api/docs/');
      assert.equal(docs.statusCode, 200);
      assert.match(String(docs.headers['content-security-policy']), /script-src 'self'/);
      assert.equal(docs.headers['x-dns-prefetch-control'], 'off');
      assert.equal(docs.headers['x-content-type-options'], 'nosniff');
    });

    it('limits requests per client and says so with a 429', async () => {
      const limited = await createTestApp(engine, { GOVDX_RATE_LIMIT: '3' });
      try {
        const call = () =>
          limited.app.inject({ url: '/api/v1/open/home', remoteAddress: '10.0.0.77' });
        for (let i = 0; i < 3; i++) assert.equal((await call()).statusCode, 200);
        const refused = await call();
        assert.equal(refused.statusCode, 429);
        assert.equal(refused.json<ErrorBody>().error.code, 'RATE_LIMITED');
        assert.equal(refused.headers['x-ratelimit-limit'], '3');
        assert.equal(refused.headers['x-ratelimit-remaining'], '0');
        const retryAfter = Number(refused.headers['retry-after']);
        assert.ok(retryAfter >= 1 && retryAfter <= 120, `retry-after ${retryAfter}`);
        assert.equal(refused.headers['x-ratelimit-reset'], String(retryAfter));
        // The envelope is there on a refusal too.
        assert.equal(refused.headers['x-content-type-options'], 'nosniff');
        assert.match(String(refused.headers['x-request-id']), /^[0-9a-f-]{36}$/);
        // Another client is not affected.
        const other = await limited.app.inject({
          url: '/api/v1/open/home',
          remoteAddress: '10.0.0.78',
        });
        assert.equal(other.statusCode, 200);
        // Any path counts, unknown ones included, before authentication is tried.
        const probe = (url: string, headers: Record<string, string> = {}) =>
          limited.app.inject({ url, headers, remoteAddress: '10.0.0.79' });
        assert.equal((await probe('/api/v1/no-such-thing')).statusCode, 404);
        assert.equal(
          (await probe('/api/v1/auth/me', { authorization: 'Bearer gdx_x' })).statusCode,
          401,
        );
        assert.equal((await probe('/healthz')).statusCode, 200);
        assert.equal(
          (await probe('/api/v1/auth/me', { authorization: 'Bearer gdx_x' })).statusCode,
          429,
        );
        // An IPv6 client is counted by its /64 network: a fresh address in it does not start afresh.
        const fromV6 = (address: string) =>
          limited.app.inject({ url: '/healthz', remoteAddress: address });
        for (let host = 1; host <= 3; host++)
          assert.equal((await fromV6(`2001:db8:7:1::${host}`)).statusCode, 200);
        assert.equal((await fromV6('2001:db8:7:1::99')).statusCode, 429);
        assert.equal((await fromV6('2001:db8:7:2::1')).statusCode, 200);
      } finally {
        await limited.close();
      }
    });

    it('logs in, reports the user and abilities, and logs out', async () => {
      // The session cookie: HTTP-only, same-site strict, for the whole site, for the session's life.
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: DEMO_PASSWORD },
      });
      assert.match(
        String(signIn.headers['set-cookie']),
        /^govdx_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/,
      );
      const admin = await login(t.app, 'admin');
      const me = await admin.request('GET', '/api/v1/auth/me');
      assert.equal(me.statusCode, 200);
      const body = me.json<{
        user: { username: string };
        memberships: { orgCode: string; role: string }[];
        abilities: string[];
      }>();
      assert.equal(body.user.username, 'admin');
      assert.deepEqual(
        body.memberships.map((m) => [m.orgCode, m.role]),
        [['DSJ', 'authority_admin']],
      );
      assert.ok(body.abilities.includes('region.manage'));
      const operator = await login(t.app, 'gaj_operator');
      const operatorMe = (await operator.request('GET', '/api/v1/auth/me')).json<{
        abilities: string[];
      }>();
      assert.deepEqual(operatorMe.abilities, ['org.read']);
      const logout = await admin.request('POST', '/api/v1/auth/logout');
      assert.equal(logout.statusCode, 200);
      // The browser is told to drop the cookie: empty and expired.
      assert.equal(
        logout.headers['set-cookie'],
        'govdx_session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      );
      const afterLogout = await admin.request('GET', '/api/v1/auth/me');
      assert.equal(afterLogout.statusCode, 401);
      assert.equal(afterLogout.json<ErrorBody>().error.code, 'UNAUTHENTICATED');
    });

    it('answers wrong credentials with one message, then throttles with 429', async () => {
      const attempt = (username: string, password: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username, password },
          remoteAddress: '10.0.0.9',
        });
      const unknownUser = await attempt('nobody', 'whatever-password');
      const wrongPassword = await attempt('reviewer', 'wrong-password!');
      assert.equal(unknownUser.statusCode, 401);
      assert.equal(wrongPassword.statusCode, 401);
      // No user enumeration: the same code and message whichever part was wrong.
      assert.equal(
        unknownUser.json<ErrorBody>().error.message,
        wrongPassword.json<ErrorBody>().error.message,
      );
      assert.equal(wrongPassword.json<ErrorBody>().error.message, '用户名或密码错误');
      await attempt('reviewer', 'wrong-password!');
      await attempt('reviewer', 'wrong-password!');
      const throttled = await attempt('reviewer', 'Govdx@2026');
      assert.equal(throttled.statusCode, 429);
      assert.equal(throttled.json<ErrorBody>().error.code, 'RATE_LIMITED');
      assert.ok((await countAudit('auth.login', 'failed')) >= 3);
    });

    it('rejects malformed JSON, unknown fields, oversized bodies and speaks English on request', async () => {
      const admin = await login(t.app, 'admin');
      const malformed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        headers: {
          cookie: admin.cookie,
          'x-csrf-token': admin.csrfToken,
          'content-type': 'application/json',
        },
        payload: '{"code": "X",',
      });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json<ErrorBody>().error.code, 'BAD_REQUEST');
      const unknown = await admin.request('POST', '/api/v1/orgs', {
        code: 'NEW1',
        name: 'x',
        kind: 'department',
        regionCode: '990100',
        colour: 'red',
      });
      assert.equal(unknown.statusCode, 400);
      const unknownBody = unknown.json<ErrorBody>();
      assert.equal(unknownBody.error.code, 'VALIDATION');
      assert.ok(unknownBody.error.fields?.colour);
      const illTyped = await admin.request('POST', '/api/v1/orgs', {
        code: 'NEW1',
        name: 'x',
        kind: 'bank',
        regionCode: '990100',
      });
      assert.equal(illTyped.json<ErrorBody>().error.code, 'VALIDATION');
      // A union of literals is explained by its allowed values, in the client's language.
      assert.match(
        illTyped.json<ErrorBody>().error.fields?.kind ?? '',
        /^应为以下之一：.*department/,
      );
      // JSON carries its own types: a number where a string belongs is refused, not converted.
      const numberForText = await admin.request('POST', '/api/v1/orgs', {
        code: 'NEW2',
        name: 123,
        kind: 'department',
        regionCode: 990100,
      });
      assert.equal(numberForText.statusCode, 400, numberForText.body);
      assert.deepEqual(numberForText.json<ErrorBody>().error.fields, {
        name: '类型应为 string',
        regionCode: '类型应为 string',
      });
      assert.equal((await admin.request('GET', '/api/v1/orgs/NEW2')).statusCode, 404);
      // A query string is text: its numbers are read as numbers, and a non-number is refused.
      const auditor = await login(t.app, 'auditor');
      assert.equal((await auditor.request('GET', '/api/v1/audit-events?limit=2')).statusCode, 200);
      const wordLimit = await auditor.request('GET', '/api/v1/audit-events?limit=two');
      assert.equal(wordLimit.statusCode, 400);
      assert.ok(wordLimit.json<ErrorBody>().error.fields?.limit);
      const big = await admin.request('POST', '/api/v1/orgs', {
        code: 'BIG',
        name: 'x'.repeat(5000),
        kind: 'department',
        regionCode: '990100',
      });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json<ErrorBody>().error.code, 'PAYLOAD_TOO_LARGE');
      const english = await t.app.inject({
        method: 'GET',
        url: '/api/v1/orgs',
        headers: { 'accept-language': 'en-US,en;q=0.9' },
      });
      assert.equal(english.statusCode, 401);
      assert.equal(english.json<ErrorBody>().error.message, 'Authentication required');
      assert.match(english.json<ErrorBody>().error.requestId, /^[0-9a-f-]{36}$/);
      // An empty body sent with a JSON content type counts as no body.
      const throwaway = await login(t.app, 'auditor');
      const emptyJson = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: {
          cookie: throwaway.cookie,
          'x-csrf-token': throwaway.csrfToken,
          'content-type': 'application/json',
        },
        payload: '',
      });
      assert.equal(emptyJson.statusCode, 200, emptyJson.body);
      const missing = await admin.request('GET', '/api/v1/nothing-here');
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json<ErrorBody>().error.code, 'NOT_FOUND');
    });

    it('validates unified social credit codes per GB 32100, naming the field', async () => {
      const admin = await login(t.app, 'admin');
      const bad = await admin.request('POST', '/api/v1/orgs', {
        code: 'BADCC',
        name: '校验位错误的单位',
        kind: 'utility',
        regionCode: '990100',
        creditCode: '91350100M000100Y44',
      });
      assert.equal(bad.statusCode, 400);
      const body = bad.json<ErrorBody>();
      assert.equal(body.error.code, 'VALIDATION');
      assert.match(body.error.fields?.creditCode ?? '', /校验位/);
      assert.equal((await admin.request('GET', '/api/v1/orgs/BADCC')).statusCode, 404);
      // A valid code another organisation holds is a conflict, pointed at the field.
      const [holder] = (await admin.request('GET', '/api/v1/orgs?kind=department'))
        .json<{ items: { code: string; creditCode: string | null }[] }>()
        .items.filter((org) => org.creditCode);
      assert.ok(holder?.creditCode);
      const taken = await admin.request('POST', '/api/v1/orgs', {
        code: 'DUPCC',
        name: '重复信用代码的单位',
        kind: 'utility',
        regionCode: '990100',
        creditCode: holder.creditCode,
      });
      assert.equal(taken.statusCode, 409, taken.body);
      assert.equal(taken.json<ErrorBody>().error.code, 'CONFLICT');
      assert.match(taken.json<ErrorBody>().error.fields?.creditCode ?? '', new RegExp(holder.code));
    });

    it('lets the authority admin manage organisations, with an audit event in the same transaction', async () => {
      const admin = await login(t.app, 'admin');
      const before = await countAudit('org.create');
      const failedBefore = await countAudit('org.create', 'failed');
      const deniedBefore = await countAudit('org.create', 'denied');
      const created = await admin.request('POST', '/api/v1/orgs', {
        code: 'YJJ',
        name: '示范市应急管理局',
        kind: 'department',
        regionCode: '990100',
        creditCode: syntheticCreditCode('11', '990100', 90),
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(await countAudit('org.create'), before + 1);
      const duplicate = await admin.request('POST', '/api/v1/orgs', {
        code: 'YJJ',
        name: '重复',
        kind: 'department',
        regionCode: '990100',
      });
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json<ErrorBody>().error.code, 'CONFLICT');
      // The failed attempt left no success event, only a failure trace.
      assert.equal(await countAudit('org.create'), before + 1);
      assert.equal(await countAudit('org.create', 'failed'), failedBefore + 1);
      const renamed = await admin.request('PATCH', '/api/v1/orgs/YJJ', {
        name: '示范市应急管理局（更名）',
      });
      assert.equal(renamed.json<{ name: string }>().name, '示范市应急管理局（更名）');
      const cleared = await admin.request('PATCH', '/api/v1/orgs/YJJ', { creditCode: null });
      assert.equal(cleared.json<{ creditCode: string | null }>().creditCode, null);
      const list = (
        await admin.request('GET', '/api/v1/orgs?regionCode=990100&kind=department')
      ).json<{ items: { code: string }[] }>();
      assert.ok(list.items.length >= 13);
      assert.ok(list.items.some((org) => org.code === 'YJJ'));
      // A region that does not exist is an error naming the field, not an empty list.
      const nowhere = await admin.request('GET', '/api/v1/orgs?regionCode=999999');
      assert.equal(nowhere.statusCode, 400, nowhere.body);
      assert.equal(nowhere.json<ErrorBody>().error.code, 'VALIDATION');
      assert.equal(nowhere.json<ErrorBody>().error.fields?.regionCode, '行政区划不存在');
      // The city authority cannot create organisations in the province above it (R1.1).
      const upward = await admin.request('POST', '/api/v1/orgs', {
        code: 'PROV1',
        name: '省直单位',
        kind: 'department',
        regionCode: '990000',
      });
      assert.equal(upward.statusCode, 403);
      assert.equal(await countAudit('org.create', 'denied'), deniedBefore + 1);
    });

    it('requires the CSRF token on cookie-authenticated writes', async () => {
      const admin = await login(t.app, 'admin');
      const response = await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/regions/990100',
        headers: { cookie: admin.cookie },
        payload: { name: '被伪造的请求' },
      });
      assert.equal(response.statusCode, 403);
      const region = await admin.request('PATCH', '/api/v1/regions/990100', {
        settings: { shareReplyDays: 7 },
      });
      assert.equal(region.statusCode, 200, region.body);
      assert.equal(
        region.json<{ settings: { shareReplyDays: number } }>().settings.shareReplyDays,
        7,
      );
      assert.equal(region.json<{ name: string }>().name, '示范市');
    });

    it('lets a department admin manage only its own staff and tokens', async () => {
      const deptAdmin = await login(t.app, 'gaj_admin');
      const own = await deptAdmin.request('POST', '/api/v1/users', {
        username: 'gaj_clerk',
        password: 'Clerk-pass-2026',
        displayName: '公安局窗口',
        orgCode: 'GAJ',
        role: 'dept_operator',
      });
      assert.equal(own.statusCode, 201, own.body);
      const other = await deptAdmin.request('POST', '/api/v1/users', {
        username: 'scj_intruder',
        password: 'Clerk-pass-2026',
        orgCode: 'SCJGJ',
        role: 'dept_operator',
      });
      assert.equal(other.statusCode, 403);
      const escalate = await deptAdmin.request('POST', '/api/v1/users', {
        username: 'gaj_boss',
        password: 'Clerk-pass-2026',
        orgCode: 'GAJ',
        role: 'authority_admin',
      });
      assert.equal(escalate.statusCode, 403);
      const users = (await deptAdmin.request('GET', '/api/v1/users')).json<{
        items: { username: string }[];
      }>();
      assert.deepEqual(users.items.map((u) => u.username).sort(), [
        'gaj_admin',
        'gaj_clerk',
        'gaj_operator',
      ]);
      const operator = await login(t.app, 'gaj_operator');
      assert.equal((await operator.request('GET', '/api/v1/users')).statusCode, 403);
      assert.equal(
        (
          await operator.request('POST', '/api/v1/regions', {
            code: '990103',
            name: 'x',
            level: 'county',
            parentCode: '990100',
          })
        ).statusCode,
        403,
      );
      const clerk = await login(t.app, 'gaj_clerk', 'Clerk-pass-2026');
      assert.equal(
        (await clerk.request('GET', '/api/v1/auth/me')).json<{ user: { username: string } }>().user
          .username,
        'gaj_clerk',
      );
    });

    it('disabling a user ends the sessions and blocks login', async () => {
      const admin = await login(t.app, 'admin');
      const scjAdmin = await login(t.app, 'scjgj_admin');
      const users = (await admin.request('GET', '/api/v1/users?orgCode=SCJGJ')).json<{
        items: { id: string; username: string }[];
      }>();
      const target = users.items.find((u) => u.username === 'scjgj_admin');
      assert.ok(target);
      const disabled = await admin.request('PATCH', `/api/v1/users/${target.id}`, {
        disabled: true,
      });
      assert.equal(disabled.json<{ disabled: boolean }>().disabled, true);
      assert.equal((await scjAdmin.request('GET', '/api/v1/auth/me')).statusCode, 401);
      const relogin = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'scjgj_admin', password: 'Govdx@2026' },
      });
      assert.equal(relogin.statusCode, 401);
    });

    it('issues API tokens shown once, authenticates systems with them, and revokes them', async () => {
      const deptAdmin = await login(t.app, 'gaj_admin');
      const created = await deptAdmin.request('POST', '/api/v1/tokens', {
        orgCode: 'GAJ',
        name: '人口库前置机',
        expiresAt: '2099-12-31',
      });
      assert.equal(created.statusCode, 201, created.body);
      const { token, secret } = created.json<{
        token: { id: string; prefix: string; expiresAt: string };
        secret: string;
      }>();
      assert.match(secret, /^gdx_/);
      assert.ok(secret.startsWith(token.prefix));
      const stored = await t.platform.services.db.kysely
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', token.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(stored.secret_hash, secret);
      assert.ok(!JSON.stringify(stored).includes(secret));
      const listed = (await deptAdmin.request('GET', '/api/v1/tokens')).body;
      assert.ok(!listed.includes(secret));

      const asSystem = (url: string, bearer = secret) =>
        t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });
      const org = await asSystem('/api/v1/orgs/GAJ');
      assert.equal(org.statusCode, 200);
      // Last use is recorded off the request path; give it a moment.
      let lastUsedAt: string | null = null;
      for (let i = 0; i < 50 && !lastUsedAt; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const row = await t.platform.services.db.kysely
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', token.id)
          .executeTakeFirstOrThrow();
        lastUsedAt = row.last_used_at;
      }
      assert.ok(lastUsedAt, 'last_used_at recorded');
      assert.equal(org.json<{ name: string }>().name, '示范市公安局');
      // A system token has no user abilities.
      assert.equal((await asSystem('/api/v1/users')).statusCode, 403);
      assert.equal((await asSystem('/api/v1/orgs', 'gdx_not-a-real-token')).statusCode, 401);
      // Known to the credential cache now, as valid and as invalid: the same answers again.
      assert.equal((await asSystem('/api/v1/orgs/GAJ')).statusCode, 200);
      assert.equal((await asSystem('/api/v1/orgs', 'gdx_not-a-real-token')).statusCode, 401);
      // Other spellings of the header reach the same actor.
      for (const authorization of [`bearer ${secret}`, `Bearer  ${secret} `, secret]) {
        const spelled = await t.app.inject({
          url: '/api/v1/orgs/GAJ',
          headers: { authorization },
        });
        assert.equal(spelled.statusCode, 200, authorization);
      }

      const foreign = await login(t.app, 'auditor');
      assert.equal(
        (await foreign.request('POST', `/api/v1/tokens/${token.id}/revoke`, { reason: 'x' }))
          .statusCode,
        403,
      );
      const revoked = await deptAdmin.request('POST', `/api/v1/tokens/${token.id}/revoke`, {
        reason: '前置机下线',
      });
      assert.equal(revoked.statusCode, 200);
      assert.equal(revoked.json<{ revokeReason: string }>().revokeReason, '前置机下线');
      assert.equal((await asSystem('/api/v1/orgs/GAJ')).statusCode, 401);
      assert.equal(
        (
          await deptAdmin.request('POST', '/api/v1/tokens', {
            orgCode: 'GAJ',
            name: 'x',
            expiresAt: '2001-01-01',
          })
        ).statusCode,
        400,
      );
    });

    it('computes working-day deadlines over HTTP and refuses uncovered years', async () => {
      const operator = await login(t.app, 'gaj_operator');
      const ok = await operator.request(
        'GET',
        '/api/v1/calendar/add-working-days?date=2025-09-26&n=5&region=990100',
      );
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json<{ date: string }>().date, '2025-10-10');
      const uncovered = await operator.request(
        'GET',
        '/api/v1/calendar/add-working-days?date=2027-06-01&n=5',
      );
      assert.equal(uncovered.statusCode, 400);
      assert.equal(uncovered.json<ErrorBody>().error.code, 'VALIDATION');
      assert.ok(uncovered.json<ErrorBody>().error.fields?.date);
    });

    it('shows auditors every audit event and department admins only their own', async () => {
      const auditor = await login(t.app, 'auditor');
      const page = (await auditor.request('GET', '/api/v1/audit-events?limit=5')).json<{
        items: { id: number; action: string; outcome: string }[];
        nextBefore: number | null;
      }>();
      assert.equal(page.items.length, 5);
      assert.ok(page.nextBefore !== null);
      const next = (
        await auditor.request('GET', `/api/v1/audit-events?limit=5&before=${page.nextBefore}`)
      ).json<{ items: { id: number }[] }>();
      assert.ok(next.items.every((event) => event.id < (page.nextBefore ?? 0)));
      const deptAdmin = await login(t.app, 'gaj_admin');
      const own = (await deptAdmin.request('GET', '/api/v1/audit-events?limit=500')).json<{
        items: { orgCode: string | null }[];
      }>();
      assert.ok(own.items.length > 0);
      assert.ok(own.items.every((event) => event.orgCode === 'GAJ' || event.orgCode === null));
      assert.equal(
        (
          await auditor.request('POST', '/api/v1/orgs', {
            code: 'AUD1',
            name: 'x',
            kind: 'department',
            regionCode: '990100',
          })
        ).statusCode,
        403,
      );
    });
  });
}
