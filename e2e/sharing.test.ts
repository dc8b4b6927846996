/**
 * Browser test of sharing between departments (issue 5, R4.4-R4.6) in the console: 市场监管局 applies
 * for 公安局's conditional 机动车登记信息 from the sharing catalog, 公安局 approves it narrower and
 * with masking, and the consumer's system reads masked records through the data API under the grant.
 * A second request is refused with reasons and legal basis, disputed by the consumer, answered by
 * the provider's statement and decided (shared) by the authority, which opens a grant.
 *
 * Runs against `startTestServer()` (fresh SQLite, sample demo data, built console). The test first
 * pushes two vehicle records of its own through the API, as 公安局's system would, so that it knows
 * the values the masking must hide. Screenshots go to /tmp/sharing-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSession, DEMO_PASSWORD } from './harness.ts';

const RESOURCE_NAME = '机动车登记信息';

const VEHICLES = [
  {
    plate_no: '示A12345',
    plate_type: '02',
    vin: 'LSVAU2180N2123456',
    vehicle_type: '小型轿车',
    use_character: '非营运',
    owner_name: '王小明',
    owner_id_no: '990102198503121234',
    first_registered_on: '2020-05-01',
    vehicle_status: '正常',
  },
  {
    plate_no: '示B67890',
    plate_type: '01',
    vin: 'LFV2A21K5M3987654',
    vehicle_type: '重型货车',
    use_character: '货运',
    owner_name: '欧阳娜娜',
    owner_id_no: '990100199001011111',
    first_registered_on: '2021-09-15',
    vehicle_status: '正常',
  },
];

const session = browserSession();
const currentPage = (): Page => session.page();
const url = (pathname: string): string => session.url(pathname);

// ─── API from Node (setup, the consumer's business system, final checks) ───

interface Session {
  cookie: string;
  csrf: string;
}

async function apiLogin(username: string): Promise<Session> {
  const res = await fetch(url('/api/v1/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: body.csrfToken };
}

async function apiCall<T>(
  session: Session,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(url(`/api/v1${pathname}`), {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${pathname}: ${String(res.status)} ${text}`);
  return JSON.parse(text) as T;
}

async function createToken(session: Session, orgCode: string, name: string): Promise<string> {
  const created = await apiCall<{ secret: string }>(session, 'POST', '/tokens', { orgCode, name });
  return created.secret;
}

// ─── console helpers ───

async function signIn(p: Page, username: string): Promise<void> {
  await p.goto(url('/console/login'));
  await p.getByTestId('login-username').fill(username);
  await p.getByTestId('login-password').fill(DEMO_PASSWORD);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('header-username').filter({ hasText: username }).waitFor();
}

async function signOut(p: Page): Promise<void> {
  // From the home page: an open drawer would cover the header.
  await p.goto(url('/console/'));
  await p.getByTestId('logout').click();
  await p.getByTestId('login-username').waitFor();
}

async function chooseOption(p: Page, testId: string, text: string): Promise<void> {
  await p.getByTestId(testId).click();
  const option = p.locator('.ant-select-item-option:visible', { hasText: text }).first();
  await option.waitFor();
  await option.click();
  await p.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
}

/** Clicks the step modal's submit button and returns the API answer to `pathPart`. */
async function submitStep(p: Page, pathPart: string, status = 200): Promise<unknown> {
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.url().includes(pathPart) && r.request().method() === 'POST'),
    p.getByTestId('share-step-submit').click(),
  ]);
  assert.equal(response.status(), status, await response.text());
  return response.json();
}

/** In the sharing catalog, files a share request for the resource through the request form. */
async function fileRequest(
  p: Page,
  code: string,
  items: string[],
  tokenName: string,
  purpose: string,
): Promise<{ code: string; dueDate: string; status: string }> {
  await p.goto(url(`/console/sharing/catalog?shareClass=conditional&q=${RESOURCE_NAME}`));
  await p.getByTestId(`share-action-${code}`).click();
  const modal = p.getByTestId('share-apply-modal');
  await modal.getByTestId('share-items').waitFor();
  for (const item of items) await p.getByTestId(`share-item-${item}`).check();
  await p.getByTestId('share-purpose').fill(purpose);
  await p.getByTestId('share-scenario').fill('企业开办和变更登记“一网通办”');
  await p
    .getByTestId('share-business-process')
    .fill('窗口受理企业变更登记时，按号牌核验登记车辆的所有人信息');
  await p
    .getByTestId('share-legal-basis')
    .fill('《中华人民共和国市场主体登记管理条例》第十条；《示范市政务数据共享管理办法》');
  await p.getByTestId('share-contact-phone').fill('0999-01001234');
  await chooseOption(p, 'share-token', tokenName);
  await p.screenshot({ path: '/tmp/sharing-apply.png', fullPage: true });
  const [response] = await Promise.all([
    p.waitForResponse(
      (r) => r.url().endsWith('/api/v1/share/requests') && r.request().method() === 'POST',
    ),
    p.getByTestId('share-apply-submit').click(),
  ]);
  assert.equal(response.status(), 201, await response.text());
  const created = (await response.json()) as { code: string; dueDate: string; status: string };
  assert.match(created.code, /^GX-\d{4}-\d{6}$/);
  // After filing, 我提交的 opens with the new request's drawer.
  await p.getByTestId('request-timeline').waitFor();
  return created;
}

async function openRequestInbox(p: Page, code: string): Promise<void> {
  await p.goto(url('/console/sharing/requests?box=inbox'));
  await p.getByTestId(`request-open-${code}`).click();
  await p.getByTestId('request-timeline').waitFor();
}

void test(
  'R4.4-R4.6: request, masked approval, data API under the grant, refusal, dispute and decision',
  { timeout: 240_000 },
  async () => {
    const p = currentPage();
    try {
      await scenario(p);
    } catch (error) {
      await p
        .screenshot({ path: '/tmp/sharing-failure.png', fullPage: true })
        .catch(() => undefined);
      throw error;
    }
  },
);

async function scenario(p: Page): Promise<void> {
  // Setup over the API: 公安局's system pushes vehicle records; 市场监管局 has a system token.
  const gaj = await apiLogin('gaj_admin');
  const search = await apiCall<{ items: { code: string; name: string; shareClass: string }[] }>(
    gaj,
    'GET',
    `/catalog/search?q=${encodeURIComponent(RESOURCE_NAME)}&shareClass=conditional`,
  );
  const hit = search.items.find((h) => h.name === RESOURCE_NAME);
  assert.ok(hit, `${RESOURCE_NAME} is in the catalog`);
  assert.equal(hit.shareClass, 'conditional');
  const code = hit.code;
  const gajToken = await createToken(gaj, 'GAJ', '交管综合平台');
  const ingest = await fetch(
    url(`/api/v1/resources/${code}/batches?mode=replace&format=ndjson&name=vehicles.ndjson`),
    {
      method: 'POST',
      headers: { authorization: `Bearer ${gajToken}`, 'content-type': 'application/x-ndjson' },
      body: VEHICLES.map((v) => JSON.stringify(v)).join('\n'),
    },
  );
  assert.equal(ingest.status, 201, await ingest.text());
  const scjgj = await apiLogin('scjgj_admin');
  const consumerToken = await createToken(scjgj, 'SCJGJ', '企业变更登记系统');

  // 1. 市场监管局 applies for the conditional resource in the sharing catalog.
  await signIn(p, 'scjgj_admin');
  const first = await fileRequest(
    p,
    code,
    ['plate_no', 'plate_type', 'owner_name', 'owner_id_no', 'vehicle_status'],
    '企业变更登记系统',
    '企业变更登记时核验登记车辆的所有人',
  );
  assert.equal(first.status, 'pending');
  await p.getByTestId('request-drawer').getByTestId('request-status-pending').first().waitFor();
  await p.screenshot({ path: '/tmp/sharing-request.png', fullPage: true });
  await signOut(p);

  // 2. 公安局 finds it under 待我审批 with the working-day countdown and approves it narrower,
  // masking the owner's ID number (instead of the catalog's hash) and name.
  await signIn(p, 'gaj_admin');
  await p.goto(url('/console/sharing/requests?box=inbox'));
  await p.getByTestId(`request-open-${first.code}`).waitFor();
  const row = p.locator('[data-testid="requests-table"] .ant-table-row', {
    hasText: first.code,
  });
  assert.match(await row.innerText(), /剩余 \d+ 个工作日/);
  await p.getByTestId(`request-open-${first.code}`).click();
  await p.getByTestId('request-timeline').waitFor();
  await p.getByTestId('request-approve').click();
  await p.getByTestId('share-scope').waitFor();
  await p.getByTestId('scope-include-vehicle_status').uncheck();
  await chooseOption(p, 'scope-masking-owner_id_no', '身份证号（前6后4）');
  await p.getByTestId('share-note').fill('仅用于登记核验，按号牌逐条查询');
  await p.screenshot({ path: '/tmp/sharing-approve.png', fullPage: true });
  const approved = (await submitStep(p, `/share/requests/${first.code}/approve`)) as {
    status: string;
    grantId: string;
  };
  assert.equal(approved.status, 'approved');
  assert.ok(approved.grantId);
  await p.getByTestId('request-drawer').getByTestId('request-status-approved').first().waitFor();
  await p.getByTestId('request-grant-link').waitFor();
  await signOut(p);

  // 3. The consumer's system reads masked records under the grant (fetch from Node).
  const headers = {
    authorization: `Bearer ${consumerToken}`,
    'x-govdx-grant': approved.grantId,
    'x-govdx-user': encodeURIComponent('李四'),
    'x-govdx-case': 'DJ-2026-000001',
  };
  const lookup = await fetch(
    url(`/api/v1/share/${code}/records/${encodeURIComponent('示A12345|02')}`),
    { headers },
  );
  assert.equal(lookup.status, 200, await lookup.clone().text());
  const { record } = (await lookup.json()) as { record: Record<string, unknown> };
  assert.equal(record.owner_id_no, '990102********1234');
  assert.equal(record.owner_name, '王**');
  assert.equal(record.plate_no, '示A12345');
  assert.equal('vehicle_status' in record, false, 'an item left out of the grant is not served');
  const query = await fetch(url(`/api/v1/share/${code}/query`), {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      filters: [{ item: 'plate_no', op: 'eq', value: '示B67890' }],
      limit: 10,
    }),
  });
  assert.equal(query.status, 200, await query.clone().text());
  const { items } = (await query.json()) as { items: Record<string, unknown>[] };
  assert.equal(items.length, 1);
  assert.equal(items[0]?.owner_id_no, '990100********1111');
  assert.equal(items[0]?.owner_name, '欧阳**');

  // 4. The consumer sees the grant: masking per item, API examples, usage and access log.
  await signIn(p, 'scjgj_admin');
  await p.goto(url(`/console/sharing/grants?id=${approved.grantId}`));
  await p.getByTestId('grant-items').waitFor();
  const grantItems = await p.getByTestId('grant-items').innerText();
  assert.match(grantItems, /身份证号（前6后4）/);
  assert.match(grantItems, /姓名（保留姓氏）/);
  assert.doesNotMatch(grantItems, /人员状态|机动车状态/);
  const curl = await p.getByTestId('api-lookup-curl').innerText();
  assert.match(curl, new RegExp(`X-Govdx-Grant: ${approved.grantId}`));
  assert.match(curl, new RegExp(`/api/v1/share/${code}/records/`));
  await p.locator('.ant-tabs-tab', { hasText: '使用统计' }).click();
  await p.getByTestId('grant-usage-chart').waitFor();
  await p.getByTestId('grant-usage').scrollIntoViewIfNeeded();
  await p.getByTestId('grant-usage').screenshot({ path: '/tmp/sharing-usage.png' });
  await p.locator('.ant-tabs-tab', { hasText: '访问记录' }).click();
  await p
    .getByTestId('grant-access-log')
    .locator('.ant-table-row', { hasText: 'DJ-2026-000001' })
    .first()
    .waitFor();
  await p.screenshot({ path: '/tmp/sharing-grant.png', fullPage: true });

  // The sharing catalog marks the resource as held by the consumer's department.
  await p.goto(url(`/console/sharing/catalog?shareClass=conditional&q=${RESOURCE_NAME}`));
  await p.getByTestId(`share-held-${code}`).waitFor();
  await p.locator('[data-testid="share-catalog-table"] .ant-table-row-expand-icon').first().click();
  await p.getByTestId(`share-items-of-${code}`).waitFor();
  await p.screenshot({ path: '/tmp/sharing-catalog.png', fullPage: true });

  // 5. A second request, for more items, is refused with reasons and legal basis.
  const second = await fileRequest(
    p,
    code,
    ['plate_no', 'plate_type', 'vin', 'owner_name', 'owner_id_no', 'first_registered_on'],
    '企业变更登记系统',
    '企业注销清算时核查企业名下全部车辆',
  );
  await signOut(p);
  await signIn(p, 'gaj_admin');
  await openRequestInbox(p, second.code);
  await p.getByTestId('request-refuse').click();
  await p.getByTestId('share-reason').fill('申请批量核查企业名下车辆超出核验号牌的必要范围');
  await p
    .getByTestId('share-refusal-basis')
    .fill('《中华人民共和国个人信息保护法》第六条（最小必要原则）');
  const refused = (await submitStep(p, `/share/requests/${second.code}/refuse`)) as {
    status: string;
  };
  assert.equal(refused.status, 'refused');
  await signOut(p);

  // 6. The consumer sees the reasons and legal basis and asks the authority to coordinate.
  await signIn(p, 'scjgj_admin');
  await p.goto(url(`/console/sharing/requests?code=${second.code}`));
  const refusal = p.getByTestId('request-refusal');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /最小必要原则/);
  await p.getByTestId('request-dispute').click();
  await p
    .getByTestId('share-argument')
    .fill(
      '企业注销须依法核查其名下财产，车辆是清算财产的组成部分，逐条按号牌核验无法完成清算核查。',
    );
  const dispute = (await submitStep(p, '/share/disputes', 201)) as {
    code: string;
    status: string;
  };
  assert.match(dispute.code, /^ZY-\d{4}-\d{6}$/);
  assert.equal(dispute.status, 'open');
  await p.getByTestId('request-drawer').getByTestId('request-status-disputed').first().waitFor();
  await signOut(p);

  // 7. The provider states its position in the negotiation.
  await signIn(p, 'gaj_admin');
  await p.goto(url(`/console/sharing/disputes?code=${dispute.code}`));
  await p.getByTestId('dispute-statement').click();
  await p
    .getByTestId('dispute-statement-text')
    .fill('可按企业统一社会信用代码核验名下车辆数量，不宜批量提供所有人身份信息。');
  await submitStep(p, `/share/disputes/${dispute.code}/statement`);
  await p.getByTestId('dispute-provider-statement').waitFor();
  await signOut(p);

  // 8. The authority decides to share (narrower than asked); the decision binds both sides.
  await signIn(p, 'admin');
  await p.goto(url('/console/sharing/disputes'));
  await p.getByTestId(`dispute-open-${dispute.code}`).click();
  await p.getByTestId('dispute-argument').waitFor();
  await p.getByTestId('dispute-decide').click();
  await p.getByTestId('share-scope').waitFor();
  await p.getByTestId('scope-include-first_registered_on').uncheck();
  await chooseOption(p, 'scope-masking-owner_id_no', '身份证号（前6后4）');
  await p
    .getByTestId('dispute-reason')
    .fill('企业注销清算确需核查名下车辆，予以共享，所有人身份信息脱敏提供。');
  await p.getByTestId('dispute-legal-basis').fill('《中华人民共和国公司法》第二百三十四条');
  const decided = (await submitStep(p, `/share/disputes/${dispute.code}/decide`)) as {
    status: string;
    grantId: string | null;
  };
  assert.equal(decided.status, 'granted');
  assert.ok(decided.grantId);
  await p.getByTestId('share-step-submit').waitFor({ state: 'detached' });
  await p.getByTestId('dispute-decision').waitFor();
  assert.match(await p.getByTestId('dispute-binding').innerText(), /约束力/);
  await p.getByTestId('dispute-grant-link').waitFor();
  await p.screenshot({ path: '/tmp/sharing-decided.png', fullPage: true });

  // The decision's grant exists for the consumer, and the request is decided.
  const grants = await apiCall<{
    items: {
      id: string;
      origin: string;
      disputeCode: string | null;
      items: { column: string; masking: string }[];
    }[];
  }>(scjgj, 'GET', `/share/grants?side=consumer&resourceCode=${code}`);
  const granted = grants.items.find((g) => g.id === decided.grantId);
  assert.ok(granted, 'the decision opened a grant for the consumer');
  assert.equal(granted.origin, 'dispute');
  assert.equal(granted.disputeCode, dispute.code);
  assert.deepEqual(granted.items.map((i) => i.column).sort(), [
    'owner_id_no',
    'owner_name',
    'plate_no',
    'plate_type',
    'vin',
  ]);
  assert.equal(granted.items.find((i) => i.column === 'owner_id_no')?.masking, 'id_number');
  const request = await apiCall<{ status: string; grantId: string | null }>(
    scjgj,
    'GET',
    `/share/requests/${second.code}`,
  );
  assert.equal(request.status, 'decided');
  assert.equal(request.grantId, decided.grantId);
}
