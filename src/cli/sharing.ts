import type { Command } from 'commander';
import { AppError } from '../core/errors.ts';
import type { Platform } from '../platform.ts';
import { MASKING_RULE_NAMES } from '../modules/sharing/masking.ts';

/**
 * Sharing commands for the authority's scripted work (issue 5), for example migrating sharing
 * agreements that exist on paper: `govdx grant list|create|revoke` and `govdx share requests`.
 * Each runs its action as the CLI's system actor, so it is validated and audited like HTTP calls.
 */
export interface CliHelpers {
  withPlatform<T>(work: (platform: Platform) => Promise<T>): Promise<T>;
  run(platform: Platform, name: string, input: unknown): Promise<unknown>;
  printJson(value: unknown): void;
}

interface GrantRow {
  id: string;
  status: string;
  consumerOrgCode: string;
  providerOrgCode: string;
  resourceCode: string;
  resourceName: string;
  items: { column: string; masking: string }[];
  operations: string[];
  validTo: string | null;
  origin: string;
}

interface RequestRow {
  code: string;
  status: string;
  consumerOrgCode: string;
  providerOrgCode: string;
  resourceCode: string;
  resourceName: string;
  dueDate: string;
  workingDaysLeft: number | null;
  overdue: boolean;
}

const list = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** `--mask id_card_no=id_number --mask person_name=name` into {column: rule}. */
function parseMasks(values: string[]): Record<string, string> {
  const masking: Record<string, string> = {};
  for (const value of values) {
    const [column, rule] = value.split('=');
    if (!column || !rule || !(MASKING_RULE_NAMES as string[]).includes(rule)) {
      throw new AppError('BAD_REQUEST', {
        zh: `--mask 应为 数据项=规则，规则为 ${MASKING_RULE_NAMES.join('、')} 之一：${value}`,
        en: `--mask takes item=rule with a rule among ${MASKING_RULE_NAMES.join(', ')}: ${value}`,
      });
    }
    masking[column] = rule;
  }
  return masking;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSharingCommands(program: Command, cli: CliHelpers): void {
  const grant = program.command('grant').description('sharing grants (issue 5)');
  grant
    .command('list')
    .description('list grants')
    .option('--json', 'print JSON')
    .option('--resource <code>', 'only grants on this resource')
    .option('--consumer <org>', 'only grants of this consumer organisation')
    .option('--status <status>', 'active, scheduled, expired or revoked')
    .action((options: { json?: boolean; resource?: string; consumer?: string; status?: string }) =>
      cli.withPlatform(async (platform) => {
        const items: GrantRow[] = [];
        for (let offset = 0; ; offset += 500) {
          const page = (await cli.run(platform, 'share.grant.list', {
            limit: 500,
            offset,
            ...(options.resource ? { resourceCode: options.resource } : {}),
            ...(options.consumer ? { consumerOrgCode: options.consumer } : {}),
            ...(options.status ? { status: options.status } : {}),
          })) as { items: GrantRow[]; total: number };
          items.push(...page.items);
          if (items.length >= page.total || page.items.length === 0) break;
        }
        if (options.json) return cli.printJson(items);
        for (const item of items) {
          process.stdout.write(
            `${item.id}  ${item.status.padEnd(9)} ${item.consumerOrgCode.padEnd(8)} <- ${item.providerOrgCode.padEnd(8)} ${item.resourceCode.padEnd(16)} ${item.operations.join(',').padEnd(20)} ${item.validTo?.slice(0, 10) ?? '-'.padEnd(10)} ${item.resourceName}\n`,
          );
        }
      }),
    );
  grant
    .command('create')
    .description('create a grant directly (an agreement migrated from paper); prints the grant id')
    .requiredOption('--consumer <org>', 'consumer organisation code')
    .requiredOption('--resource <code>', 'resource code')
    .requiredOption('--items <a,b,...>', 'granted data items (column names)')
    .requiredOption('--purpose <text>', 'purpose of use')
    .option('--scenario <text>', 'application scenario', '纸质共享协议迁移')
    .option('--legal-basis <text>', "legal basis of the consumer's duty", '原纸质共享协议')
    .option(
      '--mask <item=rule>',
      `masking rule of an item (${MASKING_RULE_NAMES.join(', ')}); repeatable`,
      collect,
      [],
    )
    .option('--ops <ops>', 'operations: lookup, verify, export, analysis', 'lookup')
    .option('--from <date>', 'first valid day, YYYY-MM-DD')
    .option('--until <date>', 'last valid day, YYYY-MM-DD')
    .option('--rate-limit <n>', 'calls per minute', (value) => Number.parseInt(value, 10))
    .action(
      (options: {
        consumer: string;
        resource: string;
        items: string;
        purpose: string;
        scenario: string;
        legalBasis: string;
        mask: string[];
        ops: string;
        from?: string;
        until?: string;
        rateLimit?: number;
      }) =>
        cli.withPlatform(async (platform) => {
          const created = (await cli.run(platform, 'share.grant.create', {
            consumerOrgCode: options.consumer,
            resourceCode: options.resource,
            items: list(options.items),
            operations: list(options.ops),
            purpose: options.purpose,
            scenario: options.scenario,
            legalBasis: options.legalBasis,
            masking: parseMasks(options.mask),
            ...(options.from ? { validFrom: options.from } : {}),
            ...(options.until ? { validTo: options.until } : {}),
            ...(options.rateLimit ? { rateLimitPerMinute: options.rateLimit } : {}),
          })) as GrantRow;
          process.stdout.write(`${created.id}\n`);
        }),
    );
  grant
    .command('revoke')
    .description('revoke a grant at once')
    .argument('<id>', 'grant id')
    .requiredOption('--reason <text>', 'why it is revoked')
    .action((id: string, options: { reason: string }) =>
      cli.withPlatform(async (platform) => {
        await cli.run(platform, 'share.grant.revoke', { id, reason: options.reason });
        process.stdout.write(`grant ${id} revoked\n`);
      }),
    );

  const share = program.command('share').description('sharing requests (issue 5)');
  share
    .command('requests')
    .description('list share requests with their working-day deadlines')
    .option('--json', 'print JSON')
    .option('--overdue', 'only requests past their deadline (R4.4)')
    .action((options: { json?: boolean; overdue?: boolean }) =>
      cli.withPlatform(async (platform) => {
        const items: RequestRow[] = [];
        for (let offset = 0; ; offset += 200) {
          const page = (await cli.run(platform, 'share.request.list', {
            box: options.overdue ? 'overdue' : 'all',
            limit: 200,
            offset,
          })) as { items: RequestRow[]; total: number };
          items.push(...page.items);
          if (items.length >= page.total || page.items.length === 0) break;
        }
        if (options.json) return cli.printJson(items);
        for (const item of items) {
          const left =
            item.workingDaysLeft === null
              ? ''
              : item.overdue
                ? `overdue ${-item.workingDaysLeft} working days`
                : `${item.workingDaysLeft} working days left`;
          process.stdout.write(
            `${item.code}  ${item.status.padEnd(9)} ${item.consumerOrgCode.padEnd(8)} -> ${item.providerOrgCode.padEnd(8)} ${item.resourceCode.padEnd(16)} due ${item.dueDate} ${left.padEnd(26)} ${item.resourceName}\n`,
          );
        }
      }),
    );
}
