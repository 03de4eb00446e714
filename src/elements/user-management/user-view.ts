import { DAY_MS } from '../tenant-directory/conditions.js';
import { isoOf, type UserProfile } from '../tenant-directory/directory-records.js';
import type { UserWithStatus } from '../tenant-directory/directory-store.js';
import { LOCAL_ONLY_FIELDS } from './user-schemas.js';

const text = (profile: UserProfile, field: keyof UserProfile): string | null => {
  const value = profile[field];
  return typeof value === 'string' ? value : null;
};

const profileOf = (user: UserWithStatus) => JSON.parse(user.profile) as UserProfile;

/** A row of the security users and users batch pages; `age` there is the password's age in days. */
export function userListItem(user: UserWithStatus, nowMs: number) {
  const profile = profileOf(user);
  return {
    id: user.user_id,
    userPrincipalName: user.upn,
    mail: user.mail,
    displayName: user.display_name,
    firstName: text(profile, 'firstName'),
    lastName: text(profile, 'lastName'),
    employeeId: text(profile, 'employeeId'),
    location: text(profile, 'location'),
    company: text(profile, 'company'),
    department: text(profile, 'department'),
    mobile: text(profile, 'mobile'),
    jobTitle: text(profile, 'jobTitle'),
    isTestUser: user.is_test === 1,
    age: Math.max(0, Math.floor((nowMs - user.password_changed_ms) / DAY_MS)),
    startDate: text(profile, 'enforceStartDateTime'),
    endDate: text(profile, 'enforceEndDateTime'),
    countryOrRegion: text(profile, 'countryRegion'),
    status: user.statuses,
  };
}

/** Whole years from a birthday to now; null without one. */
function yearsSince(birthday: string | null, nowMs: number): number | null {
  if (!birthday) return null;
  const born = new Date(birthday);
  if (Number.isNaN(born.getTime())) return null;
  const now = new Date(nowMs);
  let years = now.getUTCFullYear() - born.getUTCFullYear();
  if (now.getUTCMonth() < born.getUTCMonth() || (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() < born.getUTCDate())) years -= 1;
  return Math.max(0, years);
}

/** get-information-of-user.md; a local user's own fields (middle name, notes, profile …) follow the documented ones. */
export function userDetail(user: UserWithStatus, nowMs: number) {
  const profile = profileOf(user);
  const birthday = text(profile, 'birthday');
  const detail: Record<string, unknown> = {
    id: user.user_id,
    manager: text(profile, 'manager'),
    firstName: text(profile, 'firstName'),
    lastName: text(profile, 'lastName'),
    displayName: user.display_name,
    jobTitle: text(profile, 'jobTitle'),
    employeeId: text(profile, 'employeeId'),
    alternateEmailAddress: profile.alternateEmailAddress ?? [],
    company: text(profile, 'company'),
    department: text(profile, 'department'),
    location: text(profile, 'location'),
    passwordNeverExpire: user.password_never_expire === 1,
    lastChangeDate: isoOf(user.modified_ms),
    age: yearsSince(birthday, nowMs),
    isTestUser: user.is_test === 1,
    officePhone: text(profile, 'officePhone'),
    mobile: text(profile, 'mobile'),
    birthday,
    mail: user.mail,
    usageLocation: text(profile, 'usageLocation'),
    preferredLanguage: text(profile, 'preferredLanguage'),
    enforceStart: profile.enforceStart ?? false,
    enforceStartDateTime: text(profile, 'enforceStartDateTime'),
    enforceEnd: profile.enforceEnd ?? false,
    enforceEndDateTime: text(profile, 'enforceEndDateTime'),
    postalCode: text(profile, 'postalCode'),
    countryRegion: text(profile, 'countryRegion'),
    state: text(profile, 'state'),
    address: text(profile, 'address'),
    loginName: user.upn,
    status: user.statuses,
    isExternal: user.is_external === 1,
    fax: text(profile, 'fax'),
    sponsor: text(profile, 'sponsor'),
    template: text(profile, 'template'),
    city: text(profile, 'city'),
  };
  if (user.kind === 'local') for (const field of LOCAL_ONLY_FIELDS) detail[field] = text(profile, field);
  return detail;
}
