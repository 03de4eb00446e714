import type { ScopeType } from '../catalogue.js';

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export const isEmailAddress = (text: string): boolean => EMAIL.test(text.trim());

/**
 * The identity of an archived scope. SharePoint URLs and email addresses are
 * case-insensitive, and "…/sites/Finance/" is the same site as "…/sites/Finance", so both
 * are compared through this key while the caller's spelling is echoed back.
 */
export function scopeKey(type: ScopeType, scope: string): string | undefined {
  const text = scope.trim();
  if (type === 'TeamsGroup') return EMAIL.test(text) ? text.toLowerCase() : undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.search || url.hash || url.username || url.password) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  return `${url.host}${path.replace(/\/+$/, '')}`.toLowerCase();
}

export function describeScope(type: ScopeType): string {
  return type === 'SiteCollection' ? 'the URL of a site collection, such as https://contoso.sharepoint.com/sites/Finance' : 'the group email address of a Team or Group, such as finance-team@contoso.com';
}
