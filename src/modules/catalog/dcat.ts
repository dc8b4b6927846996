import type { ContextDefinition, NodeObject } from 'jsonld';
import type { Quad } from 'n3';
import type { ResourceContentDto } from './model.ts';
import { TABULAR_FORMATS, UPDATE_CYCLE_NAMES } from './model.ts';

/**
 * The region's open catalog (R5.2) as DCAT-AP 3.0.0: one dcat:Catalog whose dcat:Dataset entries are the published
 * resources with an open class other than 'none' (R5.1), in JSON-LD and Turtle (R5.3: machine-readable, findable).
 * The graph is built once as JSON-LD; the Turtle is that document turned into RDF by `jsonld` and written by `n3`, so
 * both serializations always describe the same graph. Every node has a stable IRI (no blank nodes).
 */

export interface PublishedResource {
  /** stable resource code, e.g. 'JC-RK-000001' */
  code: string;
  version: number;
  /** ISO timestamp */
  publishedAt: string;
  /** ISO timestamp */
  updatedAt: string;
  provider: { code: string; name: string; creditCode: string | null };
  content: ResourceContentDto;
}

export interface CatalogInfo {
  /** the platform's public address, e.g. 'https://data.example.gov.cn' (trailing slashes are dropped) */
  baseUrl: string;
  /** GB/T 2260 code of the region whose catalog this is */
  regionCode: string;
  regionName: string;
  /** the authority that publishes the catalog (R5.2) */
  authority: { code: string; name: string };
  title: string;
  description: string;
  /**
   * IRI of the licence of unconditionally open data (R5.4, R5.8: reuse with attribution). Defaults to the platform's
   * own `${baseUrl}/licence`; e.g. `EU_LICENCE.CC_BY_4_0` for Creative Commons Attribution 4.0.
   */
  licence?: string;
}

export const NS = {
  adms: 'http://www.w3.org/ns/adms#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dcatap: 'http://data.europa.eu/r5r/',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

const EU = 'http://publications.europa.eu/resource/authority/';
const VOCAB = {
  frequency: `${EU}frequency/`,
  dataTheme: `${EU}data-theme/`,
  accessRight: `${EU}access-right/`,
  fileType: `${EU}file-type/`,
  language: `${EU}language/`,
  licence: `${EU}licence/`,
  availability: `${EU}planned-availability/`,
  publisherType: 'http://purl.org/adms/publishertype/',
  licenceType: 'http://purl.org/adms/licencetype/',
  iana: 'https://www.iana.org/assignments/media-types/',
} as const;

const DATA_THEME_SCHEME = `${EU}data-theme`;

export const EU_LICENCE = { CC_BY_4_0: `${VOCAB.licence}CC_BY_4_0` } as const;

/** Turtle prefixes (the namespaces above plus the EU authority tables, for readable output). */
const TURTLE_PREFIXES: Record<string, string> = {
  ...NS,
  'eu-freq': VOCAB.frequency,
  'eu-theme': VOCAB.dataTheme,
  'eu-access': VOCAB.accessRight,
  'eu-filetype': VOCAB.fileType,
  'eu-lang': VOCAB.language,
  'eu-licence': VOCAB.licence,
  'eu-avail': VOCAB.availability,
};

type UpdateCycle = ResourceContentDto['updateCycle'];
type Domain = ResourceContentDto['domains'][number];
type Label = { en: string; zh: string };

/** updateCycle → EU frequency authority table. */
export const FREQUENCY: Record<UpdateCycle, { code: string; en: string }> = {
  realtime: { code: 'CONT', en: 'continuous' },
  daily: { code: 'DAILY', en: 'daily' },
  weekly: { code: 'WEEKLY', en: 'weekly' },
  monthly: { code: 'MONTHLY', en: 'monthly' },
  quarterly: { code: 'QUARTERLY', en: 'quarterly' },
  half_yearly: { code: 'BIANNUAL', en: 'semiannual' },
  yearly: { code: 'ANNUAL', en: 'annual' },
  irregular: { code: 'IRREG', en: 'irregular' },
};

const THEME_LABELS = {
  TRAN: { en: 'Transport', zh: '交通' },
  HEAL: { en: 'Health', zh: '卫生健康' },
  ENVI: { en: 'Environment', zh: '环境' },
  EDUC: { en: 'Education, culture and sport', zh: '教育、文化和体育' },
  SOCI: { en: 'Population and society', zh: '人口和社会' },
  ECON: { en: 'Economy and finance', zh: '经济和金融' },
  GOVE: { en: 'Government and public sector', zh: '政府和公共部门' },
} satisfies Record<string, Label>;
type ThemeCode = keyof typeof THEME_LABELS;

/** R5.2's priority domains → EU data-theme authority table. */
export const DOMAIN_THEME: Record<Domain, ThemeCode> = {
  credit: 'ECON',
  transport: 'TRAN',
  health: 'HEAL',
  employment: 'SOCI',
  social_security: 'SOCI',
  education: 'EDUC',
  environment: 'ENVI',
  weather: 'ENVI',
  company_registration: 'ECON',
  other: 'GOVE',
};

interface FileType {
  code: string;
  ext: string;
  mediaType: string;
}
const CSV: FileType = { code: 'CSV', ext: 'csv', mediaType: 'text/csv' };
const XLSX: FileType = {
  code: 'XLSX',
  ext: 'xlsx',
  mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const JSON_FILE: FileType = { code: 'JSON', ext: 'json', mediaType: 'application/json' };
const FILE_TYPES: Record<string, FileType> = {
  CSV,
  XLSX,
  XLS: { code: 'XLS', ext: 'xls', mediaType: 'application/vnd.ms-excel' },
  JSON: JSON_FILE,
  XML: { code: 'XML', ext: 'xml', mediaType: 'application/xml' },
  PDF: { code: 'PDF', ext: 'pdf', mediaType: 'application/pdf' },
  DOCX: {
    code: 'DOCX',
    ext: 'docx',
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  DOC: { code: 'DOC', ext: 'doc', mediaType: 'application/msword' },
  TXT: { code: 'TXT', ext: 'txt', mediaType: 'text/plain' },
  HTML: { code: 'HTML', ext: 'html', mediaType: 'text/html' },
  JPEG: { code: 'JPEG', ext: 'jpg', mediaType: 'image/jpeg' },
  PNG: { code: 'PNG', ext: 'png', mediaType: 'image/png' },
  TIFF: { code: 'TIFF', ext: 'tiff', mediaType: 'image/tiff' },
  MP4: { code: 'MP4', ext: 'mp4', mediaType: 'video/mp4' },
  ZIP: { code: 'ZIP', ext: 'zip', mediaType: 'application/zip' },
  SHP: { code: 'SHP', ext: 'shp', mediaType: 'application/vnd.shp' },
};
/** What the platform itself serves tabular (row and column) open data as. */
const TABULAR_DOWNLOADS: readonly FileType[] = [CSV, XLSX, JSON_FILE];

/** The free-text storageFormat ('xlsx', 'PDF 文件', 'jpg' …) → EU file type, when it names one. */
export function fileTypeOf(storageFormat: string): FileType | undefined {
  const token = storageFormat
    .trim()
    .toUpperCase()
    .replace(/^\./, '')
    .match(/^[A-Z0-9]+/)?.[0];
  if (token === undefined) return undefined;
  const alias: Record<string, string> = {
    JPG: 'JPEG',
    TIF: 'TIFF',
    HTM: 'HTML',
    TEXT: 'TXT',
    SHAPEFILE: 'SHP',
  };
  return FILE_TYPES[alias[token] ?? token];
}

/** The IRIs and URLs of the open catalog; the open-data routes must serve these paths. */
export function dcatUrls(baseUrl: string, code: string) {
  const base = normalizeBaseUrl(baseUrl);
  const dataset = `${base}/datasets/${encodeURIComponent(code)}`;
  return {
    catalog: `${base}/catalog`,
    dataset,
    landingPage: dataset,
    contactPoint: `${dataset}#contact`,
    accessConditions: `${dataset}#conditions`,
    /** the application form of conditionally open data (R5.5) */
    apply: `${dataset}/apply`,
    distribution: (key: string) => `${dataset}/distributions/${key}`,
    /** direct download of unconditionally open data (R5.4), e.g. `${dataset}/data.csv`; `${dataset}/data` as stored */
    download: (ext?: string) => `${dataset}/data${ext ? `.${ext}` : ''}`,
  };
}

export function agentIri(baseUrl: string, orgCode: string): string {
  return `${normalizeBaseUrl(baseUrl)}/organizations/${encodeURIComponent(orgCode)}`;
}

export function regionIri(baseUrl: string, regionCode: string): string {
  return `${normalizeBaseUrl(baseUrl)}/regions/${encodeURIComponent(regionCode)}`;
}

function normalizeBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl); // throws on a relative or malformed address
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`baseUrl must be http(s): ${baseUrl}`);
  return baseUrl.replace(/\/+$/, '');
}

/** An ISO timestamp as a canonical xsd:dateTime (UTC). */
export function toXsdDateTime(timestamp: string): string {
  const time = new Date(timestamp);
  if (Number.isNaN(time.getTime())) throw new Error(`not a timestamp: ${timestamp}`);
  return time.toISOString();
}

function toXsdDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(new Date(`${date}T00:00:00Z`).getTime())) {
    throw new Error(`not a date: ${date}`);
  }
  return date;
}

/**
 * A Chinese telephone number as an RFC 3966 tel: URI: mobile and trunk-prefixed (0…) numbers become global (+86…),
 * service numbers (12345, 400…) stay local with phone-context=+86, and an extension (转/分机/ext) becomes ;ext=.
 * Undefined when the text holds no digits.
 */
export function phoneToTelUri(phone: string): string | undefined {
  const [main = '', extension] = phone.split(/转|分机|ext\.?|#/i, 2);
  let digits = main.replace(/[^\d+]/g, '');
  const ext = extension?.replace(/\D/g, '');
  const extPart = ext ? `;ext=${ext}` : '';
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (!/\d/.test(digits)) return undefined;
  if (/^\+\d+$/.test(digits)) return `tel:${digits}${extPart}`;
  digits = digits.replace(/\+/g, '');
  if (/^1\d{10}$/.test(digits)) return `tel:+86${digits}${extPart}`;
  if (/^0\d{9,11}$/.test(digits)) return `tel:+86${digits.slice(1)}${extPart}`;
  return `tel:${digits}${extPart};phone-context=+86`;
}

const CONTEXT: ContextDefinition = { ...NS };

const id = (iri: string) => ({ '@id': iri });
const zh = (value: string) => ({ '@value': value, '@language': 'zh' });
const en = (value: string) => ({ '@value': value, '@language': 'en' });
const dateTime = (timestamp: string) => ({
  '@value': toXsdDateTime(timestamp),
  '@type': 'xsd:dateTime',
});
const date = (value: string) => ({ '@value': toXsdDate(value), '@type': 'xsd:date' });

/** Nodes of the controlled vocabularies and agents, each emitted once. */
class NodeSet {
  private readonly nodes = new Map<string, NodeObject>();
  add(node: NodeObject & { '@id': string }): { '@id': string } {
    if (!this.nodes.has(node['@id'])) this.nodes.set(node['@id'], node);
    return id(node['@id']);
  }
  values(): NodeObject[] {
    return [...this.nodes.values()];
  }
}

function concept(
  nodes: NodeSet,
  iri: string,
  types: string[],
  label: Label | string,
  extra: { 'skos:inScheme'?: { '@id': string } } = {},
) {
  const labels = typeof label === 'string' ? [en(label)] : [en(label.en), zh(label.zh)];
  return nodes.add({
    '@id': iri,
    '@type': ['skos:Concept', ...types],
    'skos:prefLabel': labels,
    ...extra,
  });
}

function fileTypeNodes(nodes: NodeSet, fileType: FileType) {
  return {
    'dct:format': concept(
      nodes,
      `${VOCAB.fileType}${fileType.code}`,
      ['dct:MediaTypeOrExtent'],
      fileType.code,
    ),
    'dcat:mediaType': nodes.add({
      '@id': `${VOCAB.iana}${fileType.mediaType}`,
      '@type': 'dct:MediaType',
    }),
  };
}

function agent(
  nodes: NodeSet,
  info: CatalogInfo,
  org: { code: string; name: string; creditCode?: string | null },
) {
  // ADMS publisher type: a province (GB/T 2260 xx0000) is a regional authority, cities and counties local ones.
  const regional = /^\d{2}0000$/.test(info.regionCode);
  const type = regional
    ? concept(nodes, `${VOCAB.publisherType}RegionalAuthority`, [], {
        en: 'Regional authority',
        zh: '省级政府部门',
      })
    : concept(nodes, `${VOCAB.publisherType}LocalAuthority`, [], {
        en: 'Local authority',
        zh: '地方政府部门',
      });
  return nodes.add({
    '@id': agentIri(info.baseUrl, org.code),
    '@type': 'foaf:Agent',
    'foaf:name': zh(org.name),
    'dct:type': type,
    ...(org.creditCode ? { 'dct:identifier': org.creditCode } : {}),
  });
}

function licence(nodes: NodeSet, info: CatalogInfo) {
  const iri = info.licence ?? `${normalizeBaseUrl(info.baseUrl)}/licence`;
  const attribution = concept(nodes, `${VOCAB.licenceType}Attribution`, [], {
    en: 'Attribution',
    zh: '署名',
  });
  const title =
    iri === EU_LICENCE.CC_BY_4_0
      ? { 'dct:title': en('Creative Commons Attribution 4.0 International') }
      : { 'dct:title': zh(`${info.regionName}公共数据开放许可协议`) };
  return nodes.add({
    '@id': iri,
    '@type': 'dct:LicenseDocument',
    'dct:type': attribution,
    ...title,
  });
}

function language(nodes: NodeSet) {
  return concept(nodes, `${VOCAB.language}ZHO`, ['dct:LinguisticSystem'], {
    en: 'Chinese',
    zh: '中文',
  });
}

function datasetNode(
  info: CatalogInfo,
  resource: PublishedResource,
  openCodes: Set<string>,
  nodes: NodeSet,
) {
  const { content } = resource;
  const urls = dcatUrls(info.baseUrl, resource.code);
  const unconditional = content.open.class === 'unconditional';
  const provider = agent(nodes, info, resource.provider);
  const frequency = FREQUENCY[content.updateCycle];
  const themes: ThemeCode[] = [...new Set(content.domains.map((domain) => DOMAIN_THEME[domain]))];
  if (themes.length === 0) themes.push('GOVE');
  const telephone = phoneToTelUri(content.contact.phone);
  const accessRights = unconditional
    ? concept(nodes, `${VOCAB.accessRight}PUBLIC`, ['dct:RightsStatement'], {
        en: 'public',
        zh: '无条件开放',
      })
    : concept(nodes, `${VOCAB.accessRight}RESTRICTED`, ['dct:RightsStatement'], {
        en: 'restricted',
        zh: '有条件开放',
      });
  const availability = concept(nodes, `${VOCAB.availability}STABLE`, [], {
    en: 'stable',
    zh: '长期稳定',
  });
  const issued = dateTime(resource.publishedAt);
  const modified = dateTime(resource.updatedAt);
  const common = {
    'dct:issued': issued,
    'dct:modified': modified,
    'dcatap:availability': availability,
  };

  const distributions: NodeObject[] = [];
  const tabular = TABULAR_FORMATS.includes(content.formatCategory);
  if (unconditional) {
    // R5.4: downloaded directly, under the open licence.
    const licenceRef = licence(nodes, info);
    const stored = fileTypeOf(content.storageFormat);
    // Rows and columns are served as CSV, XLSX and JSON; anything else (documents, images …) as it is stored.
    const downloads: (FileType | undefined)[] = tabular ? [...TABULAR_DOWNLOADS] : [stored];
    for (const fileType of downloads) {
      const url = urls.download(fileType?.ext);
      const label = fileType?.code ?? content.storageFormat;
      distributions.push({
        '@id': urls.distribution(fileType?.ext ?? 'data'),
        '@type': 'dcat:Distribution',
        'dct:title': zh(`${content.name}（${label}）`),
        'dct:description': zh(`${label} 格式，无条件开放，可直接下载。`),
        'dcat:accessURL': id(url),
        'dcat:downloadURL': id(url),
        ...(fileType ? fileTypeNodes(nodes, fileType) : {}),
        'dct:license': licenceRef,
        ...common,
      });
    }
  } else {
    // R5.5: obtained on application; the conditions are the distribution's rights statement.
    const conditions = content.open.conditions?.trim();
    const stored = fileTypeOf(content.storageFormat);
    distributions.push({
      '@id': urls.distribution('on-request'),
      '@type': 'dcat:Distribution',
      'dct:title': zh(`${content.name}（依申请获取）`),
      'dct:description': zh(
        `有条件开放：向${resource.provider.name}提出申请，经审核同意后获取。${conditions ? `开放条件：${conditions}` : ''}`,
      ),
      'dcat:accessURL': id(urls.apply),
      ...(stored ? fileTypeNodes(nodes, stored) : {}),
      'dct:rights': {
        '@id': urls.accessConditions,
        '@type': 'dct:RightsStatement',
        'rdfs:label': zh(conditions ? `有条件开放：${conditions}` : '有条件开放，依申请获取'),
      },
      ...common,
    });
  }

  const related = content.relatedResources.filter(
    (code) => code !== resource.code && openCodes.has(code),
  );
  // The landing page is a foaf:Document (range.ttl); here it shares the dataset's IRI, so the node carries both types.
  const landingIsDataset = urls.landingPage === urls.dataset;
  return {
    '@id': urls.dataset,
    '@type': landingIsDataset ? ['dcat:Dataset', 'foaf:Document'] : 'dcat:Dataset',
    'dct:identifier': resource.code,
    'dct:title': zh(content.name),
    'dct:description': zh(content.summary),
    'dcat:keyword': [...new Set(content.keywords)].map(zh),
    'dct:publisher': provider,
    'dcat:contactPoint': {
      '@id': urls.contactPoint,
      '@type': 'vcard:Kind',
      'vcard:fn': zh(content.contact.name),
      ...(telephone ? { 'vcard:hasTelephone': id(telephone) } : {}),
    },
    'dct:issued': content.releaseDate ? date(content.releaseDate) : issued,
    'dct:modified': modified,
    'dcat:version': String(resource.version),
    'dct:accrualPeriodicity': concept(
      nodes,
      `${VOCAB.frequency}${frequency.code}`,
      ['dct:Frequency'],
      {
        en: frequency.en,
        zh: UPDATE_CYCLE_NAMES[content.updateCycle],
      },
    ),
    'dcat:theme': themes.map((code) =>
      concept(nodes, `${VOCAB.dataTheme}${code}`, [], THEME_LABELS[code], {
        'skos:inScheme': id(DATA_THEME_SCHEME),
      }),
    ),
    'dct:spatial': id(regionIri(info.baseUrl, info.regionCode)),
    'dct:language': language(nodes),
    'dct:accessRights': accessRights,
    'dcat:landingPage': landingIsDataset
      ? id(urls.landingPage)
      : nodes.add({ '@id': urls.landingPage, '@type': 'foaf:Document' }),
    ...(related.length > 0
      ? { 'dct:relation': related.map((code) => id(dcatUrls(info.baseUrl, code).dataset)) }
      : {}),
    'dcat:distribution': distributions,
  } satisfies NodeObject;
}

function extremeOf(values: string[], pick: (a: number, b: number) => number): string | undefined {
  if (values.length === 0) return undefined;
  return new Date(
    values.map((value) => new Date(toXsdDateTime(value)).getTime()).reduce((a, b) => pick(a, b)),
  ).toISOString();
}

/** The open catalog as a DCAT-AP 3.0.0 JSON-LD document (compacted with the dcat/dct/foaf/… prefixes). */
/**
 * One page of a paged catalog (issue 7: harvesters page through `/catalog.jsonld?page=N`), described
 * with Hydra's PartialCollectionView as DCAT-AP harvesters (and the CKAN DCAT extension) expect.
 */
export interface PageView {
  /** IRIs of this page and its neighbours. */
  page: string;
  first: string;
  last: string;
  next?: string;
  previous?: string;
  totalItems: number;
  itemsPerPage: number;
}

const HYDRA = 'http://www.w3.org/ns/hydra/core#';

function viewNode(view: PageView): NodeObject {
  return {
    '@id': view.page,
    '@type': `${HYDRA}PartialCollectionView`,
    [`${HYDRA}first`]: { '@id': view.first },
    [`${HYDRA}last`]: { '@id': view.last },
    ...(view.next ? { [`${HYDRA}next`]: { '@id': view.next } } : {}),
    ...(view.previous ? { [`${HYDRA}previous`]: { '@id': view.previous } } : {}),
    [`${HYDRA}totalItems`]: { '@value': view.totalItems, '@type': 'xsd:integer' },
    [`${HYDRA}itemsPerPage`]: { '@value': view.itemsPerPage, '@type': 'xsd:integer' },
  };
}

export function openCatalogToJsonLd(
  info: CatalogInfo,
  resources: PublishedResource[],
  view?: PageView,
): object {
  const base = normalizeBaseUrl(info.baseUrl);
  const open = resources.filter((resource) => resource.content.open.class !== 'none');
  const openCodes = new Set(open.map((resource) => resource.code));
  const nodes = new NodeSet();
  const datasets = open.map((resource) => datasetNode(info, resource, openCodes, nodes));
  const issued = extremeOf(
    open.map((resource) => resource.publishedAt),
    Math.min,
  );
  const modified = extremeOf(
    open.map((resource) => resource.updatedAt),
    Math.max,
  );

  const catalog: NodeObject = {
    '@id': `${base}/catalog`,
    '@type': 'dcat:Catalog',
    'dct:title': zh(info.title),
    'dct:description': zh(info.description),
    'dct:publisher': agent(nodes, info, info.authority),
    'dct:language': language(nodes),
    'dct:spatial': nodes.add({
      '@id': regionIri(base, info.regionCode),
      '@type': 'dct:Location',
      'dct:identifier': info.regionCode,
      'skos:prefLabel': zh(info.regionName),
    }),
    'dct:license': licence(nodes, info),
    'foaf:homepage': nodes.add({ '@id': `${base}/`, '@type': 'foaf:Document' }),
    'dcat:themeTaxonomy': nodes.add({
      '@id': DATA_THEME_SCHEME,
      '@type': 'skos:ConceptScheme',
      'dct:title': en('Data theme'),
    }),
    ...(issued ? { 'dct:issued': { '@value': issued, '@type': 'xsd:dateTime' } } : {}),
    ...(modified ? { 'dct:modified': { '@value': modified, '@type': 'xsd:dateTime' } } : {}),
    'dcat:dataset': datasets.map((dataset) => id(dataset['@id'])),
    ...(view ? { [`${HYDRA}view`]: { '@id': view.page } } : {}),
  };

  return {
    '@context': CONTEXT,
    '@graph': [catalog, ...datasets, ...nodes.values(), ...(view ? [viewNode(view)] : [])],
  };
}

const NO_REMOTE_DOCUMENTS = (url: string) =>
  Promise.reject(new Error(`remote JSON-LD documents are not loaded: ${url}`));

/** The JSON-LD document as N-Quads (everything is inline; safe mode fails on any term that would be dropped). */
export async function jsonLdToNQuads(document: object): Promise<string> {
  const options = {
    format: 'application/n-quads' as const,
    documentLoader: NO_REMOTE_DOCUMENTS,
    safe: true,
  };
  // jsonld and n3 are loaded on first export: the server keeps them out of memory until then.
  const { default: jsonld } = await import('jsonld');
  const nquads = await jsonld.toRDF(document, options);
  if (typeof nquads !== 'string') throw new Error('jsonld.toRDF did not return N-Quads');
  return nquads;
}

/** The same open catalog graph as Turtle: the catalog first, then each dataset with its parts, then the rest. */
export async function openCatalogToTurtle(
  info: CatalogInfo,
  resources: PublishedResource[],
  view?: PageView,
): Promise<string> {
  const base = normalizeBaseUrl(info.baseUrl);
  const { Parser, Writer } = await import('n3');
  const quads = new Parser({ format: 'N-Quads' }).parse(
    await jsonLdToNQuads(openCatalogToJsonLd(info, resources, view)),
  );
  const rank = (quad: Quad) => {
    const subject = quad.subject.value;
    if (subject === `${base}/catalog`) return 0;
    if (subject.startsWith(`${base}/datasets/`)) return 1;
    return subject.startsWith(base) ? 2 : 3;
  };
  // jsonld emits the quads sorted by subject and predicate; the sort is stable and puts rdf:type first.
  quads.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      compareStrings(a.subject.value, b.subject.value) ||
      Number(b.predicate.value === RDF_TYPE) - Number(a.predicate.value === RDF_TYPE),
  );
  const writer = new Writer({ prefixes: TURTLE_PREFIXES });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => {
    writer.end((error: Error | null, result: string) => (error ? reject(error) : resolve(result)));
  });
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
