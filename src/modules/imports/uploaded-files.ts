import type pg from 'pg';
import type { Queryable } from '../../db/queryable.js';
import type { UploadedContact } from '../uploads/upload-formats.js';
import * as uploads from '../uploads/upload.repository.js';
import type { MigrationUpload } from '../uploads/upload.repository.js';

/**
 * The files uploaded into the job being imported, as the import phases read them: contacts
 * exports merged into the account's contacts by address, suppression exports added to the
 * source's suppression list.
 */
export class UploadedFiles {
  private constructor(
    readonly contactUploads: MigrationUpload[],
    readonly suppressionUploads: MigrationUpload[],
  ) {}

  static readonly none = new UploadedFiles([], []);

  static async load(pool: pg.Pool, jobId: string): Promise<UploadedFiles> {
    const ready = await uploads.readyUploads(pool, jobId);
    return new UploadedFiles(
      ready.filter((u) => u.content === 'contacts'),
      ready.filter((u) => u.content === 'suppressions'),
    );
  }

  get hasContacts(): boolean {
    return this.contactUploads.length > 0;
  }

  /** The uploaded records of these addresses. */
  contacts(db: Queryable, emails: string[]): Promise<Map<string, UploadedContact>> {
    return uploads.matchContacts(db, this.contactUploads.map((u) => u.id), emails);
  }

  /** Uploaded contacts the organization lacks once the account's contacts are in (asked after a pass over everyone). */
  unmatched(db: Queryable, organizationId: string) {
    return uploads.unmatchedContacts(db, organizationId, this.contactUploads);
  }
}
