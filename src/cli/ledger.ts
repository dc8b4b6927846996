import { generateKeyPairSync } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../core/errors.ts';
import type { Config } from '../config/env.ts';
import { parseVerifierKey, type NoteVerifier } from '../modules/ledger/note.ts';
import { buildBundle, checkBundle, type ProofBundle } from '../modules/ledger/proofs.ts';
import { verifyLedger } from '../modules/ledger/verify.ts';
import { runWitness } from '../modules/ledger/witness.ts';
import type { CliHelpers } from './sharing.ts';

/**
 * `govdx ledger ...` (issue 6): verify the whole log, prove one event, check a proof bundle offline,
 * run a witness, register witnesses and rotate the log key.
 */

/** Public keys of retired log keys, one verifier key a line (written by `ledger rotate-key`). */
export const TRUSTED_KEYS_FILE = 'ledger-trusted-keys';

function trustedKeys(config: Config, extra: string[], logKey: string): NoteVerifier[] {
  const keys = [logKey, ...extra];
  const file = path.join(config.dataDir, TRUSTED_KEYS_FILE);
  if (existsSync(file)) {
    keys.push(
      ...readFileSync(file, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
  }
  return keys.map((key) => parseVerifierKey(key));
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerLedgerCommands(program: Command, helpers: CliHelpers): void {
  const ledger = program
    .command('ledger')
    .description('the tamper-evident ledger 存证: verify, prove, check bundles, witness');

  ledger
    .command('verify')
    .description(
      'recompute the whole tree from the stored events and check it against every signed checkpoint; exits 1 naming the first bad entry',
    )
    .option(
      '--verifier-key <vkey>',
      'also trust this log key (a retired one); repeatable',
      collect,
      [] as string[],
    )
    .option('--json', 'print the report as JSON')
    .action((options: { verifierKey: string[]; json?: boolean }) =>
      helpers.withPlatform(async (platform) => {
        const { services } = platform;
        const keys = trustedKeys(
          services.config,
          options.verifierKey,
          services.ledger.signer.verifierKey,
        );
        const interactive = !options.json && process.stderr.isTTY;
        const report = await verifyLedger(services.db.kysely, keys, {
          origin: services.ledger.origin,
          progress: (done, total) => {
            if (interactive) process.stderr.write(`\r  ${done} / ${total} entries`);
          },
        });
        if (interactive) process.stderr.write('\n');
        if (options.json) helpers.printJson(report);
        else {
          process.stdout.write(
            `ledger ${services.ledger.origin}: ${report.entries} entries, ${report.checkpoints} checkpoints (latest size ${report.latestCheckpoint ?? '-'}), ${(report.durationMs / 1000).toFixed(1)} s\n`,
          );
          if (report.ok)
            process.stdout.write('OK 存证核验通过: every entry matches the signed checkpoints\n');
          for (const problem of report.problems) {
            process.stdout.write(`TAMPERED ${problem.kind}: ${problem.message}\n`);
          }
        }
        if (!report.ok) process.exitCode = 1;
      }),
    );

  ledger
    .command('prove')
    .description('write the proof bundle of one event (sequences pending events first)')
    .requiredOption(
      '--event <id>',
      'ledger event id (as listed by the console or ledger.event.list)',
    )
    .option('--out <file>', 'output file (default govdx-ledger-<id>.json)')
    .action((options: { event: string; out?: string }) =>
      helpers.withPlatform(async (platform) => {
        const { services } = platform;
        const id = Number(options.event);
        if (!Number.isInteger(id) || id < 1)
          throw new AppError('BAD_REQUEST', {
            zh: '--event 应为正整数',
            en: '--event takes a positive integer',
          });
        await services.ledger.sequencer.sequence();
        const result = await buildBundle(services.db.kysely, id, services.ledger.origin);
        if (!result) throw new AppError('NOT_FOUND');
        if (result.state !== 'ready')
          throw new AppError('CONFLICT', {
            zh: '该事件尚未写入已签发的检查点',
            en: 'the event is not covered by a signed checkpoint yet',
          });
        const file = options.out ?? `govdx-ledger-${id}.json`;
        writeFileSync(file, `${JSON.stringify(result.bundle, null, 2)}\n`);
        process.stdout.write(
          `${file}: event ${id}, entry ${result.bundle.index} of ${result.bundle.treeSize}\n`,
        );
      }),
    );

  ledger
    .command('check-bundle <file>')
    .description('verify a proof bundle offline; exits 1 if any check fails')
    .option(
      '--verifier-key <vkey>',
      "the log's verifier key you trust (else the bundle's own, which proves less)",
    )
    .action((file: string, options: { verifierKey?: string }) => {
      let bundle: ProofBundle;
      try {
        bundle = JSON.parse(readFileSync(file, 'utf8')) as ProofBundle;
      } catch (error) {
        throw new AppError('BAD_REQUEST', {
          zh: `无法读取证明包：${(error as Error).message}`,
          en: `cannot read the bundle: ${(error as Error).message}`,
        });
      }
      const result = checkBundle(bundle, options.verifierKey);
      for (const step of result.steps) {
        process.stdout.write(
          `${step.ok ? 'ok  ' : 'FAIL'} ${step.check}${step.detail ? `: ${step.detail}` : ''}\n`,
        );
      }
      process.stdout.write(
        result.ok ? 'bundle verified 证明包核验通过\n' : 'bundle FAILED 证明包核验失败\n',
      );
      if (!result.ok) process.exitCode = 1;
    });

  ledger
    .command('witness')
    .description(
      'run a witness: fetch the log checkpoint, check it extends what this witness saw, cosign and submit',
    )
    .requiredOption('--log <url>', 'base URL of the govdx log (http://host:port)')
    .requiredOption('--key <file>', "the witness's Ed25519 private key (PEM); generated if missing")
    .option('--name <name>', 'witness key name (schema-less URL)', 'witness.local/govdx')
    .option('--log-key <vkey>', "the log's verifier key (else pinned on first contact)")
    .option('--interval <seconds>', 'seconds between rounds', '10')
    .option('--once', 'one round, then exit')
    .action(
      async (options: {
        log: string;
        key: string;
        name: string;
        logKey?: string;
        interval: string;
        once?: boolean;
      }) => {
        const code = await runWitness({
          logUrl: options.log.replace(/\/+$/, ''),
          keyFile: options.key,
          name: options.name,
          ...(options.logKey ? { logKey: options.logKey } : {}),
          intervalMs: Math.max(1, Number(options.interval)) * 1000,
          once: options.once === true,
          print: (line) => process.stdout.write(`${line}\n`),
        });
        process.exitCode = code;
      },
    );

  ledger
    .command('witness-add <vkey>')
    .description('register a witness by its cosignature verifier key (authority)')
    .action((vkey: string) =>
      helpers.withPlatform(async (platform) =>
        helpers.printJson(await helpers.run(platform, 'ledger.witness.add', { verifierKey: vkey })),
      ),
    );

  ledger
    .command('rotate-key')
    .description(
      'replace the generated log key in the data directory; the old public key stays trusted',
    )
    .action(() =>
      helpers.withPlatform((platform) => {
        const { config, ledger: runtime } = platform.services;
        if (process.env.GOVDX_LEDGER_KEY) {
          throw new AppError('CONFLICT', {
            zh: '签名密钥由 GOVDX_LEDGER_KEY 提供：请按 docs/API-ledger.md 在配置中轮换',
            en: 'the key comes from GOVDX_LEDGER_KEY: rotate it in the configuration (docs/API-ledger.md)',
          });
        }
        const keyFile = path.join(config.dataDir, 'ledger-key.pem');
        mkdirSync(config.dataDir, { recursive: true });
        const trustedFile = path.join(config.dataDir, TRUSTED_KEYS_FILE);
        if (!existsSync(trustedFile))
          writeFileSync(trustedFile, '# retired ledger keys, trusted by govdx ledger verify\n');
        appendFileSync(trustedFile, `${runtime.signer.verifierKey}\n`);
        const { privateKey } = generateKeyPairSync('ed25519');
        const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        writeFileSync(`${keyFile}.new`, pem, { mode: 0o600 });
        renameSync(`${keyFile}.new`, keyFile);
        process.stdout.write(
          `retired ${runtime.signer.verifierKey}\nnew key written to ${keyFile}; restart the server to sign with it\n`,
        );
        return Promise.resolve();
      }),
    );
}
