import path from 'node:path';
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Command, Help, Option } from 'commander';
import pino from 'pino';
import stringWidth from 'string-width';
import { ACTIONS, getAction } from '../actions.ts';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../config/env.ts';
import type { Actor } from '../core/actor.ts';
import { startBackgroundWork } from '../core/background.ts';
import { AppError } from '../core/errors.ts';
import { fileBytes, type FileResultDto } from '../core/files.ts';
import { runAction } from '../core/run-action.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest, pendingMigrations } from '../db/migrate.ts';
import { describeDemoLogins, isDatabaseEmpty, loadDemo } from '../demo/demo.ts';
import { buildServer } from '../http/server.ts';
import { createPlatform, type Platform } from '../platform.ts';
import { ROLES } from '../core/policy.ts';
import { VALIDATOR_KINDS } from '../core/validators/index.ts';
import { parseImportErrorField, type ImportResultDto } from '../modules/catalog/exchange.ts';
import { IMPORT_LIMITS } from '../modules/catalog/xlsx.ts';
import { registerLedgerCommands } from './ledger.ts';
import { registerSharingCommands } from './sharing.ts';

/**
 * The govdx CLI. Every command that changes data runs an action as the `system` actor (whoever holds
 * a shell on the server is its operator), so it is validated, authorized and audited like HTTP calls.
 */
const CLI_ACTOR: Actor = { type: 'system', name: `cli:${process.env.USER ?? 'operator'}` };

function config(): Config {
  return loadConfig();
}

async function withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await createPlatform(config(), { logger: pino({ level: 'warn' }) });
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

function run(platform: Platform, name: string, input: unknown): Promise<unknown> {
  return runAction(platform.services, getAction(name), input, { actor: CLI_ACTOR });
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

// `govdx org list | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command();
program
  .name('govdx')
  .description('govdx: government data catalog, sharing and open-data platform')
  .showHelpAfterError();

program
  .command('serve')
  .description('serve the API, OpenAPI docs and console (migrates first)')
  .option('--demo', 'load the demo jurisdiction if the database is empty (same as GOVDX_DEMO=1)')
  .action(async (options: { demo?: boolean }) => {
    const cfg = config();
    const platform = await createPlatform(cfg);
    const { services } = platform;
    if ((options.demo || cfg.demo) && (await isDatabaseEmpty(services))) {
      process.stdout.write('Loading the demo jurisdiction 示范市 / 正在加载示范数据 ...\n');
      await loadDemo(services, {
        data: cfg.demoData,
        progress: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(
        `\n示范市 demo jurisdiction loaded / 已加载示范数据.\n${describeDemoLogins()}\n\n`,
      );
    }
    const app = await buildServer(services);
    const stopBackgroundWork = await startBackgroundWork(services);
    app.addHook('onClose', async () => {
      await stopBackgroundWork();
    });
    const shutdown = async (signal: string) => {
      services.logger.info({ signal }, 'shutting down');
      await app.close(); // stops accepting, lets in-flight requests finish
      await platform.close();
      process.exit(0);
    };
    process.once('SIGINT', (signal) => void shutdown(signal));
    process.once('SIGTERM', (signal) => void shutdown(signal));
    const address = await app.listen({ port: cfg.port, host: cfg.host });
    process.stdout.write(
      `govdx listening on ${address}\n  console:  ${address}/console/\n  API docs: ${address}/api/docs\n  database: ${services.db.describe}\n`,
    );
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const db = await openDatabase(config().databaseUrl);
    try {
      const results = await migrateToLatest(db);
      if (results.length === 0) process.stdout.write('database is up to date\n');
      for (const result of results)
        process.stdout.write(`${result.status}: ${result.migrationName}\n`);
    } finally {
      await db.close();
    }
  });

program
  .command('demo')
  .description('load the demo jurisdiction 示范市 into an empty database')
  .action(() =>
    withPlatform(async (platform) => {
      const started = Date.now();
      await loadDemo(platform.services, {
        data: platform.services.config.demoData,
        progress: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(
        `demo jurisdiction loaded in ${((Date.now() - started) / 1000).toFixed(1)} s\n${describeDemoLogins()}\n`,
      );
    }),
  );

const user = program.command('user').description('manage users');
user
  .command('create')
  .description('create a user with one organisation membership')
  .requiredOption('--org <code>', 'organisation code')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .requiredOption('--username <u>', 'username')
  .requiredOption('--password <p>', 'password (at least 10 characters)')
  .option('--display-name <name>', 'display name')
  .action(
    (options: {
      org: string;
      role: string;
      username: string;
      password: string;
      displayName?: string;
    }) =>
      withPlatform(async (platform) => {
        const created = (await run(platform, 'user.create', {
          orgCode: options.org,
          role: options.role,
          username: options.username,
          password: options.password,
          ...(options.displayName ? { displayName: options.displayName } : {}),
        })) as { id: string; username: string };
        process.stdout.write(`created user ${created.username} (${created.id})\n`);
      }),
  );

const token = program.command('token').description('manage API tokens of department systems');
token
  .command('create')
  .description('issue an API token; the secret is printed once')
  .requiredOption('--org <code>', 'organisation code')
  .requiredOption('--name <system name>', 'name of the calling system')
  .option('--expires <date>', 'last valid day, YYYY-MM-DD')
  .action((options: { org: string; name: string; expires?: string }) =>
    withPlatform(async (platform) => {
      const created = (await run(platform, 'token.create', {
        orgCode: options.org,
        name: options.name,
        ...(options.expires ? { expiresAt: options.expires } : {}),
      })) as { token: { id: string }; secret: string };
      process.stderr.write(
        `token ${created.token.id} created; store the secret now, it is not shown again:\n`,
      );
      process.stdout.write(`${created.secret}\n`);
    }),
  );
token
  .command('revoke')
  .description('revoke an API token')
  .requiredOption('--id <id>', 'token id')
  .requiredOption('--reason <text>', 'why it is revoked')
  .action((options: { id: string; reason: string }) =>
    withPlatform(async (platform) => {
      await run(platform, 'token.revoke', { id: options.id, reason: options.reason });
      process.stdout.write(`token ${options.id} revoked\n`);
    }),
  );

const org = program.command('org').description('organisations');
org
  .command('list')
  .description('list organisations')
  .option('--json', 'print JSON')
  .option('--region <code>', 'only this region and below')
  .action((options: { json?: boolean; region?: string }) =>
    withPlatform(async (platform) => {
      const { items } = (await run(
        platform,
        'org.list',
        options.region ? { regionCode: options.region } : {},
      )) as {
        items: {
          code: string;
          name: string;
          kind: string;
          regionCode: string;
          creditCode: string | null;
        }[];
      };
      if (options.json) return printJson(items);
      for (const item of items) {
        process.stdout.write(
          `${item.code.padEnd(8)} ${item.kind.padEnd(11)} ${item.regionCode} ${(item.creditCode ?? '-').padEnd(18)} ${item.name}\n`,
        );
      }
    }),
  );

const CATALOG_STATUSES = ['draft', 'submitted', 'returned', 'published', 'superseded', 'withdrawn'];
const catalog = program
  .command('catalog')
  .description('catalog entries: list, import from the XLSX template, export the lists');
catalog
  .command('list')
  .description('list catalog entries (the latest version of each, or those in a status)')
  .option(
    '--json',
    'print JSON: code, name, provider, classes, update cycle, status, version and data items',
  )
  .addOption(new Option('--status <s>', 'only entries in this status').choices(CATALOG_STATUSES))
  .option('--org <code>', 'only this provider organisation')
  .action((options: { json?: boolean; status?: string; org?: string }) =>
    withPlatform(async (platform) => {
      interface Summary {
        code: string;
        version: number;
        status: string;
        name: string;
        orgCode: string;
        orgName: string;
        classification: string;
        shareClass: string;
        openClass: string;
        updateCycle: string;
      }
      const summaries: Summary[] = [];
      for (let offset = 0; ;) {
        const page = (await run(platform, 'catalog.resource.list', {
          ...(options.status ? { status: options.status } : {}),
          ...(options.org ? { orgCode: options.org } : {}),
          limit: 500,
          offset,
        })) as { items: Summary[]; total: number };
        summaries.push(...page.items);
        offset += page.items.length;
        if (page.items.length === 0 || offset >= page.total) break;
      }
      if (!options.json) {
        for (const entry of summaries) {
          process.stdout.write(
            `${entry.code.padEnd(16)} ${entry.status.padEnd(10)} v${String(entry.version).padEnd(3)} ${entry.orgCode.padEnd(8)} ${entry.shareClass}/${entry.openClass} ${entry.updateCycle.padEnd(11)} ${entry.name}\n`,
          );
        }
        return;
      }
      const entries = [];
      for (const entry of summaries) {
        const version = (await run(platform, 'catalog.resource.get', {
          code: entry.code,
          version: entry.version,
        })) as { content: { items: unknown[] } };
        entries.push({
          code: entry.code,
          name: entry.name,
          provider: { code: entry.orgCode, name: entry.orgName },
          classification: entry.classification,
          shareClass: entry.shareClass,
          openClass: entry.openClass,
          updateCycle: entry.updateCycle,
          status: entry.status,
          version: entry.version,
          items: version.content.items,
        });
      }
      printJson(entries);
    }),
  );
catalog
  .command('import')
  .description(
    'import entries from the XLSX template (see `govdx catalog export` / GET /api/v1/catalog/template); each is submitted for review',
  )
  .argument('<file>', 'XLSX file')
  .option(
    '--valid-only',
    'import the valid resources and list the errors (default: all or nothing)',
  )
  .option('--publish', 'publish the imported entries at once')
  .action((file: string, options: { validOnly?: boolean; publish?: boolean }) =>
    withPlatform(async (platform) => {
      if (statSync(file).size > IMPORT_LIMITS.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE');
      let result: ImportResultDto;
      try {
        result = (await run(platform, 'catalog.import', {
          file: readFileSync(file),
          fileName: path.basename(file),
          mode: options.validOnly ? 'valid_only' : 'all_or_nothing',
          publish: options.publish === true,
        })) as ImportResultDto;
      } catch (error) {
        const rows = importErrorRows(error);
        if (!rows) throw error;
        process.stderr.write(
          `${(error as AppError).localized.zh}\n${(error as AppError).localized.en}\n`,
        );
        printImportErrors(rows);
        process.exitCode = 1;
        return;
      }
      for (const entry of result.created) {
        process.stdout.write(
          `row ${String(entry.row).padEnd(5)} ${entry.code.padEnd(16)} ${entry.status.padEnd(10)} ${entry.name}\n`,
        );
      }
      process.stdout.write(`imported ${result.created.length} entries\n`);
      if (result.errors.length > 0) {
        printImportErrors(
          result.errors.map((error) => ({
            sheet: error.sheet,
            row: error.row,
            column: error.column,
            reason: `${error.message.zh} / ${error.message.en}`,
          })),
        );
        if (result.created.length === 0) process.exitCode = 1;
      }
    }),
  );
catalog
  .command('export')
  .description(
    'export the sharing catalog, open catalog, responsibility list or whole catalog (live entries)',
  )
  .addOption(
    new Option('--format <format>', 'file format')
      .choices(['xlsx', 'csv', 'json', 'dcat-jsonld', 'dcat-ttl'])
      .makeOptionMandatory(),
  )
  .addOption(
    new Option('--list <list>', 'which list (default all; open for DCAT)').choices([
      'sharing',
      'open',
      'responsibility',
      'all',
    ]),
  )
  .option('--region <code>', 'region (default: the top of the hierarchy)')
  .option('--org <code>', 'only this provider organisation')
  .option('--out <file>', 'write to this file (default: standard output)')
  .action(
    (options: { format: string; list?: string; region?: string; org?: string; out?: string }) =>
      withPlatform(async (platform) => {
        const { file } = (await run(platform, 'catalog.export', {
          format: options.format,
          ...(options.list ? { list: options.list } : {}),
          ...(options.region ? { regionCode: options.region } : {}),
          ...(options.org ? { orgCode: options.org } : {}),
        })) as FileResultDto;
        const bytes = fileBytes(file.bytes) ?? Buffer.alloc(0);
        if (!options.out) {
          process.stdout.write(bytes);
          return;
        }
        writeFileSync(options.out, bytes);
        process.stderr.write(`wrote ${options.out} (${bytes.length} bytes; ${file.name})\n`);
      }),
  );

interface ImportErrorRow {
  sheet: string;
  row: number;
  column: string;
  reason: string;
}

/** The rows of an all-or-nothing import's VALIDATION error (fields named `资源:3:资源名称`). */
function importErrorRows(error: unknown): ImportErrorRow[] | undefined {
  if (!(error instanceof AppError) || error.code !== 'VALIDATION' || !error.fields)
    return undefined;
  const rows: ImportErrorRow[] = [];
  for (const [field, message] of Object.entries(error.fields)) {
    const where = parseImportErrorField(field);
    if (!where) return undefined;
    rows.push({ ...where, reason: `${message.zh} / ${message.en}` });
  }
  return rows;
}

function printImportErrors(rows: ImportErrorRow[]): void {
  const width = (text: string) =>
    [...text].reduce((sum, char) => sum + (char.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
  const pad = (text: string, size: number) => text + ' '.repeat(Math.max(0, size - width(text)));
  const columnWidth = Math.max(6, ...rows.map((row) => width(row.column)));
  process.stderr.write(
    `${pad('sheet', 8)} ${pad('row', 6)} ${pad('column', columnWidth)} reason\n`,
  );
  for (const row of rows) {
    process.stderr.write(
      `${pad(row.sheet, 8)} ${pad(String(row.row), 6)} ${pad(row.column, columnWidth)} ${row.reason}\n`,
    );
  }
}

const configCommand = program.command('config').description('configuration');
configCommand
  .command('check')
  .description('validate the environment configuration and reach the database')
  .action(async () => {
    const cfg = loadConfig(process.env, { persistSecret: false });
    for (const variable of CONFIG_VARIABLES) {
      const value = process.env[variable.name];
      const shown =
        variable.name.includes('SECRET') && value
          ? '(set)'
          : (value ?? `(default ${variable.default})`);
      process.stdout.write(`${variable.name.padEnd(26)} ${shown}\n`);
    }
    const db = await openDatabase(cfg.databaseUrl);
    try {
      await db.dialect.ping(db.kysely as never);
      const pending = await pendingMigrations(db);
      process.stdout.write(
        `database ${db.describe}: reachable; ${pending.length === 0 ? 'schema up to date' : `pending migrations: ${pending.join(', ')}`}\n`,
      );
    } finally {
      await db.close();
    }
    process.stdout.write('configuration OK\n');
  });

program
  .command('validate')
  .description(
    'check values as ingestion does: id-card, credit-code, mobile, region-code or date (exit 1 if any is invalid)',
  )
  .addOption(
    new Option('--kind <kind>', 'validator').choices(VALIDATOR_KINDS).makeOptionMandatory(),
  )
  .argument('[values...]', 'values to check')
  .option('--file <path>', 'a file with one value per line')
  .option('--json', 'print JSON')
  .action((values: string[], options: { kind: string; file?: string; json?: boolean }) =>
    withPlatform(async (platform) => {
      const fromFile = options.file
        ? readFileSync(options.file, 'utf8')
            .split(/\r?\n/)
            .map((line) => line.trim())
            .filter(Boolean)
        : [];
      const all = [...values, ...fromFile];
      if (all.length === 0)
        throw new AppError('VALIDATION', undefined, {
          values: { zh: '请给出要校验的值或 --file', en: 'give values or --file' },
        });
      const report = (await run(platform, 'aggregation.validate', {
        kind: options.kind,
        values: all,
      })) as {
        validCount: number;
        invalidCount: number;
        results: { value: string; valid: boolean; reason?: { zh: string; en: string } }[];
      };
      if (options.json) printJson(report);
      else {
        for (const result of report.results) {
          process.stdout.write(
            result.valid
              ? `valid    ${result.value}\n`
              : `invalid  ${result.value}  ${result.reason?.zh ?? ''} / ${result.reason?.en ?? ''}\n`,
          );
        }
        process.stdout.write(`${report.validCount} valid, ${report.invalidCount} invalid\n`);
      }
      if (report.invalidCount > 0) process.exitCode = 1;
    }),
  );

program
  .command('ingest')
  .description(
    'load a CSV (UTF-8 or GBK), XLSX, JSON or NDJSON file into a published resource as one batch (exit 1 if it fails or rows are rejected)',
  )
  .requiredOption('--resource <code>', 'resource code, e.g. JC-RK-000001')
  .requiredOption('--file <path>', 'the file (streamed: any size)')
  .addOption(
    new Option('--mode <mode>', 'replace: the whole data set; upsert / delete: by key')
      .choices(['replace', 'upsert', 'delete'])
      .default('upsert'),
  )
  .addOption(
    new Option('--format <format>', 'default: from the file name').choices([
      'csv',
      'xlsx',
      'json',
      'ndjson',
      'file',
    ]),
  )
  .addOption(
    new Option('--encoding <encoding>', 'CSV encoding')
      .choices(['auto', 'utf-8', 'gbk', 'gb18030'])
      .default('auto'),
  )
  .option('--max-rejected-percent <n>', 'refuse the batch above this share of rejected rows')
  .option('--json', 'print the batch summary as JSON, including the rejected rows')
  .action(
    (options: {
      resource: string;
      file: string;
      mode: string;
      format?: string;
      encoding: string;
      maxRejectedPercent?: string;
      json?: boolean;
    }) =>
      withPlatform(async (platform) => {
        statSync(options.file);
        const input = {
          code: options.resource,
          mode: options.mode,
          encoding: options.encoding,
          name: path.basename(options.file),
          ...(options.format ? { format: options.format } : {}),
          ...(options.maxRejectedPercent !== undefined
            ? { maxRejectedPercent: Number(options.maxRejectedPercent) }
            : {}),
          file: createReadStream(options.file),
        };
        let batchId: string;
        let failure: AppError | undefined;
        try {
          const result = (await run(platform, 'aggregation.ingest', input)) as {
            batch: { id: string };
          };
          batchId = result.batch.id;
        } catch (error) {
          const id = error instanceof AppError ? error.detail?.data?.batchId : undefined;
          if (typeof id !== 'string') throw error;
          batchId = id;
          failure = error as AppError;
        }
        const batch = (await run(platform, 'aggregation.batch.get', { id: batchId })) as {
          status: string;
          rowsRead: number;
          rowsInserted: number;
          rowsUpdated: number;
          rowsDeleted: number;
          rowsRejected: number;
          rowsTotal: number | null;
          durationMs: number | null;
          sha256: string | null;
          errorCode: string | null;
        };
        const rejections = (await run(platform, 'aggregation.batch.rejections', {
          id: batchId,
          limit: 10000,
        })) as {
          items: {
            row: number;
            column: string | null;
            value: string | null;
            code: string;
            reason: { zh: string; en: string };
          }[];
        };
        if (options.json) {
          printJson({
            ...batch,
            ...(failure
              ? { error: { reason: failure.detail?.reason, message: failure.localized } }
              : {}),
            rejections: rejections.items,
          });
        } else {
          if (failure) {
            process.stderr.write(`${failure.localized.zh}\n${failure.localized.en}\n`);
          }
          process.stdout.write(
            `batch ${batchId} ${batch.status}: read ${batch.rowsRead}, inserted ${batch.rowsInserted}, updated ${batch.rowsUpdated}, deleted ${batch.rowsDeleted}, rejected ${batch.rowsRejected}; ${batch.rowsTotal ?? '-'} rows now; ${batch.durationMs ?? 0} ms; sha256 ${batch.sha256 ?? '-'}\n`,
          );
          for (const item of rejections.items.slice(0, 50)) {
            process.stdout.write(
              `  row ${String(item.row).padEnd(7)} ${(item.column ?? '-').padEnd(20)} ${item.code.padEnd(14)} ${item.reason.zh} / ${item.reason.en}\n`,
            );
          }
          if (rejections.items.length > 50) {
            process.stdout.write(
              `  ... ${batch.rowsRejected - 50} more (govdx ingest --json, or the console's 问题数据 download)\n`,
            );
          }
        }
        if (failure || batch.rowsRejected > 0) process.exitCode = 1;
      }),
  );

const calendar = program.command('calendar').description('PRC working-day calendar');
calendar
  .command('add-working-days')
  .description('print the date n working days after <date> (counting starts the next day)')
  .argument('<date>', 'YYYY-MM-DD')
  .argument('<n>', 'number of working days')
  .option('--region <code>', 'GB/T 2260 region code (applies local overrides)')
  .action((date: string, n: string, options: { region?: string }) =>
    withPlatform(async (platform) => {
      const result = (await run(platform, 'calendar.addWorkingDays', {
        date,
        n,
        ...(options.region ? { region: options.region } : {}),
      })) as { date: string };
      process.stdout.write(`${result.date}\n`);
    }),
  );

registerSharingCommands(program, { withPlatform, run, printJson });
registerLedgerCommands(program, { withPlatform, run, printJson });

program
  .command('action')
  .description(
    'run any action by name with JSON input, as the platform operator (see `govdx action --list`)',
  )
  .argument('[name]', 'action name, e.g. region.update')
  .argument('[input]', 'JSON input', '{}')
  .option('--list', 'list every action with its description')
  .action((name: string | undefined, input: string, options: { list?: boolean }) => {
    if (options.list || !name) {
      for (const action of ACTIONS)
        process.stdout.write(`${action.name.padEnd(26)} ${action.description}\n`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new AppError('BAD_REQUEST', {
        zh: '输入不是合法的 JSON',
        en: 'input is not valid JSON',
      });
    }
    // Parsed JSON keeps its own types, as an HTTP body does (core/validation.ts).
    return withPlatform(async (platform) =>
      printJson(
        await runAction(platform.services, getAction(name), parsed, {
          actor: CLI_ACTOR,
          inputSource: 'json',
        }),
      ),
    );
  });

/** `words` (never split) in lines of at most `width` columns, the later lines indented by `indent`. */
function wrapWords(words: string[], width: number, indent: number, helper: Help): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const room = lines.length === 0 ? width : width - indent;
    if (line && helper.displayWidth(`${line} ${word}`) > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((text, index) => (index === 0 ? text : `${' '.repeat(indent)}${text}`));
}

interface CommandEntry {
  /** `user create`: the words that select the command. */
  path: string;
  /** `--org <code>`, `[--json]`, `<file>`: one item per argument or option. */
  synopsis: string[];
  description: string;
}

function synopsisOf(command: Command, helper: Help): string[] {
  const args = command.registeredArguments.map((argument) => {
    const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
    return argument.required ? `<${name}>` : `[${name}]`;
  });
  const options = helper
    .visibleOptions(command)
    .filter((option) => command.options.includes(option)) // not the built-in --help
    .map((option) => {
      const value = /[<[].*[>\]]/.exec(option.flags)?.[0];
      const flag = option.long ?? option.short ?? option.flags;
      const term = value ? `${flag} ${value}` : flag;
      return option.mandatory ? term : `[${term}]`;
    });
  return [...args, ...options];
}

/** Every command that runs something, depth first in the order they were registered. */
function commandEntries(command: Command, helper: Help, prefix: string[] = []): CommandEntry[] {
  const entries: CommandEntry[] = [];
  for (const sub of helper.visibleCommands(command)) {
    const builtInHelp = !command.commands.includes(sub);
    // `govdx <group> help` only repeats `govdx help <group>`.
    if (builtInHelp && prefix.length > 0) continue;
    const path = [...prefix, sub.name()];
    if (!builtInHelp && sub.commands.length > 0) {
      entries.push(...commandEntries(sub, helper, path));
      continue;
    }
    entries.push({
      path: path.join(' '),
      synopsis: synopsisOf(sub, helper),
      description: helper.subcommandDescription(sub),
    });
  }
  return entries;
}

/** Terms at most this wide share their line with the description; longer ones go above it. */
const TERM_COLUMN_MAX = 30;

/**
 * `govdx --help` lists every command, the subcommands of the groups included, each with a synopsis
 * of its arguments and options (issue 2). The list is walked from commander's command tree, so a
 * command registered later shows up by itself; `govdx <command> --help` keeps commander's layout.
 */
function allCommandsHelp(program: Command, helper: Help): string {
  const width = helper.helpWidth ?? 80;
  const entries = commandEntries(program, helper).map((entry) => {
    const pathWidth = helper.displayWidth(entry.path);
    // Continuation lines of a long synopsis line up after the command's words when there is room.
    const indent = width - 2 - pathWidth - 1 >= 40 ? pathWidth + 1 : 4;
    const term = wrapWords([entry.path, ...entry.synopsis], width - 2, indent, helper);
    return { ...entry, term };
  });
  const termColumn = Math.max(
    0,
    ...entries
      .map((entry) => entry.term)
      .filter((term) => term.length === 1 && helper.displayWidth(term[0] ?? '') <= TERM_COLUMN_MAX)
      .map((term) => helper.displayWidth(term[0] ?? '')),
  );
  const descriptionIndent = ' '.repeat(2 + termColumn + 2);
  const lines = ['', helper.styleTitle('Commands:')];
  for (const entry of entries) {
    const description = entry.description
      ? helper.boxWrap(entry.description, width - descriptionIndent.length).split('\n')
      : [];
    const [first, ...rest] = entry.term;
    if (
      entry.term.length === 1 &&
      first !== undefined &&
      helper.displayWidth(first) <= termColumn
    ) {
      const padding = ' '.repeat(termColumn - helper.displayWidth(first) + 2);
      lines.push(`  ${first}${description.length > 0 ? `${padding}${description[0]}` : ''}`);
      description.shift();
    } else {
      lines.push(`  ${first ?? ''}`, ...rest.map((line) => `  ${line}`));
    }
    lines.push(...description.map((line) => `${descriptionIndent}${line}`));
  }
  lines.push(
    '',
    `Run \`${program.name()} <command> --help\` for what each option of a command means.`,
  );
  return `${lines.join('\n')}\n`;
}

// For the top-level command only: the groups' own help keeps commander's layout.
program.configureHelp({
  // Chinese characters take two columns (descriptions name 示范市 and the like).
  displayWidth: (text) => stringWidth(text),
  formatHelp: (command, helper) => {
    if (command.parent) return Help.prototype.formatHelp.call(helper, command, helper);
    // commander's layout for the usage, description and options; the Commands: list is ours
    const withoutCommands = Object.assign(Object.create(helper) as Help, {
      visibleCommands: () => [],
    });
    const head = Help.prototype.formatHelp.call(withoutCommands, command, withoutCommands);
    return `${head}${allCommandsHelp(command, helper)}`;
  },
});

function reportError(error: unknown): never {
  if (error instanceof AppError) {
    process.stderr.write(`error ${error.code}: ${error.localized.zh} / ${error.localized.en}\n`);
    for (const [field, message] of Object.entries(error.fields ?? {})) {
      process.stderr.write(`  ${field}: ${message.zh} / ${message.en}\n`);
    }
  } else if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportError(error);
}
