import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import rdf from '@zazuko/env-node';
import type { DatasetCore, Quad, Term } from '@rdfjs/types';
import SHACLValidator from 'rdf-validate-shacl';
import {
  fileTypeOf,
  openCatalogToJsonLd,
  openCatalogToTurtle,
  phoneToTelUri,
  type CatalogInfo,
  type PublishedResource,
} from './dcat.ts';
import type { ResourceContentDto } from './model.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const shapesDir = path.resolve(repoRoot, '../shared/dcat-ap-3.0.0');

const BASE = 'https://data.luzhou.gov.cn';
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const EU = 'http://publications.europa.eu/resource/authority/';

const info: CatalogInfo = {
  baseUrl: `${BASE}/`,
  regionCode: '510500',
  regionName: '泸州市',
  authority: { code: 'LZ-DSJ', name: '泸州市大数据中心' },
  title: '泸州市公共数据开放目录',
  description: '泸州市人民政府各部门依法开放的公共数据资源目录。',
};

function content(overrides: Partial<ResourceContentDto>): ResourceContentDto {
  return {
    classification: 'thematic',
    categoryPath: ['市场监管', '企业登记'],
    name: '示例数据',
    summary: '示例摘要',
    keywords: [],
    domains: [],
    contact: { name: '李明', phone: '0830-3191234' },
    businessMatter: '企业设立登记',
    systemName: '市场主体登记系统',
    relatedResources: [],
    formatCategory: 'database',
    storageFormat: 'MySQL',
    items: [],
    share: { class: 'unconditional', deliveryMethods: ['interface'] },
    open: { class: 'unconditional' },
    updateCycle: 'daily',
    ...overrides,
  };
}

const market = { code: 'LZ-SCJ', name: '泸州市市场监督管理局', creditCode: '11510500MB1540123X' };
const transport = { code: 'LZ-JTJ', name: '泸州市交通运输局', creditCode: null };
const health = { code: 'LZ-WJW', name: '泸州市卫生健康委员会', creditCode: '11510500008612345A' };

const resources: PublishedResource[] = [
  {
    code: 'JC-FR-000001',
    version: 3,
    publishedAt: '2024-03-01T09:00:00.000+08:00',
    updatedAt: '2024-06-15T16:30:00Z',
    provider: market,
    content: content({
      classification: 'base',
      baseKind: 'legal_person',
      name: '市场主体登记信息',
      summary:
        '本市登记的企业、个体工商户和农民专业合作社的名称、统一社会信用代码、登记状态等信息。',
      keywords: ['企业', '登记', '统一社会信用代码', '企业'],
      domains: ['company_registration', 'credit'],
      relatedResources: ['ZT-XY-000007', 'BM-WJ-000002'],
      releaseDate: '2024-03-01',
    }),
  },
  {
    code: 'ZT-JT-000003',
    version: 1,
    publishedAt: '2024-04-10T02:00:00Z',
    updatedAt: '2024-04-10T02:00:00Z',
    provider: transport,
    content: content({
      name: '公交线路与站点',
      summary: '全市公交线路、站点位置及首末班时间。',
      keywords: ['公交', '线路', '站点'],
      domains: ['transport'],
      contact: { name: '王芳', phone: '13800138000' },
      formatCategory: 'spreadsheet',
      storageFormat: 'xlsx',
      updateCycle: 'realtime',
    }),
  },
  {
    code: 'ZT-YL-000005',
    version: 2,
    publishedAt: '2024-02-20T01:00:00Z',
    updatedAt: '2024-05-01T01:00:00Z',
    provider: health,
    content: content({
      name: '医疗机构执业登记信息',
      summary: '全市医疗机构的名称、类别、执业地址和诊疗科目。',
      keywords: ['医疗机构', '执业登记'],
      domains: ['health', 'employment', 'social_security'],
      contact: { name: '赵强', phone: '12345' },
      formatCategory: 'spreadsheet',
      storageFormat: 'XLSX',
      open: {
        class: 'conditional',
        conditions: '申请人须具备数据安全保护能力并签署数据利用协议。',
      },
      updateCycle: 'half_yearly',
    }),
  },
  {
    code: 'BM-WJ-000002',
    version: 1,
    publishedAt: '2024-01-05T08:00:00Z',
    updatedAt: '2024-01-05T08:00:00Z',
    provider: health,
    content: content({
      classification: 'departmental',
      name: '年度卫生健康统计公报',
      summary: '全市年度卫生健康事业发展统计公报。',
      keywords: ['统计公报'],
      domains: [],
      contact: { name: '赵强', phone: '0830-3100000转801' },
      formatCategory: 'document',
      storageFormat: 'PDF',
      updateCycle: 'yearly',
    }),
  },
  {
    code: 'ZT-XY-000007',
    version: 1,
    publishedAt: '2024-01-05T08:00:00Z',
    updatedAt: '2024-01-05T08:00:00Z',
    provider: market,
    content: content({
      name: '企业信用风险分类结果',
      summary: '内部监管使用的企业信用风险分类结果，不予开放。',
      keywords: ['信用'],
      domains: ['credit'],
      open: { class: 'none' },
      share: { class: 'conditional', deliveryMethods: ['interface'] },
    }),
  },
];

type Dataset = Awaited<ReturnType<typeof parse>>;

async function parse(text: string, mediaType: 'application/ld+json' | 'text/turtle') {
  const quads = rdf.formats.parsers.import(mediaType, Readable.from([text]));
  if (!quads) throw new Error(`no parser for ${mediaType}`);
  return rdf.dataset().import(quads);
}

async function loadShapes(...files: string[]) {
  const shapes = rdf.dataset();
  for (const file of files) await shapes.import(rdf.fromFile(path.join(shapesDir, file)));
  return shapes;
}

const show = (term: Term | null | undefined) => (term ? term.value : '-');

async function validate(shapes: DatasetCore, data: DatasetCore) {
  const report = await new SHACLValidator(shapes, { factory: rdf }).validate(data);
  const results = report.results.map((result) => ({
    focus: show(result.focusNode),
    path: show(result.path as Term | null),
    severity: show(result.severity).replace('http://www.w3.org/ns/shacl#', 'sh:'),
    message: result.message.map((message) => message.value).join('; '),
  }));
  return { conforms: report.conforms, results };
}

function describeResults(
  results: { focus: string; path: string; severity: string; message: string }[],
) {
  return results.map((r) => `  ${r.severity} ${r.focus} ${r.path}: ${r.message}`).join('\n');
}

const node = (iri: string) => rdf.namedNode(iri);
function objects(data: Dataset, subject: string, predicate: string): Term[] {
  return [...data.match(node(subject), node(predicate))].map((quad: Quad) => quad.object);
}
function values(data: Dataset, subject: string, predicate: string): string[] {
  return objects(data, subject, predicate)
    .map((term) => term.value)
    .sort();
}
function without(data: Dataset, subject: string, predicate: string): Dataset {
  return rdf.dataset(
    [...data].filter((q) => !(q.subject.value === subject && q.predicate.value === predicate)),
  );
}

describe('DCAT-AP 3 open catalog', () => {
  let fromJsonLd: Dataset;
  let fromTurtle: Dataset;
  let mandatory: DatasetCore;
  let recommended: DatasetCore;

  before(async () => {
    const document = openCatalogToJsonLd(info, resources);
    const turtle = await openCatalogToTurtle(info, resources);
    // Both outputs are read back with parsers independent of the ones that wrote them
    // (jsonld-streaming-parser and @rdfjs/parser-n3).
    fromJsonLd = await parse(JSON.stringify(document), 'application/ld+json');
    fromTurtle = await parse(turtle, 'text/turtle');
    // shapes.ttl holds the mandatory constraints, range.ttl the classes of the properties' values.
    mandatory = await loadShapes('shapes.ttl', 'range.ttl');
    recommended = await loadShapes('shapes_recommended.ttl');
  });

  it('loads the shapes', () => {
    assert.ok(mandatory.size > 500, `shapes.ttl + range.ttl: only ${mandatory.size} triples`);
    assert.ok(recommended.size > 100, `shapes_recommended.ttl: only ${recommended.size} triples`);
  });

  it('JSON-LD conforms to the DCAT-AP 3.0.0 shapes (mandatory + range)', async () => {
    const { conforms, results } = await validate(mandatory, fromJsonLd);
    assert.equal(conforms, true, `DCAT-AP violations:\n${describeResults(results)}`);
  });

  it('Turtle conforms to the DCAT-AP 3.0.0 shapes (mandatory + range)', async () => {
    const { conforms, results } = await validate(mandatory, fromTurtle);
    assert.equal(conforms, true, `DCAT-AP violations:\n${describeResults(results)}`);
  });

  it('Turtle and JSON-LD describe the same graph', () => {
    assert.ok(fromJsonLd.size > 100, `only ${fromJsonLd.size} triples`);
    assert.equal(fromTurtle.size, fromJsonLd.size);
    assert.equal(fromTurtle.toCanonical(), fromJsonLd.toCanonical());
  });

  it('meets the recommended shapes except where the catalog entry has no such data', async (t) => {
    const { results } = await validate(recommended, fromJsonLd);
    for (const r of results) t.diagnostic(`recommended, not met: ${r.focus} ${r.path}`);
    // No temporal coverage and no geometry for the region in the catalog entry; conditional data has no
    // open licence (its terms are the access conditions).
    const expected = (r: (typeof results)[number]) =>
      r.path === `${DCT}temporal` ||
      r.path === `${DCAT}bbox` ||
      r.path === `${DCAT}centroid` ||
      (r.path === `${DCT}license` && r.focus.endsWith('/distributions/on-request'));
    assert.deepEqual(
      results.filter((r) => !expected(r)),
      [],
    );
  });

  it('a dataset without dct:title does not conform', async () => {
    const dataset = `${BASE}/datasets/JC-FR-000001`;
    const { conforms, results } = await validate(
      mandatory,
      without(fromJsonLd, dataset, `${DCT}title`),
    );
    assert.equal(conforms, false);
    assert.ok(results.some((r) => r.focus === dataset && r.path === `${DCT}title`));
  });

  it('a distribution without dcat:accessURL does not conform', async () => {
    const distribution = `${BASE}/datasets/ZT-JT-000003/distributions/csv`;
    const broken = without(fromTurtle, distribution, `${DCAT}accessURL`);
    const { conforms, results } = await validate(mandatory, broken);
    assert.equal(conforms, false);
    assert.ok(results.some((r) => r.focus === distribution && r.path === `${DCAT}accessURL`));
  });

  it('an untyped value and a plain-string date do not conform', async () => {
    const catalog = `${BASE}/catalog`;
    const broken = without(fromJsonLd, catalog, `${DCT}modified`);
    broken.add(rdf.quad(node(catalog), node(`${DCT}modified`), rdf.literal('2024-06-15')));
    // range.ttl: the frequency must be a dct:Frequency.
    const daily = `${EU}frequency/DAILY`;
    for (const quad of [...broken.match(node(daily), node(RDF_TYPE))]) broken.delete(quad);
    const { conforms, results } = await validate(mandatory, broken);
    assert.equal(conforms, false);
    assert.ok(results.some((r) => r.focus === catalog && r.path === `${DCT}modified`));
    assert.ok(results.some((r) => r.path === `${DCT}accrualPeriodicity`));
  });

  it('lists only the open resources', () => {
    const datasets = values(fromJsonLd, `${BASE}/catalog`, `${DCAT}dataset`);
    assert.deepEqual(datasets, [
      `${BASE}/datasets/BM-WJ-000002`,
      `${BASE}/datasets/JC-FR-000001`,
      `${BASE}/datasets/ZT-JT-000003`,
      `${BASE}/datasets/ZT-YL-000005`,
    ]);
    assert.equal(fromJsonLd.match(node(`${BASE}/datasets/ZT-XY-000007`)).size, 0);
    // The relation to the closed resource is dropped, the one to an open resource kept.
    assert.deepEqual(values(fromJsonLd, `${BASE}/datasets/JC-FR-000001`, `${DCT}relation`), [
      `${BASE}/datasets/BM-WJ-000002`,
    ]);
  });

  it('maps the catalog entry fields', () => {
    const ds = `${BASE}/datasets/JC-FR-000001`;
    assert.deepEqual(values(fromJsonLd, ds, `${DCT}identifier`), ['JC-FR-000001']);
    const [title] = objects(fromJsonLd, ds, `${DCT}title`);
    assert.ok(title?.termType === 'Literal');
    assert.equal(title.value, '市场主体登记信息');
    assert.equal(title.language, 'zh');
    assert.deepEqual(
      values(fromJsonLd, ds, `${DCAT}keyword`),
      ['企业', '登记', '统一社会信用代码'].sort(),
    );
    assert.deepEqual(values(fromJsonLd, ds, `${DCAT}theme`), [`${EU}data-theme/ECON`]);
    assert.deepEqual(values(fromJsonLd, ds, `${DCT}accrualPeriodicity`), [`${EU}frequency/DAILY`]);
    assert.deepEqual(values(fromJsonLd, ds, `${DCT}accessRights`), [`${EU}access-right/PUBLIC`]);
    assert.deepEqual(values(fromJsonLd, ds, `${DCT}spatial`), [`${BASE}/regions/510500`]);
    assert.deepEqual(values(fromJsonLd, ds, `${DCAT}landingPage`), [ds]);
    const [issued] = objects(fromJsonLd, ds, `${DCT}issued`);
    assert.ok(issued?.termType === 'Literal');
    assert.equal(issued.datatype.value, `${XSD}date`);
    assert.equal(issued.value, '2024-03-01');
    const [modified] = objects(fromJsonLd, ds, `${DCT}modified`);
    assert.ok(modified?.termType === 'Literal');
    assert.equal(modified.datatype.value, `${XSD}dateTime`);
    assert.equal(modified.value, '2024-06-15T16:30:00.000Z');

    const [publisher] = values(fromJsonLd, ds, `${DCT}publisher`);
    assert.equal(publisher, `${BASE}/organizations/LZ-SCJ`);
    assert.deepEqual(values(fromJsonLd, publisher, `${FOAF}name`), ['泸州市市场监督管理局']);
    assert.deepEqual(values(fromJsonLd, publisher, `${DCT}identifier`), ['11510500MB1540123X']);
    const transportAgent = `${BASE}/organizations/LZ-JTJ`;
    assert.deepEqual(values(fromJsonLd, transportAgent, `${DCT}identifier`), []);

    const [contact] = values(fromJsonLd, ds, `${DCAT}contactPoint`);
    assert.ok(contact);
    assert.deepEqual(values(fromJsonLd, contact, RDF_TYPE), [`${VCARD}Kind`]);
    assert.deepEqual(values(fromJsonLd, contact, `${VCARD}fn`), ['李明']);
    assert.deepEqual(values(fromJsonLd, contact, `${VCARD}hasTelephone`), ['tel:+868303191234']);

    const distributions = values(fromJsonLd, ds, `${DCAT}distribution`);
    assert.equal(distributions.length, 3);
    const formats = distributions.flatMap((d) => values(fromJsonLd, d, `${DCT}format`)).sort();
    assert.deepEqual(
      formats,
      ['CSV', 'JSON', 'XLSX'].map((f) => `${EU}file-type/${f}`),
    );
    for (const d of distributions) {
      assert.deepEqual(values(fromJsonLd, d, `${DCT}license`), [`${BASE}/licence`]);
      assert.equal(values(fromJsonLd, d, `${DCAT}downloadURL`).length, 1);
    }

    const catalog = `${BASE}/catalog`;
    assert.deepEqual(values(fromJsonLd, catalog, `${DCT}publisher`), [
      `${BASE}/organizations/LZ-DSJ`,
    ]);
    assert.deepEqual(values(fromJsonLd, catalog, `${DCT}language`), [`${EU}language/ZHO`]);
  });

  it('maps conditional open data to restricted access on application', () => {
    const ds = `${BASE}/datasets/ZT-YL-000005`;
    assert.deepEqual(values(fromJsonLd, ds, `${DCT}accessRights`), [
      `${EU}access-right/RESTRICTED`,
    ]);
    assert.deepEqual(values(fromJsonLd, ds, `${DCT}accrualPeriodicity`), [
      `${EU}frequency/BIANNUAL`,
    ]);
    assert.deepEqual(values(fromJsonLd, ds, `${DCAT}theme`), [
      `${EU}data-theme/HEAL`,
      `${EU}data-theme/SOCI`,
    ]);
    const [distribution, ...more] = values(fromJsonLd, ds, `${DCAT}distribution`);
    assert.ok(distribution);
    assert.deepEqual(more, []);
    assert.deepEqual(values(fromJsonLd, distribution, `${DCAT}accessURL`), [`${ds}/apply`]);
    assert.deepEqual(values(fromJsonLd, distribution, `${DCAT}downloadURL`), []);
    assert.deepEqual(values(fromJsonLd, distribution, `${DCT}license`), []);
    const [rights] = values(fromJsonLd, distribution, `${DCT}rights`);
    assert.ok(rights);
    assert.match(
      values(fromJsonLd, rights, 'http://www.w3.org/2000/01/rdf-schema#label')[0] ?? '',
      /数据利用协议/,
    );
    // Real-time data is continuous; a document without domains falls back to the public-sector theme.
    assert.deepEqual(
      values(fromJsonLd, `${BASE}/datasets/ZT-JT-000003`, `${DCT}accrualPeriodicity`),
      [`${EU}frequency/CONT`],
    );
    const report = `${BASE}/datasets/BM-WJ-000002`;
    assert.deepEqual(values(fromJsonLd, report, `${DCAT}theme`), [`${EU}data-theme/GOVE`]);
    assert.deepEqual(values(fromJsonLd, `${report}/distributions/pdf`, `${DCT}format`), [
      `${EU}file-type/PDF`,
    ]);
  });

  it('writes telephone numbers as RFC 3966 tel: URIs and recognises stored formats', () => {
    assert.equal(phoneToTelUri('0830-3191234'), 'tel:+868303191234');
    assert.equal(phoneToTelUri('138 0013 8000'), 'tel:+8613800138000');
    assert.equal(phoneToTelUri('+86 830 3191234'), 'tel:+868303191234');
    assert.equal(phoneToTelUri('(0830)3100000转801'), 'tel:+868303100000;ext=801');
    assert.equal(phoneToTelUri('12345'), 'tel:12345;phone-context=+86');
    assert.equal(phoneToTelUri('无'), undefined);
    assert.equal(fileTypeOf(' .xlsx ')?.code, 'XLSX');
    assert.equal(fileTypeOf('jpg 图片')?.code, 'JPEG');
    assert.equal(fileTypeOf('MySQL'), undefined);
  });

  it('rejects bad input instead of writing invalid RDF', () => {
    assert.throws(() => openCatalogToJsonLd({ ...info, baseUrl: 'data.luzhou.gov.cn' }, resources));
    const [first] = resources;
    assert.ok(first);
    assert.throws(
      () => openCatalogToJsonLd(info, [{ ...first, updatedAt: 'yesterday' }]),
      /not a timestamp/,
    );
  });
});
