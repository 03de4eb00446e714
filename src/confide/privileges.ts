import type { PrivilegeColumns } from './schema.js';

/**
 * The capability flags of a PrivilegedUser (ImportConfideSharingUser.md, "PrivilegedUser
 * Properties"), in the page's order: the documented property, its column, its meaning.
 */
export const PRIVILEGES: ReadonlyArray<{ property: PrivilegeName; column: keyof PrivilegeColumns; description: string }> = [
  { property: 'isShareCoordinator', column: 'is_share_coordinator', description: 'Can manage and share objects in the share center.' },
  { property: 'canConfigureScan', column: 'can_configure_scan', description: 'Can skip anti-virus scan for files greater than 2 GB.' },
  { property: 'canGenerateAccessCodeLinkInShareCenter', column: 'can_generate_access_code_link_in_share_center', description: 'Can generate secure access links in the share center.' },
  { property: 'canShareLink', column: 'can_share_link', description: 'Can generate anonymous download links in a project.' },
  { property: 'canGenerateUploadLink', column: 'can_generate_upload_link', description: 'Can generate anonymous upload links in a project.' },
  { property: 'canGenerateDownloadLinkInShareCenter', column: 'can_generate_download_link_in_share_center', description: 'Can generate anonymous download links in the share center.' },
  { property: 'canGenerateUploadLinkInShareCenter', column: 'can_generate_upload_link_in_share_center', description: 'Can generate anonymous upload links in the share center.' },
];

export type PrivilegeName =
  | 'isShareCoordinator'
  | 'canConfigureScan'
  | 'canGenerateAccessCodeLinkInShareCenter'
  | 'canShareLink'
  | 'canGenerateUploadLink'
  | 'canGenerateDownloadLinkInShareCenter'
  | 'canGenerateUploadLinkInShareCenter';

export type Privileges = Partial<Record<PrivilegeName, boolean>>;

/** What the share center checks of an address before it touches a user. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
export const isEmailAddress = (email: string): boolean => EMAIL.test(email.trim());
