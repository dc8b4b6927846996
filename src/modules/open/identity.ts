import type { Logger } from 'pino';
import type { OpenAccountKind, OpenVerification } from '../../db/schema.ts';

/**
 * Identity verification of public accounts (R1.3: users register "with verified identity"). The step
 * is pluggable: the default leaves organisation accounts to the authority's approval in the console;
 * a region with a real-name verification service (a province's unified identity platform) points
 * `GOVDX_IDENTITY_VERIFIER` at it.
 */
export interface Registration {
  kind: OpenAccountKind;
  username: string;
  displayName: string;
  email: string;
  phone: string | null;
  orgName: string | null;
  creditCode: string | null;
}

export interface VerificationOutcome {
  verification: OpenVerification;
  note: string | null;
  /** Who decided: `authority` when it is left to the console, else the service. */
  by: string | null;
}

export interface IdentityVerifier {
  verify(registration: Registration): Promise<VerificationOutcome>;
}

/** Individuals are verified by registering; organisations wait for the authority. */
export const authorityVerifier: IdentityVerifier = {
  verify: (registration) =>
    Promise.resolve(
      registration.kind === 'individual'
        ? { verification: 'verified', note: null, by: 'registration' }
        : { verification: 'pending', note: null, by: null },
    ),
};

const SERVICE_TIMEOUT_MS = 5_000;

/**
 * A real-name verification service: `POST <url>` with the registration as JSON, answering
 * `{"verified": true|false, "note": "..."}`. An unreachable or malformed service leaves the account
 * pending for the authority rather than refusing or admitting it.
 */
export function serviceVerifier(url: string, logger: Logger): IdentityVerifier {
  return {
    async verify(registration) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(registration),
          signal: AbortSignal.timeout(SERVICE_TIMEOUT_MS),
        });
        const body = (await response.json()) as { verified?: unknown; note?: unknown };
        if (!response.ok || typeof body.verified !== 'boolean')
          throw new Error(`HTTP ${response.status}`);
        return {
          verification: body.verified ? 'verified' : 'rejected',
          note: typeof body.note === 'string' ? body.note.slice(0, 500) : null,
          by: new URL(url).host,
        };
      } catch (error) {
        logger.warn({ err: error }, 'identity verification service failed; account left pending');
        return { verification: 'pending', note: null, by: null };
      }
    },
  };
}

export function identityVerifier(setting: string, logger: Logger): IdentityVerifier {
  return setting === 'authority' ? authorityVerifier : serviceVerifier(setting, logger);
}
