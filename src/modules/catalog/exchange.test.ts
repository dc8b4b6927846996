import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import type { ImportResultDto } from './exchange.ts';
import { item, resourceContent } from './factories.ts';
import type { ResourceContentDto } from './model.ts';
import {
  buildImportTemplate,
  checkXlsxContainer,
  IMPORT_LIMITS,
  ITEM_COLUMNS,
  RESOURCE_COLUMNS,
  XLSX_TYPE,
  parseImportWorkbook,
  templateValues,
} from './xlsx.ts';

interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

type Cells = Record<string, string | number | undefined>;
interface Row {
  orgCode: string;
  content: ResourceContentDto;
  /** cell overrides by header, e.g. { 更新周期: '每小时' } */
  resource?: Cells;
  items?: Cells[];
}

/** Fills the downloaded template the way a user would: one row per resource and per data item. */
async function fillTemplate(template: Buffer, rows: Row[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(template as never);
  const write = (sheetName: string, values: Cells) => {
    const sheet = workbook.getWorksheet(sheetName);
    assert.ok(sheet, sheetName);
    const row = sheet.getRow(sheet.rowCount + 1);
    sheet.getRow(1).eachCell((cell, column) => {
      const value = values[cell.text];
      if (value !== undefined && value !== '') row.getCell(column).value = value;
    });
    row.commit();
  };
  const byHeader = (columns: typeof RESOURCE_COLUMNS, values: Cells) =>
    Object.fromEntries(columns.map((column) => [column.header, values[column.key]]));
  for (const row of rows) {
    const values = templateValues(row.orgCode, row.content);
    write('资源', { ...byHeader(RESOURCE_COLUMNS, values.resource), ...row.resource });
    values.items.forEach((itemValues, index) =>
      write('信息项', { ...byHeader(ITEM_COLUMNS, itemValues), ...row.items?.[index] }),
    );
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

for (const engine of ENGINES) {
  describe(
    `catalog import and export [${engine}]`,
    { skip: !(await engineAvailable(engine)) },
    () => {
      let t: TestApp;
      let operator: Session;
      let otherDept: Session;
      let template: Buffer;
      before(async () => {
        t = await createTestApp(engine);
        operator = await login(t.app, 'gaj_operator');
        otherDept = await login(t.app, 'scjgj_admin');
      });
      after(() => t.close());

      const upload = (session: Session | null, bytes: Buffer, query = '') =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/catalog/import${query}`,
          headers: {
            'content-type': XLSX_TYPE,
            ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}),
          },
          payload: bytes,
        });
      const countNamed = async (...names: string[]) =>
        Number(
          (
            await t.platform.services.db.kysely
              .selectFrom('resource_versions')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('name', 'in', names)
              .executeTakeFirstOrThrow()
          ).n,
        );
      const named = (name: string, overrides: Partial<ResourceContentDto> = {}) =>
        resourceContent({ name, ...overrides });

      it('serves the template and imports its rows as submitted drafts', async () => {
        const response = await operator.request('GET', '/api/v1/catalog/template');
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.headers['content-type'], XLSX_TYPE);
        assert.match(
          String(response.headers['content-disposition']),
          /^attachment; filename=".+\.xlsx"; filename\*=UTF-8''%E6%94%BF/,
        );
        template = response.rawPayload;
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(template as never);
        assert.deepEqual(
          workbook.worksheets.map((sheet) => sheet.name),
          ['资源', '信息项', '代码表', '说明'],
        );
        const resources = workbook.getWorksheet('资源');
        assert.equal(resources?.getCell('A1').value, '提供部门代码');
        assert.equal(resources?.views[0]?.state, 'frozen');
        assert.equal((resources?.views[0] as { ySplit?: number }).ySplit, 1);
        // The operator's own organisation is the only choice of 提供部门代码.
        const lists = workbook.getWorksheet('代码表');
        assert.equal(lists?.state, 'hidden');
        const orgColumn = (lists?.getRow(1).values as unknown[]).indexOf('orgCode');
        assert.deepEqual(lists?.getColumn(orgColumn).values.slice(1), ['orgCode', 'GAJ']);

        const file = await fillTemplate(template, [
          { orgCode: 'GAJ', content: named('导入测试：机动车登记信息') },
          { orgCode: 'GAJ', content: named('导入测试：出入境证件信息') },
          {
            orgCode: 'GAJ',
            content: named('导入测试：治安案件统计', {
              formatCategory: 'spreadsheet',
              storageFormat: 'xlsx',
              items: [
                item({
                  name: '统计月份',
                  column: 'stat_month',
                  type: 'D',
                  length: undefined,
                  validator: { kind: 'date' },
                  sensitivity: 'none',
                  masking: 'none',
                }),
                item({
                  name: '案件数',
                  column: 'case_count',
                  type: 'I',
                  length: undefined,
                  key: false,
                  required: false,
                  validator: undefined,
                  sensitivity: 'none',
                  masking: 'none',
                }),
              ],
              share: { class: 'unconditional', deliveryMethods: ['interface', 'file'] },
              open: { class: 'unconditional' },
              updateCycle: 'monthly',
              releaseDate: '2025-03-01',
            }),
          },
        ]);
        const imported = await upload(operator, file, '?fileName=%E5%AF%BC%E5%85%A5.xlsx');
        assert.equal(imported.statusCode, 200, imported.body);
        const result = imported.json<ImportResultDto>();
        assert.deepEqual(result.errors, []);
        assert.deepEqual(
          result.created.map((entry) => [entry.row, entry.status, entry.orgCode]),
          [
            [3, 'submitted', 'GAJ'],
            [4, 'submitted', 'GAJ'],
            [5, 'submitted', 'GAJ'],
          ],
        );
        const third = result.created[2];
        assert.match(third?.code ?? '', /^BM-GAJ-\d{6}$/);
        const stored = await operator.request('GET', `/api/v1/catalog/resources/${third?.code}`);
        const version = stored.json<{ status: string; content: ResourceContentDto }>();
        assert.equal(version.status, 'submitted');
        assert.equal(version.content.updateCycle, 'monthly');
        assert.equal(version.content.releaseDate, '2025-03-01');
        assert.deepEqual(
          version.content.items.map((entry) => [entry.column, entry.type, entry.key]),
          [
            ['stat_month', 'D', true],
            ['case_count', 'I', false],
          ],
        );
        // One audit event for the import, naming what it created but not holding the file's bytes.
        const audit = await t.platform.services.db.kysely
          .selectFrom('audit_events')
          .select(['details', 'target'])
          .where('action', '=', 'catalog.import')
          .where('outcome', '=', 'success')
          .executeTakeFirstOrThrow();
        assert.equal(audit.target, 'import:导入.xlsx');
        assert.ok(audit.details.includes(third?.code ?? '-'));
        assert.match(audit.details, /bytes, sha256 [0-9a-f]{64}/);
        assert.ok(audit.details.length < 2000, audit.details);
      });

      const flawedFile = () =>
        fillTemplate(template, [
          { orgCode: 'GAJ', content: named('有错文件：良好资源甲') },
          {
            orgCode: 'GAJ',
            content: named('有错文件：问题资源', {
              share: { class: 'none', deliveryMethods: [] },
            }),
            resource: { 更新周期: '每小时', 摘要: '' },
            items: [{}, { 字段名: 'Full Name' }],
          },
          { orgCode: 'GAJ', content: named('有错文件：良好资源乙') },
        ]);

      it('imports nothing from a file with errors and names sheet, row and column of each', async () => {
        const response = await upload(operator, await flawedFile());
        assert.equal(response.statusCode, 400, response.body);
        const { error } = response.json<ErrorBody>();
        assert.equal(error.code, 'VALIDATION');
        assert.match(error.message, /未导入任何资源/);
        const fields = error.fields ?? {};
        assert.match(
          fields['资源:4:更新周期'] ?? '',
          /“每小时”不是有效的更新周期，应为：实时、每日/,
        );
        assert.equal(fields['资源:4:摘要'], '必填');
        assert.match(fields['资源:4:依据'] ?? '', /R4\.2/);
        assert.match(fields['资源:4:理由'] ?? '', /R4\.2/);
        // Items: two per resource; the second item of the second resource is on row 7.
        assert.match(fields['信息项:7:字段名'] ?? '', /小写字母开头/);
        assert.equal(Object.keys(fields).length, 5, JSON.stringify(fields));
        assert.equal(
          await countNamed('有错文件：良好资源甲', '有错文件：问题资源', '有错文件：良好资源乙'),
          0,
        );
      });

      it('imports the valid rows only when asked, listing the errors', async () => {
        const response = await upload(operator, await flawedFile(), '?mode=valid_only');
        assert.equal(response.statusCode, 200, response.body);
        const result = response.json<ImportResultDto>();
        assert.deepEqual(
          result.created.map((entry) => [entry.row, entry.name]),
          [
            [3, '有错文件：良好资源甲'],
            [5, '有错文件：良好资源乙'],
          ],
        );
        assert.deepEqual(
          result.errors.map((entry) => `${entry.sheet}:${entry.row}:${entry.column}`),
          ['资源:4:摘要', '资源:4:理由', '资源:4:依据', '资源:4:更新周期', '信息项:7:字段名'],
        );
        assert.match(result.errors[3]?.message.en ?? '', /"每小时" is not a valid 更新周期/);
        assert.equal(await countNamed('有错文件：问题资源'), 0);
      });

      it('refuses rows of another department, bad files, oversized bodies and anonymous uploads', async () => {
        const foreign = await fillTemplate(template, [
          { orgCode: 'SCJGJ', content: named('他部门资源') },
          { orgCode: 'NOSUCH', content: named('不存在机构的资源') },
        ]);
        const refused = await upload(operator, foreign);
        assert.equal(refused.statusCode, 400, refused.body);
        const fields = refused.json<ErrorBody>().error.fields ?? {};
        assert.match(
          fields['资源:3:提供部门代码'] ?? '',
          /无权为“示范市市场监督管理局”（SCJGJ）编目/,
        );
        assert.match(fields['资源:4:提供部门代码'] ?? '', /NOSUCH/);
        assert.equal(await countNamed('他部门资源'), 0);
        // The same department's own staff may.
        const own = await upload(otherDept, foreign, '?mode=valid_only');
        assert.deepEqual(
          own.json<ImportResultDto>().created.map((entry) => entry.orgCode),
          ['SCJGJ'],
        );

        // Publishing at import is for the region's reviewers (here: only the platform operator).
        const publish = await upload(otherDept, foreign, '?mode=valid_only&publish=true');
        assert.equal(publish.statusCode, 200, publish.body);
        assert.equal(publish.json<ImportResultDto>().created.length, 0);
        assert.match(publish.json<ImportResultDto>().errors[0]?.message.zh ?? '', /无权发布/);

        const pdf = await upload(
          operator,
          Buffer.from('%PDF-1.7 not a workbook'),
          '?fileName=目录.xlsx',
        );
        assert.equal(pdf.statusCode, 400);
        const pdfError = pdf.json<ErrorBody>().error;
        assert.match(pdfError.message, /文件“目录\.xlsx”不是有效的 XLSX 工作簿/);
        assert.ok(pdfError.fields?.file);
        // A ZIP that is not a workbook.
        const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]);
        assert.equal((await upload(operator, zip)).statusCode, 400);

        const oversized = await upload(operator, Buffer.alloc(IMPORT_LIMITS.maxBytes + 1));
        assert.equal(oversized.statusCode, 413);
        assert.equal(oversized.json<ErrorBody>().error.code, 'PAYLOAD_TOO_LARGE');
        assert.equal((await upload(null, template)).statusCode, 401);
        const json = await operator.request('POST', '/api/v1/catalog/import', { file: 'x' });
        assert.equal(json.statusCode, 400);
        const auditor = await login(t.app, 'auditor');
        assert.equal((await upload(auditor, template)).statusCode, 403);
      });

      it('exports the lists in every format', async () => {
        const get = async (query: string) => {
          const response = await operator.request('GET', `/api/v1/catalog/export?${query}`);
          assert.equal(response.statusCode, 200, `${query}: ${response.body.slice(0, 500)}`);
          return response;
        };
        // JSON with the national guide's names, the whole catalog (published entries only).
        const json = await get('format=json');
        assert.match(String(json.headers['content-type']), /^application\/json/);
        const catalog = json.json<{ 资源数量: number; 资源: Record<string, unknown>[] }>();
        assert.ok(catalog.资源数量 >= 80);
        const first = catalog.资源[0] ?? {};
        for (const field of [
          '资源代码',
          '资源名称',
          '资源提供方',
          '资源摘要',
          '资源分类',
          '信息项',
          '共享类型',
          '共享方式',
          '开放类型',
          '更新周期',
          '发布日期',
        ]) {
          assert.ok(field in first, field);
        }
        const items = first.信息项 as Record<string, unknown>[];
        assert.ok(items[0] && '信息项名称' in items[0] && '数据类型' in items[0]);
        assert.ok(!catalog.资源.some((entry) => String(entry.资源名称).startsWith('导入测试')));
        const openCodes = catalog.资源
          .filter((entry) => entry.开放类型 !== '不予开放')
          .map((entry) => String(entry.资源代码));
        const notShared = catalog.资源.filter((entry) => entry.共享类型 === '不予共享');
        assert.ok(openCodes.length > 0 && notShared.length > 0);

        // XLSX: the sharing catalog lists every live entry, 不予共享 included with its reasons.
        const sharing = await get('format=xlsx&list=sharing');
        assert.match(
          String(sharing.headers['content-disposition']),
          /filename\*=UTF-8''%E7%A4%BA%E8%8C%83%E5%B8%82/,
        );
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(sharing.rawPayload as never);
        const sheet = workbook.getWorksheet('共享目录');
        assert.equal(sheet?.actualRowCount, catalog.资源数量 + 1);
        const headers = (sheet?.getRow(1).values as unknown[]).slice(1);
        assert.ok(headers.includes('共享类型') && headers.includes('理由'));
        // The whole catalog in the template's layout reads back without a single error.
        const all = await get('format=xlsx&list=all');
        const reread = await parseImportWorkbook(all.rawPayload);
        assert.deepEqual(reread.errors, []);
        assert.equal(reread.entries.length, catalog.资源数量);

        const responsibility = await get('format=xlsx&list=responsibility');
        const duties = new ExcelJS.Workbook();
        await duties.xlsx.load(responsibility.rawPayload as never);
        assert.deepEqual(
          duties.worksheets.map((entry) => entry.name),
          ['共享责任清单', '部门汇总'],
        );
        assert.equal(
          duties.getWorksheet('共享责任清单')?.actualRowCount,
          catalog.资源数量 - notShared.length + 1,
        );

        // CSV: UTF-8 with BOM and the header.
        const csv = await get('format=csv&list=open');
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        assert.deepEqual([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
        assert.match(csv.body, /^\ufeff资源代码,资源名称,资源提供方,提供部门代码,资源摘要/);
        for (const code of openCodes) assert.ok(csv.body.includes(`\r\n${code},`), code);
        assert.match((await get('format=csv&list=responsibility')).body, /^\ufeff提供部门代码,/);

        // DCAT-AP 3 of the open catalog, with the dataset IRIs under the platform's address.
        const base = `http://127.0.0.1:${t.platform.config.port}`;
        const jsonld = await get('format=dcat-jsonld');
        assert.match(String(jsonld.headers['content-type']), /^application\/ld\+json/);
        const graph = jsonld.json<{ '@graph': { '@id': string; '@type': unknown }[] }>()['@graph'];
        const datasets = graph
          .filter((node) => [node['@type']].flat().includes('dcat:Dataset'))
          .map((node) => node['@id'])
          .sort();
        assert.deepEqual(
          datasets,
          openCodes.map((code) => `${base}/datasets/${encodeURIComponent(code)}`).sort(),
        );
        const turtle = await get('format=dcat-ttl');
        assert.match(String(turtle.headers['content-type']), /^text\/turtle/);
        assert.match(turtle.body, /dcat:Catalog/);
        for (const code of openCodes) assert.ok(turtle.body.includes(`<${base}/datasets/${code}>`));

        const wrongList = await operator.request(
          'GET',
          '/api/v1/catalog/export?format=dcat-ttl&list=sharing',
        );
        assert.equal(wrongList.statusCode, 400);
        assert.ok(wrongList.json<ErrorBody>().error.fields?.list);
        const badFormat = await operator.request('GET', '/api/v1/catalog/export?format=pdf');
        assert.equal(badFormat.statusCode, 400);
        assert.equal(
          (await t.app.inject({ url: '/api/v1/catalog/export?format=json' })).statusCode,
          401,
        );
      });

      it('describes the file routes in OpenAPI', async () => {
        const spec = (await t.app.inject({ url: '/api/openapi.json' })).json<{
          paths: Record<string, Record<string, Record<string, unknown>>>;
        }>();
        const importOp = spec.paths['/api/v1/catalog/import']?.post as {
          requestBody: { content: Record<string, { schema: unknown }> };
          parameters: { name: string }[];
        };
        assert.deepEqual(importOp.requestBody.content[XLSX_TYPE]?.schema, {
          type: 'string',
          format: 'binary',
        });
        assert.deepEqual(importOp.parameters.map((parameter) => parameter.name).sort(), [
          'fileName',
          'mode',
          'publish',
        ]);
        const exportOp = spec.paths['/api/v1/catalog/export']?.get as {
          responses: Record<string, { content: Record<string, unknown> }>;
        };
        assert.ok(exportOp.responses['200']?.content['text/turtle']);
      });
    },
  );
}

describe('XLSX container checks', () => {
  it('refuses a workbook whose ZIP directory declares an enormous unpacked size', async () => {
    const bytes = Buffer.from(await buildImportTemplate());
    checkXlsxContainer(bytes, 'ok.xlsx');
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(0xfffffff0, central + 24);
    assert.throws(
      () => checkXlsxContainer(bytes, 'bomb.xlsx'),
      (error: { code?: string; message?: string }) =>
        error.code === 'PAYLOAD_TOO_LARGE' && /bomb\.xlsx/.test(error.message ?? ''),
    );
  });
});
