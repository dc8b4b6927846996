import { loadDemoData, loadFixedProblemReport, type DemoDataScale } from './demo-data.ts';
import { loadDemoProblemReports } from '../modules/problems/demo.ts';
import { loadDemoSharing } from '../modules/sharing/demo.ts';
import { loadOpenDemo } from '../modules/open/demo.ts';
import type { Actor } from '../core/actor.ts';
import { runAction } from '../core/run-action.ts';
import type { Services } from '../core/services.ts';
import { getAction } from '../actions.ts';
import { creditCodeCheckCharacter } from '../core/validators/credit-code.ts';
import { DEMO_CATALOG_ENTRIES } from '../modules/catalog/demo-entries.ts';
import { REGION_PRESETS } from '../modules/regions/actions.ts';

/**
 * The demo jurisdiction (issue 2): 示范省 > 示范市 with the city's data authority, twelve departments,
 * two utilities and a public organisation, and one user per role. Everything is synthetic: region
 * codes 99xxxx are unassigned in GB/T 2260, credit codes are built with valid GB 32100 check characters.
 * Loaded through the actions, so the audit log shows how the jurisdiction was set up.
 */
export const DEMO_PASSWORD = 'Govdx@2026';
export const DEMO_PROVINCE = '990000';
export const DEMO_CITY = '990100';

export const DEMO_USERS = [
  {
    username: 'admin',
    displayName: '张明（大数据局管理员）',
    orgCode: 'DSJ',
    role: 'authority_admin',
  },
  { username: 'reviewer', displayName: '李华（目录审核员）', orgCode: 'DSJ', role: 'reviewer' },
  { username: 'auditor', displayName: '王芳（审计员）', orgCode: 'DSJ', role: 'auditor' },
  {
    username: 'gaj_admin',
    displayName: '赵强（公安局数据管理员）',
    orgCode: 'GAJ',
    role: 'dept_admin',
  },
  {
    username: 'gaj_operator',
    displayName: '孙丽（公安局操作员）',
    orgCode: 'GAJ',
    role: 'dept_operator',
  },
  {
    username: 'scjgj_admin',
    displayName: '周杰（市场监管局数据管理员）',
    orgCode: 'SCJGJ',
    role: 'dept_admin',
  },
  {
    username: 'province_admin',
    displayName: '吴刚（省大数据局管理员）',
    orgCode: 'SDSJ',
    role: 'authority_admin',
  },
] as const;

const DEMO_ORGS: {
  code: string;
  name: string;
  kind: string;
  region: string;
  creditPrefix: string;
}[] = [
  {
    code: 'SDSJ',
    name: '示范省大数据管理局',
    kind: 'authority',
    region: DEMO_PROVINCE,
    creditPrefix: '11',
  },
  { code: 'DSJ', name: '示范市大数据局', kind: 'authority', region: DEMO_CITY, creditPrefix: '11' },
  { code: 'GAJ', name: '示范市公安局', kind: 'department', region: DEMO_CITY, creditPrefix: '11' },
  {
    code: 'SCJGJ',
    name: '示范市市场监督管理局',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  {
    code: 'RSJ',
    name: '示范市人力资源和社会保障局',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  {
    code: 'WJW',
    name: '示范市卫生健康委员会',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  { code: 'JYJ', name: '示范市教育局', kind: 'department', region: DEMO_CITY, creditPrefix: '11' },
  {
    code: 'JTJ',
    name: '示范市交通运输局',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  {
    code: 'SHJJ',
    name: '示范市生态环境局',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  { code: 'QXJ', name: '示范市气象局', kind: 'department', region: DEMO_CITY, creditPrefix: '11' },
  { code: 'MZJ', name: '示范市民政局', kind: 'department', region: DEMO_CITY, creditPrefix: '11' },
  {
    code: 'ZRZYJ',
    name: '示范市自然资源和规划局',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  {
    code: 'ZJJ',
    name: '示范市住房和城乡建设局',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  {
    code: 'SWJ',
    name: '国家税务总局示范市税务局',
    kind: 'department',
    region: DEMO_CITY,
    creditPrefix: '11',
  },
  {
    code: 'SWJT',
    name: '示范市水务集团有限公司',
    kind: 'utility',
    region: DEMO_CITY,
    creditPrefix: '91',
  },
  { code: 'GDGS', name: '示范市供电公司', kind: 'utility', region: DEMO_CITY, creditPrefix: '91' },
  {
    code: 'RQGS',
    name: '示范市燃气有限公司',
    kind: 'utility',
    region: DEMO_CITY,
    creditPrefix: '91',
  },
  {
    code: 'GJJ',
    name: '示范市住房公积金管理中心',
    kind: 'public_org',
    region: DEMO_CITY,
    creditPrefix: '12',
  },
];

/** A synthetic but valid GB 32100 code: prefix, region, 9-character organisation code, check character. */
export function syntheticCreditCode(prefix: string, region: string, serial: number): string {
  const first17 = `${prefix}${region}MA${String(serial).padStart(7, '0')}`;
  return first17 + (creditCodeCheckCharacter(first17) ?? '');
}

export async function isDatabaseEmpty(services: Services): Promise<boolean> {
  const row = await services.db.kysely
    .selectFrom('regions')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count) === 0;
}

/** Loads the demo jurisdiction; refuses a database that already holds regions. */
export async function loadDemo(
  services: Services,
  options: { data?: DemoDataScale; progress?: (line: string) => void } = {},
): Promise<{ users: typeof DEMO_USERS }> {
  if (!(await isDatabaseEmpty(services))) {
    throw new Error(
      'the database is not empty; the demo jurisdiction is loaded only into an empty database',
    );
  }
  const actor: Actor = { type: 'system', name: 'govdx demo' };
  const run = (name: string, input: unknown) =>
    runAction(services, getAction(name), input, { actor });
  await run('region.create', {
    code: DEMO_PROVINCE,
    name: '示范省',
    level: 'province',
    settings: REGION_PRESETS.ningxia,
  });
  await run('region.create', {
    code: DEMO_CITY,
    name: '示范市',
    level: 'city',
    parentCode: DEMO_PROVINCE,
    settings: REGION_PRESETS.shenyang,
  });
  await run('region.create', {
    code: '990102',
    name: '示范市中心区',
    level: 'county',
    parentCode: DEMO_CITY,
  });
  let serial = 1;
  for (const org of DEMO_ORGS) {
    await run('org.create', {
      code: org.code,
      name: org.name,
      kind: org.kind,
      regionCode: org.region,
      creditCode: syntheticCreditCode(org.creditPrefix, org.region, serial++),
    });
  }
  for (const user of DEMO_USERS) {
    await run('user.create', { ...user, password: DEMO_PASSWORD });
  }
  // The demo catalog (issue 3): every entry compiled, submitted and published through the actions.
  for (const entry of DEMO_CATALOG_ENTRIES) {
    const { code } = (await run('catalog.resource.create', entry)) as { code: string };
    await run('catalog.resource.submit', { code });
    await run('catalog.resource.publish', { code, comment: '示范数据' });
  }
  // The open portal (issue 7): the data use agreement, a verified company account, a showcase entry.
  await loadOpenDemo(services);
  // Aggregated data (issue 4): tests load none unless they ask; `govdx demo` and `npm start` all.
  const data = options.data ?? 'none';
  const loaded = await loadDemoData(services, data, options.progress);
  if (data !== 'none') {
    // The problem-data loop (R3.5) in each of its states, one of them fixed by a re-aggregation.
    await loadDemoProblemReports(services);
    const household = loaded.find((entry) => entry.name === '户籍人口信息');
    if (household) await loadFixedProblemReport(services, household.resource);
    // Sharing (issue 5): grants, requests in each state, a dispute, a scenario, and real API calls.
    await loadDemoSharing(services);
  }
  return { users: DEMO_USERS };
}

export function describeDemoLogins(): string {
  const lines = DEMO_USERS.map(
    (user) =>
      `  ${user.username.padEnd(16)} ${user.role.padEnd(16)} ${user.orgCode.padEnd(6)} ${user.displayName}`,
  );
  return [`Demo logins (password for all: ${DEMO_PASSWORD}):`, ...lines].join('\n');
}
