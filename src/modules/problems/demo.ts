import { getAction } from '../../actions.ts';
import type { Actor } from '../../core/actor.ts';
import { runAction } from '../../core/run-action.ts';
import type { Services } from '../../core/services.ts';
import { citizenIdCheckCharacter } from '../../core/validators/citizen-id.ts';
import { creditCodeCheckCharacter } from '../../core/validators/credit-code.ts';
import { loadUserActor } from '../auth/credential-cache.ts';

/**
 * Demo problem reports (R3.5) between the demo departments, one in each state of the loop: open,
 * open and urgent, answered (confirmed correct), reopened, and closed. Made through the actions by
 * the demo users (公安局 GAJ provides population data, 市场监管局 SCJGJ legal-person data) and, for
 * 人社局 RSJ, which has no demo user, by the platform operator on its behalf. Needs the demo
 * jurisdiction and catalog (src/demo/demo.ts). A "fixed" answer needs a succeeded ingestion batch and
 * is left to the ingestion demo. Identity and credit codes are synthetic (region 99xxxx).
 */
const SYSTEM: Actor = { type: 'system', name: 'govdx demo' };

const idNumber = (first17: string) => first17 + (citizenIdCheckCharacter(first17) ?? '');
const creditCode = (first17: string) => first17 + (creditCodeCheckCharacter(first17) ?? '');

export async function loadDemoProblemReports(services: Services): Promise<{ codes: string[] }> {
  const run = async <T>(actor: Actor, name: string, input: unknown): Promise<T> =>
    (await runAction(services, getAction(name), input, { actor })) as T;

  // The demo users, as a console session would present them.
  const { items: users } = await run<{ items: { id: string; username: string }[] }>(
    SYSTEM,
    'user.list',
    {},
  );
  const userActor = async (username: string): Promise<Actor> => {
    const user = users.find((u) => u.username === username);
    // Resolving a user to an actor is the credential layer's one read outside an action.
    const actor = user ? await loadUserActor(services.db.kysely, user.id) : null;
    if (!actor) throw new Error(`demo user ${username} is missing; load the demo first`);
    return actor;
  };
  const gaj = await userActor('gaj_admin');
  const scjgj = await userActor('scjgj_admin');

  // Published demo entries, found by provider and name.
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
  const household = await codeOf('GAJ', '户籍人口信息');
  const residents = await codeOf('GAJ', '常住人口基本信息');
  const migrants = await codeOf('GAJ', '流动人口居住登记信息');
  const idLicence = await codeOf('GAJ', '居民身份证电子证照');
  const companies = await codeOf('SCJGJ', '企业法人登记信息');

  const report = async (actor: Actor, input: Record<string, unknown>) =>
    (await run<{ code: string }>(actor, 'problem.report', input)).code;
  const codes: string[] = [];

  // 1. Open, normal: 市场监管局 found a wrong household address while verifying a registration.
  codes.push(
    await report(scjgj, {
      resourceCode: household,
      category: 'error',
      urgency: 'normal',
      description:
        '企业设立登记核验时发现该公民户籍地址为“示范市中心区幸福路 12 号”，与本人提供的户口簿（幸福路 21 号）不一致，请核实更正。',
      recordKeys: [{ id_card_no: idNumber('99010219850312123') }],
      contact: '登记注册科 0999-01009001',
    }),
  );

  // 2. Open, urgent: 人社局 misses newly settled residents, which holds up benefit payments.
  codes.push(
    await report(SYSTEM, {
      reporterOrgCode: 'RSJ',
      resourceCode: residents,
      category: 'omission',
      urgency: 'urgent',
      description:
        '社保待遇资格认证时发现 2 名本月新落户人员在常住人口基本信息中缺失，影响养老金按时发放，请尽快补录。',
      recordKeys: [
        { id_card_no: idNumber('99010219560708234') },
        { id_card_no: idNumber('99010219581120345') },
      ],
    }),
  );

  // 3. Answered as confirmed correct: 公安局 questioned a registered capital, 市场监管局 checked it.
  const checked = await report(gaj, {
    resourceCode: companies,
    category: 'error',
    urgency: 'normal',
    description: '治安许可审批中发现该企业注册资本与企业提交的营业执照复印件不一致，请核实。',
    recordKeys: [{ credit_code: creditCode('91990100MA0000123') }],
  });
  await run(scjgj, 'problem.resolve', {
    code: checked,
    resolution: 'confirmed_correct',
    note: '经核对登记档案，该企业已于上月办理增资变更登记，目录数据为变更后的注册资本，准确无误；企业提交的是变更前的执照复印件。',
  });
  codes.push(checked);

  // 4. Reopened: the answer did not settle 市场监管局's question.
  const disputed = await report(scjgj, {
    resourceCode: migrants,
    category: 'error',
    urgency: 'normal',
    description: '个体工商户登记时发现该居住证的有效期与证件原件不符，请核实。',
    recordKeys: [{ residence_permit_no: '9901022024000123' }],
  });
  await run(gaj, 'problem.resolve', {
    code: disputed,
    resolution: 'consultation',
    note: '已与贵局登记注册科电话沟通，居住证签注后有效期以系统记录为准。',
  });
  await run(scjgj, 'problem.reopen', {
    code: disputed,
    reason:
      '申请人持有的居住证原件已签注延期至 2027 年，系统记录仍为 2026 年，请派出所核实签注记录。',
  });
  codes.push(disputed);

  // 5. Closed: an infringement report settled by consultation and accepted.
  const privacy = await report(SYSTEM, {
    reporterOrgCode: 'RSJ',
    resourceCode: idLicence,
    category: 'infringement',
    urgency: 'urgent',
    description:
      '电子证照调用接口返回了证件照片原图，超出社保业务所需范围，存在个人隐私泄露风险，请调整共享字段。',
  });
  await run(gaj, 'problem.resolve', {
    code: privacy,
    resolution: 'consultation',
    note: '经协商，自即日起向人社业务只提供照片摘要值和核验结果，不再提供照片原图。',
  });
  await run(SYSTEM, 'problem.accept', { code: privacy, comment: '已确认接口调整' });
  codes.push(privacy);

  return { codes };
}
