import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { getAction } from '../../../actions.ts';
import type { Actor } from '../../../core/actor.ts';
import { runAction } from '../../../core/run-action.ts';
import { citizenIdCheckCharacter } from '../../../core/validators/citizen-id.ts';
import { createTestApp, login, type Session, type TestApp } from '../../../test/api.ts';
import { engineAvailable, ENGINES } from '../../../test/engines.ts';
import { item, resourceContent } from '../../catalog/factories.ts';
import { dataTableName } from '../data-table.ts';
import { XLSX_LIMITS } from './sources.ts';

const system: Actor = { type: 'system', name: 'test' };

/** A valid synthetic citizen ID in the demo region 990102 (GB 11643 check character). */
export function citizenId(serial: number, birth = '19900101'): string {
  const first17 = `990102${birth}${String(serial % 1000).padStart(3, '0')}`;
  return `${first17}${citizenIdCheckCharacter(first17)}`;
}

const CSV_TYPE = 'text/csv';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface BatchBody {
  batch: {
    id: string;
    status: string;
    mode: string;
    source: string;
    encoding: string | null;
    sha256: string | null;
    bytes: number;
    rowsRead: number;
    rowsInserted: number;
    rowsUpdated: number;
    rowsDeleted: number;
    rowsRejected: number;
    rowsTotal: number | null;
  };
  rejections: {
    row: number;
    column: string | null;
    value: string | null;
    code: string;
    reason: { zh: string };
  }[];
}
interface ErrorBody {
  error: { code: string; reason?: string; message: string; data?: { batchId?: string } };
}

// A resource of its own: key id_number (citizen ID), name, birth date, score (integer), status enum.
const content = resourceContent({
  name: '测试归集人员信息',
  items: [
    item(),
    item({
      name: '姓名',
      column: 'full_name',
      length: 20,
      key: false,
      validator: { kind: 'none' },
    }),
    item({
      name: '出生日期',
      column: 'birth_date',
      type: 'D',
      length: undefined,
      key: false,
      required: false,
      queryable: false,
      validator: { kind: 'date' },
    }),
    item({
      name: '积分',
      column: 'score',
      type: 'I',
      length: undefined,
      key: false,
      required: false,
      queryable: false,
      validator: { kind: 'none' },
      sensitivity: 'none',
      masking: 'none',
    }),
    item({
      name: '状态',
      column: 'status',
      length: 4,
      key: false,
      required: false,
      validator: { kind: 'enum', values: ['正常', '注销'] },
      sensitivity: 'none',
      masking: 'none',
    }),
  ],
});

const header = '公民身份号码,姓名,出生日期,积分,状态';
const line = (serial: number, name = `测试${serial}`, extra = '1990-01-01,10,正常') =>
  `${citizenId(serial)},${name},${extra}`;

for (const engine of ENGINES) {
  describe(`ingestion (issue 4) [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let operator: Session;
    let code: string;
    before(async () => {
      t = await createTestApp(engine);
      const created = (await runAction(
        t.platform.services,
        getAction('catalog.resource.create'),
        { orgCode: 'GAJ', content },
        { actor: system },
      )) as { code: string };
      code = created.code;
      for (const name of ['catalog.resource.submit', 'catalog.resource.publish'])
        await runAction(t.platform.services, getAction(name), { code }, { actor: system });
      operator = await login(t.app, 'gaj_operator');
    });
    after(() => t.close());

    const upload = (
      body: string | Buffer,
      query: string,
      contentType = CSV_TYPE,
      session: Session | null = operator,
    ) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/resources/${code}/batches?${query}`,
        headers: {
          'content-type': contentType,
          ...(session ? { cookie: session.cookie, 'x-csrf-token': session.csrfToken } : {}),
        },
        payload: body,
      });
    const liveRows = async () =>
      (
        await sql<
          Record<string, unknown>
        >`select * from ${sql.id(dataTableName(code))} where _deleted = 0 order by id_number`.execute(
          t.platform.services.db.kysely,
        )
      ).rows;

    it('loads a UTF-8 CSV with Chinese headers by upsert and records the batch', async () => {
      const csv = [header, line(1), line(2), line(3)].join('\n');
      const response = await upload(csv, 'mode=upsert&name=persons.csv');
      assert.equal(response.statusCode, 201, response.body);
      const { batch } = response.json<BatchBody>();
      assert.equal(batch.status, 'succeeded');
      assert.equal(batch.source, 'console');
      assert.equal(batch.encoding, 'utf-8');
      assert.equal(batch.rowsRead, 3);
      assert.equal(batch.rowsInserted, 3);
      assert.equal(batch.rowsTotal, 3);
      assert.equal(batch.bytes, Buffer.byteLength(csv));
      assert.match(batch.sha256 ?? '', /^[0-9a-f]{64}$/);
      const rows = await liveRows();
      assert.equal(rows.length, 3);
      assert.equal(rows[0]?.full_name, '测试1');
      assert.equal(rows[0]?.birth_date, '1990-01-01');
      assert.equal(Number(rows[0]?.score), 10);
    });

    it('rejects bad rows with row, column and reason, and loads the rest under the threshold', async () => {
      const badId = `${citizenId(9).slice(0, 17)}${citizenId(9).endsWith('0') ? '1' : '0'}`;
      const csv = [
        header,
        line(4),
        `${badId},坏号码,1990-01-01,1,正常`,
        line(5, '', '1990-02-30,abc,作废'),
        line(6),
        line(4, '重复'),
        ...Array.from({ length: 20 }, (_, index) => line(100 + index)),
      ].join('\r\n');
      const response = await upload(csv, 'mode=upsert&maxRejectedPercent=50');
      assert.equal(response.statusCode, 201, response.body);
      const { batch, rejections } = response.json<BatchBody>();
      assert.equal(batch.rowsRead, 25);
      assert.equal(batch.rowsRejected, 3);
      assert.equal(batch.rowsInserted, 22);
      const byRow = new Map<number, string[]>();
      for (const rejection of rejections)
        byRow.set(rejection.row, [
          ...(byRow.get(rejection.row) ?? []),
          `${rejection.column}:${rejection.code}`,
        ]);
      // The header is row 1.
      assert.deepEqual(byRow.get(3), ['id_number:VALIDATOR']);
      assert.deepEqual(byRow.get(4)?.sort(), [
        'birth_date:TYPE',
        'full_name:REQUIRED',
        'score:TYPE',
        'status:ENUM',
      ]);
      assert.deepEqual(byRow.get(6), ['null:DUPLICATE_KEY']);
      const check = rejections.find((rejection) => rejection.row === 3);
      assert.match(check?.reason.zh ?? '', /校验码/);
      // Downloads of the rejected rows.
      const csvDownload = await operator.request(
        'GET',
        `/api/v1/batches/${batch.id}/rejections/export?format=csv`,
      );
      assert.equal(csvDownload.statusCode, 200);
      assert.match(csvDownload.headers['content-type'] as string, /text\/csv/);
      assert.ok(csvDownload.body.includes('DUPLICATE_KEY'));
      const xlsxDownload = await t.app.inject({
        url: `/api/v1/batches/${batch.id}/rejections/export?format=xlsx`,
        headers: { cookie: operator.cookie },
      });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsxDownload.rawPayload as unknown as ArrayBuffer);
      assert.equal(workbook.worksheets[0]!.rowCount, 1 + rejections.length);
    });

    it('refuses a batch whose rejected share exceeds the threshold, leaving data intact', async () => {
      const before = await liveRows();
      const csv = [header, line(7), line(8, '', 'x,y,z'), line(9, '', 'x,y,z')].join('\n');
      const response = await upload(csv, 'mode=upsert');
      assert.equal(response.statusCode, 400, response.body);
      const { error } = response.json<ErrorBody>();
      assert.equal(error.reason, 'INGEST_TOO_MANY_REJECTED');
      const batch = (await operator.request('GET', `/api/v1/batches/${error.data?.batchId}`)).json<
        BatchBody['batch']
      >();
      assert.equal(batch.status, 'refused');
      assert.equal(batch.rowsRejected, 2);
      assert.deepEqual(await liveRows(), before);
      const listed = (
        await operator.request('GET', `/api/v1/batches/${error.data?.batchId}/rejections`)
      ).json<{ items: unknown[]; total: number }>();
      assert.equal(listed.total, 2);
    });

    it('reads GBK CSV (detected and declared) and refuses GBK declared as UTF-8', async () => {
      const gbk = iconv.encode([header, line(201, '张三'), line(202, '李四')].join('\n'), 'gbk');
      const detected = await upload(gbk, 'mode=upsert');
      assert.equal(detected.statusCode, 201, detected.body);
      assert.equal(detected.json<BatchBody>().batch.encoding, 'gb18030');
      const rows = await liveRows();
      assert.equal(rows.find((row) => row.id_number === citizenId(201))?.full_name, '张三');
      const declared = await upload(gbk, 'mode=upsert&encoding=gbk');
      assert.equal(declared.statusCode, 201, declared.body);
      const wrong = await upload(gbk, 'mode=upsert&encoding=utf-8');
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json<ErrorBody>().error.reason, 'INGEST_ENCODING');
    });

    it('reads a UTF-8 BOM CSV, XLSX with date cells, JSON and NDJSON pushes', async () => {
      const bom = Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from([header, line(301)].join('\n')),
      ]);
      assert.equal((await upload(bom, 'mode=upsert')).statusCode, 201);

      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('数据');
      sheet.addRow(['id_number', '姓名', '出生日期', '积分', '状态']);
      sheet.addRow([citizenId(302), '表格', new Date(Date.UTC(1985, 4, 6)), 7, '正常']);
      sheet.addRow([citizenId(303), '表格二', '1986/7/8', null, null]);
      const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
      const fromXlsx = await upload(xlsx, 'mode=upsert&name=data.xlsx', XLSX_TYPE);
      assert.equal(fromXlsx.statusCode, 201, fromXlsx.body);
      assert.equal(fromXlsx.json<BatchBody>().batch.rowsInserted, 2);
      const rows = await liveRows();
      assert.equal(rows.find((row) => row.id_number === citizenId(302))?.birth_date, '1985-05-06');
      assert.equal(rows.find((row) => row.id_number === citizenId(303))?.birth_date, '1986-07-08');

      const json = JSON.stringify([
        { id_number: citizenId(304), full_name: '推送', score: 3 },
        { 公民身份号码: citizenId(305), 姓名: '推送二', 状态: '注销' },
      ]);
      const pushed = await upload(json, 'mode=upsert', 'application/json');
      assert.equal(pushed.statusCode, 201, pushed.body);
      assert.equal(pushed.json<BatchBody>().batch.rowsInserted, 2);

      const ndjson = `${JSON.stringify({ id_number: citizenId(304), full_name: '推送改' })}\n`;
      const updated = await upload(ndjson, 'mode=upsert', 'application/x-ndjson');
      assert.equal(updated.statusCode, 201, updated.body);
      assert.equal(updated.json<BatchBody>().batch.rowsUpdated, 1);
      const after = await liveRows();
      const row304 = after.find((row) => row.id_number === citizenId(304));
      assert.equal(row304?.full_name, '推送改');
      // Upsert updates only the columns the batch carries: the score stays.
      assert.equal(Number(row304?.score), 3);
    });

    it('pushes with a department API token and refuses a token of another department', async () => {
      const admin = await login(t.app, 'gaj_admin');
      const created = await admin.request('POST', '/api/v1/tokens', {
        orgCode: 'GAJ',
        name: 'push-test',
      });
      assert.equal(created.statusCode, 201, created.body);
      const secret = created.json<{ secret: string }>().secret;
      const push = await t.app.inject({
        method: 'POST',
        url: `/api/v1/resources/${code}/batches?mode=upsert`,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-ndjson' },
        payload: `${JSON.stringify({ id_number: citizenId(401), full_name: '系统推送' })}\n`,
      });
      assert.equal(push.statusCode, 201, push.body);
      assert.equal(push.json<BatchBody>().batch.source, 'push');

      const scjgj = await login(t.app, 'scjgj_admin');
      const other = await scjgj.request('POST', '/api/v1/tokens', {
        orgCode: 'SCJGJ',
        name: 'push-test',
      });
      const foreign = await t.app.inject({
        method: 'POST',
        url: `/api/v1/resources/${code}/batches?mode=upsert`,
        headers: {
          authorization: `Bearer ${other.json<{ secret: string }>().secret}`,
          'content-type': 'application/x-ndjson',
        },
        payload: `${JSON.stringify({ id_number: citizenId(402), full_name: '越权' })}\n`,
      });
      assert.equal(foreign.statusCode, 403);
      const anonymous = await upload(`${header}\n${line(403)}`, 'mode=upsert', CSV_TYPE, null);
      assert.equal(anonymous.statusCode, 401);
    });

    it('deletes by key as tombstones that the changes feed reports', async () => {
      const cursor = Number(
        (
          await t.platform.services.db.kysely
            .selectFrom('resource_data_tables')
            .select('last_row_version')
            .where('table_name', '=', dataTableName(code))
            .executeTakeFirstOrThrow()
        ).last_row_version,
      );
      const response = await upload(
        `公民身份号码\n${citizenId(1)}\n${citizenId(2)}\n${citizenId(999)}`,
        'mode=delete',
      );
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json<BatchBody>().batch.rowsDeleted, 2);
      const changes = (
        await operator.request('GET', `/api/v1/resources/${code}/changes?since=${cursor}`)
      ).json<{ items: { deleted: boolean; values: { id_number: string } }[] }>();
      assert.deepEqual(
        changes.items.map((change) => [change.values.id_number, change.deleted]),
        [
          [citizenId(1), true],
          [citizenId(2), true],
        ],
      );
    });

    it('replaces the whole data set atomically with tombstones for what disappeared', async () => {
      const beforeKeys = (await liveRows()).map((row) => row.id_number as string);
      assert.ok(beforeKeys.length > 5);
      const csv = [header, line(3, '保留'), line(500), line(501)].join('\n');
      const response = await upload(csv, 'mode=replace');
      assert.equal(response.statusCode, 201, response.body);
      const { batch } = response.json<BatchBody>();
      assert.equal(batch.rowsUpdated, 1);
      assert.equal(batch.rowsInserted, 2);
      assert.equal(batch.rowsDeleted, beforeKeys.length - 1);
      assert.equal(batch.rowsTotal, 3);
      const rows = await liveRows();
      assert.deepEqual(
        rows.map((row) => row.id_number),
        [citizenId(3), citizenId(500), citizenId(501)],
      );
      const table = await t.platform.services.db.kysely
        .selectFrom('resource_data_tables')
        .selectAll()
        .where('table_name', '=', dataTableName(code))
        .executeTakeFirstOrThrow();
      assert.equal(Number(table.row_count), 3);
      // Every row version is unique, so the changes feed can page through them.
      const versions = (
        await sql<{
          v: number;
        }>`select _row_version as v from ${sql.id(dataTableName(code))}`.execute(
          t.platform.services.db.kysely,
        )
      ).rows.map((row) => Number(row.v));
      assert.equal(new Set(versions).size, versions.length);
      assert.equal(Math.max(...versions), Number(table.last_row_version));
    });

    it('refuses duplicate keys of a replace after the load, and the replaced table keeps its key unique', async () => {
      // The work table gets its key after the load (bulk.ts addWorkKey): the later row of a
      // repeated key is rejected, the first stays.
      const csv = [header, line(3, '首行'), line(600), line(3, '重复行'), line(601)].join('\n');
      const response = await upload(csv, 'mode=replace&maxRejectedPercent=50');
      assert.equal(response.statusCode, 201, response.body);
      const { batch, rejections } = response.json<BatchBody>();
      assert.equal(batch.rowsRead, 4);
      assert.equal(batch.rowsRejected, 1);
      assert.equal(batch.rowsTotal, 3);
      assert.deepEqual(
        rejections.map((rejection) => [rejection.row, rejection.code, rejection.value]),
        [[4, 'DUPLICATE_KEY', citizenId(3)]],
      );
      const rows = await liveRows();
      assert.deepEqual(
        rows.map((row) => [row.id_number, row.full_name]),
        [
          [citizenId(3), '首行'],
          [citizenId(600), '测试600'],
          [citizenId(601), '测试601'],
        ],
      );
      // The batch's system columns (added after the load on SQLite) read as the batch's.
      for (const row of rows) {
        assert.equal(row._batch_id, batch.id);
        assert.match(String(row._updated_at), /^\d{4}-\d{2}-\d{2}T/);
      }
      // An upsert onto the swapped-in table updates by key rather than adding a second row.
      const upserted = await upload([header, line(600, '改名')].join('\n'), 'mode=upsert');
      assert.equal(upserted.statusCode, 201, upserted.body);
      assert.equal(upserted.json<BatchBody>().batch.rowsUpdated, 1);
      const after = await liveRows();
      assert.deepEqual(
        after.map((row) => [row.id_number, row.full_name]),
        [
          [citizenId(3), '首行'],
          [citizenId(600), '改名'],
          [citizenId(601), '测试601'],
        ],
      );
      assert.notEqual(after[1]?._batch_id, batch.id);
      // The key refuses a second row with the same key at the database level too.
      await assert.rejects(
        sql`insert into ${sql.id(dataTableName(code))} (id_number, full_name, _row_version, _deleted, _batch_id, _updated_at)
            values (${citizenId(601)}, 'x', 999999, 0, 'x', 'x')`.execute(
          t.platform.services.db.kysely,
        ),
      );
    });

    it('refuses bad files whole with stable reasons and leaves the data as it was', async () => {
      const before = await liveRows();
      const cases: [string | Buffer, string, string, string][] = [
        ['', 'mode=replace', CSV_TYPE, 'INGEST_EMPTY_FILE'],
        [header, 'mode=replace', CSV_TYPE, 'INGEST_EMPTY_FILE'],
        ['编号,名字\n1,2', 'mode=replace', CSV_TYPE, 'INGEST_HEADER_MISMATCH'],
        [
          `${header}\n"${citizenId(600)},x,1990-01-01,1,正常`,
          'mode=replace',
          CSV_TYPE,
          'INGEST_CSV_SYNTAX',
        ],
        [Buffer.from('not a zip at all'), 'mode=replace', XLSX_TYPE, 'INGEST_FORMAT'],
        ['[{"id_number": ', 'mode=upsert', 'application/json', 'INGEST_JSON_SYNTAX'],
        [
          `${JSON.stringify({ id_number: citizenId(602) })}\nnot json\n`,
          'mode=upsert',
          'application/x-ndjson',
          'INGEST_JSON_SYNTAX',
        ],
      ];
      for (const [body, query, type, reason] of cases) {
        const response = await upload(body, query, type);
        assert.equal(
          response.json<ErrorBody>().error.reason,
          reason,
          `${reason}: ${response.body}`,
        );
        assert.ok(response.statusCode >= 400 && response.statusCode < 500);
      }
      // An XLSX that would unpack beyond the limit (a zip bomb) is refused before it is inflated.
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('数据');
      sheet.addRow(['id_number', '姓名']);
      for (let index = 0; index < 2000; index++)
        sheet.addRow([citizenId(700 + index), 'x'.repeat(20)]);
      const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
      const limit = XLSX_LIMITS.maxUnpackedBytes;
      XLSX_LIMITS.maxUnpackedBytes = 64 * 1024;
      try {
        const bomb = await upload(xlsx, 'mode=upsert', XLSX_TYPE);
        assert.equal(bomb.statusCode, 413, bomb.body);
        assert.equal(bomb.json<ErrorBody>().error.reason, 'INGEST_XLSX_TOO_LARGE');
      } finally {
        XLSX_LIMITS.maxUnpackedBytes = limit;
      }
      // A wrong column count is a rejected row, and with all rows wrong the batch is refused.
      const wide = await upload(`${header}\n${line(601)},extra`, 'mode=replace');
      assert.equal(wide.json<ErrorBody>().error.reason, 'INGEST_TOO_MANY_REJECTED');
      assert.deepEqual(await liveRows(), before);
      const failed = await t.platform.services.db.kysely
        .selectFrom('ingest_batches')
        .select(['status', 'error_code'])
        .where('error_code', '=', 'INGEST_HEADER_MISMATCH')
        .execute();
      assert.deepEqual(failed, [{ status: 'failed', error_code: 'INGEST_HEADER_MISMATCH' }]);
      // No work table is left behind.
      const { rows: leftovers } =
        engine === 'sqlite'
          ? await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'table' and name like ${`${dataTableName(code)}__b%`}`.execute(
              t.platform.services.db.kysely,
            )
          : await sql<{
              name: string;
            }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like ${`${dataTableName(code)}__b%`}`.execute(
              t.platform.services.db.kysely,
            );
      assert.deepEqual(leftovers, []);
    });

    it('stores files of non-tabular resources as versions with SHA-256 and size', async () => {
      const created = (await runAction(
        t.platform.services,
        getAction('catalog.resource.create'),
        {
          orgCode: 'GAJ',
          content: resourceContent({
            name: '测试户政业务规范文件',
            formatCategory: 'document',
            storageFormat: 'PDF',
            items: [],
          }),
        },
        { actor: system },
      )) as { code: string };
      for (const name of ['catalog.resource.submit', 'catalog.resource.publish'])
        await runAction(
          t.platform.services,
          getAction(name),
          { code: created.code },
          { actor: system },
        );
      const pdf = Buffer.from('%PDF-1.4\n% synthetic test document\n%%EOF\n');
      const send = (bytes: Buffer) =>
        t.app.inject({
          method: 'POST',
          url: `/api/v1/resources/${created.code}/batches?name=${encodeURIComponent('规范.pdf')}`,
          headers: {
            'content-type': 'application/pdf',
            cookie: operator.cookie,
            'x-csrf-token': operator.csrfToken,
          },
          payload: bytes,
        });
      const first = await send(pdf);
      assert.equal(first.statusCode, 201, first.body);
      assert.equal(first.json<BatchBody>().batch.bytes, pdf.length);
      await send(Buffer.concat([pdf, Buffer.from('% v2\n')]));
      const files = (
        await operator.request('GET', `/api/v1/resources/${created.code}/files`)
      ).json<{ items: { version: number; sha256: string; bytes: number; fileName: string }[] }>();
      assert.deepEqual(
        files.items.map((file) => [file.version, file.fileName, file.bytes]),
        [
          [2, '规范.pdf', pdf.length + 5],
          [1, '规范.pdf', pdf.length],
        ],
      );
      const { createHash } = await import('node:crypto');
      assert.equal(files.items[1]?.sha256, createHash('sha256').update(pdf).digest('hex'));
      const download = await t.app.inject({
        url: `/api/v1/resources/${created.code}/files/1`,
        headers: { cookie: operator.cookie },
      });
      assert.equal(download.statusCode, 200);
      assert.deepEqual(download.rawPayload, pdf);
    });

    it('loads binary (G) values given as base64, across several chunks', async () => {
      const created = (await runAction(
        t.platform.services,
        getAction('catalog.resource.create'),
        {
          orgCode: 'GAJ',
          content: resourceContent({
            name: '测试证件照片',
            items: [
              item(),
              item({
                name: '照片',
                column: 'photo',
                type: 'G',
                length: undefined,
                key: false,
                required: false,
                queryable: false,
                validator: { kind: 'none' },
              }),
            ],
          }),
        },
        { actor: system },
      )) as { code: string };
      for (const name of ['catalog.resource.submit', 'catalog.resource.publish'])
        await runAction(
          t.platform.services,
          getAction(name),
          { code: created.code },
          { actor: system },
        );
      // More rows than one chunk (5,000), with a row without a photo; bytes JSON would escape.
      const photo = (serial: number) => Buffer.from(`\u0000"photo ${serial}\n`);
      const idOf = (serial: number) =>
        citizenId(serial, `199001${String(1 + Math.floor(serial / 1000)).padStart(2, '0')}`);
      const lines = Array.from({ length: 6_001 }, (_, serial) =>
        JSON.stringify({
          id_number: idOf(serial),
          ...(serial === 7 ? {} : { photo: photo(serial).toString('base64') }),
        }),
      );
      const pushed = await t.app.inject({
        method: 'POST',
        url: `/api/v1/resources/${created.code}/batches?mode=replace&format=ndjson`,
        headers: {
          'content-type': 'application/x-ndjson',
          cookie: operator.cookie,
          'x-csrf-token': operator.csrfToken,
        },
        payload: `${lines.join('\n')}\n`,
      });
      assert.equal(pushed.statusCode, 201, pushed.body);
      assert.equal(pushed.json<BatchBody>().batch.rowsInserted, 6_001);
      const stored = await sql<{
        id_number: string;
        photo: Buffer | null;
      }>`select id_number, photo from ${sql.id(dataTableName(created.code))} where _deleted = 0 and id_number in (${sql.join(
        [0, 7, 5_999].map(idOf),
      )}) order by _row_version`.execute(t.platform.services.db.kysely);
      assert.deepEqual(
        stored.rows.map((row) => (row.photo ? Buffer.from(row.photo).toString() : null)),
        [photo(0).toString(), null, photo(5_999).toString()],
      );
    });

    it('lists batches newest first and audits each one', async () => {
      const list = (
        await operator.request('GET', `/api/v1/resources/${code}/batches?limit=100`)
      ).json<{ items: { status: string }[]; total: number }>();
      assert.ok(list.total >= 10);
      assert.ok(list.items.some((batch) => batch.status === 'refused'));
      const audited = await t.platform.services.db.kysely
        .selectFrom('audit_events')
        .select(['outcome'])
        .where('action', '=', 'aggregation.ingest')
        .execute();
      assert.ok(audited.filter((event) => event.outcome === 'success').length >= 8);
      assert.ok(audited.some((event) => event.outcome === 'failed'));
      const outsider = await login(t.app, 'scjgj_admin');
      assert.equal(
        (await outsider.request('GET', `/api/v1/resources/${code}/batches`)).statusCode,
        403,
      );
    });
  });
}
