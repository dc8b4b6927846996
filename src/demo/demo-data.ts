import { Readable } from 'node:stream';
import { getAction } from '../actions.ts';
import type { Actor } from '../core/actor.ts';
import { runAction } from '../core/run-action.ts';
import type { Services } from '../core/services.ts';
import { citizenIdCheckCharacter } from '../core/validators/citizen-id.ts';
import { creditCodeCheckCharacter } from '../core/validators/credit-code.ts';

/**
 * Synthetic, internally consistent data for the demo catalog (issue 4, Demo): a population register,
 * legal persons with their business licences, credit records and e-licences, loaded through the real
 * ingestion action (NDJSON streamed into `aggregation.ingest`). Everything is generated from a
 * seeded PRNG: ID numbers and credit codes are valid (GB 11643, GB 32100) but belong to the
 * fictitious region 99 (示范省), so they can never be a real person's or company's.
 */

export type DemoDataScale = 'full' | 'sample' | 'none';

const SIZES: Record<Exclude<DemoDataScale, 'none'>, Record<string, number>> = {
  full: {
    persons: 200_000,
    companies: 50_000,
    idLicences: 20_000,
    penalties: 5_000,
    anomalies: 3_000,
    vehicles: 30_000,
    weatherHours: 24 * 90,
  },
  sample: {
    persons: 2_000,
    companies: 500,
    idLicences: 200,
    penalties: 50,
    anomalies: 30,
    vehicles: 300,
    weatherHours: 24 * 7,
  },
};

/** mulberry32: a small seeded PRNG, so that every demo load produces the same data. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯晨瑞博文鑫鹏辉俊健波帆然欣怡佳琪梓涵子轩雨萱思远一诺梦瑶';
const DISTRICTS = [
  {
    code: '990102',
    name: '示范市中心区',
    streets: ['人民路', '解放路', '中山路', '建设路', '和平街'],
  },
  {
    code: '990100',
    name: '示范市',
    streets: ['新华路', '滨江大道', '文化路', '学府路', '工业大道'],
  },
];
const COMPANY_WORDS = '华信达通恒泰鑫源宏远创新科技智能数字绿色安康盛世金桥博远瑞丰天成';
const INDUSTRIES = [
  '科技',
  '贸易',
  '建设',
  '物流',
  '餐饮',
  '医药',
  '文化传媒',
  '环保',
  '农业',
  '信息技术',
];
const COMPANY_TYPES = ['有限责任公司', '股份有限公司', '个人独资企业', '合伙企业', '分公司'];

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function name(random: () => number): string {
  const surname = SURNAMES[Math.floor(random() * SURNAMES.length)]!;
  const length = random() < 0.6 ? 2 : 1;
  let given = '';
  for (let i = 0; i < length; i++) given += GIVEN[Math.floor(random() * GIVEN.length)]!;
  return surname + given;
}

/** Person i: a unique, valid citizen ID (birth day from i, serial from i's block). */
export function demoCitizenId(index: number): { id: string; birth: string; gender: string } {
  const days = 29_000; // about 80 years of birth dates
  const birth = new Date(Date.UTC(1945, 0, 1) + (index % days) * 86_400_000);
  const serial = Math.floor(index / days) * 2 + 1 + (index % 2 === 0 ? 1 : 0);
  const region = DISTRICTS[index % 2]!.code;
  const first17 = `${region}${isoDate(birth).replace(/-/g, '')}${pad(serial % 1000, 3)}`;
  // The 17th digit's parity is the gender (GB 11643): odd men, even women.
  const gender = Number(first17[16]) % 2 === 1 ? '男' : '女';
  return { id: first17 + citizenIdCheckCharacter(first17), birth: isoDate(birth), gender };
}

/** Company i: a valid GB 32100 code (91 enterprise, region 990100, organisation code MA + serial). */
export function demoCreditCode(index: number): string {
  const first17 = `91990100MB${pad(index, 7)}`;
  return first17 + creditCodeCheckCharacter(first17);
}

function* persons(count: number): Generator<Record<string, unknown>> {
  const random = prng(20260101);
  for (let i = 0; i < count; i++) {
    const { id, birth, gender } = demoCitizenId(i);
    const district = DISTRICTS[i % 2]!;
    const registered = new Date(
      Date.parse(`${birth}T00:00:00Z`) + Math.floor(random() * 3650) * 86_400_000,
    );
    const status = random() < 0.97 ? '正常' : pick(random, ['死亡', '迁出', '注销']);
    yield {
      id_card_no: id,
      person_name: name(random),
      gender,
      ethnicity_code: random() < 0.9 ? '01' : pad(2 + Math.floor(random() * 55), 2),
      birth_date: birth,
      birthplace_region_code: district.code,
      household_address: `${district.name}${pick(random, district.streets)}${1 + Math.floor(random() * 300)}号${1 + Math.floor(random() * 20)}栋${1 + Math.floor(random() * 30)}0${1 + Math.floor(random() * 4)}室`,
      household_no: pad(100_000_000 + Math.floor(i / 3), 9),
      relation_to_head: i % 3 === 0 ? '户主' : pick(random, ['配偶', '子女', '父母']),
      registered_on: isoDate(registered > new Date() ? new Date(Date.UTC(2020, 0, 1)) : registered),
      person_status: status,
      updated_at: '2026-10-31 18:00:00',
    };
  }
}

interface Company {
  creditCode: string;
  name: string;
  established: string;
  legalRep: string;
  domicile: string;
}

function company(index: number, random: () => number): Company {
  const word = () => COMPANY_WORDS[Math.floor(random() * COMPANY_WORDS.length)]!;
  const district = DISTRICTS[index % 2]!;
  return {
    creditCode: demoCreditCode(index + 1),
    name: `示范市${word()}${word()}${pick(random, INDUSTRIES)}有限公司${pad(index + 1, 5)}`,
    established: isoDate(
      new Date(Date.UTC(1995, 0, 1) + Math.floor(random() * 11_000) * 86_400_000),
    ),
    legalRep: name(random),
    domicile: `${district.name}${pick(random, district.streets)}${1 + Math.floor(random() * 500)}号`,
  };
}

function companies(count: number): Company[] {
  const random = prng(20260202);
  return Array.from({ length: count }, (_, index) => company(index, random));
}

function* legalPersons(list: Company[]): Generator<Record<string, unknown>> {
  const random = prng(3);
  for (const entry of list) {
    yield {
      credit_code: entry.creditCode,
      company_name: entry.name,
      company_type: pick(random, COMPANY_TYPES),
      legal_rep_name: entry.legalRep,
      registered_capital: (Math.floor(random() * 1000) * 10_000 + 100_000).toFixed(2),
      established_on: entry.established,
      domicile: entry.domicile,
      business_scope: `${pick(random, INDUSTRIES)}技术开发、技术咨询；${pick(random, INDUSTRIES)}产品销售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）`,
      registration_authority: '示范市市场监督管理局',
      registration_status: random() < 0.92 ? '存续' : pick(random, ['吊销', '注销']),
      approved_on: entry.established,
    };
  }
}

function* businessLicences(list: Company[]): Generator<Record<string, unknown>> {
  for (const [index, entry] of list.entries()) {
    yield {
      licence_no: `YYZZ-990100-${pad(index + 1, 8)}`,
      credit_code: entry.creditCode,
      entity_name: entry.name,
      entity_type: '有限责任公司',
      legal_rep_name: entry.legalRep,
      domicile: entry.domicile,
      established_on: entry.established,
      issued_on: entry.established,
    };
  }
}

function* idCardLicences(count: number): Generator<Record<string, unknown>> {
  const random = prng(4);
  for (let i = 0; i < count; i++) {
    const { id, birth, gender } = demoCitizenId(i * 7);
    const from = 2015 + Math.floor(random() * 10);
    yield {
      licence_no: `SFZ-${id}`,
      id_card_no: id,
      person_name: name(random),
      gender,
      birth_date: birth,
      address: `示范市中心区${pick(random, DISTRICTS[0]!.streets)}${1 + Math.floor(random() * 300)}号`,
      issuer: '示范市公安局中心分局',
      valid_from: `${from}-0${1 + Math.floor(random() * 9)}-15`,
      valid_until: `${from + 20}-0${1 + Math.floor(random() * 9)}-15`,
      licence_status: random() < 0.98 ? '有效' : '挂失',
    };
  }
}

function* penalties(count: number, list: Company[]): Generator<Record<string, unknown>> {
  const random = prng(5);
  for (let i = 0; i < count; i++) {
    const entry = list[Math.floor(random() * list.length)]!;
    const type = pick(random, ['警告', '罚款', '没收违法所得', '其他'] as const);
    const decided = isoDate(
      new Date(Date.UTC(2021, 0, 1) + Math.floor(random() * 2000) * 86_400_000),
    );
    yield {
      decision_no: `示市监处罚〔${decided.slice(0, 4)}〕${pad(i + 1, 5)}号`,
      party_name: entry.name,
      credit_code: entry.creditCode,
      violation_type: pick(random, ['虚假宣传', '无照经营', '产品质量不合格', '未按规定公示信息']),
      facts: '经查，当事人存在上述违法行为，事实清楚，证据确凿。',
      legal_basis: '《中华人民共和国行政处罚法》',
      penalty_type: type,
      fine_amount: type === '罚款' ? (Math.floor(random() * 200) * 500 + 1000).toFixed(2) : null,
      decided_on: decided,
      authority_name: '示范市市场监督管理局',
      publish_until: isoDate(new Date(Date.parse(`${decided}T00:00:00Z`) + 3 * 365 * 86_400_000)),
    };
  }
}

const VIN_ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * Vehicle i of 机动车登记信息 (a conditional resource, R4.4): owners are demo persons, so that a
 * consumer can look a vehicle up by plate and verify its owner.
 */
function* vehicles(count: number, persons: number): Generator<Record<string, unknown>> {
  const random = prng(20260301);
  for (let i = 0; i < count; i++) {
    const owner = demoCitizenId((i * 7) % persons);
    let vin = '';
    for (let c = 0; c < 17; c++) vin += pick(random, [...VIN_ALPHABET]);
    yield {
      plate_no: `示${PLATE_LETTERS[i % PLATE_LETTERS.length]}${pad(i, 5)}`,
      plate_type: random() < 0.9 ? '02' : '01',
      vin,
      vehicle_type: pick(random, ['小型轿车', '小型普通客车', '轻型货车', '中型客车']),
      use_character: random() < 0.85 ? '非营运' : pick(random, ['营运', '出租客运', '货运']),
      owner_name: name(random),
      owner_id_no: owner.id,
      first_registered_on: isoDate(new Date(Date.UTC(2010 + (i % 16), i % 12, 1 + (i % 28)))),
      vehicle_status: random() < 0.95 ? '正常' : pick(random, ['转出', '报废', '注销']),
    };
  }
}

function* anomalies(count: number, list: Company[]): Generator<Record<string, unknown>> {
  const random = prng(6);
  for (let i = 0; i < count; i++) {
    const entry = list[(i * 13) % list.length]!;
    yield {
      listing_decision_no: `示市监异〔2025〕${pad(i + 1, 5)}号`,
      credit_code: entry.creditCode,
      company_name: entry.name,
      listing_reason: pick(random, [
        '未按规定报送年度报告',
        '通过登记的住所无法联系',
        '公示信息隐瞒真实情况',
      ]),
      listed_on: isoDate(new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 600) * 86_400_000)),
      authority_name: '示范市市场监督管理局',
    };
  }
}

const WEATHER_STATIONS = ['59001', '59002', '59003', '59004', '59005'];

/**
 * Hourly observations of the automatic weather stations (open data, issue 7): a daily temperature
 * cycle with noise, occasional rain, ending at a fixed hour so that every demo load is the same.
 */
function* weatherObservations(hours: number): Generator<Record<string, unknown>> {
  const random = prng(59001);
  const end = Date.UTC(2026, 9, 31, 16); // 2026-11-01 00:00 China time
  for (let h = hours; h > 0; h--) {
    const at = new Date(end - h * 3_600_000);
    const chinaHour = (at.getUTCHours() + 8) % 24;
    for (const [index, station] of WEATHER_STATIONS.entries()) {
      const raining = random() < 0.08;
      yield {
        station_id: station,
        observed_at: new Date(at.getTime() + 8 * 3_600_000)
          .toISOString()
          .slice(0, 19)
          .replace('T', ' '),
        temperature:
          Math.round(
            (12 +
              6 * Math.sin(((chinaHour - 9) / 24) * 2 * Math.PI) -
              index * 0.4 +
              (random() - 0.5) * 2) *
              10,
          ) / 10,
        precipitation: raining ? Math.round(random() * 80) / 10 : 0,
        humidity: Math.round(55 + random() * 35),
        wind_speed: Math.round(random() * 60) / 10,
        wind_direction: Math.floor(random() * 360),
        pressure: Math.round((1012 + (random() - 0.5) * 12) * 10) / 10,
        visibility: Math.round(5000 + random() * 25000),
      };
    }
  }
}

/** NDJSON text of records, in chunks, as a stream: what a department system would push. */
function ndjson(records: Iterable<Record<string, unknown>>): Readable {
  function* chunks() {
    let chunk = '';
    let count = 0;
    for (const record of records) {
      chunk += `${JSON.stringify(record)}\n`;
      if (++count % 2000 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(chunks());
}

export interface DemoDataSummary {
  resource: string;
  name: string;
  rows: number;
  batchId: string;
}

/**
 * Loads the demo data sets into the published demo resources by name. Returns what was loaded.
 * `progress` receives a line per data set (the CLI prints it).
 */
export async function loadDemoData(
  services: Services,
  scale: DemoDataScale,
  progress: (line: string) => void = () => undefined,
): Promise<DemoDataSummary[]> {
  if (scale === 'none') return [];
  const size = SIZES[scale];
  const actor: Actor = { type: 'system', name: 'govdx demo' };
  const codes = new Map(
    (
      await services.db.kysely
        .selectFrom('resources')
        .innerJoin('resource_versions', (join) =>
          join
            .onRef('resource_versions.resource_id', '=', 'resources.id')
            .onRef('resource_versions.version', '=', 'resources.live_version'),
        )
        .select(['resources.code', 'resource_versions.name'])
        .execute()
    ).map((row) => [row.name, row.code]),
  );
  const list = companies(size.companies!);
  const sets: [string, string, Iterable<Record<string, unknown>>][] = [
    ['户籍人口信息', 'replace', persons(size.persons!)],
    ['企业法人登记信息', 'replace', legalPersons(list)],
    ['营业执照电子证照', 'replace', businessLicences(list)],
    ['居民身份证电子证照', 'replace', idCardLicences(size.idLicences!)],
    ['行政处罚信用信息', 'replace', penalties(size.penalties!, list)],
    ['经营异常名录信息', 'replace', anomalies(size.anomalies!, list)],
    ['机动车登记信息', 'replace', vehicles(size.vehicles!, size.persons!)],
    ['逐小时天气实况数据', 'replace', weatherObservations(size.weatherHours!)],
  ];
  const summary: DemoDataSummary[] = [];
  for (const [resourceName, mode, records] of sets) {
    const code = codes.get(resourceName);
    if (!code) throw new Error(`demo resource ${resourceName} is missing`);
    const started = Date.now();
    const result = (await runAction(
      services,
      getAction('aggregation.ingest'),
      {
        code,
        mode,
        format: 'ndjson',
        name: `demo-${resourceName}.ndjson`,
        maxRejectedPercent: 0,
        file: ndjson(records),
      },
      { actor },
    )) as { batch: { id: string; rowsInserted: number } };
    summary.push({
      resource: code,
      name: resourceName,
      rows: result.batch.rowsInserted,
      batchId: result.batch.id,
    });
    progress(
      `  ${code.padEnd(14)} ${resourceName.padEnd(12)} ${String(result.batch.rowsInserted).padStart(8)} rows ${Date.now() - started} ms`,
    );
  }
  return summary;
}

/**
 * A problem report closed as fixed (R3.5): 市场监管局 reports a wrong household address of a person
 * in the register, 公安局 re-aggregates the corrected record (an upsert batch) and closes the report
 * with that batch.
 */
export async function loadFixedProblemReport(
  services: Services,
  householdCode: string,
): Promise<void> {
  const actor: Actor = { type: 'system', name: 'govdx demo' };
  const run = async <T>(name: string, input: unknown) =>
    (await runAction(services, getAction(name), input, { actor })) as T;
  const person = [...persons(43)][42]!;
  const { code } = await run<{ code: string }>('problem.report', {
    reporterOrgCode: 'SCJGJ',
    resourceCode: householdCode,
    category: 'error',
    urgency: 'normal',
    description: `企业登记核验时发现公民身份号码 ${String(person.id_card_no)} 的户籍地址门牌号有误（应为 88 号），请核实更正。`,
    recordKeys: [{ id_card_no: person.id_card_no }],
  });
  const corrected = { ...person, household_address: '示范市中心区人民路88号1栋101室' };
  const { batch } = await run<{ batch: { id: string } }>('aggregation.ingest', {
    code: householdCode,
    mode: 'upsert',
    format: 'ndjson',
    name: `demo-更正-${code}.ndjson`,
    file: ndjson([corrected]),
  });
  await run('problem.resolve', {
    code,
    resolution: 'fixed',
    batchId: batch.id,
    note: '已核实户籍档案并更正门牌号，重新归集。',
  });
}
