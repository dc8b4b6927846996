import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every setting govdx reads from the environment, declared once with its type, default and meaning
 * (the Outline `server/env.ts` pattern). `loadConfig` validates all of them at boot and reports every
 * problem at once, so an operator fixes the whole list in one go.
 */
export interface Config {
  /** `sqlite:<file>` (embedded, default) or `postgres://...` (production). */
  databaseUrl: string;
  port: number;
  host: string;
  /** Where the SQLite file, the generated session secret and later uploads live. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Keys the HMAC under which session tokens are stored; generated and persisted on first start if unset. */
  sessionSecret: string;
  /** Load the demo jurisdiction into an empty database at start (`npm start` sets it). */
  demo: boolean;
  /** How much synthetic aggregated data the demo loads: full (200,000 persons ...), sample or none. */
  demoData: 'full' | 'sample' | 'none';
  /** Secure flag on the session cookie; on by default in production behind TLS. */
  cookieSecure: boolean;
  /** Origins allowed by CORS; empty (the default) means CORS is off. */
  corsOrigins: string[];
  /** Largest accepted JSON body in bytes. */
  bodyLimit: number;
  /** Requests per minute per client for the whole API. */
  rateLimitPerMinute: number;
  /** Failed logins per username+address per 15 minutes before login answers 429. */
  loginMaxAttempts: number;
  /** The address the public reaches the platform at; IRIs of the DCAT export point there. */
  publicUrl: string;
  /** Largest file one ingestion batch accepts, in bytes (uploads stream; this is not held in memory). */
  ingestMaxBytes: number;
  /** Default share of rejected rows (percent) above which a batch is refused whole (issue 4). */
  ingestMaxRejectedPercent: number;
  /**
   * Ed25519 private key (PKCS#8 PEM) that signs data API responses (issue 5); generated and persisted
   * in the data directory on first start if unset.
   */
  signingKey: string;
  /** Largest page of the data API's query (larger requests are clamped to it). */
  shareMaxPageSize: number;
  /**
   * Ed25519 private key (PKCS#8 PEM) that signs the ledger's checkpoints (issue 6); generated into
   * <data dir>/ledger-key.pem (mode 0600) on first start if unset.
   */
  ledgerKey: string;
  /** The ledger's origin line and key name, e.g. `ledger.dsj.shenyang.gov.cn/govdx`; never change it. */
  ledgerOrigin: string;
  /** HMAC key under which personal identifiers appear in ledger events; generated if unset. */
  piiHmacKey: string;
  /** Milliseconds between sequencer passes (each pass with new events signs a checkpoint). */
  ledgerIntervalMs: number;
  /** Open-portal requests per minute per address for anonymous callers (issue 7, R5.4). */
  openRateAnonymous: number;
  /** Open-portal requests per minute per API key or signed-in public account. */
  openRateKeyed: number;
  /**
   * How public accounts are verified (R1.3): `authority` (organisations wait for the authority's
   * approval; the default) or the URL of a real-name verification service.
   */
  identityVerifier: string;
  /**
   * Milliseconds jieba (catalog search's Chinese segmenter, about 70 MB loaded) stays loaded after its
   * last use; 0 keeps it for the life of the process (modules/catalog/segmenter.ts).
   */
  segmenterIdleMs: number;
}

export interface ConfigVariable {
  name: string;
  description: string;
  default: string;
}

/** Documentation table used by `govdx config check` and README generation. */
export const CONFIG_VARIABLES: ConfigVariable[] = [
  {
    name: 'GOVDX_DATABASE_URL',
    description: 'sqlite:<file> or postgres://user@host:port/db',
    default: 'sqlite:<GOVDX_DATA_DIR>/govdx.db',
  },
  { name: 'GOVDX_PORT', description: 'HTTP port', default: '8080' },
  { name: 'GOVDX_HOST', description: 'listen address', default: '127.0.0.1' },
  {
    name: 'GOVDX_DATA_DIR',
    description: 'data directory (SQLite file, generated secrets)',
    default: './data',
  },
  {
    name: 'GOVDX_LOG_LEVEL',
    description: 'fatal|error|warn|info|debug|trace|silent',
    default: 'info',
  },
  {
    name: 'GOVDX_SESSION_SECRET',
    description: 'session HMAC key, >= 32 chars; generated into <data dir>/session-secret if unset',
    default: '(generated)',
  },
  {
    name: 'GOVDX_DEMO',
    description: '1 loads the demo jurisdiction into an empty database',
    default: '0',
  },
  {
    name: 'GOVDX_COOKIE_SECURE',
    description: '1 marks the session cookie Secure (use behind HTTPS)',
    default: '0',
  },
  {
    name: 'GOVDX_CORS_ORIGINS',
    description: 'comma-separated allowed origins; empty disables CORS',
    default: '',
  },
  {
    name: 'GOVDX_BODY_LIMIT',
    description: 'largest JSON request body in bytes',
    default: '1048576',
  },
  { name: 'GOVDX_RATE_LIMIT', description: 'API requests per minute per client', default: '6000' },
  {
    name: 'GOVDX_LOGIN_MAX_ATTEMPTS',
    description: 'failed logins per user and address per 15 min',
    default: '5',
  },
  {
    name: 'GOVDX_DEMO_DATA',
    description:
      'aggregated demo data: full (200,000 persons, 50,000 legal persons ...), sample or none',
    default: 'full',
  },
  {
    name: 'GOVDX_INGEST_MAX_BYTES',
    description: 'largest file one ingestion batch accepts, in bytes',
    default: '21474836480',
  },
  {
    name: 'GOVDX_INGEST_MAX_REJECTED_PERCENT',
    description: 'default share of rejected rows (percent) above which a batch is refused whole',
    default: '5',
  },
  {
    name: 'GOVDX_SIGNING_KEY',
    description:
      'Ed25519 private key (PKCS#8 PEM, \\n for newlines allowed) signing data API responses',
    default: 'generated into <GOVDX_DATA_DIR>/signing-key.pem',
  },
  {
    name: 'GOVDX_SHARE_MAX_PAGE_SIZE',
    description: 'largest page of the sharing data API query (larger requests are clamped)',
    default: '1000',
  },
  {
    name: 'GOVDX_LEDGER_KEY',
    description:
      'Ed25519 PKCS#8 PEM signing ledger checkpoints; generated into <data dir>/ledger-key.pem if unset',
    default: '(generated)',
  },
  {
    name: 'GOVDX_LEDGER_ORIGIN',
    description:
      'ledger origin and key name (schema-less URL, no spaces or +); set before first start',
    default: 'govdx.local/ledger',
  },
  {
    name: 'GOVDX_PII_HMAC_KEY',
    description:
      'HMAC key for personal identifiers in ledger events, >= 32 chars; generated if unset',
    default: '(generated)',
  },
  {
    name: 'GOVDX_LEDGER_INTERVAL_MS',
    description: 'milliseconds between ledger sequencing passes (and checkpoints)',
    default: '1000',
  },
  {
    name: 'GOVDX_OPEN_RATE_ANONYMOUS',
    description: 'open portal and CKAN API requests per minute per address without an API key',
    default: '120',
  },
  {
    name: 'GOVDX_OPEN_RATE_KEYED',
    description: 'open portal and CKAN API requests per minute per API key (or signed-in account)',
    default: '1200',
  },
  {
    name: 'GOVDX_IDENTITY_VERIFIER',
    description:
      'verification of public accounts: authority (the authority approves organisations) or the https:// URL of a real-name verification service',
    default: 'authority',
  },
  {
    name: 'GOVDX_SEGMENTER_IDLE_MS',
    description:
      'milliseconds the Chinese segmenter of catalog search (about 70 MB) stays loaded after its last use; 0 keeps it loaded',
    default: '5000',
  },
  {
    name: 'GOVDX_PUBLIC_URL',
    description: 'public address (scheme://host[:port]) used in exported links and DCAT IRIs',
    default: 'http://<GOVDX_HOST>:<GOVDX_PORT>',
  },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function parseDemoData(raw: string | undefined, problems: string[]): Config['demoData'] {
  if (raw === undefined || raw === '') return 'full';
  if (raw === 'full' || raw === 'sample' || raw === 'none') return raw;
  problems.push(`GOVDX_DEMO_DATA="${raw}" must be full, sample or none`);
  return 'full';
}

function parseInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}="${raw}" must be an integer between ${min} and ${max}`);
    return fallback;
  }
  return value;
}

function parseIdentityVerifier(raw: string | undefined, problems: string[]): string {
  if (raw === undefined || raw === '' || raw === 'authority') return 'authority';
  if (/^https?:\/\/\S+$/.test(raw)) return raw;
  problems.push(`GOVDX_IDENTITY_VERIFIER="${raw}" must be authority or an http(s):// URL`);
  return 'authority';
}

function parseFlag(env: NodeJS.ProcessEnv, name: string, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  problems.push(`${name}="${raw}" must be 1/true or 0/false`);
  return false;
}

/**
 * Reads and validates the configuration. `persistSecret` writes a generated session secret into the
 * data directory so that sessions survive restarts; checks (`govdx config check`) pass false.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { persistSecret?: boolean } = {},
): Config {
  const problems: string[] = [];
  const dataDir = path.resolve(env.GOVDX_DATA_DIR || './data');
  const databaseUrl = env.GOVDX_DATABASE_URL || `sqlite:${path.join(dataDir, 'govdx.db')}`;
  if (!/^sqlite:.+/.test(databaseUrl) && !/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    problems.push(`GOVDX_DATABASE_URL="${databaseUrl}" must start with sqlite: or postgres://`);
  }
  const logLevel = (env.GOVDX_LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`GOVDX_LOG_LEVEL="${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`);
  }
  let sessionSecret = env.GOVDX_SESSION_SECRET ?? '';
  if (sessionSecret !== '' && sessionSecret.length < 32) {
    problems.push('GOVDX_SESSION_SECRET must be at least 32 characters');
  }
  const corsOrigins = (env.GOVDX_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin))
      problems.push(`GOVDX_CORS_ORIGINS entry "${origin}" is not an origin`);
  }
  const config: Omit<Config, 'publicUrl' | 'signingKey' | 'ledgerKey' | 'piiHmacKey'> = {
    databaseUrl,
    port: parseInteger(env, 'GOVDX_PORT', 8080, 0, 65535, problems),
    host: env.GOVDX_HOST || '127.0.0.1',
    dataDir,
    logLevel,
    sessionSecret,
    demo: parseFlag(env, 'GOVDX_DEMO', problems),
    demoData: parseDemoData(env.GOVDX_DEMO_DATA, problems),
    cookieSecure: parseFlag(env, 'GOVDX_COOKIE_SECURE', problems),
    corsOrigins,
    bodyLimit: parseInteger(env, 'GOVDX_BODY_LIMIT', 1_048_576, 1024, 1024 ** 3, problems),
    rateLimitPerMinute: parseInteger(env, 'GOVDX_RATE_LIMIT', 6000, 1, 10_000_000, problems),
    loginMaxAttempts: parseInteger(env, 'GOVDX_LOGIN_MAX_ATTEMPTS', 5, 1, 1000, problems),
    ingestMaxBytes: parseInteger(
      env,
      'GOVDX_INGEST_MAX_BYTES',
      20 * 1024 ** 3,
      1024,
      Number.MAX_SAFE_INTEGER,
      problems,
    ),
    shareMaxPageSize: parseInteger(env, 'GOVDX_SHARE_MAX_PAGE_SIZE', 1000, 1, 100_000, problems),
    ledgerOrigin: env.GOVDX_LEDGER_ORIGIN || 'govdx.local/ledger',
    ledgerIntervalMs: parseInteger(env, 'GOVDX_LEDGER_INTERVAL_MS', 1000, 50, 60_000, problems),
    openRateAnonymous: parseInteger(env, 'GOVDX_OPEN_RATE_ANONYMOUS', 120, 1, 10_000_000, problems),
    openRateKeyed: parseInteger(env, 'GOVDX_OPEN_RATE_KEYED', 1200, 1, 10_000_000, problems),
    identityVerifier: parseIdentityVerifier(env.GOVDX_IDENTITY_VERIFIER, problems),
    segmenterIdleMs: parseInteger(
      env,
      'GOVDX_SEGMENTER_IDLE_MS',
      5000,
      0,
      24 * 3600 * 1000,
      problems,
    ),
    ingestMaxRejectedPercent: parseInteger(
      env,
      'GOVDX_INGEST_MAX_REJECTED_PERCENT',
      5,
      0,
      100,
      problems,
    ),
  };
  const publicUrl = (env.GOVDX_PUBLIC_URL || `http://${config.host}:${config.port}`).replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\/[^/]+(\/.*)?$/.test(publicUrl)) {
    problems.push(`GOVDX_PUBLIC_URL="${publicUrl}" must be an http(s) address`);
  }
  let signingKey = (env.GOVDX_SIGNING_KEY ?? '').replace(/\\n/g, '\n').trim();
  if (signingKey !== '' && !signingKey.startsWith('-----BEGIN PRIVATE KEY-----')) {
    problems.push('GOVDX_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM');
  }
  let ledgerKey = (env.GOVDX_LEDGER_KEY ?? '').replace(/\\n/g, '\n').trim();
  if (ledgerKey !== '' && !ledgerKey.startsWith('-----BEGIN PRIVATE KEY-----')) {
    problems.push('GOVDX_LEDGER_KEY must be an Ed25519 private key in PKCS#8 PEM');
  }
  if (/[\s+]/.test(config.ledgerOrigin)) {
    problems.push(`GOVDX_LEDGER_ORIGIN="${config.ledgerOrigin}" must not contain spaces or +`);
  }
  let piiHmacKey = env.GOVDX_PII_HMAC_KEY ?? '';
  if (piiHmacKey !== '' && piiHmacKey.length < 32) {
    problems.push('GOVDX_PII_HMAC_KEY must be at least 32 characters');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (sessionSecret === '') {
    sessionSecret = readOrCreateSecret(dataDir, 'session-secret', options.persistSecret ?? true);
  }
  if (signingKey === '')
    signingKey = readOrCreateSigningKey(dataDir, 'signing-key.pem', options.persistSecret ?? true);
  if (ledgerKey === '')
    ledgerKey = readOrCreateSigningKey(dataDir, 'ledger-key.pem', options.persistSecret ?? true);
  if (piiHmacKey === '')
    piiHmacKey = readOrCreateSecret(dataDir, 'pii-hmac-key', options.persistSecret ?? true);
  return { ...config, sessionSecret, signingKey, ledgerKey, piiHmacKey, publicUrl };
}

function readOrCreateSigningKey(dataDir: string, name: string, persist: boolean): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
  if (persist) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${pem}\n`, { mode: 0o600 });
  }
  return pem;
}

function readOrCreateSecret(dataDir: string, name: string, persist: boolean): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  if (persist) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  }
  return secret;
}
