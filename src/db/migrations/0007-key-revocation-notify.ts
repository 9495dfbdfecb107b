import { Migration } from '@mikro-orm/migrations';

/**
 * Revoking an API key is published with NOTIFY on `api_key_revoked` (payload: the key id) in
 * the revoking transaction, whoever revokes it (GraphQL, the keys CLI, plain SQL), so every API
 * process closes what the key holds open within moments.
 */
export class Migration0007KeyRevocationNotify extends Migration {
  override name = '0007-key-revocation-notify';

  override up(): void {
    this.addSql(`
      create function api_keys_notify_revoked() returns trigger language plpgsql as $$
      begin
        perform pg_notify('api_key_revoked', new.id);
        return new;
      end;
      $$;

      create trigger api_keys_revoked after update of revoked_at on api_keys
        for each row when (old.revoked_at is null and new.revoked_at is not null)
        execute function api_keys_notify_revoked();
    `);
  }

  override down(): void {
    this.addSql(`
      drop trigger if exists api_keys_revoked on api_keys;
      drop function if exists api_keys_notify_revoked();
    `);
  }
}
