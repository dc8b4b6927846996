import { getAction } from '../../actions.ts';
import type { Actor } from '../../core/actor.ts';
import { runAction } from '../../core/run-action.ts';
import type { Services } from '../../core/services.ts';
import { creditCodeCheckCharacter } from '../../core/validators/credit-code.ts';
import type { AccountDto } from './accounts.ts';

/**
 * The demo's open portal (issue 7), made through the actions: version 1 of the data use agreement
 * (R5.5), one verified organisation account (R1.3) and one approved showcase entry (R5.8). Needs the
 * demo jurisdiction and catalog (src/demo/demo.ts). The company and its credit code are synthetic
 * (region 99xxxx, valid GB 32100 check character).
 */
const SYSTEM: Actor = { type: 'system', name: 'govdx demo' };

export const DEMO_COMPANY = {
  username: 'demo-company',
  password: 'Govdx@2026',
  displayName: '示范数据科技有限公司',
  orgName: '示范数据科技有限公司',
  email: 'opendata@demo-company.example',
} as const;

const first17 = '91990100MA0000001';
export const DEMO_COMPANY_CREDIT_CODE = first17 + (creditCodeCheckCharacter(first17) ?? '');

export const DEMO_AGREEMENT_TITLE = '示范市公共数据开放平台数据使用协议';

/** The agreement's text: what a conditional-data applicant accepts (R5.5, R5.8; LZ Art. 26, 27). */
export const DEMO_AGREEMENT_BODY = `${DEMO_AGREEMENT_TITLE}

本协议由示范市公共数据开放平台（以下简称“平台”）与申请使用有条件开放数据的用户（以下简称“使用方”）订立。使用方提交申请并勾选同意本协议，即视为已阅读、理解并接受以下全部条款。

第一条 用途限定
使用方仅可在申请中载明并经数据提供部门同意的用途和期限内使用数据，不得超出范围使用，不得用于任何违法违规活动。用途发生变化的，应重新提出申请。

第二条 禁止重新识别
使用方不得将数据与其他数据关联、比对或采用任何技术手段，试图识别特定自然人或者还原经脱敏、去标识化处理的信息；不得处理可能危害国家安全、公共利益或者侵犯个人隐私、商业秘密的内容。

第三条 安全保护措施
使用方应当落实申请中承诺的技术能力和安全措施，包括但不限于：访问控制与最小授权、数据加密存储和传输、操作日志记录、安全漏洞修补和人员保密管理，防止数据泄露、篡改、丢失或者被非法使用。

第四条 注明数据来源
使用方在基于本数据形成的产品、服务、研究报告或者论文中，应当以显著方式注明数据来源，例如：“数据来源：示范市公共数据开放平台，[数据提供部门]，[数据集名称]”。

第五条 禁止向第三方提供
未经数据提供部门书面同意，使用方不得以出售、转让、出租、共享、公开发布等任何方式向第三方提供原始数据或者可还原原始数据的衍生数据。

第六条 期满删除
使用期限届满、申请被撤销或者使用目的已经实现的，使用方应当在十个工作日内删除所获取的数据及其副本，并在平台要求时提交删除说明。

第七条 审计与可追溯
使用方知悉并同意，平台对数据的每次下载和接口调用进行记录，日志可供审计和追溯；使用方应当配合数据主管部门和数据提供部门的监督检查，如实提供数据使用情况。

第八条 违约责任
使用方违反本协议的，平台可以暂停或者终止其数据访问权限、撤销已批准的申请并记录不良信息；造成损失的，使用方依法承担赔偿责任；构成违法犯罪的，依法追究法律责任。

第九条 其他
平台发布新版本协议后，新的申请适用新版本；已批准的申请按其同意的版本执行。本协议适用中华人民共和国法律。`;

export async function loadOpenDemo(services: Services): Promise<void> {
  const run = async <T>(actor: Actor, name: string, input: unknown): Promise<T> =>
    (await runAction(services, getAction(name), input, { actor })) as T;

  await run(SYSTEM, 'open.agreement.publish', {
    title: DEMO_AGREEMENT_TITLE,
    body: DEMO_AGREEMENT_BODY,
  });

  // An organisation account waits for the authority's verification (R1.3); the demo's is verified.
  const account = await run<AccountDto>(SYSTEM, 'open.account.register', {
    kind: 'organisation',
    username: DEMO_COMPANY.username,
    password: DEMO_COMPANY.password,
    displayName: DEMO_COMPANY.displayName,
    email: DEMO_COMPANY.email,
    orgName: DEMO_COMPANY.orgName,
    creditCode: DEMO_COMPANY_CREDIT_CODE,
  });
  if (account.verification !== 'verified') {
    await run(SYSTEM, 'open.account.verify', {
      id: account.id,
      approve: true,
      note: '示范单位，营业执照已核验',
    });
  }
  const company: Actor = {
    type: 'public',
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    kind: account.kind,
    verified: true,
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
  const penalties = await codeOf('SCJGJ', '行政处罚信用信息');
  const abnormal = await codeOf('SCJGJ', '经营异常名录信息');
  const entry = await run<{ id: string }>(company, 'open.showcase.submit', {
    title: '企业信用速查',
    description:
      '面向中小企业和个人的信用查询小程序：汇总行政处罚和经营异常名录等开放数据，输入企业名称即可查看其信用记录，并在每条结果下注明数据来源。',
    url: 'https://credit.demo-company.example/',
    datasetCodes: [penalties, abnormal],
  });
  await run(SYSTEM, 'open.showcase.moderate', {
    id: entry.id,
    approve: true,
    note: '内容属实，已注明数据来源',
  });
}
