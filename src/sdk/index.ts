/**
 * `import { GraphClient, ClientSecretCredential } from 'meridian/sdk'`: a typed client of the
 * AvePoint Graph API, generated from Meridian's route schemas.
 */
export { GraphClient, type GraphClientOptions } from './graph-client.js';
export { ClientSecretCredential, CertificateCredential, type AccessToken, type TokenCredential, type CredentialOptions, type CertificateCredentialOptions } from './credentials.js';
export * from './errors.js';
export type { CallOptions, OperationDescriptor } from './operation-types.js';
export type { PagingSpec } from './paging.js';
export * from './generated/operations.js';
export { exportReport, ExportFailedError, type ExportOperationId, type ExportOptions, type ExportProgress } from './insights-exports.js';
export { restoreStatus, waitForRestore, RestoreFailedError, type RestoreService, type RestoreStatus, type WaitOptions } from './restore-waits.js';
export { WaitTimeoutError } from './wait-timeout.js';
