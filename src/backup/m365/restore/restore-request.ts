import { createHash } from 'node:crypto';
import { invalidField, type FieldError } from '../../shared/envelopes.js';
import { objectKey } from '../../shared/protected-object-store.js';
import type { RestoreBodyInput, RestoreTargetInput } from './restore-schemas.js';

/**
 * The rules of perform-restore-job.md's body: the scope that matches serviceType, at least one
 * target, files or folders in each, no empty path, at most 20 paths, no parent with its child.
 * Messages follow the 400 sample ("'Site Restore Scope' must not be empty.").
 */
export const MAX_RESTORE_PATHS = 20;
const RECOVERY_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/;
const UPN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export interface RestoreTargetItem {
  /** Index of its restoreTargets entry, to name the field of a problem found later. */
  targetIndex: number;
  libraryName: string;
  kind: 'file' | 'folder';
  path: string;
  /** Items restored for this target (a folder holds several). */
  items: number;
  /** Of those, items skipped because the destination already holds a newer version. */
  skipped: number;
}

export interface RestoreRequest {
  serviceType: 1 | 2 | 3 | 6;
  recoveryMs: number;
  /** The site URL or UPN as sent, and as a lookup key. */
  scopeText: string;
  scopeKey: string;
  /** Where a lookup failure is reported: SiteRestoreScope.SiteUrl or OneDriveRestoreScope.OneDriveUpn. */
  scopeField: string;
  targetsField: string;
  targets: RestoreTargetItem[];
}

export function readRestoreRequest(body: RestoreBodyInput): { request?: RestoreRequest; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let recoveryMs = Number.NaN;
  if (!RECOVERY_DATE_TIME.test(body.recoveryDateTime.trim())) {
    errors.push(invalidField('RecoveryDateTime', "'Recovery Date Time' must be in ISO 8601 UTC format yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mm:ss.fffffffZ."));
  } else {
    recoveryMs = Date.parse(body.recoveryDateTime.trim().replace(/(\.\d{3})\d+Z$/, '$1Z'));
    if (Number.isNaN(recoveryMs)) errors.push(invalidField('RecoveryDateTime', "'Recovery Date Time' is not a valid date."));
  }

  const oneDrive = body.serviceType === 2;
  const scopeName = oneDrive ? 'OneDriveRestoreScope' : 'SiteRestoreScope';
  const scope = oneDrive ? body.oneDriveRestoreScope : body.siteRestoreScope;
  if (!scope) {
    errors.push(invalidField(scopeName, `'${oneDrive ? 'One Drive Restore Scope' : 'Site Restore Scope'}' must not be empty.`));
    return { errors };
  }
  const keyField = oneDrive ? `${scopeName}.OneDriveUpn` : `${scopeName}.SiteUrl`;
  const keyText = String((oneDrive ? (scope as { oneDriveUpn?: unknown }).oneDriveUpn : (scope as { siteUrl?: unknown }).siteUrl) ?? '').trim();
  if (!keyText) {
    errors.push(invalidField(keyField, `'${oneDrive ? 'One Drive Upn' : 'Site Url'}' must not be empty.`));
  } else if (oneDrive ? !UPN.test(keyText) : !isHttpsUrl(keyText)) {
    errors.push(invalidField(keyField, oneDrive ? `'One Drive Upn' must be a user principal name such as alexw@contoso.onmicrosoft.com, not '${keyText.slice(0, 80)}'.` : `'Site Url' must be an absolute https URL of a site or subsite, not '${keyText.slice(0, 80)}'.`));
  }

  const targetsField = `${scopeName}.RestoreTargets`;
  const targets = scope.restoreTargets ?? [];
  if (targets.length === 0) errors.push(invalidField(targetsField, "'Restore Targets' must not be empty."));
  const items: RestoreTargetItem[] = [];
  targets.forEach((target, index) => items.push(...readTarget(target, index, `${targetsField}[${index}]`, errors)));
  if (items.length > MAX_RESTORE_PATHS) {
    errors.push(invalidField(targetsField, `The total number of file and folder paths cannot exceed ${MAX_RESTORE_PATHS}; this request has ${items.length}.`));
  }
  checkOverlaps(items, targetsField, errors);
  if (errors.length > 0) return { errors };
  return {
    errors,
    request: { serviceType: body.serviceType, recoveryMs, scopeText: keyText, scopeKey: objectKey(keyText), scopeField: keyField, targetsField, targets: items },
  };
}

function readTarget(target: RestoreTargetInput, targetIndex: number, at: string, errors: FieldError[]): RestoreTargetItem[] {
  const libraryName = typeof target.libraryName === 'string' ? target.libraryName.trim() : '';
  if (!libraryName) errors.push(invalidField(`${at}.LibraryName`, "'Library Name' must not be empty."));
  const files = target.files ?? [];
  const folders = target.folders ?? [];
  if (files.length === 0 && folders.length === 0) errors.push(invalidField(at, "'Files' and 'Folders' must not both be empty; give at least one."));
  const items: RestoreTargetItem[] = [];
  for (const [kind, list, name] of [['file', files, 'Files'], ['folder', folders, 'Folders']] as const) {
    list.forEach((entry, index) => {
      const path = normalisePath(entry?.relativePath);
      if (!path) {
        errors.push(invalidField(`${at}.${name}[${index}].RelativePath`, "'Relative Path' must not be empty."));
        return;
      }
      items.push(plan(targetIndex, libraryName, kind, path));
    });
  }
  return items;
}

const normalisePath = (value: unknown): string => (typeof value === 'string' ? value.trim().replace(/\\/g, '/').replace(/^\/+|\/+$/g, '') : '');

function checkOverlaps(items: RestoreTargetItem[], field: string, errors: FieldError[]): void {
  const seen = new Set<string>();
  for (const item of items) {
    const key = `${item.libraryName.toLowerCase()}/${item.path.toLowerCase()}`;
    if (seen.has(key)) errors.push(invalidField(field, `'${item.libraryName}/${item.path}' is listed more than once.`));
    seen.add(key);
  }
  for (const parent of items) {
    for (const child of items) {
      if (parent === child || parent.libraryName.toLowerCase() !== child.libraryName.toLowerCase()) continue;
      if (child.path.toLowerCase().startsWith(`${parent.path.toLowerCase()}/`)) {
        errors.push(invalidField(field, `Parent and child paths cannot be in the same request: '${parent.path}' contains '${child.path}'.`));
      }
    }
  }
}

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hostname.includes('.');
  } catch {
    return false;
  }
}

/**
 * How much a target restores, derived from its path so the same request always plans the
 * same work: a file is one item, a folder 2 to 60; about one item in twenty already exists
 * at the destination in a newer version and is skipped.
 */
function plan(targetIndex: number, libraryName: string, kind: 'file' | 'folder', path: string): RestoreTargetItem {
  const digest = createHash('sha256').update(`${libraryName.toLowerCase()}/${path.toLowerCase()}`).digest();
  const items = kind === 'file' ? 1 : 2 + (digest.readUInt16BE(0) % 59);
  const skipped = kind === 'file' ? (digest[2]! % 20 === 0 ? 1 : 0) : Math.floor((items * (digest[2]! % 10)) / 100);
  return { targetIndex, libraryName, kind, path, items, skipped };
}
