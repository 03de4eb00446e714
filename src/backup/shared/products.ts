/** The Cloud Backup products this module serves; the value is the `product` column of every table. */
export const BACKUP_PRODUCTS = ['m365', 'd365', 'iaas-paas', 'google', 'salesforce'] as const;
export type BackupProduct = (typeof BACKUP_PRODUCTS)[number];
