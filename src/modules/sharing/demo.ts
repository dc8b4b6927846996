import { getAction } from '../../actions.ts';
import type { Actor } from '../../core/actor.ts';
import { runAction } from '../../core/run-action.ts';
import type { Services } from '../../core/services.ts';
import { demoCitizenId } from '../../demo/demo-data.ts';
import { loadUserActor } from '../auth/credential-cache.ts';

/**
 * The demo's sharing (issue 5), made through the actions so that the console opens on real state:
 * 市场监管局 holds a grant on the population register (R4.3) and a system token that has used it;
 * 交通运输局's request for vehicle data waits in 公安局's inbox (R4.4); 市场监管局's own request for it
 * was approved with masking; 人社局's was refused and is disputed before the authority (R4.6); the
 * authority has authorized one scenario (R4.5). Needs the demo jurisdiction, catalog and data.
 */
const SYSTEM: Actor = { type: 'system', name: 'govdx demo' };

export async function loadDemoSharing(services: Services): Promise<void> {
  const run = async <T>(actor: Actor, name: string, input: unknown): Promise<T> =>
    (await runAction(services, getAction(name), input, { actor })) as T;
  const userActor = async (username: string): Promise<Actor> => {
    const { items } = await run<{ items: { id: string; username: string }[] }>(
      SYSTEM,
      'user.list',
      {},
    );
    const user = items.find((u) => u.username === username);
    // Resolving a user to an actor is the credential layer's one read outside an action.
    const actor = user ? await loadUserActor(services.db.kysely, user.id) : null;
    if (!actor) throw new Error(`demo user ${username} is missing; load the demo first`);
    return actor;
  };
  const codeOf = async (orgCode: string, name: string): Promise<string> => {
    const { items } = await run<{ items: { code: string; name: string }[] }>(
      SYSTEM,
      'catalog.resource.list',
      { orgCode, status: 'published', limit: 500 },
    );
    const entry = items.find((item) => item.name === name);
    if (!entry) throw new Error(`demo catalog entry ${orgCode} ${name} is missing`);
    return entry.code;
  };
  const gaj = await userActor('gaj_admin');
  const scjgj = await userActor('scjgj_admin');
  const admin = await userActor('admin');
  const household = await codeOf('GAJ', '户籍人口信息');
  const vehicles = await codeOf('GAJ', '机动车登记信息');
  const insurance = await codeOf('RSJ', '社会保险参保信息');

  // 市场监管局's company-registration system, and its grant on the population register.
  const { token, secret } = await run<{ token: { id: string }; secret: string }>(
    SYSTEM,
    'token.create',
    { orgCode: 'SCJGJ', name: '企业登记系统' },
  );
  void secret; // shown once to whoever creates a token; the demo keeps none
  const population = await run<{ id: string }>(scjgj, 'share.grant.obtain', {
    resourceCode: household,
    items: [
      'id_card_no',
      'person_name',
      'gender',
      'birth_date',
      'household_address',
      'person_status',
    ],
    operations: ['lookup', 'verify'],
    purpose: '企业设立登记时核验法定代表人和股东身份',
    scenario: '企业开办一网通办',
    legalBasis: '《中华人民共和国市场主体登记管理条例》第十三条',
    tokenId: token.id,
  });
  // The system's calls: lookups and verifications by clerks, and two refused attempts beyond the grant.
  const scjgjOrg = scjgj.type === 'user' ? scjgj.memberships[0] : undefined;
  if (!scjgjOrg) throw new Error('demo user scjgj_admin has no organisation');
  // The token as the credential layer presents it to actions.
  const system: Actor = {
    type: 'token',
    id: token.id,
    name: '企业登记系统',
    orgId: scjgjOrg.orgId,
    orgCode: scjgjOrg.orgCode,
    regionPath: scjgjOrg.regionPath,
  };
  const clerks = ['张科员', '李科员', '王科员'];
  for (let i = 0; i < 120; i++) {
    await run(system, 'share.data.lookup', {
      code: household,
      key: demoCitizenId(i * 13).id,
      grantId: population.id,
      endUser: clerks[i % clerks.length],
      caseRef: `QY-2026-${String(1000 + i).padStart(6, '0')}`,
    });
  }
  await run(system, 'share.data.verify', {
    code: household,
    grantId: population.id,
    endUser: '张科员',
    caseRef: 'QY-2026-009999',
    records: Array.from({ length: 50 }, (_, i) => ({
      id_card_no: demoCitizenId(i).id,
      gender: demoCitizenId(i).gender,
    })),
  });
  for (const fields of [['former_name'], ['mobile']]) {
    // Refused (SHARE_ITEM_NOT_GRANTED), as the access log and the usage page then show.
    await run(system, 'share.data.query', {
      code: household,
      grantId: population.id,
      fields,
      filters: [],
      limit: 10,
    }).catch(() => undefined);
  }

  const vehicleRequest = {
    resourceCode: vehicles,
    items: [
      'plate_no',
      'plate_type',
      'vehicle_type',
      'use_character',
      'owner_name',
      'owner_id_no',
      'vehicle_status',
    ],
    operations: ['lookup', 'verify'],
    businessProcess: '受理道路运输经营许可申请时，按号牌核查申请车辆的登记状态和所有人',
    legalBasis: '《中华人民共和国道路运输条例》第二十四条',
    periodTo: `${new Date().getUTCFullYear() + 1}-12-31`,
    deliveryMethod: 'interface',
    contactName: '赵工',
    contactPhone: '024-88880000',
  };
  // Pending in 公安局's inbox, with its working-day countdown.
  await run(SYSTEM, 'share.request.create', {
    ...vehicleRequest,
    consumerOrgCode: 'JTJ',
    purpose: '道路运输经营许可车辆核查',
    scenario: '道路运输经营许可',
  });
  // Approved with the provider's masking.
  const approved = await run<{ code: string }>(scjgj, 'share.request.create', {
    ...vehicleRequest,
    items: [
      'plate_no',
      'plate_type',
      'vehicle_type',
      'owner_name',
      'owner_id_no',
      'vehicle_status',
    ],
    purpose: '查处无照经营时核查经营车辆',
    scenario: '市场监管执法',
    businessProcess: '办理无照经营案件时，按号牌核查涉案车辆的登记状态和所有人',
    legalBasis: '《无证无照经营查处办法》第十二条',
  });
  await run(gaj, 'share.request.approve', {
    code: approved.code,
    items: [
      'plate_no',
      'plate_type',
      'vehicle_type',
      'owner_name',
      'owner_id_no',
      'vehicle_status',
    ],
    masking: { owner_name: 'name', owner_id_no: 'id_number' },
    note: '所有人信息按脱敏规则提供',
  });
  // Refused, then disputed before the authority.
  const refused = await run<{ code: string }>(SYSTEM, 'share.request.create', {
    ...vehicleRequest,
    consumerOrgCode: 'RSJ',
    items: ['plate_no', 'owner_name', 'owner_id_no'],
    operations: ['lookup'],
    purpose: '核查社会救助对象名下车辆',
    scenario: '社会救助家庭经济状况核对',
    businessProcess: '审核最低生活保障申请时，核查申请家庭成员名下机动车',
    legalBasis: '《社会救助暂行办法》第十一条',
  });
  await run(gaj, 'share.request.refuse', {
    code: refused.code,
    reason: '按号牌核查不能满足按人查车的需要，且所有人信息不宜批量提供',
    legalBasis: '《中华人民共和国个人信息保护法》第六条',
  });
  await run(SYSTEM, 'share.dispute.create', {
    requestCode: refused.code,
    consumerOrgCode: 'RSJ',
    argument:
      '社会救助家庭经济状况核对是法定职责，需核查申请人名下车辆，请求主管部门协调按人核验。',
  });
  // An authorized scenario (R4.5): eligible departments verify insured status without a new review.
  await run(admin, 'share.scenario.create', {
    name: '人才引进资格核验',
    description: '人才引进落户和补贴审核时，核验申请人在本市的社会保险参保状态。',
    purpose: '人才引进资格审核',
    resources: [
      {
        resourceCode: insurance,
        items: ['id_card_no', 'insured_status'],
        operations: ['verify'],
      },
    ],
    consumerOrgCodes: ['GAJ', 'JYJ'],
  });
  await services.sharing.accessLog.flush();
}
