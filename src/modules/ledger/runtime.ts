import type { Logger } from 'pino';
import type { Config } from '../../config/env.ts';
import type { Db } from '../../db/database.ts';
import { PersonalDataHasher, type LedgerWriter } from './events.ts';
import { logSigner, type NoteSigner } from './note.ts';
import { LedgerSequencer } from './sequencer.ts';

/** The ledger's long-lived parts (Services.ledger): its key, origin, sequencer and PII hasher. */
export interface LedgerRuntime extends LedgerWriter {
  origin: string;
  signer: NoteSigner;
  sequencer: LedgerSequencer;
  intervalMs: number;
  /** Records the signing key in ledger_keys, so that a rotation keeps old checkpoints checkable. */
  registerKey(): Promise<void>;
}

export function createLedgerRuntime(db: Db, config: Config, logger: Logger): LedgerRuntime {
  const signer = logSigner(config.ledgerOrigin, config.ledgerKey);
  return {
    origin: config.ledgerOrigin,
    signer,
    personalData: new PersonalDataHasher(Buffer.from(config.piiHmacKey)),
    auditPendingFlag: db.raw.engine === 'postgres' ? 1 : 0,
    sequencer: new LedgerSequencer(db, signer, config.ledgerOrigin, logger),
    intervalMs: config.ledgerIntervalMs,
    registerKey: async () => {
      const known = await db.kysely
        .selectFrom('ledger_keys')
        .select('key_id')
        .where('key_id', '=', signer.keyId)
        .executeTakeFirst();
      if (known) return;
      const now = new Date().toISOString();
      await db.kysely.transaction().execute(async (trx) => {
        await trx
          .updateTable('ledger_keys')
          .set({ retired_at: now })
          .where('retired_at', 'is', null)
          .execute();
        await trx
          .insertInto('ledger_keys')
          .values({ key_id: signer.keyId, verifier_key: signer.verifierKey, first_used_at: now })
          .onConflict((conflict) => conflict.column('key_id').doNothing())
          .execute();
      });
    },
  };
}
