import { Command, Option } from 'commander';
import pino from 'pino';
import { ACTIONS, getAction } from '../actions.ts';
import { CONFIG_VARIABLES, ConfigError, loadConfig, type Config } from '../config/env.ts';
import type { Actor } from '../core/actor.ts';
import { AppError } from '../core/errors.ts';
import { runAction } from '../core/run-action.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest, pendingMigrations } from '../db/migrate.ts';
import { describeDemoLogins, isDatabaseEmpty, loadDemo } from '../demo/demo.ts';
import { buildServer } from '../http/server.ts';
import { createPlatform, type Platform } from '../platform.ts';
import { ROLES } from '../core/policy.ts';

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
      await loadDemo(services);
      process.stdout.write(
        `\n示范市 demo jurisdiction loaded / 已加载示范数据.\n${describeDemoLogins()}\n\n`,
      );
    }
    const app = await buildServer(services);
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
      await loadDemo(platform.services);
      process.stdout.write(`demo jurisdiction loaded\n${describeDemoLogins()}\n`);
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
    return withPlatform(async (platform) => printJson(await run(platform, name, parsed)));
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
